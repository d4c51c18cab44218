"""Train the MNIST network in a worker thread that publishes its progress; never touches Streamlit.

The math is the seed's `model.fit` (same model, loss, optimizer, batch size, a fresh shuffle every
epoch). The speed comes from running many batches per Python call: each call of a compiled
`tf.function` trains a chunk of batches, so the page can still show progress and stop a run between
chunks.
"""

from __future__ import annotations

import itertools
import math
import os
import threading
import time
from dataclasses import asdict, dataclass, field

import keras
import numpy as np

from lib.models import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS, build_mlp
from lib.runtime import device_of, tf

LOSSES = {
    "sparse_categorical_crossentropy": "Sparse categorical cross-entropy (integer labels)",
    "categorical_crossentropy": "Categorical cross-entropy (one-hot labels)",
    "mse": "Mean squared error (one-hot labels)",
}
OPTIMIZERS = {  # key: (label, Keras's default learning rate)
    "sgd": ("SGD", 0.01),
    "momentum": ("SGD with momentum 0.9", 0.01),
    "rmsprop": ("RMSprop", 0.001),
    "adagrad": ("Adagrad", 0.001),
    "adam": ("Adam", 0.001),
}
LR_RANGE = (1e-5, 100.0)
BATCH_RANGE = (1, 4096)
EPOCH_RANGE = (1, 50)
CHUNK_SECONDS = 0.2  # how long one compiled call trains before the page hears from it
REFRESH_SECONDS = 0.4  # how often the page redraws a running job (more than twice a second)
EXPLOSION_FACTOR = 100.0  # a batch loss this many times the untrained model's loss means divergence
MIN_CHUNK = 25  # never fewer batches per call: on a busy machine a fixed per-call delay would shrink chunks to nothing


class ConfigError(ValueError):
    """A setting is out of bounds; the message says which and what is allowed."""


@dataclass(frozen=True)
class TrainConfig:
    """Every choice of the lab. The defaults are the seed's exact setup."""

    hidden_activation: str = "relu"
    hidden_units: int = 64
    output_activation: str = "softmax"
    loss: str = "sparse_categorical_crossentropy"
    optimizer: str = "adam"
    learning_rate: float = 0.001
    batch_size: int = 32
    epochs: int = 5
    data_fraction: float = 1.0  # share of the 60,000 training images to use
    validation_fraction: float = 0.0  # share of those held out to validate on
    seed: int = 0

    def validated(self) -> TrainConfig:
        checks = [
            (
                self.hidden_activation in HIDDEN_ACTIVATIONS,
                f"hidden activation must be one of {list(HIDDEN_ACTIVATIONS)}",
            ),
            (self.output_activation in OUTPUT_ACTIVATIONS, f"output activation must be one of {OUTPUT_ACTIVATIONS}"),
            (self.loss in LOSSES, f"loss must be one of {list(LOSSES)}"),
            (self.optimizer in OPTIMIZERS, f"optimizer must be one of {list(OPTIMIZERS)}"),
            (1 <= self.hidden_units <= 1024, "the hidden layer needs 1 to 1024 neurons"),
            (LR_RANGE[0] <= self.learning_rate <= LR_RANGE[1], f"learning rate must be in {LR_RANGE}"),
            (BATCH_RANGE[0] <= self.batch_size <= BATCH_RANGE[1], f"batch size must be in {BATCH_RANGE}"),
            (EPOCH_RANGE[0] <= self.epochs <= EPOCH_RANGE[1], f"epochs must be in {EPOCH_RANGE}"),
            (0.001 <= self.data_fraction <= 1.0, "the share of training data must be between 0.1% and 100%"),
            (0.0 <= self.validation_fraction <= 0.5, "the validation share must be between 0% and 50%"),
            (0 <= self.seed < 2**31, "the random seed must be a non-negative integer"),
        ]
        for ok, message in checks:
            if not ok:
                raise ConfigError(f"Invalid setting: {message}.")
        return self


