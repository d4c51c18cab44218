"""Experiments made of several runs: a learning-rate sweep, and twin runs that differ in one setting.

Each is a series of ordinary TrainingJobs (lib/lab/series.py): one entry in the same queue as any training, so a
class shares the server the same way whatever its learners do.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from lib.choices import BOUNDS, OPTIMIZERS
from lib.lab.config import TrainConfig
from lib.lab.series import RunOutcome


# --- the learning-rate sweep --------------------------------------------------------------------------------
def sweep_exponents() -> tuple[int, int]:
    """The sweep slider's ends, powers of ten inside the lab's own learning-rate bounds (so every rate runs)."""
    bound = BOUNDS["learning_rate"]
    return math.ceil(math.log10(bound.low) - 1e-9), math.floor(math.log10(bound.high) + 1e-9)


def sweep_rates(low_exponent: float, high_exponent: float, points: int) -> list[float]:
    """Learning rates evenly spaced on a log scale, from 10^low to 10^high."""
    return [float(f"{10**e:.3g}") for e in np.linspace(low_exponent, high_exponent, points)]


def sweep_configs(base: TrainConfig, optimizer: str, rates: list[float]) -> list[TrainConfig]:
    return [replace(base, optimizer=optimizer, learning_rate=rate) for rate in rates]


BARELY = 0.8  # a run whose last epoch's mean loss stays above this share of the untrained loss barely learned
NOT_FINISHED = {  # end states that say nothing about the learning rate, and how the page names them
    "stopped": "stopped",
    "cancelled": "cancelled",
    "failed": "failed",
    "invalid": "invalid",
}


def _learned(outcome: RunOutcome, barely: float) -> bool | None:
    """None if the run diverged; else whether its last epoch's mean loss was at most `barely` × the untrained loss."""
    if outcome.state == "diverged" or outcome.final_loss is None or not math.isfinite(outcome.final_loss):
        return None
    return not (outcome.initial_loss and outcome.final_loss > barely * outcome.initial_loss)


def point_zones(outcomes: list[RunOutcome], barely: float = BARELY) -> list[str]:
    """Each run's zone, in the order given. A run that did not finish is named by what happened to it (stopped,
    cancelled, failed, invalid) and judges nothing. Of the rest: 'diverges' (the loss blew up), 'good' (its last
    epoch's mean loss was at most `barely` × the untrained loss), or, for a run that barely moved its loss, 'too
    small' at a rate below every rate that learned, 'too large' above them (it stalls or thrashes without blowing
    up), 'barely learns' otherwise (between rates that learned, or when no rate learned)."""
    judged = [o.state not in NOT_FINISHED for o in outcomes]
    learned = [_learned(o, barely) if ok else False for o, ok in zip(outcomes, judged, strict=True)]
    good = [o.config.learning_rate for o, ok in zip(outcomes, learned, strict=True) if ok]
    zones = []
    for o, ok, counted in zip(outcomes, learned, judged, strict=True):
        rate = o.config.learning_rate
        if not counted:
            zones.append(NOT_FINISHED[o.state])
        elif ok is None:
            zones.append("diverges")
        elif ok:
            zones.append("good")
        elif good and rate < min(good):
            zones.append("too small")
        elif good and rate > max(good):
            zones.append("too large")
        else:
            zones.append("barely learns")
    return zones


# the order the chart's legend lists them
ZONES = ["too small", "good", "too large", "barely learns", "diverges", *NOT_FINISHED.values()]
ZONE_NOTE = (
    f"Good: the last epoch's mean training loss was at most {BARELY:.0%} of the untrained loss. Too small / too "
    "large: it was above that, at a rate below / above every rate that learned (barely learns: between them, or "
    "when no rate learned). Diverges: the loss blew up. Stopped, cancelled, invalid or failed runs are named as "
    "such and judge nothing. The zones hold for the budget each run had: more epochs or more images give a small "
    "rate more steps, so the boundaries move."
)


