"""The lab's training: a named `train_step` (what the page shows learners) and the compiled loop that calls it.

The math is the notebook's `model.fit` (same model, loss, optimizer, batch size, a fresh shuffle every
epoch). The speed comes from running many batches per Python call: each call of a compiled `tf.function`
trains a chunk of batches, so the page can still show progress and stop a run between chunks.

Memory: the images are passed to the compiled function as arguments, never captured by it. A captured
tensor stays alive as long as TensorFlow keeps the function registered, which is longer than the run.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass

import keras
import numpy as np

from lib.choices import LOSSES, build_loss, build_optimizer
from lib.lab.config import TrainConfig
from lib.learning import steps_per_epoch
from lib.models import NUM_CLASSES, build_mlp
from lib.runtime import device_of, forget_compiled, lean_executor, tf

CHUNK_SECONDS = 0.2  # how long one compiled call aims to train before the page hears from it
FIRST_CHUNK = 50  # batches in the first call, which also traces the loop (so its time says little)
MIN_CHUNK = 25  # never fewer: on a busy machine a fixed per-call delay would shrink chunks to nothing
MAX_CHUNK = 2000  # never more: the page should hear from a run a few times a second at least
EXPLOSION_FACTOR = 100.0  # a batch loss this many times the untrained model's loss means divergence
SAMPLE_FOR_YARDSTICK = 1024  # images used to measure the untrained loss


@dataclass(frozen=True)
class TestResult:
    accuracy: float
    confusion: np.ndarray  # confusion[true, predicted] counts
    per_class_accuracy: np.ndarray
    wrong_indices: np.ndarray  # test images the model got wrong, most confident mistakes first
    wrong_top: np.ndarray  # for each: top-3 (class, probability) pairs, shape (n, 3, 2)


def predict_probabilities(model: keras.Model, images, chunk: int = 10_000) -> np.ndarray:
    """The model's probabilities for uint8 images, a chunk at a time (a direct call: model.predict would first
    build a data pipeline and trace a function, which costs more than the prediction here)."""
    images = np.asarray(images)
    return np.concatenate(
        [
            model(images[i : i + chunk].astype(np.float32) / 255.0, training=False).numpy()
            for i in range(0, len(images), chunk)
        ]
    )


def evaluate_on_test(model: keras.Model, x_test: np.ndarray, y_test: np.ndarray, show_wrong: int = 24) -> TestResult:
    probs = predict_probabilities(model, x_test)
    predicted = probs.argmax(axis=1)
    y = y_test.astype(np.int64)
    confusion = np.bincount(NUM_CLASSES * y + predicted, minlength=NUM_CLASSES**2).reshape(NUM_CLASSES, NUM_CLASSES)
    per_class = confusion.diagonal() / np.maximum(confusion.sum(axis=1), 1)
    wrong = np.flatnonzero(predicted != y)
    wrong = wrong[np.argsort(-probs[wrong].max(axis=1), kind="stable")][:show_wrong]
    top = np.argsort(-probs[wrong], axis=1, kind="stable")[:, :3]
    top_pairs = np.stack([top, np.take_along_axis(probs[wrong], top, axis=1)], axis=-1)
    return TestResult(float((predicted == y).mean()), confusion, per_class, wrong, top_pairs)


class Trainer:
    """Owns one model and its compiled chunk function; trains synchronously (a job adds the thread).

    images, labels: the whole training set (uint8 and integers), shared read-only by every run;
    train_indices, val_indices: which of them this run trains and validates on.
    """

    def __init__(self, config: TrainConfig, images, labels, train_indices, val_indices=()):
        self.config = config.validated()
        self.model = build_mlp(config.hidden_units, config.hidden_activation, config.output_activation, config.seed)
        self.optimizer = build_optimizer(config.optimizer, config.learning_rate)
        self.loss_fn = build_loss(config.loss, config.output_activation)
        self.optimizer.build(self.model.trainable_variables)
        self.one_hot = LOSSES[config.loss].needs_one_hot(config.output_activation)
        self.images = images if tf.is_tensor(images) else tf.constant(images)
        self.labels = labels if tf.is_tensor(labels) else tf.constant(np.asarray(labels, np.int32))
        self.train_indices = np.asarray(train_indices, dtype=np.int32)
        self.val_indices = tf.constant(np.asarray(val_indices, dtype=np.int32))
        self.num_train = len(self.train_indices)
        self.steps_per_epoch = steps_per_epoch(self.num_train, config.batch_size)
        self.rng = np.random.default_rng(config.seed)
        self.device = device_of(self.model.trainable_variables[0])
        self._run_chunk = tf.function(self._chunk, reduce_retracing=True, autograph=False)
        self._evaluate = tf.function(self._evaluate_indices, reduce_retracing=True, autograph=False)
        self.initial_weights = {v.path: v.numpy().copy() for v in self.model.trainable_variables}
        # The untrained model's loss on a slice of the data: the yardstick for "the loss exploded".
        sample = tf.constant(self.train_indices[:SAMPLE_FOR_YARDSTICK])
        self.initial_loss = float(self._evaluate_indices(self.images, self.labels, sample)[0])
        self.loss_limit = EXPLOSION_FACTOR * self.initial_loss

    # --- the math -------------------------------------------------------------------------------
    def loss_and_accuracy(self, x, y, training=False):
        """The loss of a batch and the share of it classified right."""
        probabilities = self.model(x, training=training)
        targets = tf.one_hot(y, NUM_CLASSES) if self.one_hot else y
        loss = self.loss_fn(targets, probabilities)
        predicted = tf.argmax(probabilities, axis=1, output_type=tf.int32)
        return loss, tf.reduce_mean(tf.cast(tf.equal(predicted, y), tf.float32))

    def train_step(self, x, y):
        """One step of gradient descent on one batch: forward pass, loss, backward pass, optimizer step."""
        variables = self.model.trainable_variables
        with tf.GradientTape() as tape:  # records the forward pass, so the backward pass can run it in reverse
            loss, accuracy = self.loss_and_accuracy(x, y, training=True)
        gradients = tape.gradient(loss, variables)  # backpropagation: ∂loss/∂w for every weight and bias
        self.optimizer.apply_gradients(zip(gradients, variables, strict=True))  # w ← w − (the optimizer's step)
        return loss, accuracy

    # --- the plumbing ----------------------------------------------------------------------------
    def _batch(self, images, labels, indices):
        return tf.cast(tf.gather(images, indices), tf.float32) / 255.0, tf.gather(labels, indices)

    def _evaluate_indices(self, images, labels, indices):
        return self.loss_and_accuracy(*self._batch(images, labels, indices))

    def _chunk(self, images, labels, order, first_step, num_steps):
        """train_step on batches first_step .. first_step+num_steps-1 of this epoch's order, in one compiled call.

        An explicit tf.while_loop (traced with autograph off): autograph would also rewrite Keras's own Python,
        which measured ~10% slower per step and twice as slow to trace. A NaN, an infinity or an explosion ends
        the chunk at once; the caller reports the divergence.
        """
        batch = self.config.batch_size

        def keep_going(i, losses, accuracies, diverged):
            return tf.logical_and(i < num_steps, tf.logical_not(diverged))

        def one_batch(i, losses, accuracies, diverged):
            indices = order[(first_step + i) * batch : (first_step + i + 1) * batch]
            loss, accuracy = self.train_step(*self._batch(images, labels, indices))
            diverged = tf.logical_or(tf.logical_not(tf.math.is_finite(loss)), loss > self.loss_limit)
            return i + 1, losses.write(i, loss), accuracies.write(i, accuracy), diverged

        start = (
            tf.constant(0),
            tf.TensorArray(tf.float32, size=0, dynamic_size=True),
            tf.TensorArray(tf.float32, size=0, dynamic_size=True),
            tf.constant(False),
        )
        _, losses, accuracies, _ = tf.while_loop(keep_going, one_batch, start)
        return losses.stack(), accuracies.stack()

    def diverged(self, losses: np.ndarray) -> bool:
        return bool(len(losses)) and not (np.isfinite(losses).all() and losses.max() <= self.loss_limit)

    def weight_change(self) -> dict[str, float]:
        """Largest absolute change of each layer's weights since initialisation."""
        return {
            v.path: float(np.abs(v.numpy() - self.initial_weights[v.path]).max())
            for v in self.model.trainable_variables
        }

    def new_epoch_order(self):
        """This epoch's batches: the run's training images in a fresh random order."""
        return tf.constant(self.train_indices[self.rng.permutation(self.num_train)])

    def train_chunk(self, order, first_step: int, num_steps: int) -> tuple[np.ndarray, np.ndarray]:
        with lean_executor():
            losses, accuracies = self._run_chunk(
                self.images, self.labels, order, tf.constant(first_step), tf.constant(num_steps)
            )
        return losses.numpy(), accuracies.numpy()

    def validate(self) -> tuple[float, float] | tuple[None, None]:
        if not int(tf.size(self.val_indices)):
            return None, None
        with lean_executor():
            loss, accuracy = self._evaluate(self.images, self.labels, self.val_indices)
        return float(loss), float(accuracy)

    def correct_among(self, start: int, stop: int, chunk: int = 4_096) -> int:
        """How many of the run's training images start..stop-1 the model classifies right with the weights as
        they are now (not a mean taken while learning), computed on the device from the shared images. Chunks of
        4,096 keep three of these side by side light (bench/classroom.py: 16,384 raised a class's peak memory
        by ~150 MB for no measurable speed)."""
        correct = 0
        for first in range(start, stop, chunk):
            indices = tf.constant(self.train_indices[first : min(first + chunk, stop)])
            x, y = self._batch(self.images, self.labels, indices)
            predicted = tf.argmax(self.model(x, training=False), axis=1, output_type=tf.int32)
            correct += int(tf.reduce_sum(tf.cast(tf.equal(predicted, y), tf.int32)))
        return correct

    def results_after_training(self, x_test, y_test) -> tuple[TestResult, float]:
        """The test results and the accuracy on the run's own training images.

        Each is a forward pass over thousands of images and TensorFlow runs each operation on few threads
        (lib/runtime.py), so three threads share the work: the test images, and each half of the training images.
        """
        half = self.num_train // 2
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="results") as pool:
            test = pool.submit(evaluate_on_test, self.model, x_test, y_test)
            first_half = pool.submit(self.correct_among, 0, half)
            second_half = self.correct_among(half, self.num_train)
            return test.result(), (first_half.result() + second_half) / self.num_train

    def fit(self, on_batches=None, on_epoch_end=None, should_stop=lambda: False, take_turn=nullcontext) -> str:
        """Train all epochs; returns 'finished', 'stopped' or 'diverged'.

        on_batches(epoch, step, losses, accuracies) after each compiled chunk; on_epoch_end(epoch) after each epoch;
        each chunk trains inside take_turn() (the server's fair turns on its trainers, lib/lab/turns.py).
        """
        chunk = FIRST_CHUNK
        for epoch in range(self.config.epochs):
            order, step = self.new_epoch_order(), 0
            while step < self.steps_per_epoch:
                if should_stop():
                    return "stopped"
                size = min(chunk, self.steps_per_epoch - step)
                with take_turn():
                    started = time.perf_counter()
                    losses, accuracies = self.train_chunk(order, step, size)
                    elapsed = time.perf_counter() - started
                step += len(losses)
                if on_batches:
                    on_batches(epoch, step, losses, accuracies)
                if self.diverged(losses):
                    return "diverged"
                if not (epoch == 0 and step == size):  # the first call also traces: don't size chunks by it
                    chunk = int(min(MAX_CHUNK, max(MIN_CHUNK, size * CHUNK_SECONDS / max(elapsed, 1e-4))))
            if on_epoch_end:
                on_epoch_end(epoch)
        return "finished"

    def release(self) -> None:
        """Drop the compiled functions and the references to the shared data; the model and its weights stay."""
        for function in (self._run_chunk, self._evaluate):
            if function is not None:
                forget_compiled(function)
        self._run_chunk = self._evaluate = None
        self.images = self.labels = None
        self.optimizer = None
        self.initial_weights = None  # the weight changes were recorded at each epoch's end
        self.train_indices = self.train_indices[:0]
        self.val_indices = None