# key: (class in keras.optimizers, arguments besides the learning rate); both the lab and its Keras code use it
_OPTIMIZER_CLASSES = {
    "sgd": ("SGD", {}),
    "momentum": ("SGD", {"momentum": 0.9}),
    "rmsprop": ("RMSprop", {}),
    "adagrad": ("Adagrad", {}),
    "adam": ("Adam", {}),
}


def build_optimizer(name: str, learning_rate: float) -> keras.optimizers.Optimizer:
    if name not in _OPTIMIZER_CLASSES:
        raise ConfigError(f"Unknown optimizer {name!r}.")
    class_name, arguments = _OPTIMIZER_CLASSES[name]
    return getattr(keras.optimizers, class_name)(float(learning_rate), **arguments)


def build_loss(name: str) -> keras.losses.Loss:
    return {
        "sparse_categorical_crossentropy": keras.losses.SparseCategoricalCrossentropy,
        "categorical_crossentropy": keras.losses.CategoricalCrossentropy,
        "mse": keras.losses.MeanSquaredError,
    }[name]()


def split_indices(config: TrainConfig, num_images: int) -> tuple[np.ndarray, np.ndarray]:
    """Training and validation indices into the training set: a seeded subset, the last part held out."""
    count = max(2, round(num_images * config.data_fraction))
    chosen = (
        np.arange(num_images)
        if count == num_images
        else np.random.default_rng(config.seed).choice(num_images, size=count, replace=False)
    )
    held_out = round(count * config.validation_fraction)
    return chosen[: count - held_out], chosen[count - held_out :]


@dataclass
class History:
    """What the page draws: one entry per batch, and one per finished epoch."""

    batch_loss: list[float] = field(default_factory=list)
    batch_accuracy: list[float] = field(default_factory=list)
    epochs: list[dict] = field(default_factory=list)  # epoch, loss, accuracy, val_loss, val_accuracy, seconds


@dataclass(frozen=True)
class TestResult:
    accuracy: float
    confusion: np.ndarray  # confusion[true, predicted] counts
    per_class_accuracy: np.ndarray
    wrong_indices: np.ndarray  # test images the model got wrong, most confident mistakes first
    wrong_top: np.ndarray  # for each: top-3 (class, probability) pairs, shape (n, 3, 2)


def evaluate_on_test(model: keras.Model, x_test: np.ndarray, y_test: np.ndarray, show_wrong: int = 24) -> TestResult:
    probs = model.predict(x_test.astype(np.float32) / 255.0, batch_size=2000, verbose=0)
    predicted = probs.argmax(axis=1)
    y = y_test.astype(np.int64)
    confusion = np.bincount(10 * y + predicted, minlength=100).reshape(10, 10)
    per_class = confusion.diagonal() / np.maximum(confusion.sum(axis=1), 1)
    wrong = np.flatnonzero(predicted != y)
    wrong = wrong[np.argsort(-probs[wrong].max(axis=1))][:show_wrong]
    top = np.argsort(-probs[wrong], axis=1)[:, :3]
    top_pairs = np.stack([top, np.take_along_axis(probs[wrong], top, axis=1)], axis=-1)
    return TestResult(float((predicted == y).mean()), confusion, per_class, wrong, top_pairs)


