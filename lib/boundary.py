"""A 2-D classification problem trained live, with and without a hidden activation."""

from __future__ import annotations

import functools
import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor
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


MAX_HIDDEN_UNITS = 64  # the widest network the lesson trains; narrower ones are this one with units switched off
MAX_STEPS = 1000  # the most training steps the lesson asks for


class _CompiledBoundary:
    """One Keras network of the widest size and one Adam, with the training loop traced once per activation.

    A narrower network is this one with its extra hidden units switched off by a mask on the hidden layer's output:
    those units then add nothing to the output and get zero gradients, so Adam never moves them, and the units that
    are on learn exactly as in a network of that width (the same initial weights, drawn for that width). The width,
    the number of steps, the learning rate and the data are arguments of the loop, compiled once by XLA into one
    program (the same arithmetic, several times faster than running its small operations one by one), so a new
    setting never compiles again. `warm_up` compiles it in the background before a learner needs it."""

    def __init__(self, activation: str | None):
        self.activation = keras.activations.get(activation)
        self.hidden = keras.layers.Dense(MAX_HIDDEN_UNITS)
        self.output = keras.layers.Dense(1, activation="sigmoid")
        self.hidden.build((None, 2))
        self.output.build((None, MAX_HIDDEN_UNITS))
        self.variables = [*self.hidden.trainable_variables, *self.output.trainable_variables]
        self.optimizer = keras.optimizers.Adam(0.05)
        self.optimizer.build(self.variables)
        self.loss_fn = keras.losses.BinaryCrossentropy()
        self.lock = threading.Lock()  # one training at a time on these variables
        self.run = tf.function(
            self._run,
            jit_compile=True,
            input_signature=[
                tf.TensorSpec([None, 2], tf.float32),  # the data
                tf.TensorSpec([None, 1], tf.float32),  # its labels
                tf.TensorSpec([2, MAX_HIDDEN_UNITS], tf.float32),  # the initial weights (see `initial_weights`)
                tf.TensorSpec([MAX_HIDDEN_UNITS, 1], tf.float32),
                tf.TensorSpec([MAX_HIDDEN_UNITS], tf.float32),  # which hidden units are on
                tf.TensorSpec([], tf.float32),  # learning rate
                tf.TensorSpec([], tf.int32),  # steps
            ],
        )
        spec = [tf.TensorSpec([None, 2], tf.float32), tf.TensorSpec([None, 2], tf.float32)]
        self.predict = tf.function(self._predict, input_signature=[*spec, tf.TensorSpec([MAX_HIDDEN_UNITS], tf.float32)])

    def forward(self, x, mask):
        return self.output(self.activation(self.hidden(x)) * mask)

    def _run(self, x, y, kernel, output_kernel, mask, learning_rate, num_steps):
        """A fresh network and a fresh Adam, then `num_steps` steps of training: one compiled program, so a new
        setting costs no Python between steps and never compiles again."""
        self.hidden.kernel.assign(kernel)
        self.hidden.bias.assign(tf.zeros([MAX_HIDDEN_UNITS]))
        self.output.kernel.assign(output_kernel)
        self.output.bias.assign(tf.zeros([1]))
        for variable in self.optimizer.variables:
            variable.assign(tf.zeros_like(variable))
        self.optimizer.learning_rate = learning_rate
        # A fixed-size record and a plain while loop: XLA would compile again for every new number of steps if it
        # were a size (a TensorArray's) or a loop's maximum (`for i in tf.range(num_steps)` sets one).
        losses, i = tf.zeros([MAX_STEPS]), tf.constant(0)
        while i < num_steps:
            with tf.GradientTape() as tape:
                loss = self.loss_fn(y, self.forward(x, mask))
            grads = tape.gradient(loss, self.variables)
            self.optimizer.apply_gradients(zip(grads, self.variables, strict=True))
            losses = tf.tensor_scatter_nd_update(losses, [[i]], [loss])
            i += 1
        return losses

    def _predict(self, x, grid, mask):
        # A graph but not XLA: XLA's sigmoid differs from TensorFlow's in the last bit, and a cell at 0.5 could flip.
        return self.forward(x, mask)[:, 0], self.forward(grid, mask)[:, 0]


