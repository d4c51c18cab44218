"""Experiments made of several runs: a learning-rate sweep, and twin runs that differ in one setting.

Each run is an ordinary TrainingJob, started one after the other through the same queue as any training, so a
class shares the server the same way whatever its learners do.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from lib.choices import OPTIMIZERS
from lib.fmt import num
from lib.lab.config import TrainConfig
from lib.lab.jobs import JOB_QUEUE, TrainingJob

T_CRITICAL_95 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776}  # two-sided Student t, by degrees of freedom


@dataclass(frozen=True)
class RunOutcome:
    config: TrainConfig
    state: str
    final_loss: float | None  # mean training loss over the last epoch's batches (None if none)
    initial_loss: float | None  # the untrained model's loss
    test_accuracy: float | None
    batch_loss: list[float]
    initial_hidden: np.ndarray | None  # the hidden layer's starting weights (to check twins start equal)


class SeriesOfRuns:
    """Runs a list of configs one after another in a worker thread; stop() ends the current run and the rest."""

    def __init__(self, configs: list[TrainConfig], mnist, owner: str = "", queue=JOB_QUEUE):
        self.configs, self._mnist, self.owner, self._queue = list(configs), mnist, owner, queue
        self.outcomes: list[RunOutcome] = []
        self.current: TrainingJob | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="series-of-runs")

    def start(self) -> SeriesOfRuns:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self.current is not None:
            self.current.stop()

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    def touch(self) -> None:
        if self.current is not None:
            self.current.touch()

    @property
    def active(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        for config in self.configs:
            if self._stop.is_set():
                break
            self.current = TrainingJob(config, self._mnist, queue=self._queue, owner=self.owner).start()
            self.current.join()
            job, snap = self.current, self.current.snapshot()
            steps = snap.steps_per_epoch
            last_epoch = snap.history.batch_loss[-steps:] if snap.history.batch_loss else []
            self.outcomes.append(
                RunOutcome(
                    config=config,
                    state=snap.state,
                    final_loss=float(np.mean(last_epoch)) if last_epoch else None,
                    initial_loss=None if job.trainer is None else job.trainer.initial_loss,
                    test_accuracy=None if job.result is None else job.result.accuracy,
                    batch_loss=snap.history.batch_loss,
                    initial_hidden=job.snapshots[0][1] if job.snapshots else None,
                )
            )


# --- the learning-rate sweep --------------------------------------------------------------------------------
def sweep_rates(low_exponent: float, high_exponent: float, points: int) -> list[float]:
    """Learning rates evenly spaced on a log scale, from 10^low to 10^high."""
    return [float(f"{10**e:.3g}") for e in np.linspace(low_exponent, high_exponent, points)]


def sweep_configs(base: TrainConfig, optimizer: str, rates: list[float]) -> list[TrainConfig]:
    return [replace(base, optimizer=optimizer, learning_rate=rate) for rate in rates]


BARELY = 0.8  # a run whose last epoch's mean loss stays above this share of the untrained loss barely learned


def _learned(outcome: RunOutcome, barely: float) -> bool | None:
    """None if the run diverged; else whether its last epoch's mean loss was at most `barely` × the untrained loss."""
    if outcome.state == "diverged" or outcome.final_loss is None or not math.isfinite(outcome.final_loss):
        return None
    return not (outcome.initial_loss and outcome.final_loss > barely * outcome.initial_loss)


def point_zones(outcomes: list[RunOutcome], barely: float = BARELY) -> list[str]:
    """Each run's zone, in the order given: 'diverges' (the loss blew up), 'good' (its last epoch's mean loss was
    at most `barely` × the untrained loss), or, for a run that barely moved its loss, 'too small' at a rate below
    every rate that learned, 'too large' above them (it stalls or thrashes without blowing up), 'barely learns'
    otherwise (between rates that learned, or when no rate learned)."""
    learned = [_learned(o, barely) for o in outcomes]
    good = [o.config.learning_rate for o, ok in zip(outcomes, learned, strict=True) if ok]
    zones = []
    for o, ok in zip(outcomes, learned, strict=True):
        rate = o.config.learning_rate
        if ok is None:
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


