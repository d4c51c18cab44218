"""One training step of the real 784-64-10 network on one real batch, every stage measured.

forward pass → logits → softmax → batch loss → backward pass (a gradient per layer) → one optimizer step →
the loss on the same batch again. This is exactly what `model.fit` repeats for every batch of every epoch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from lib.choices import build_loss, build_optimizer
from lib.fmt import num
from lib.models import build_mlp
from lib.runtime import tf

BATCH_SIZE = 32


def steps_per_epoch(num_images: int, batch_size: int) -> int:
    """Optimizer steps in one pass over num_images: one per batch, the last batch smaller when they don't divide."""
    return math.ceil(num_images / batch_size)


@dataclass(frozen=True)
class StepReport:
    """Everything one step did, as plain numbers."""

    batch_index: int
    labels: np.ndarray  # (32,) the true digits
    shapes: dict  # stage -> shape, e.g. "images": (32, 28, 28)
    logits: np.ndarray  # (32, 10) the output layer's raw scores
    probabilities: np.ndarray  # (32, 10) softmax of the logits
    loss_before: float  # mean cross-entropy of the batch before the step
    gradients: list[dict]  # per weight array: name, shape, norm, largest |entry|
    loss_after: float  # the same batch's loss after the step
    accuracy_before: float
    accuracy_after: float


class OneBatchAtATime:
    """The notebook's network and optimizer, stepping through MNIST one batch of 32 at a time."""

    def __init__(self, images: np.ndarray, labels: np.ndarray, optimizer: str = "adam", lr: float = 0.001, seed=0):
        self.images, self.labels = images, labels
        self.model = build_mlp(seed=seed)
        self.optimizer = build_optimizer(optimizer, lr)
        self.loss_fn = build_loss("cross_entropy", "softmax")
        self.order = np.random.default_rng(seed).permutation(len(labels))  # one epoch's shuffled order
        self.batches_done = 0

    @property
    def batches_per_epoch(self) -> int:
        return steps_per_epoch(len(self.labels), BATCH_SIZE)

    def _batch(self, index: int):
        rows = self.order[index * BATCH_SIZE : (index + 1) * BATCH_SIZE]
        return self.images[rows].astype(np.float32) / 255.0, self.labels[rows].astype(np.int32)

    def _measure(self, x, y) -> tuple[float, float, np.ndarray, np.ndarray]:
        hidden_layer, output_layer = self.model.get_layer("hidden"), self.model.get_layer("output")
        flat = x.reshape(len(x), -1)
        hidden = hidden_layer(flat)
        logits = tf.matmul(hidden, output_layer.kernel) + output_layer.bias  # the output layer before softmax
        probabilities = tf.nn.softmax(logits)
        loss = float(self.loss_fn(y, probabilities))
        accuracy = float(np.mean(np.argmax(probabilities, axis=1) == y))
        return loss, accuracy, logits.numpy(), probabilities.numpy()

    def step(self) -> StepReport:
        """Forward pass, loss, backward pass and one optimizer step on the next batch."""
        index = self.batches_done % self.batches_per_epoch
        x, y = self._batch(index)
        loss_before, accuracy_before, logits, probabilities = self._measure(x, y)
        variables = self.model.trainable_variables
        with tf.GradientTape() as tape:  # the forward pass, recorded
            loss = self.loss_fn(y, self.model(x, training=True))
        gradients = tape.gradient(loss, variables)  # the backward pass
        self.optimizer.apply_gradients(zip(gradients, variables, strict=True))  # the step
        loss_after, accuracy_after, _, _ = self._measure(x, y)
        self.batches_done += 1
        hidden_units = self.model.get_layer("hidden").units
        return StepReport(
            batch_index=index,
            labels=y,
            shapes={
                "images": tuple(x.shape),
                "flattened": (len(x), 784),
                "hidden layer output": (len(x), hidden_units),
                "logits": tuple(logits.shape),
                "probabilities": tuple(probabilities.shape),
            },
            logits=logits,
            probabilities=probabilities,
            loss_before=loss_before,
            gradients=[
                {
                    "weights": variable.path,
                    "shape": tuple(variable.shape),
                    "gradient norm": float(tf.norm(g)),
                    "largest |entry|": float(tf.reduce_max(tf.abs(g))),
                }
                for variable, g in zip(variables, gradients, strict=True)
            ],
            loss_after=loss_after,
            accuracy_before=accuracy_before,
            accuracy_after=accuracy_after,
        )


def step_sentence(report: StepReport) -> str:
    """What the step did to this batch's loss, from the numbers."""
    change = report.loss_after - report.loss_before
    direction = "fell" if change < 0 else "rose"
    return (
        f"On batch {report.batch_index + 1} the loss {direction} from {report.loss_before:.4f} to "
        f"{report.loss_after:.4f} ({num(change, '+.4f')}) after one step; {report.accuracy_before:.0%} of its 32 "
        f"images were classified right before the step and {report.accuracy_after:.0%} after."
    )