class Trainer:
    """Owns one model and its compiled chunk function; trains synchronously (the job adds the thread)."""

    def __init__(self, config: TrainConfig, x_train, y_train, x_val=None, y_val=None):
        self.config = config.validated()
        self.model = build_mlp(config.hidden_units, config.hidden_activation, config.output_activation, config.seed)
        self.optimizer = build_optimizer(config.optimizer, config.learning_rate)
        self.loss_fn = build_loss(config.loss)
        self.optimizer.build(self.model.trainable_variables)
        self.x_train = tf.constant(x_train)  # uint8 on the device; each batch is scaled as it is used
        self.y_train = tf.constant(y_train.astype(np.int32))
        self.num_train = len(y_train)
        self.steps_per_epoch = math.ceil(self.num_train / config.batch_size)
        self.x_val = None if x_val is None or len(x_val) == 0 else tf.constant(x_val)
        self.y_val = None if self.x_val is None else tf.constant(y_val.astype(np.int32))
        self.rng = np.random.default_rng(config.seed)
        self.device = device_of(self.model.trainable_variables[0])
        self._one_hot = config.loss != "sparse_categorical_crossentropy"
        self._run_chunk = tf.function(self._chunk, reduce_retracing=True, autograph=False)
        self._evaluate = tf.function(self._loss_and_accuracy, reduce_retracing=True, autograph=False)
        self.initial_weights = {v.path: v.numpy().copy() for v in self.model.trainable_variables}
        # The untrained model's loss on a slice of the data: the yardstick for "the loss exploded".
        sample = slice(0, min(1024, self.num_train))
        self.initial_loss = float(self._loss_and_accuracy(self.x_train[sample], self.y_train[sample])[0])
        self.loss_limit = tf.constant(EXPLOSION_FACTOR * self.initial_loss, tf.float32)

    def _loss_and_accuracy(self, x_uint8, labels, training=False):
        x = tf.cast(x_uint8, tf.float32) / 255.0
        probs = self.model(x, training=training)
        targets = tf.one_hot(labels, 10) if self._one_hot else labels
        loss = self.loss_fn(targets, probs)
        accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(probs, axis=1, output_type=tf.int32), labels), tf.float32))
        return loss, accuracy

    def _chunk(self, order, first_step, num_steps):
        """Train batches first_step .. first_step+num_steps-1 of this epoch's shuffled order.

        An explicit tf.while_loop (traced with autograph off): autograph would also rewrite Keras's own
        Python, which measured ~10% slower per step and twice as slow to trace.
        """
        batch = self.config.batch_size
        variables = self.model.trainable_variables

        def keep_going(i, losses, accuracies, diverged):
            return tf.logical_and(i < num_steps, tf.logical_not(diverged))

        def train_one_batch(i, losses, accuracies, diverged):
            indices = order[(first_step + i) * batch : (first_step + i + 1) * batch]
            x, y = tf.gather(self.x_train, indices), tf.gather(self.y_train, indices)
            with tf.GradientTape() as tape:
                loss, accuracy = self._loss_and_accuracy(x, y, training=True)
            gradients = tape.gradient(loss, variables)
            self.optimizer.apply_gradients(zip(gradients, variables, strict=True))
            # NaN, infinity or an explosion ends the chunk at once; the caller reports the divergence.
            diverged = tf.logical_or(tf.logical_not(tf.math.is_finite(loss)), loss > self.loss_limit)
            return i + 1, losses.write(i, loss), accuracies.write(i, accuracy), diverged

        start = (
            tf.constant(0),
            tf.TensorArray(tf.float32, size=0, dynamic_size=True),
            tf.TensorArray(tf.float32, size=0, dynamic_size=True),
            tf.constant(False),
        )
        _, losses, accuracies, _ = tf.while_loop(keep_going, train_one_batch, start)
        return losses.stack(), accuracies.stack()

    def diverged(self, losses: np.ndarray) -> bool:
        return bool(len(losses)) and not (np.isfinite(losses).all() and losses.max() <= float(self.loss_limit))

    def weight_change(self) -> dict[str, float]:
        """Largest absolute change of each layer's weights since initialisation."""
        return {
            v.path: float(np.abs(v.numpy() - self.initial_weights[v.path]).max())
            for v in self.model.trainable_variables
        }

    def new_epoch_order(self):
        return tf.constant(self.rng.permutation(self.num_train).astype(np.int32))

    def train_chunk(self, order, first_step: int, num_steps: int) -> tuple[np.ndarray, np.ndarray]:
        losses, accuracies = self._run_chunk(order, tf.constant(first_step), tf.constant(num_steps))
        return losses.numpy(), accuracies.numpy()

    def validate(self) -> tuple[float, float] | tuple[None, None]:
        if self.x_val is None:
            return None, None
        loss, accuracy = self._evaluate(self.x_val, self.y_val)
        return float(loss), float(accuracy)

    def fit(self, on_batches=None, on_epoch_end=None, should_stop=lambda: False) -> str:
        """Train all epochs; returns 'finished', 'stopped' or 'diverged'.

        on_batches(epoch, step, losses, accuracies) after each compiled chunk; on_epoch_end(epoch) after each epoch.
        """
        chunk = 50
        for epoch in range(self.config.epochs):
            order, step = self.new_epoch_order(), 0
            while step < self.steps_per_epoch:
                if should_stop():
                    return "stopped"
                size = min(chunk, self.steps_per_epoch - step)
                started = time.perf_counter()
                losses, accuracies = self.train_chunk(order, step, size)
                elapsed = time.perf_counter() - started
                step += len(losses)
                if on_batches:
                    on_batches(epoch, step, losses, accuracies)
                if self.diverged(losses):
                    return "diverged"
                # Aim each compiled call at CHUNK_SECONDS: long enough to be fast, short enough to stay live.
                if not (epoch == 0 and step == size):  # the first call also traces: don't size chunks by it
                    chunk = int(min(2000, max(MIN_CHUNK, size * CHUNK_SECONDS / max(elapsed, 1e-4))))
            if on_epoch_end:
                on_epoch_end(epoch)
        return "finished"