ZONES = ["too small", "good", "too large", "barely learns", "diverges"]  # the order the chart's legend lists them
ZONE_NOTE = (
    f"Good: the last epoch's mean training loss was at most {BARELY:.0%} of the untrained loss. Too small / too "
    "large: it "
    "was above that, at a rate below / above every rate that learned (barely learns: between them, or when no "
    "rate learned). Diverges: the loss blew up."
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


def describe_zones(outcomes: list[RunOutcome]) -> str:
    optimizer = OPTIMIZERS[outcomes[0].config.optimizer]
    parts = [f"{zone}: {low:g}" + (f" to {high:g}" if high != low else "") for zone, low, high in name_zones(outcomes)]
    best = max((o for o in outcomes if o.test_accuracy is not None), key=lambda o: o.test_accuracy, default=None)
    found = f" The best test accuracy, {best.test_accuracy:.2%}, came at {best.config.learning_rate:g}." if best else ""
    return (
        f"{optimizer.label}, from the points above: "
        + "; ".join(parts)
        + "."
        + found
        + f" Keras's default for {optimizer.label} is {optimizer.default_lr:g}."
    )


# --- twin runs ----------------------------------------------------------------------------------------------
def twin_configs(base: TrainConfig, setting: str, value, seeds: list[int]) -> list[TrainConfig]:
    """A and B for each seed: the same seed (so the same initial weights and batch order), differing only in
    `setting` (when the setting is the seed itself, B takes seed + 1000)."""
    configs = []
    for seed in seeds:
        a = replace(base, seed=seed)
        b = replace(a, seed=seed + 1000) if setting == "seed" else replace(a, **{setting: value})
        configs += [a, b.validated()]
    return configs


def twin_table(outcomes: list[RunOutcome]) -> pd.DataFrame:
    """One row per seed: A's and B's test accuracy, and whether the pair started from the same weights."""
    pairs = list(zip(outcomes[::2], outcomes[1::2], strict=False))
    return pd.DataFrame(
        {
            "seed": [a.config.seed for a, _ in pairs],
            "A test accuracy": [a.test_accuracy for a, _ in pairs],
            "B test accuracy": [b.test_accuracy for _, b in pairs],
            "same start": [np.array_equal(a.initial_hidden, b.initial_hidden) for a, b in pairs],
        }
    )


@dataclass(frozen=True)
class Verdict:
    differences: list[float]  # B − A test accuracy, per seed
    mean: float
    half_width: float  # of the 95% interval of the mean paired difference (t distribution)
    different: bool
    sentence: str


def twin_verdict(outcomes: list[RunOutcome]) -> Verdict:
    """Paired by seed: is B − A larger than seed-to-seed noise? A 95% interval of the mean difference (Student t
    on the k paired differences) that leaves out 0 says yes."""
    pairs = [(outcomes[i], outcomes[i + 1]) for i in range(0, len(outcomes) - 1, 2)]
    differences = [b.test_accuracy - a.test_accuracy for a, b in pairs if a.test_accuracy and b.test_accuracy]
    k = len(differences)
    if k < 2:
        return Verdict(differences, float("nan"), float("nan"), False, "Twin runs need at least 2 seeds to judge.")
    mean = float(np.mean(differences))
    half = T_CRITICAL_95[min(k - 1, 4)] * float(np.std(differences, ddof=1)) / math.sqrt(k)
    different = abs(mean) > half
    numbers = (
        f"B − A = {num(100 * mean, '+.2f')} points on average over {k} seeds (each: "
        + ", ".join(num(100 * d, "+.2f") for d in differences)
        + f"); the 95% interval is ±{100 * half:.2f} points."
    )
    if different:
        sentence = f"The difference is larger than seed-to-seed noise. {numbers}"
    else:
        sentence = f"Indistinguishable at {k} seeds: the difference is within seed-to-seed noise. {numbers}"
    return Verdict(differences, mean, half, different, sentence)
