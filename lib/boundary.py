"""A 2-D classification problem trained live, with and without a hidden activation."""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from lib.boundary_net import KEEP_EVERY, MAX_HIDDEN_UNITS, MAX_STEPS, trained  # noqa: F401  (the page's slider bounds)


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
    low, high = points.min(axis=0) - 0.3, points.max(axis=0) + 0.3
    gx, gy = np.meshgrid(np.linspace(low[0], high[0], grid_size), np.linspace(low[1], high[1], grid_size))
    grid = np.stack([gx.ravel(), gy.ravel()], axis=1)
    losses, predicted, on_grid = trained(points, labels, activation, hidden_units, steps, learning_rate, seed, grid)
    accuracy = float(np.mean((predicted > 0.5) == labels))
    return BoundaryResult(accuracy, gx.ravel(), gy.ravel(), on_grid, losses)


def train_and_describe(
    points, labels, activations, hidden_units: int, steps: int, then=None
) -> list[tuple[BoundaryResult, str]]:
    """Each activation's network trained as `train_boundary` does, with the sentence on its boundary: side by side,
    one thread each (TensorFlow and NumPy let go of Python while they compute). `then(activation, result,
    sentence)`, if given, runs in that thread as soon as its network is described, so what it does (drawing it)
    overlaps the other network's training."""

    def one(activation):
        result = train_boundary(points, labels, activation, hidden_units, steps)
        sentence = describe_boundary(result)
        if then is not None:
            then(activation, result, sentence)
        return result, sentence

    with ThreadPoolExecutor(max(1, len(activations)), thread_name_prefix="boundary") as pool:
        return list(pool.map(one, activations))


DEFAULT_HIDDEN_UNITS = 16  # the page's width before a learner moves it


def warm_up() -> None:
    """Compile both networks' training loops for the lesson's data (400 points), train the page's default width to
    the most steps (so its steps slider reads what was kept), and sort each dataset's grid along the straight-line
    search's directions, so the first learner waits less."""
    for make in DATASETS.values():
        points, labels = make()
        for activation in (None, "relu"):
            result = train_boundary(points, labels, activation, DEFAULT_HIDDEN_UNITS, MAX_STEPS)
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