def max_concurrent_jobs() -> int:
    """How many trainings may run at once in this process (env COURSE_MAX_TRAINING_JOBS, default 2)."""
    try:
        return max(1, int(os.environ.get("COURSE_MAX_TRAINING_JOBS", "2")))
    except ValueError:
        return 2


class JobQueue:
    """A process-wide cap on simultaneous trainings; the rest wait in arrival order."""

    def __init__(self, capacity: int | None = None):
        self.capacity = capacity or max_concurrent_jobs()
        self._condition = threading.Condition()
        self._running: set[int] = set()
        self._waiting: list[int] = []

    def position(self, job_id: int) -> int:
        """0 when running (or not queued), else 1 for next in line, 2 after that..."""
        with self._condition:
            return self._waiting.index(job_id) + 1 if job_id in self._waiting else 0

    def running_count(self) -> int:
        with self._condition:
            return len(self._running)

    def acquire(self, job_id: int, cancelled) -> bool:
        with self._condition:
            self._waiting.append(job_id)
            while True:
                if cancelled():
                    self._waiting.remove(job_id)
                    self._condition.notify_all()
                    return False
                if len(self._running) < self.capacity and self._waiting[0] == job_id:
                    self._waiting.pop(0)
                    self._running.add(job_id)
                    self._condition.notify_all()
                    return True
                self._condition.wait(timeout=0.2)

    def release(self, job_id: int) -> None:
        with self._condition:
            self._running.discard(job_id)
            self._condition.notify_all()


JOB_QUEUE = JobQueue()
_job_ids = itertools.count(1)


@dataclass(frozen=True)
class Snapshot:
    """A consistent copy of a job's state for one redraw of the page."""

    state: str  # queued | starting | running | finished | stopped | diverged | failed
    queue_position: int
    epoch: int
    step: int
    steps_per_epoch: int
    elapsed_s: float
    eta_s: float | None
    history: History
    message: str
    device: str


