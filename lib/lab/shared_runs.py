"""Identical runs trained once: the lab is deterministic (the same settings and seed give the same batches, losses
and weights, bit for bit), so when a class presses Start on the same settings, one training serves them all.

A run is named by everything that decides its numbers: its settings (seed included), the dataset, the library
versions and the device. Starting a run whose twin is training joins that training (every learner watches the
same live run and gets the same results); starting one whose twin finished here gets its recorded results at once.
Only finished runs are reused (a stopped one ended at a moment someone chose), at most `keep` of them, none older
than `max_age_s`, the least recently used dropped first. A learner can always ask to train their own copy.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

import keras
import numpy as np

from lib.lab.config import TrainConfig
from lib.runtime import compute_device, tf


def run_identity(config: TrainConfig, mnist) -> tuple:
    """Everything that decides a run's numbers (two runs with the same identity are the same run)."""
    return (config.validated(), id(mnist.x_train), tf.__version__, keras.__version__, np.__version__, compute_device())


@dataclass(frozen=True)
class Shared:
    job: object  # the TrainingJob every learner with this identity holds
    how: str  # "new" (this learner started it), "joined" (it was training), "recorded" (it had finished)
    age_s: float  # seconds since that training started (0 for a new one)


class SharedRuns:
    def __init__(self, keep: int = 8, max_age_s: float = 3600.0):
        self.keep, self.max_age_s = keep, max_age_s
        self._lock = threading.Lock()
        self._runs: OrderedDict[tuple, tuple[object, float, set]] = OrderedDict()  # identity -> job, start, watchers

    def start(self, config: TrainConfig, mnist, watcher: str, new_job) -> Shared:
        """The run for these settings: a twin that is training or has finished here, else new_job() started now."""
        identity = run_identity(config, mnist)
        now = time.monotonic()
        with self._lock:
            self._forget_old(now)
            found = self._runs.get(identity)
            if found is not None:
                job, started, watchers = found
                state = job.snapshot().state
                if job.active and not job.stop_requested:
                    watchers.add(watcher)
                    self._runs.move_to_end(identity)
                    return Shared(job, "joined", now - started)
                if state == "finished":
                    self._runs.move_to_end(identity)
                    return Shared(job, "recorded", now - started)
            job = new_job()
            self._runs[identity] = (job, now, {watcher})
            self._forget_old(now)
            return Shared(job, "new", 0.0)

    def train_own(self, new_job) -> Shared:
        """A learner who asked to train their own copy: a new run, shared with nobody."""
        return Shared(new_job(), "new", 0.0)

    def leave(self, job, watcher: str) -> bool:
        """A learner stops watching a run; True when nobody else watches it (then it may really be stopped)."""
        with self._lock:
            for _, (held, _, watchers) in self._runs.items():
                if held is job:
                    watchers.discard(watcher)
                    return not watchers
        return True

    def watchers(self, job) -> int:
        with self._lock:
            return next((len(w) for held, _, w in self._runs.values() if held is job), 1)

    def clear(self) -> None:
        """Forget every run (a new server would know none)."""
        with self._lock:
            self._runs.clear()

    def _forget_old(self, now: float) -> None:
        for identity, (job, started, _) in list(self._runs.items()):
            if not job.active and now - started > self.max_age_s:
                del self._runs[identity]
        ended = [identity for identity, (job, _, _) in self._runs.items() if not job.active]
        for identity in ended[: max(0, len(ended) - self.keep)]:  # least recently used first
            del self._runs[identity]


SHARED_RUNS = SharedRuns()