def name_zones(outcomes: list[RunOutcome]) -> list[tuple[str, float, float]]:
    """Consecutive points in the same zone, as (zone, lowest rate, highest rate), in order of learning rate."""
    zones: list[tuple[str, float, float]] = []
    ordered = sorted(zip(outcomes, point_zones(outcomes), strict=True), key=lambda pair: pair[0].config.learning_rate)
    for outcome, zone in ordered:
        rate = outcome.config.learning_rate
        if zones and zones[-1][0] == zone:
            zones[-1] = (zone, zones[-1][1], rate)
        else:
            zones.append((zone, rate, rate))
    return zones


def sweep_budget(outcomes: list[RunOutcome]) -> str:
    """What each run of the sweep had to learn with: its epochs, its share of the images, its steps."""
    config = outcomes[0].config
    steps = max((o.steps_per_epoch for o in outcomes), default=0)
    per = f", {steps:,} steps of batch {config.batch_size}" if steps else f", batch {config.batch_size}"
    epochs = f"{config.epochs} epoch{'s' * (config.epochs != 1)}"
    return f"{epochs} on {config.data_fraction:.0%} of the training images{per}"


def describe_zones(outcomes: list[RunOutcome], planned: int | None = None, stopped: bool = False) -> str:
    """The sweep in words: its budget, its zones, the best finished run, and what did not run."""
    optimizer = OPTIMIZERS[outcomes[0].config.optimizer]
    parts = [f"{zone}: {low:g}" + (f" to {high:g}" if high != low else "") for zone, low, high in name_zones(outcomes)]
    finished = [o for o in outcomes if o.state == "finished" and o.test_accuracy is not None]
    best = max(finished, key=lambda o: o.test_accuracy, default=None)
    over = f"of the {len(finished)} finished run{'s' * (len(finished) != 1)}"
    found = ""
    if best is not None:
        found = f" The best test accuracy {over}, {best.test_accuracy:.2%}, came at {best.config.learning_rate:g}."
    planned = len(outcomes) if planned is None else planned
    ended = ""
    if stopped or len(outcomes) < planned:
        ended = (
            f" The sweep was stopped after {len(outcomes)} of {planned} runs"
            + (f" ({missing} rate{'s' * (missing != 1)} never ran)" if (missing := planned - len(outcomes)) else "")
            + ": the zones and the best are over the runs that finished."
        )
    return (
        f"{optimizer.label}, {sweep_budget(outcomes)} per run, from the points above: "
        + "; ".join(parts)
        + "."
        + found
        + ended
        + f" Keras's default for {optimizer.label} is {optimizer.default_lr:g}. This budget decides the zones: with "
        "more epochs or images a rate called too small here may learn."
    )


def experiments_ending(kind: str | None, outcomes: list[RunOutcome], verdict=None, planned: int = 0) -> tuple[str, str]:
    """The page's ending, from what the learner ran: (what you did, what to try next)."""
    if not outcomes:
        return (
            "Nothing yet: run a sweep or a pair of twins above.",
            "Start with the sweep at its defaults: it shows where Adam's learning rate stops working.",
        )
    finished = [o for o in outcomes if o.state == "finished" and o.test_accuracy is not None]
    if kind == "sweep":
        label = OPTIMIZERS[outcomes[0].config.optimizer].label
        of = f" of {planned} planned" if planned > len(outcomes) else ""
        did = (
            f"You swept {len(outcomes)}{of} learning rate{'s' * (len(outcomes) != 1)} for {label} "
            f"({sweep_budget(outcomes)} each); {len(finished)} finished."
        )
        best = max(finished, key=lambda o: o.test_accuracy, default=None)
        if best is None:
            return did, "No run finished: try a range of smaller rates, and let every run end."
        return did, (
            f"Take the best rate, {best.config.learning_rate:g}, to Train MNIST with {label}, 5 epochs and all the "
            "images: does it still win with that budget? Then compare it with its neighbours in twin runs."
        )
    k = len(verdict.differences) if verdict is not None else 0
    did = f"You ran twin runs over {k} finished seed{'s' * (k != 1)}: {verdict.kind if verdict else 'no verdict'}."
    follow = {
        "can't tell": "Run the twins again with more seeds, or on a larger share of the images (less noise per run).",
        "different": "Does the difference hold with more epochs or all the images? Try it on Train MNIST.",
        "indistinguishable": "Try a difference that should matter, such as a learning rate 100 times larger.",
    }
    return did, follow.get(verdict.kind if verdict else "", "Pick a B that differs from A, and at least 2 seeds.")
