"""A 2-D classification problem trained live, with and without a hidden activation."""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np

from lib.runtime import forget_compiled, tf


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
    forget_compiled(train)  # traced for this one training: give its graph back
    accuracy = float(np.mean((model(x).numpy()[:, 0] > 0.5) == labels))
    low, high = points.min(axis=0) - 0.3, points.max(axis=0) + 0.3
    gx, gy = np.meshgrid(np.linspace(low[0], high[0], grid_size), np.linspace(low[1], high[1], grid_size))
    grid = np.stack([gx.ravel(), gy.ravel()], axis=1).astype(np.float32)
    return BoundaryResult(accuracy, gx.ravel(), gy.ravel(), model(grid).numpy()[:, 0], losses)


def halfplane_agreement(result: BoundaryResult, iterations: int = 50) -> float:
    """The share of grid cells on which the best straight boundary (a half-plane, fitted by logistic regression
    with Newton's method) agrees with the network's decision. 1.0 means the boundary is a straight line."""
    decided = result.grid_probability > 0.5
    if decided.all() or not decided.any():
        return 1.0
    x = np.stack([result.grid_x, result.grid_y, np.ones_like(result.grid_x)], axis=1).astype(np.float64)
    x[:, :2] = (x[:, :2] - x[:, :2].mean(axis=0)) / x[:, :2].std(axis=0)
    target, theta = decided.astype(np.float64), np.zeros(3)
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-np.clip(x @ theta, -30, 30)))
        hessian = (x * (p * (1 - p))[:, None]).T @ x + 1e-6 * np.eye(3)
        theta -= np.linalg.solve(hessian, x.T @ (p - target))
    return float(np.mean((x @ theta > 0) == decided))


def confidence(result: BoundaryResult) -> float:
    """How sure the network is, on average over the data-covering grid: mean of max(p, 1 − p), 50% to 100%."""
    p = result.grid_probability
    return float(np.mean(np.maximum(p, 1 - p)))


def describe_boundary(result: BoundaryResult, straight_above: float = 0.995) -> str:
    """A sentence about one trained network's boundary, built from its numbers."""
    agreement = halfplane_agreement(result)
    shape = (
        f"its boundary is a straight line (a half-plane matches {agreement:.1%} of its decisions)"
        if agreement >= straight_above
        else f"its boundary bends (the best straight line matches only {agreement:.1%} of its decisions)"
    )
    sure = confidence(result)
    tone = "unsure, near 50% (pale)" if sure < 0.65 else "fairly sure" if sure < 0.85 else "confident"
    return f"accuracy {result.accuracy:.0%}; {shape}; on average it is {tone}: {sure:.0%} for its chosen class"
