"""How long a run will take and how long a queued learner will wait, and the cap on one run's work.

The cost model was fitted on this project's 2-core CPU (within ~10% over eleven settings, from 1 to 512 hidden
neurons and batches of 8 to 1024); every finished run in the process then rescales it to the machine it is
actually on, so a slower server predicts longer runs.
"""

from __future__ import annotations

import heapq
import os
import statistics
import threading

from lib.lab.config import TrainConfig
from lib.learning import steps_per_epoch

# seconds = FIXED + PER_STEP·steps + PER_STEP_NEURON·steps·width + PER_IMAGE_NEURON·images·width (2-core CPU)
FIXED, PER_STEP, PER_STEP_NEURON, PER_IMAGE_NEURON = 0.245, 7.34e-5, 9.81e-7, 3.12e-8


def max_run_seconds() -> float:
    """The most estimated training time one run may ask for (env COURSE_MAX_RUN_SECONDS, default 300)."""
    try:
        return max(10.0, float(os.environ.get("COURSE_MAX_RUN_SECONDS", "300")))
    except ValueError:
        return 300.0


def model_seconds(config: TrainConfig, num_train: int) -> float:
    """The cost model's training time for these settings, before rescaling to this machine."""
    steps = config.epochs * steps_per_epoch(num_train, config.batch_size)
    images = config.epochs * num_train
    width = config.hidden_units
    return FIXED + PER_STEP * steps + PER_STEP_NEURON * steps * width + PER_IMAGE_NEURON * images * width


class SpeedModel:
    """The cost model, rescaled by how fast finished runs really were on this machine (median of the last 20)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._ratios: list[float] = []

    @property
    def factor(self) -> float:
        with self._lock:
            return statistics.median(self._ratios) if self._ratios else 1.0

    def predict(self, config: TrainConfig, num_train: int) -> float:
        return model_seconds(config, num_train) * self.factor

    def observe(self, config: TrainConfig, num_train: int, seconds: float, steps_done: int) -> None:
        """Learn from a run that trained steps_done batches in `seconds` (a stopped run counts for what it did)."""
        total = config.epochs * steps_per_epoch(num_train, config.batch_size)
        if steps_done < 50 or seconds <= 0:
            return  # too short to say anything about the machine
        expected = model_seconds(config, num_train) * steps_done / total
        with self._lock:
            self._ratios = (self._ratios + [seconds / expected])[-20:]


SPEED = SpeedModel()


def over_the_cap(config: TrainConfig, num_train: int, speed: SpeedModel = SPEED) -> str | None:
    """None if the run is allowed, else a clear message with the estimate, the cap and what to change. The cap
    never refuses a run that asks no more work than the notebook's own run on all the images: on a slow or busy
    server the course's central experiment stays open (only heavier runs are measured against the cap)."""
    estimate, cap = speed.predict(config, num_train), max_run_seconds()
    if estimate <= max(cap, speed.predict(TrainConfig(), num_train)):
        return None
    return (
        f"This run would train for about {estimate:,.0f} s on this server, more than the {cap:,.0f} s one run may "
        "take here (the server is shared with the whole class). Use fewer epochs, a smaller share of the images, "
        "fewer hidden neurons or a larger batch size."
    )


def estimated_wait(running_left: list[float], ahead: list[float], capacity: int) -> float:
    """Seconds until a queued run starts: the places free up as the running runs end, and each run ahead of it
    takes the first free place for its own estimated time."""
    free_at = sorted(running_left)[:capacity] + [0.0] * max(0, capacity - len(running_left))
    heapq.heapify(free_at)
    for seconds in ahead:
        heapq.heappush(free_at, heapq.heappop(free_at) + seconds)
    return max(0.0, free_at[0])


def seconds_text(seconds: float) -> str:
    """'under a second', 'about 7 s', 'about 3 min 20 s'."""
    if seconds < 1:
        return "under a second"
    if seconds < 120:
        return f"about {seconds:.0f} s"
    return f"about {int(seconds // 60)} min {int(seconds % 60):02d} s"
