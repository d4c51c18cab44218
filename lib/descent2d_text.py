"""The 2-D descent lesson in words: what each optimizer's path did, and what the gradient noise did, read off the
paths (and, with noise, off the same paths with noise 0)."""

from __future__ import annotations

import numpy as np

from lib.descent2d import NEAR, RUNAWAY, describe_path


def _listed(items: list[str]) -> str:
    return ", ".join(items)


def describe_paths(
    surface: str, paths: dict[str, np.ndarray], steps: int, noise_free: dict[str, np.ndarray] | None = None
) -> list[str]:
    """One sentence per finding, computed from the paths: who reached the minimum first, who zig-zagged, who
    overshot (the loss went up), who diverged. With gradient noise, `noise_free` holds the same paths with noise 0:
    a rise or a reversal that the noise-free path does not have is the noise's doing, and is called so."""
    facts = {name: describe_path(surface, path, steps) for name, path in paths.items()}
    quiet = {name: describe_path(surface, noise_free[name], steps) for name in paths} if noise_free else None
    sentences = []
    reached = sorted((f["reached_after"], name) for name, f in facts.items() if f["reached_after"] is not None)
    if reached:
        order = ", then ".join(f"{name} ({after} steps)" for after, name in reached)
        sentences.append(f"Reached the lowest region (loss within {NEAR} of the minimum) first: {order}.")
        left = [name for _, name in reached if not facts[name]["diverged"] and not facts[name]["ends_near"]]
        if left:
            sentences.append(f"Ended outside that region again: {_listed(left)}.")
    missed = [name for name, f in facts.items() if f["reached_after"] is None and not f["diverged"]]
    if missed:
        sentences.append(f"Not there after {steps} steps: {', '.join(missed)}.")
    sentences += _zigzag_sentences(facts, quiet)
    sentences += _rise_sentences(facts, quiet)
    for name, f in facts.items():
        if f["diverged"]:
            cause = (
                " Without the noise it does not diverge: the noise threw it out."
                if quiet and not quiet[name]["diverged"]
                else ""
            )
            sentences.append(
                f"{name} diverged: after {f['steps']} steps it was more than {RUNAWAY:g} away, and its path stops "
                f"there (marked ✕ at the chart's edge when it left the picture).{cause}"
            )
    return sentences


def _zigzag_sentences(facts: dict, quiet: dict | None) -> list[str]:
    sentences = []
    if quiet is None:
        zigzag = [f"{name} ({f['reversals']} of {f['moves']} steps)" for name, f in facts.items() if f["reversals"]]
        if zigzag:
            sentences.append(f"Reversed direction (zig-zag): {_listed(zigzag)}.")
    else:
        own = [
            f"{name} ({q['reversals']} of {q['moves']} steps without noise, {f['reversals']} with it)"
            for name, f in facts.items()
            for q in [quiet[name]]
            if f["reversals"] and quiet[name]["reversals"]
        ]
        if own:
            sentences.append(f"Reversed direction (zig-zag) even without noise: {_listed(own)}.")
        noisy = [
            f"{name} ({f['reversals']} of {f['moves']} steps)"
            for name, f in facts.items()
            if f["reversals"] and not quiet[name]["reversals"]
        ]
        if noisy:
            sentences.append(
                f"Reversed direction only because of the gradient noise (never without it): {_listed(noisy)}."
            )
    straight = [name for name, f in facts.items() if not f["reversals"] and f["moves"] > 1]
    if straight:
        sentences.append(f"Never reversed direction: {_listed(straight)}.")
    return sentences


def _rise_sentences(facts: dict, quiet: dict | None) -> list[str]:
    rising = {name: f for name, f in facts.items() if f["loss_rises"] and not f["diverged"]}
    if quiet is None:
        rises = [f"{name} ({f['loss_rises']} steps)" for name, f in rising.items()]
        return [f"Overshot, so the loss went up on some steps: {_listed(rises)}."] if rises else []
    sentences = []
    own = [
        f"{name} ({quiet[name]['loss_rises']} steps without noise, {f['loss_rises']} with it)"
        for name, f in rising.items()
        if quiet[name]["loss_rises"]
    ]
    if own:
        sentences.append(f"Overshot even without noise, so the loss went up on some steps: {_listed(own)}.")
    noisy = [f"{name} ({f['loss_rises']} steps)" for name, f in rising.items() if not quiet[name]["loss_rises"]]
    if noisy:
        sentences.append(
            f"The loss went up on some steps only because of the gradient noise (never without it): {_listed(noisy)}."
        )
    return sentences


def describe_escapes(rows: list[dict], steps: int = 200) -> str:
    """Who left the saddle's ridge first and last, from the table."""
    key = "left the ridge after (steps)"
    left = sorted((row[key], row["optimizer"]) for row in rows if row[key] is not None)
    stayed = [row["optimizer"] for row in rows if row[key] is None]
    parts = []
    if left:
        parts.append("Order of escape: " + ", ".join(f"{name} ({n} steps)" for n, name in left) + ".")
    if stayed:
        parts.append(f"Still on the ridge after {steps} steps: {', '.join(stayed)}.")
    else:
        parts.append("All of them got away from the flat point; none stayed stuck.")
    return " ".join(parts)
