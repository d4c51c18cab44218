"""Training runs in worker threads: a job per run, a process-wide queue, and the snapshots the page draws.

Nothing here touches Streamlit: the page polls `TrainingJob.snapshot()` from a fragment.
"""

from __future__ import annotations

import gc
import itertools
import os
import threading
import time
from dataclasses import dataclass, field

import numpy as np

from lib.lab.announce import divergence_message
from lib.lab.config import TrainConfig, split_indices
from lib.lab.estimate import SPEED
from lib.lab.queue import JobQueue
from lib.lab.trainer import TestResult, Trainer
from lib.lab.turns import TURNS, runs_in_progress
from lib.runtime import give_back_freed_memory, tf

REFRESH_SECONDS = 0.4  # how often the page redraws a running job (more than twice a second)
MAX_SNAPSHOT_BYTES = 4_000_000  # per run: the weights kept for scrubbing through epochs (float16, thinned)


# --- what a run records ---------------------------------------------------------------------------
@dataclass(frozen=True)
class EpochRecord:
    """One finished epoch: the means of its batches while learning, and the held-out images after it."""

    epoch: int  # 1-based
    loss: float
    accuracy: float
    val_loss: float | None
    val_accuracy: float | None
    seconds: float  # since training started
    weight_change: dict  # variable path -> largest |change| since initialisation


@dataclass
class History:
    """What the page draws: one entry per batch, and one per finished epoch."""

    batch_loss: list[float] = field(default_factory=list)
    batch_accuracy: list[float] = field(default_factory=list)
    epochs: list[EpochRecord] = field(default_factory=list)

    def copy(self) -> History:
        return History(list(self.batch_loss), list(self.batch_accuracy), list(self.epochs))

    def compact(self) -> History:
        """The same history in float32 arrays (an eighth of the memory of Python lists of floats): for keeping."""
        return History(
            np.asarray(self.batch_loss, np.float32), np.asarray(self.batch_accuracy, np.float32), list(self.epochs)
        )


@dataclass(frozen=True)
class Snapshot:
    """A consistent copy of a job's state for one redraw of the page."""

    state: str  # queued | starting | running | finished | stopped | cancelled | diverged | failed
    queue_position: int
    epoch: int
    step: int
    steps_per_epoch: int
    elapsed_s: float
    eta_s: float | None
    history: History
    message: str
    device: str
    training_accuracy: float | None = None  # on the training images, once the run has ended


JOB_QUEUE = JobQueue(runs_in_progress())  # runs in progress take turns on the trainers (lib/lab/turns.py)
_job_ids = itertools.count(1)
next_job_id = _job_ids.__next__  # runs and series of runs are numbered alike (their entries in the queue)
# A run nobody has looked at for this long is stopped (its tab was closed); env COURSE_ORPHAN_SECONDS.
ORPHAN_SECONDS = float(os.environ.get("COURSE_ORPHAN_SECONDS", "30"))


# One read-only copy of the training images on the device for the whole process; each run gets indices into it.
_shared_lock = threading.Lock()
_shared: dict[int, tuple[object, object, object]] = {}


def shared_training_tensors(mnist):
    """(images, labels) of mnist's training set as tensors, made once per dataset and shared by every run."""
    with _shared_lock:
        key = id(mnist.x_train)
        if key not in _shared:
            _shared.clear()  # one dataset per process (tests may load a second copy: keep only the latest)
            _shared[key] = (mnist.x_train, tf.constant(mnist.x_train), tf.constant(mnist.y_train.astype(np.int32)))
        _, images, labels = _shared[key]
        return images, labels


