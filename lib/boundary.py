"""A 2-D classification problem trained live, with and without a hidden activation."""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np

from lib.runtime import tf


def make_circles(num_points: int = 400, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two rings: class 0 inside (radius 0.5), class 1 outside (radius 1), plus Gaussian noise."""
    rng = np.random.default_rng(seed)
    labels = np.arange(num_points) % 2
    angle = rng.uniform(0, 2 * np.pi, num_points)
    radius = np.where(labels == 0, 0.5, 1.0)
    points = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    return (points + rng.normal(0, noise, points.shape)).astype(np.float32), labels.astype(np.int32)


def make_moons(num_points: int = 400, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles."""
    rng = np.random.default_rng(seed)
    labels = np.arange(num_points) % 2
    angle = rng.uniform(0, np.pi, num_points)
    points = np.where(
        labels[:, None] == 0,
        np.stack([np.cos(angle), np.sin(angle)], axis=1),
        np.stack([1 - np.cos(angle), 0.5 - np.sin(angle)], axis=1),
    )
    return (points + rng.normal(0, noise, points.shape)).astype(np.float32), labels.astype(np.int32)


DATASETS = {"circles": make_circles, "moons": make_moons}


@dataclass(frozen=True)
class BoundaryResult:
    accuracy: float
    grid_x: np.ndarray
    grid_y: np.ndarray
    grid_probability: np.ndarray  # P(class 1) on the grid
    losses: np.ndarray


def train_boundary(
    points,
    labels,
    activation: str | None,
    hidden_units: int = 16,
    steps: int = 400,
    learning_rate: float = 0.05,
    seed: int = 0,
    grid_size: int = 60,
) -> BoundaryResult:
    """Train 2 → hidden → 1 (sigmoid) with Adam on the full batch; return accuracy and P(class 1) on a grid."""
    model = keras.Sequential(
        [
            keras.Input(shape=(2,)),
            keras.layers.Dense(
                hidden_units, activation=activation, kernel_initializer=keras.initializers.GlorotUniform(seed=seed)
            ),
            keras.layers.Dense(
                1, activation="sigmoid", kernel_initializer=keras.initializers.GlorotUniform(seed=seed + 1)
            ),
        ]
    )
    optimizer = keras.optimizers.Adam(learning_rate)
    loss_fn = keras.losses.BinaryCrossentropy()
    x, y = tf.constant(points), tf.constant(labels.reshape(-1, 1).astype(np.float32))
    optimizer.build(model.trainable_variables)

    @tf.function
    def train(num_steps):
        losses = tf.TensorArray(tf.float32, size=num_steps)
        for i in tf.range(num_steps):
            with tf.GradientTape() as tape:
                loss = loss_fn(y, model(x, training=True))
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))
            losses = losses.write(i, loss)
        return losses.stack()

    losses = train(tf.constant(steps)).numpy()
    accuracy = float(np.mean((model(x).numpy()[:, 0] > 0.5) == labels))
    low, high = points.min(axis=0) - 0.3, points.max(axis=0) + 0.3
    gx, gy = np.meshgrid(np.linspace(low[0], high[0], grid_size), np.linspace(low[1], high[1], grid_size))
    grid = np.stack([gx.ravel(), gy.ravel()], axis=1).astype(np.float32)
    return BoundaryResult(accuracy, gx.ravel(), gy.ravel(), model(grid).numpy()[:, 0], losses)
