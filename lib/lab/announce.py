"""The status line a screen reader announces on the Train page, on Experiments and while the shared network trains:
one short sentence per state of a run, changed only when the state changes (never on every redraw), so a learner
who cannot see the chart hears a run start, finish, diverge or stop."""

from __future__ import annotations

import math
from html import escape

from lib.choices import OPTIMIZERS
from lib.lab.config import TrainConfig
from lib.lab.trainer import EXPLOSION_FACTOR

SENTENCES = {
    None: "No run yet.",
    "queued": "Run {n} is waiting for a free place to train.",
    "starting": "Run {n} started: building the network.",
    "running": "Run {n} is training.",
    "finished": "Run {n} finished{accuracy}.",
    "stopped": "Run {n} stopped on request{accuracy}.",
    "diverged": "Run {n} diverged: the loss blew up, so training stopped.",
    "failed": "Run {n} failed.",
    "cancelled": "The run was cancelled before it started.",
}


def status_sentence(state: str | None, number: int, test_accuracy: float | None = None) -> str:
    """What the status line says for a run in `state` (None: no run yet)."""
    accuracy = "" if test_accuracy is None else f": test accuracy {test_accuracy:.2%}"
    return SENTENCES.get(state, "Run {n}: {state}.").format(n=number, accuracy=accuracy, state=state)


def status_html(sentence: str) -> str:
    """A polite live region: screen readers read its text whenever it changes. The sentence is escaped."""
    return f'<div class="course-status" role="status" aria-live="polite" aria-atomic="true">{escape(sentence)}</div>'


SERIES_NAMES = {"sweep": "The learning-rate sweep", "twins": "The twin runs"}


def series_sentence(kind: str | None, done: int, total: int, active: bool, stopped: bool) -> str:
    """What the Experiments page's status line says: no experiment yet, one going (how many runs are done), or
    one that ended (finished or stopped, with how many of its runs were done). It changes once per run."""
    if kind is None:
        return "No experiment yet."
    name = SERIES_NAMES.get(kind, "The experiment")
    if active:
        return f"{name}: {done} of {total} runs done."
    return f"{name} {'stopped on request' if stopped else 'finished'}: {done} of {total} runs done."


def shared_network_sentence(state: str, epoch: int, epochs: int) -> str:
    """The status line while the notebook's network, shared by every learner, trains once for the server."""
    if state in ("queued", "starting"):
        return "The notebook's network is waiting to train for this server."
    return f"The notebook's network is training for this server: epoch {min(epoch + 1, epochs)} of {epochs}."


def divergence_message(
    config: TrainConfig, batch_losses: list[float], initial_loss: float, non_finite: float | None = None
) -> str:
    """Why a run stopped: the batch whose loss was NaN or infinite (`non_finite`, kept out of the history) or
    passed EXPLOSION_FACTOR × the untrained loss (the history's last), and what to try instead."""
    optimizer = OPTIMIZERS[config.optimizer]
    if non_finite is not None or not batch_losses:
        what = "became NaN (not a number)" if non_finite is None or math.isnan(non_finite) else "became infinite"
        batch, how = len(batch_losses) + 1, ", until the numbers overflowed"
    else:
        what = (
            f"jumped from {initial_loss:.3g} (untrained) to {batch_losses[-1]:,.4g}, more than "
            f"{EXPLOSION_FACTOR:g} times the untrained loss,"
        )
        batch, how = len(batch_losses), ""
    default = (
        f" (Keras's default for {optimizer.label} is {optimizer.default_lr:g})"
        if optimizer.default_lr < config.learning_rate
        else ""
    )
    return (
        f"The loss {what} at batch {batch:,}, so training stopped at once. A learning rate of "
        f"{config.learning_rate:g} is too high for {optimizer.label}: its steps overshoot the minimum by more and "
        f"more{how}. Try a smaller learning rate{default}."
    )
