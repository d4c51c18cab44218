"""A process-wide cap on simultaneous trainings: the rest wait in arrival order, one active run per visitor."""

from __future__ import annotations

import itertools
import os
import threading
import time
from contextlib import contextmanager

from lib.lab.estimate import estimated_wait


def max_concurrent_jobs() -> int:
    """How many trainings may run at once in this process (env COURSE_MAX_TRAINING_JOBS, default 2)."""
    try:
        return max(1, int(os.environ.get("COURSE_MAX_TRAINING_JOBS", "2")))
    except ValueError:
        return 2


class JobQueue:
    """Jobs enter when they start (so the page knows its place at once), run when a place is free and they are
    first in line, and leave when they end."""

    def __init__(self, capacity: int | None = None):
        self.capacity = capacity or max_concurrent_jobs()
        self._condition = threading.Condition()
        self._running: dict[int, object] = {}
        self._waiting: list = []

    def enter(self, job) -> None:
        with self._condition:
            self._waiting.append(job)

    def position(self, job_id: int) -> int:
        """0 when running (or not waiting), else 1 for next in line, 2 after that..."""
        with self._condition:
            ids = [job.id for job in self._waiting]
            return ids.index(job_id) + 1 if job_id in ids else 0

    def running_count(self) -> int:
        with self._condition:
            return len(self._running)

    def owner_busy(self, owner: str) -> bool:
        """Whether this visitor already has a run waiting or running (in any of their tabs)."""
        with self._condition:
            return bool(owner) and any(j.owner == owner for j in [*self._running.values(), *self._waiting])

    def acquire(self, job, cancelled) -> bool:
        """Block until the job may run (True), or until cancelled() says it is no longer wanted (False)."""
        with self._condition:
            if job not in self._waiting:
                self._waiting.append(job)
            while True:
                if cancelled():
                    self._waiting.remove(job)
                    self._condition.notify_all()
                    return False
                if len(self._running) < self.capacity and self._waiting[0] is job:
                    self._waiting.pop(0)
                    self._running[job.id] = job
                    self._condition.notify_all()
                    return True
                self._condition.wait(timeout=0.2)

    def release(self, job) -> None:
        with self._condition:
            self._running.pop(job.id, None)
            self._condition.notify_all()

    def wait_estimate(self, job_id: int) -> float | None:
        """Seconds until this waiting job should start, from the running jobs' time left and the estimates of
        the jobs ahead of it; None if it is not waiting."""
        with self._condition:
            ids = [job.id for job in self._waiting]
            if job_id not in ids:
                return None
            running = list(self._running.values())
            ahead = self._waiting[: ids.index(job_id)]
        return estimated_wait([job.seconds_left() for job in running], [job.estimate_s for job in ahead], self.capacity)

    @contextmanager
    def place(self, owner: str = "", wait: float = 30.0):
        """A place for a short computation done in the page's own thread (the backprop lesson's "train N
        epochs"), counted against the same cap as the lab's runs; yields False if none freed up within `wait`."""
        holder = _ShortComputation(-next(_short_ids), owner)
        deadline = time.monotonic() + wait
        got = self.acquire(holder, lambda: time.monotonic() > deadline)
        holder.started = time.monotonic()
        try:
            yield got
        finally:
            if got:
                self.release(holder)


class HeldPlace:
    """The queue as the runs of a series see it: the series holds one place in `queue` (one entry in line, however
    many runs it has), and its runs train in that place one after another, never queueing again."""

    def __init__(self, queue: JobQueue, holder):
        self.queue, self.holder, self.capacity = queue, holder, queue.capacity

    def enter(self, job) -> None:
        pass  # the series is in line already

    def acquire(self, job, cancelled) -> bool:
        return not (cancelled() or self.holder.should_stop())

    def release(self, job) -> None:
        pass  # the series gives its place back when it ends

    def position(self, job_id: int) -> int:
        return 0  # its runs start only once the series holds its place

    def running_count(self) -> int:
        return self.queue.running_count()

    def wait_estimate(self, job_id: int) -> float | None:
        return None


def queued_message(position: int, wait: float | None, taken: int, capacity: int, trainers: int, runs: int = 1) -> str:
    """What a queued learner reads: the places taken, their place in line and the estimated wait. A series of
    `runs` runs (a sweep, twin runs) is one entry in line, and says so."""
    yours = "Yours is" if runs == 1 else f"Your {runs} runs are one entry in line, trained one after another; it is"
    return (
        f"Queued: {taken} of the {capacity} place{'s' * (capacity != 1)} on this server "
        f"{'is' if taken == 1 else 'are'} taken (runs in progress take turns on its {trainers} "
        f"trainer{'s' * (trainers != 1)}; a sweep or twin runs hold one place for all their runs). {yours} "
        f"number {position} in line and starts by itself" + ("." if wait is None else f", in about {wait:,.0f} s.")
    )


_short_ids = itertools.count(1)


class _ShortComputation:
    """What holds a place for a short computation, as the queue's wait estimate reads any holder: its expected
    time (MAX_EPOCHS_PER_CALL of one neuron: a few seconds on one core) and the time it has left."""

    estimate_s = 5.0

    def __init__(self, id: int, owner: str):
        self.id, self.owner = id, owner
        self.started: float | None = None

    def seconds_left(self) -> float:
        if self.started is None:
            return self.estimate_s
        return max(0.0, self.estimate_s - (time.monotonic() - self.started))