# --- a run ----------------------------------------------------------------------------------------
class TrainingJob:
    """One learner's run in a worker thread. The page polls snapshot(); stop() keeps what was learned."""

    def __init__(self, config: TrainConfig, mnist, queue=JOB_QUEUE, owner="", orphan_after=ORPHAN_SECONDS, seen=None):
        self.config = config.validated()
        self.id = next_job_id()
        self.owner = owner  # who started it (one browser, all its tabs): at most one active run each
        self.orphan_after = orphan_after
        self._last_seen = time.monotonic() if seen is None else seen  # a series' run: when its page last looked
        self.num_train = len(split_indices(self.config, len(mnist.y_train))[0])
        self.estimate_s = SPEED.predict(self.config, self.num_train)
        self._mnist, self._queue = mnist, queue
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._state, self._message, self._device = "queued", "", "?"
        self._epoch = self._step = 0
        self._steps_per_epoch = 1
        self._started = self._trained = None
        self._waited: list[float] = []  # seconds spent waiting for turns on the trainers (not training)
        self._history = History()
        self._diverged_at: float | None = None  # the NaN or infinite loss that stopped the run, if one did
        self._training_accuracy: float | None = None
        self.snapshots: list[tuple[int, np.ndarray, np.ndarray]] = []  # (epoch, hidden kernel, output kernel)
        self.result: TestResult | None = None
        self.trainer: Trainer | None = None
        self._thread = threading.Thread(target=self._run, name=f"training-job-{self.id}", daemon=True)

    def start(self) -> TrainingJob:
        self._queue.enter(self)  # in line at once, so the page knows its place from the first redraw
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    def touch(self) -> None:
        """The page that owns this run is still looking at it (called on every redraw)."""
        self._last_seen = time.monotonic()

    @property
    def abandoned(self) -> bool:
        return time.monotonic() - self._last_seen > self.orphan_after

    def _should_stop(self) -> bool:
        return self._stop.is_set() or self.abandoned

    def seconds_left(self) -> float:
        """The estimated training time still to go (the whole estimate while it has not started)."""
        snap = self.snapshot()
        return snap.eta_s if snap.eta_s is not None else self.estimate_s

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    @property
    def active(self) -> bool:
        return self._state in ("queued", "starting", "running")

    @property
    def model(self):
        return None if self.trainer is None else self.trainer.model

    def _on_batches(self, epoch, step, losses, accuracies):
        finite = np.isfinite(losses)
        keep = len(losses) if finite.all() else int(np.argmin(finite))  # drop the first non-finite and after
        with self._lock:
            if keep < len(losses):  # the batch that stopped the run: its message names it
                self._diverged_at = float(losses[keep])
            self._epoch, self._step = epoch, step
            self._history.batch_loss.extend(losses[:keep].tolist())
            self._history.batch_accuracy.extend(accuracies[:keep].tolist())

    def _snapshot(self, epoch: int) -> None:
        """Keep this epoch's weights (float16), thinning older ones so a run never keeps more than the budget."""
        model = self.trainer.model
        hidden, output = model.get_layer("hidden").kernel.numpy(), model.get_layer("output").kernel.numpy()
        snaps = self.snapshots + [(epoch, hidden.astype(np.float16), output.astype(np.float16))]
        budget = max(2, MAX_SNAPSHOT_BYTES // (snaps[0][1].nbytes + snaps[0][2].nbytes))
        if len(snaps) > budget:  # keep the first and the last, evenly spaced between
            snaps = [snaps[i] for i in np.unique(np.linspace(0, len(snaps) - 1, budget).round().astype(int))]
        self.snapshots = snaps

    def _on_epoch_end(self, epoch):
        self._snapshot(epoch + 1)
        val_loss, val_acc = self.trainer.validate()
        weight_change = self.trainer.weight_change()
        with self._lock:
            first = epoch * self._steps_per_epoch  # this epoch's batches in the history
            self._history.epochs.append(
                EpochRecord(
                    epoch=epoch + 1,
                    loss=float(np.mean(self._history.batch_loss[first:])),
                    accuracy=float(np.mean(self._history.batch_accuracy[first:])),
                    val_loss=val_loss,
                    val_accuracy=val_acc,
                    seconds=time.perf_counter() - self._started,
                    weight_change=weight_change,
                )
            )

    def _run(self) -> None:
        if not self._queue.acquire(self, self._should_stop):
            why = self._abandonment() if self.abandoned and not self._stop.is_set() else ""
            with self._lock:
                self._state, self._message = "cancelled", f"Cancelled before it started: nothing was trained.{why}"
            return
        with self._lock:
            self._state = "starting"
        try:
            train_idx, val_idx = split_indices(self.config, len(self._mnist.y_train))
            images, labels = shared_training_tensors(self._mnist)
            self.trainer = Trainer(self.config, images, labels, train_idx, val_idx)
            self._snapshot(0)  # the random start, to compare with
            with self._lock:
                self._state, self._device = "running", self.trainer.device
                self._steps_per_epoch = self.trainer.steps_per_epoch
                self._started = time.perf_counter()
            person = self.owner or f"run {self.id}"  # a browser's runs share one turn
            turn = lambda: TURNS.turn(person, waited=self._waited.append)  # noqa: E731
            outcome = self.trainer.fit(self._on_batches, self._on_epoch_end, self._should_stop, take_turn=turn)
            with self._lock:
                self._trained = time.perf_counter()  # training time excludes the evaluations below
            if outcome != "diverged" and self._history.batch_loss:
                x_test, y_test = self._mnist.x_test, self._mnist.y_test
                self.result, self._training_accuracy = self.trainer.results_after_training(x_test, y_test)
            message = {
                "finished": "Training finished.",
                "stopped": "Stopped: the model keeps what it learned so far." + self._abandonment(),
                "diverged": divergence_message(
                    self.config, self._history.batch_loss, self.trainer.initial_loss, self._diverged_at
                ),
            }[outcome]
            with self._lock:
                self._state, self._message = outcome, message
        except Exception as error:  # anything unexpected becomes a message, never a dead thread
            with self._lock:
                self._state, self._message = "failed", f"Training failed: {type(error).__name__}: {error}"
        finally:
            with self._lock:
                self._trained = self._trained or time.perf_counter()
            if self.trainer is not None:
                self.trainer.release()  # the compiled loop and its references go; the model and results stay
            if self._started is not None:  # teach the time estimates how fast this machine really is
                done = self._epoch * self._steps_per_epoch + self._step
                SPEED.observe(self.config, self.num_train, self._trained - self._started - sum(self._waited), done)
            self._queue.release(self)
            gc.collect()  # once per finished run, so what the run built is given back now
            give_back_freed_memory()

    def _abandonment(self) -> str:
        if not self.abandoned or self._stop.is_set():
            return ""
        return (
            f" Nobody had looked at it for {self.orphan_after:.0f} s (its page was closed), so its place went to "
            "another learner."
        )

    def snapshot(self) -> Snapshot:
        with self._lock:
            if self._started is None:
                elapsed, eta = 0.0, None
            else:
                elapsed = (self._trained or time.perf_counter()) - self._started
                done = self._epoch * self._steps_per_epoch + self._step
                total = self.config.epochs * self._steps_per_epoch
                eta = elapsed / done * (total - done) if done and self._state == "running" else None
            return Snapshot(
                state=self._state,
                queue_position=self._queue.position(self.id),
                epoch=self._epoch,
                step=self._step,
                steps_per_epoch=self._steps_per_epoch,
                elapsed_s=elapsed,
                eta_s=eta,
                history=self._history.copy(),
                message=self._message,
                device=self._device,
                training_accuracy=self._training_accuracy,
            )