class TrainingJob:
    """One learner's run in a worker thread. The page polls snapshot(); stop() keeps what was learned."""

    def __init__(self, config: TrainConfig, mnist, queue: JobQueue = JOB_QUEUE):
        self.config = config.validated()
        self.id = next(_job_ids)
        self._mnist, self._queue = mnist, queue
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._state, self._message, self._device = "queued", "", "?"
        self._epoch = self._step = 0
        self._steps_per_epoch = 1
        self._started = self._trained = None
        self._history = History()
        self.result: TestResult | None = None
        self.trainer: Trainer | None = None
        self._thread = threading.Thread(target=self._run, name=f"training-job-{self.id}", daemon=True)

    def start(self) -> TrainingJob:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    @property
    def active(self) -> bool:
        return self._state in ("queued", "starting", "running")

    def _on_batches(self, epoch, step, losses, accuracies):
        finite = np.isfinite(losses)
        keep = len(losses) if finite.all() else int(np.argmin(finite))  # drop the first non-finite and after
        with self._lock:
            self._epoch, self._step = epoch, step
            self._history.batch_loss.extend(losses[:keep].tolist())
            self._history.batch_accuracy.extend(accuracies[:keep].tolist())

    def _on_epoch_end(self, epoch):
        val_loss, val_acc = self.trainer.validate()
        weight_change = self.trainer.weight_change()
        with self._lock:
            first = epoch * self._steps_per_epoch  # this epoch's batches in the history
            self._history.epochs.append(
                {
                    "epoch": epoch + 1,
                    "loss": float(np.mean(self._history.batch_loss[first:])),
                    "accuracy": float(np.mean(self._history.batch_accuracy[first:])),
                    "val_loss": val_loss,
                    "val_accuracy": val_acc,
                    "seconds": time.perf_counter() - self._started,
                    "weight_change": weight_change,
                }
            )

    def _run(self) -> None:
        if not self._queue.acquire(self.id, self._stop.is_set):
            with self._lock:
                self._state, self._message = "stopped", "Cancelled before it started."
            return
        with self._lock:
            self._state = "starting"
        try:
            train_idx, val_idx = split_indices(self.config, len(self._mnist.y_train))
            x, y = self._mnist.x_train, self._mnist.y_train
            self.trainer = Trainer(self.config, x[train_idx], y[train_idx], x[val_idx], y[val_idx])
            with self._lock:
                self._state, self._device = "running", self.trainer.device
                self._steps_per_epoch = self.trainer.steps_per_epoch
                self._started = time.perf_counter()
            outcome = self.trainer.fit(self._on_batches, self._on_epoch_end, self._stop.is_set)
            with self._lock:
                self._trained = time.perf_counter()  # training time excludes the test evaluation below
            if outcome != "diverged" and self._history.batch_loss:
                self.result = evaluate_on_test(self.trainer.model, self._mnist.x_test, self._mnist.y_test)
            message = {
                "finished": "Training finished.",
                "stopped": "Stopped: the model keeps what it learned so far.",
                "diverged": divergence_message(self.config, self._history.batch_loss, self.trainer.initial_loss),
            }[outcome]
            with self._lock:
                self._state, self._message = outcome, message
        except Exception as error:  # anything unexpected becomes a message, never a dead thread
            with self._lock:
                self._state, self._message = "failed", f"Training failed: {type(error).__name__}: {error}"
        finally:
            with self._lock:
                self._trained = self._trained or time.perf_counter()
            self._queue.release(self.id)

    def snapshot(self) -> Snapshot:
        with self._lock:
            history = History(
                list(self._history.batch_loss),
                list(self._history.batch_accuracy),
                [dict(e) for e in self._history.epochs],
            )
            if self._started is None:
                elapsed, eta = 0.0, None
            else:
                elapsed = (self._trained or time.perf_counter()) - self._started
                done = self._epoch * self._steps_per_epoch + self._step
                total = self.config.epochs * self._steps_per_epoch
                eta = elapsed / done * (total - done) if done and self._state == "running" else None
            return Snapshot(
                self._state,
                self._queue.position(self.id),
                self._epoch,
                self._step,
                self._steps_per_epoch,
                elapsed,
                eta,
                history,
                self._message,
                self._device,
            )