@functools.lru_cache(maxsize=2 * MAX_HIDDEN_UNITS)
def initial_weights(hidden_units: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Glorot-uniform weights drawn for a network `hidden_units` wide, padded with zeros to the widest, and the mask
    that switches the padding off. Kept: they depend on the width and the seed alone."""
    kernel = np.zeros((2, MAX_HIDDEN_UNITS), np.float32)
    kernel[:, :hidden_units] = keras.initializers.GlorotUniform(seed=seed)((2, hidden_units))
    output = np.zeros((MAX_HIDDEN_UNITS, 1), np.float32)
    output[:hidden_units] = keras.initializers.GlorotUniform(seed=seed + 1)((hidden_units, 1))
    for array in (kernel, output):
        array.flags.writeable = False
    return kernel, output, (np.arange(MAX_HIDDEN_UNITS) < hidden_units).astype(np.float32)


_compiled: dict = {}
_compiled_lock = threading.Lock()


def _compiled_for(activation: str | None) -> _CompiledBoundary:
    with _compiled_lock:
        if activation not in _compiled:
            _compiled[activation] = _CompiledBoundary(activation)
        return _compiled[activation]


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
    if not (1 <= hidden_units <= MAX_HIDDEN_UNITS and 1 <= steps <= MAX_STEPS):
        raise ValueError(f"at most {MAX_HIDDEN_UNITS} hidden units and {MAX_STEPS} steps")
    net = _compiled_for(activation)
    x, y = tf.constant(points, tf.float32), tf.constant(labels.reshape(-1, 1), tf.float32)
    low, high = points.min(axis=0) - 0.3, points.max(axis=0) + 0.3
    gx, gy = np.meshgrid(np.linspace(low[0], high[0], grid_size), np.linspace(low[1], high[1], grid_size))
    grid = tf.constant(np.stack([gx.ravel(), gy.ravel()], axis=1), tf.float32)
    kernel, output, mask = initial_weights(hidden_units, seed)
    with net.lock:
        losses = net.run(x, y, kernel, output, mask, tf.constant(learning_rate), tf.constant(steps)).numpy()
        predicted, on_grid = (tensor.numpy() for tensor in net.predict(x, grid, mask))
    accuracy = float(np.mean((predicted > 0.5) == labels))
    return BoundaryResult(accuracy, gx.ravel(), gy.ravel(), on_grid, losses[:steps])


def train_and_describe(points, labels, activations, hidden_units: int, steps: int) -> list[tuple[BoundaryResult, str]]:
    """Each activation's network trained as `train_boundary` does, with the sentence on its boundary: side by side,
    one thread each (TensorFlow and NumPy let go of Python while they compute, so on two cores this takes the time
    of the slower one, not the sum)."""

    def one(activation):
        result = train_boundary(points, labels, activation, hidden_units, steps)
        return result, describe_boundary(result)

    with ThreadPoolExecutor(max(1, len(activations)), thread_name_prefix="boundary") as pool:
        return list(pool.map(one, activations))


def warm_up() -> None:
    """Compile both networks' training loops for the lesson's data (400 points), and sort each dataset's grid along
    the straight-line search's directions, so the first learner waits less."""
    for make in DATASETS.values():
        points, labels = make()
        for activation in (None, "relu"):
            result = train_boundary(points, labels, activation, 2, 1)
        _orders(_cells(result)[:, :2], DIRECTIONS)  # one grid per dataset, whatever the network


DIRECTIONS = 360  # directions the half-plane search tries, every half degree


def _best_cut(xy: np.ndarray, decided: np.ndarray, directions: int = DIRECTIONS) -> float:
    """The share of cells agreeing with the best half-plane whose edge is perpendicular to one of `directions`
    directions: along each, every threshold between two distinct positions, class 1 on either side."""
    n = len(decided)
    order, ties = _orders(xy, directions)
    ones = decided.astype(np.int32)
    total = int(ones.sum())
    # With k cells below the threshold, class 0 below and class 1 above agree on (k − ones_below) + (total −
    # ones_below) cells, the other way round on n minus that: the better of the two is (n + |2·agree − n|) / 2,
    # and |2·agree − n| = |(2k + 2·total − n) − 4·ones_below|, worked out in place on one array.
    score = np.cumsum(ones[order], axis=1, dtype=np.int32)  # class 1 among the first k cells, k = 1 … n
    score *= -4
    score += np.arange(2, 2 * n + 1, 2, dtype=np.int32) + (2 * total - n)
    np.abs(score, out=score)
    score.flat[ties] = 0  # a threshold cannot fall between cells at one position (and 0 never wins: see below)
    return float((n + max(int(score.max()), abs(2 * total - n))) / 2 / n)  # k = 0: one side empty


_ORDERS: dict[bytes, tuple[np.ndarray, np.ndarray]] = {}  # per grid: the lesson has one grid per dataset


def _orders(xy: np.ndarray, directions: int) -> tuple[np.ndarray, np.ndarray]:
    """Along each direction, the cells in order, and where a threshold cannot fall (between two cells at one
    position: the flat index of the k-th cell of the order, k = 1 … n − 1, in a directions × n array). They depend
    on the grid alone, not on the network, so they are worked out once per grid."""
    key = hashlib.sha256(np.ascontiguousarray(xy).tobytes() + directions.to_bytes(4, "little")).digest()
    if key not in _ORDERS:
        n, angles = len(xy), np.linspace(0, np.pi, directions, endpoint=False)
        along = np.round(np.stack([np.cos(angles), np.sin(angles)], axis=1) @ xy.T, 9)  # directions × cells
        order = np.argsort(along, axis=1, kind="stable")
        sorted_along = np.take_along_axis(along, order, axis=1)
        tied = np.zeros((directions, n), dtype=bool)
        tied[:, : n - 1] = sorted_along[:, 1:] == sorted_along[:, :-1]
        if len(_ORDERS) >= 16:
            _ORDERS.clear()
        _ORDERS[key] = order, np.flatnonzero(tied)
    return _ORDERS[key]


def _cells(result: BoundaryResult) -> np.ndarray:
    """The grid's cells as rows (x, y, 1), x and y standardised: what both straight-line searches work on."""
    x = np.stack([result.grid_x, result.grid_y, np.ones_like(result.grid_x)], axis=1).astype(np.float64)
    x[:, :2] = (x[:, :2] - x[:, :2].mean(axis=0)) / x[:, :2].std(axis=0)
    return x


def halfplane_agreement(result: BoundaryResult, iterations: int = 50) -> float:
    """The share of grid cells on which the best straight boundary found (a half-plane: fitted by logistic
    regression with Newton's method, or the best of a search over directions) agrees with the network's decision.
    1.0 means the boundary is a straight line."""
    decided = result.grid_probability > 0.5
    if decided.all() or not decided.any():
        return 1.0
    x = _cells(result)
    target, theta = decided.astype(np.float64), np.zeros(3)
    for _ in range(iterations):
        along = x @ theta
        if np.array_equal(along > 0, decided):
            return 1.0  # a straight line that agrees on every cell: nothing beats it
        p = 1 / (1 + np.exp(-np.clip(along, -30, 30)))
        hessian = (x * (p * (1 - p))[:, None]).T @ x + 1e-6 * np.eye(3)
        step = np.linalg.solve(hessian, x.T @ (p - target))
        theta -= step
        if np.abs(step).max() < 1e-12:  # converged (a separable grid never does: its θ grows without bound)
            break
    fitted = float(np.mean((x @ theta > 0) == decided))
    return 1.0 if fitted == 1.0 else max(fitted, _best_cut(x[:, :2], target))  # nothing beats agreeing everywhere


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
        else f"its boundary bends (the best straight line found matches only {agreement:.1%} of its decisions)"
    )
    sure = confidence(result)
    tone = "unsure, near 50% (pale)" if sure < 0.65 else "fairly sure" if sure < 0.85 else "confident"
    return f"accuracy {result.accuracy:.0%}; {shape}; on average it is {tone}: {sure:.0%} for its chosen class"
