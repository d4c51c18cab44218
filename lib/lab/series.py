"""A series of runs (a learning-rate sweep, twin runs) trained one after another as ONE entry in the queue.

The series waits for a place once; its runs then train in that place one after another (each an ordinary
TrainingJob taking its turns on the trainers), never queueing again behind learners who came later. It gives the
place back when its last run ends, when the learner stops it, or at once when its page is closed: nobody looked at
it for `orphan_after` seconds, so the run in progress stops and the runs after it never start (a closed sweep does
not re-queue its points one by one, each with a fresh timer).
"""

from __future__ import annotations

import gc
import threading
import time
from dataclasses import dataclass

import numpy as np

from lib.lab.config import ConfigError, TrainConfig, split_indices
from lib.lab.estimate import SPEED
from lib.lab.jobs import JOB_QUEUE, ORPHAN_SECONDS, TrainingJob, next_job_id
from lib.lab.queue import HeldPlace
from lib.runtime import give_back_freed_memory


@dataclass(frozen=True)
class RunOutcome:
    config: TrainConfig
    state: str  # a job's end state (finished, stopped, cancelled, diverged, failed), or "invalid" (never started)
    final_loss: float | None  # mean training loss over the last epoch's batches (None if none)
    initial_loss: float | None  # the untrained model's loss
    test_accuracy: float | None
    batch_loss: list[float]
    initial_hidden: np.ndarray | None  # the hidden layer's starting weights (to check twins start equal)
    steps_per_epoch: int = 0  # batches in one epoch (0 if it never started)


class SeriesOfRuns:
    """Runs a list of configs one after another in a worker thread, in one place of the queue; stop() ends the
    current run and the rest.

    A finished series keeps numbers only (its outcomes), never a run's model: like a single run, it gives its
    memory back as soon as each run ends."""

    def __init__(self, configs: list[TrainConfig], mnist, owner="", queue=JOB_QUEUE, orphan_after=ORPHAN_SECONDS):
        self.configs, self._mnist, self.owner, self._queue = list(configs), mnist, owner, queue
        self.id = next_job_id()  # its entry in the queue, numbered like a run's
        self.orphan_after = orphan_after
        self._last_seen = time.monotonic()
        self.outcomes: list[RunOutcome] = []
        self.current: TrainingJob | None = None
        self._begun = 0  # runs started so far
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="series-of-runs")

    def start(self) -> SeriesOfRuns:
        self._queue.enter(self)  # in line at once, as one entry, so the page knows its place from the first redraw
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        current = self.current
        if current is not None:
            current.stop()

    @property
    def stopped(self) -> bool:
        """Whether the learner stopped the series (some of its rates may not have run)."""
        return self._stop.is_set()

    def touch(self) -> None:
        """The page that owns this series is still looking at it (called on every redraw)."""
        self._last_seen = time.monotonic()
        current = self.current
        if current is not None:
            current.touch()

    @property
    def abandoned(self) -> bool:
        return time.monotonic() - self._last_seen > self.orphan_after

    def should_stop(self) -> bool:
        return self._stop.is_set() or self.abandoned

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    @property
    def active(self) -> bool:
        return self._thread.is_alive()

    # --- what the queue reads of its entries, and what the page says while the series waits ---------------------
    def _estimate(self, config: TrainConfig) -> float:
        try:
            return SPEED.predict(config, len(split_indices(config, len(self._mnist.y_train))[0]))
        except ConfigError:  # an invalid setting never runs
            return 0.0

    @property
    def estimate_s(self) -> float:
        """The estimated training time of the runs not yet started (all of them while the series waits)."""
        return sum(self._estimate(config) for config in self.configs[self._begun :])

    def seconds_left(self) -> float:
        current = self.current
        return (current.seconds_left() if current is not None and current.active else 0.0) + self.estimate_s

    def queue_position(self) -> int:
        """0 once it holds its place (or has ended), else 1 for next in line, 2 after that..."""
        return self._queue.position(self.id)

    def wait_estimate(self) -> float | None:
        return self._queue.wait_estimate(self.id)

    # --- the worker thread ---------------------------------------------------------------------------------------
    def _run(self) -> None:
        try:
            if self._queue.acquire(self, self.should_stop):
                place = HeldPlace(self._queue, self)
                try:
                    for config in self.configs:
                        if self.should_stop():
                            break
                        self.outcomes.append(self._one(config, place))
                finally:
                    self._queue.release(self)
        finally:
            self.current = None  # the last run's model goes too: the outcomes hold what the page draws
            gc.collect()  # as a single run does when it ends: what the series built is given back now
            give_back_freed_memory()

    def _one(self, config: TrainConfig, place: HeldPlace) -> RunOutcome:
        self._begun += 1
        try:
            config.validated()
        except ConfigError:  # a setting outside the lab's bounds: named on the page, never a silent end
            return RunOutcome(config, "invalid", None, None, None, [], None)
        try:
            # The series' own look-out: a closed page stops the run in progress on the series' timer, not a fresh one.
            job = TrainingJob(
                config, self._mnist, queue=place, owner=self.owner, orphan_after=self.orphan_after, seen=self._last_seen
            )
            self.current = job.start()
        except Exception:  # anything unexpected is this run's outcome, never a dead series
            return RunOutcome(config, "failed", None, None, None, [], None)
        job.join()
        snap = job.snapshot()
        steps = snap.steps_per_epoch
        last_epoch = snap.history.batch_loss[-steps:] if snap.history.batch_loss else []
        return RunOutcome(
            config=config,
            state=snap.state,
            final_loss=float(np.mean(last_epoch)) if last_epoch else None,
            initial_loss=None if job.trainer is None else job.trainer.initial_loss,
            test_accuracy=None if job.result is None else job.result.accuracy,
            batch_loss=snap.history.batch_loss,
            initial_hidden=job.snapshots[0][1] if job.snapshots else None,
            steps_per_epoch=steps if job.trainer is not None else 0,
        )