def divergence_message(config: TrainConfig, batch_losses: list[float], initial_loss: float) -> str:
    label = OPTIMIZERS[config.optimizer][0]
    default = OPTIMIZERS[config.optimizer][1]
    finite = [loss for loss in batch_losses if math.isfinite(loss)]
    if len(finite) < len(batch_losses) or not finite or max(finite) <= EXPLOSION_FACTOR * initial_loss:
        what = "became NaN or infinite"
    else:
        what = f"exploded from {initial_loss:.3g} (untrained) to {max(finite):,.4g}"
    return (
        f"The loss {what} after {len(batch_losses):,} batches, so training stopped at once. "
        f"A learning rate of {config.learning_rate:g} is too high for {label}: each step overshoots "
        f"the minimum by more than the last, until the numbers overflow. Try a smaller learning rate "
        f"(Keras's default for {label} is {default:g})."
    )


def run_record(config: TrainConfig, snapshot: Snapshot, result: TestResult | None) -> dict:
    """One row of the learner's run table: the settings and what came of them."""
    last = snapshot.history.epochs[-1] if snapshot.history.epochs else {}
    return {
        **asdict(config),
        "outcome": snapshot.state,
        "device": snapshot.device,
        "seconds": round(snapshot.elapsed_s, 1),
        "train_accuracy": last.get("accuracy"),
        "val_accuracy": last.get("val_accuracy"),
        "test_accuracy": None if result is None else result.accuracy,
    }


def keras_code(config: TrainConfig) -> str:
    """The seed-style Keras code that reproduces these settings."""
    activation = "None" if config.hidden_activation == "linear" else repr(config.hidden_activation)
    step_def = ""
    if config.hidden_activation == "step":
        activation = "step"
        step_def = (
            "@tf.custom_gradient\n"
            "def step(x):  # 1 where x > 0, else 0; its derivative is 0 everywhere\n"
            "    return tf.cast(x > 0, x.dtype), lambda upstream: tf.zeros_like(upstream)\n\n"
        )
    class_name, arguments = _OPTIMIZER_CLASSES[config.optimizer]
    arguments = ", ".join([f"learning_rate={config.learning_rate:g}"] + [f"{k}={v}" for k, v in arguments.items()])
    optimizer = f"tf.keras.optimizers.{class_name}({arguments})"
    one_hot = config.loss != "sparse_categorical_crossentropy"
    labels = "tf.keras.utils.to_categorical(train_labels, 10)" if one_hot else "train_labels"
    lines = [
        "import tensorflow as tf",
        "",
        "(train_images, train_labels), (test_images, test_labels) = tf.keras.datasets.mnist.load_data()",
        "train_images, test_images = train_images / 255.0, test_images / 255.0",
    ]
    if config.data_fraction < 1:
        count = max(2, round(60000 * config.data_fraction))
        lines.append(f"train_images, train_labels = train_images[:{count}], train_labels[:{count}]  # a quick run")
    lines += [
        "tf.keras.utils.set_random_seed(%d)" % config.seed,
        "",
        step_def
        + "neural_net = tf.keras.Sequential([\n"
        + '    tf.keras.layers.Flatten(input_shape=(28, 28), name="input"),\n'
        + f'    tf.keras.layers.Dense({config.hidden_units}, activation={activation}, name="hidden"),\n'
        + f'    tf.keras.layers.Dense(10, activation={config.output_activation!r}, name="output"),\n'
        + "])",
        f"neural_net.compile(optimizer={optimizer}, loss={config.loss!r}, metrics=['accuracy'])",
        f"neural_net.fit(train_images, {labels}, epochs={config.epochs}, batch_size={config.batch_size}"
        + (f", validation_split={config.validation_fraction:g}" if config.validation_fraction else "")
        + ")",
        "neural_net.evaluate(test_images, "
        + ("tf.keras.utils.to_categorical(test_labels, 10)" if one_hot else "test_labels")
        + ")",
    ]
    return "\n".join(lines)
