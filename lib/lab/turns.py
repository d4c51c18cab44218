"""Fair turns on the trainers: runs in progress train one compiled chunk of batches at a time, taking turns, so a
short run is never stuck behind a long one and one person's runs cannot starve a class.

At most `capacity` chunks run at the same moment (the server's trainers: env COURSE_MAX_TRAINING_JOBS, default 2).
When a trainer frees up, the next turn goes to the person served longest ago; among one person's runs, to the one
that has waited longest. A person is their browser (its cookie): two windows of one browser share one turn. Two
browsers of one person count as two (the client address would tell them apart only where no class shares one).
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from contextlib import contextmanager


def trainers() -> int:
    """How many chunks may train at the same moment (env COURSE_MAX_TRAINING_JOBS, default 2)."""
    try:
        return max(1, int(os.environ.get("COURSE_MAX_TRAINING_JOBS", "2")))
    except ValueError:
        return 2


def runs_in_progress() -> int:
    """How many runs may be in progress (taking turns) at once; the rest wait in line to start. Each holds its
    network and compiled loop, so this bounds memory (env COURSE_MAX_ACTIVE_RUNS, default 3 per trainer)."""
    try:
        return max(1, int(os.environ.get("COURSE_MAX_ACTIVE_RUNS", str(3 * trainers()))))
    except ValueError:
        return 3 * trainers()


class Turns:
    """Fair queueing by person: each person's count of turns served; the next turn goes to the waiting person with
    the fewest (their oldest request first). A person who comes back after a pause starts level with the others,
    not with a stock of turns saved up, so the counts of people training side by side stay within one of each
    other even when one of them asks a moment late."""

    def __init__(self, capacity: int | None = None):
        self.capacity = capacity or trainers()
        self._condition = threading.Condition()
        self._busy = 0
        self._waiting: list[tuple[int, str]] = []  # (ticket, person) in arrival order
        self._served: dict[str, int] = {}  # person -> turns served (levelled on return)
        self._clock = 0  # the count of the person served last
        self._tickets = itertools.count()

    def _next(self) -> int | None:
        if not self._waiting:
            return None
        ticket, _ = min(self._waiting, key=lambda entry: (self._served[entry[1]], entry[0]))
        return ticket

    @contextmanager
    def turn(self, person: str, waited=None):
        """Wait for a turn, hold it for one chunk, give it back; waited(seconds) hears how long the wait was."""
        asked = time.perf_counter()
        with self._condition:
            ticket = next(self._tickets)
            self._served[person] = max(self._served.get(person, 0), self._clock - 1)
            self._waiting.append((ticket, person))
            while not (self._busy < self.capacity and self._next() == ticket):
                self._condition.wait(timeout=0.5)
            self._waiting.remove((ticket, person))
            self._busy += 1
            self._served[person] += 1
            self._clock = self._served[person]
        if waited is not None:
            waited(time.perf_counter() - asked)
        with self._condition:
            if len(self._served) > 10_000:  # a long-lived server forgets the people it served longest ago
                for old in sorted(self._served, key=self._served.get)[:5_000]:
                    if all(person != old for _, person in self._waiting):
                        del self._served[old]
        try:
            yield
        finally:
            with self._condition:
                self._busy -= 1
                self._condition.notify_all()

    def waiting(self) -> int:
        with self._condition:
            return len(self._waiting)


TURNS = Turns()
