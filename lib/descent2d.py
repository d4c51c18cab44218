"""Gradient descent on two parameters: loss surfaces, the real keras.optimizers walking them, and what each
path did (zig-zag, overshoot, divergence, escape from a saddle), read off the path itself."""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass

import numpy as np

from lib.choices import OPTIMIZERS, build_optimizer
from lib.runtime import tf

# --- two parameters -----------------------------------------------------------------------------
_rng = np.random.default_rng(0)
LINE_X = np.linspace(-1, 1, 40)
LINE_Y = 0.5 * LINE_X + 1.0 + _rng.normal(0, 0.1, LINE_X.shape)  # a line to fit: slope ≈ 0.5, intercept ≈ 1


_MOMENTS = [float(np.mean(m)) for m in (LINE_X**2, LINE_X, LINE_X * LINE_Y, LINE_Y, LINE_Y**2)]


def _line_mse(p):
    """mean((slope·x + intercept − y)²) over the 40 points, expanded into the points' means (the same number) so that
    one definition works on a tf.Variable (for autodiff) and on NumPy arrays (one point or a whole grid) alike."""
    slope, intercept = p[0], p[1]
    xx, x, xy, y, yy = _MOMENTS
    return slope**2 * xx + 2 * slope * intercept * x + intercept**2 - 2 * slope * xy - 2 * intercept * y + yy


@dataclass(frozen=True)
class Surface:
    function: object  # loss of a 2-vector (or of a 2×N grid)
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    start: tuple[float, float]
    minimum: float  # the lowest loss on the surface, for "reached the minimum"


SURFACES = {
    "elongated bowl": Surface(lambda p: 0.5 * p[0] ** 2 + 5.0 * p[1] ** 2, (-4.0, 4.0), (-2.0, 2.0), (-3.5, 1.5), 0.0),
    "fitting a line (real MSE)": Surface(
        _line_mse,
        (-2.0, 3.0),
        (-1.0, 3.0),
        (-1.5, -0.5),
        float(np.mean((np.polyval(np.polyfit(LINE_X, LINE_Y, 1), LINE_X) - LINE_Y) ** 2)),
    ),
    "saddle: x² − y² + y⁴/4": Surface(
        lambda p: p[0] ** 2 - p[1] ** 2 + p[1] ** 4 / 4, (-2.0, 2.0), (-2.5, 2.5), (1.8, 0.01), -1.0
    ),
}
TWO_D_OPTIMIZERS = ("sgd", "momentum", "rmsprop", "adam")
RUNAWAY = 1e3  # a path this far from the origin has diverged
NEAR = 0.01  # "reached the minimum": a loss within this of the surface's lowest


def surface_loss(surface: str, points: np.ndarray) -> np.ndarray:
    """The loss at each row (x, y) of points (the surface's own formula, evaluated in NumPy)."""
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    return np.asarray(SURFACES[surface].function(points.T), dtype=np.float64) * np.ones(len(points))


def surface_grid(surface: str, size: int = 50) -> dict[str, np.ndarray]:
    """The loss on a size×size grid, for the contour map."""
    spec = SURFACES[surface]
    gx, gy = np.meshgrid(np.linspace(*spec.x_range, size), np.linspace(*spec.y_range, size))
    return {"x": gx.ravel(), "y": gy.ravel(), "loss": surface_loss(surface, np.stack([gx.ravel(), gy.ravel()], 1))}


class _CompiledWalk:
    """Real Keras optimizers walking one surface, each its own 2×K tf.Variable (K paths side by side: these
    optimizers update each number on its own, so column k is an independent path), with the loop traced once.

    The start, the learning rate and the noise (one row per step, so also the number of steps) are the loop's
    arguments: a new setting runs the same compiled loop again and never traces anew. The loop first assigns the
    start to the points, sets each optimizer's state (momentum, averages, step count) back to zero, as in a freshly
    built optimizer, and puts the learning rate in its own variable."""

    def __init__(self, surface: str, optimizers: tuple[str, ...], columns: int):
        self.function = SURFACES[surface].function
        self.points = [tf.Variable(np.zeros((2, columns))) for _ in optimizers]
        self.optimizers = [build_optimizer(key, 0.01) for key in optimizers]
        for optimizer, point in zip(self.optimizers, self.points, strict=True):
            optimizer.build([point])
        self.lock = threading.Lock()  # one walk at a time on these variables
        self.walk = tf.function(
            self._walk,
            input_signature=[
                tf.TensorSpec([2], tf.float64),
                tf.TensorSpec([], tf.float32),
                tf.TensorSpec([None, 2, columns], tf.float64),
            ],
        )

    def _walk(self, start, learning_rate, noise):
        for optimizer, point in zip(self.optimizers, self.points, strict=True):  # a fresh start, a fresh optimizer
            point.assign(tf.repeat(start[:, None], point.shape[1], axis=1))
            for variable in optimizer.variables:
                variable.assign(tf.zeros_like(variable))
            optimizer.learning_rate = learning_rate
        visited = tf.TensorArray(tf.float64, size=tf.shape(noise)[0])  # step i: every optimizer's 2×K points
        for i in tf.range(tf.shape(noise)[0]):
            for optimizer, point in zip(self.optimizers, self.points, strict=True):
                with tf.GradientTape() as tape:
                    loss = tf.reduce_sum(self.function(point))  # each column's gradient is its own path's gradient
                optimizer.apply_gradients([(tape.gradient(loss, point) + noise[i], point)])
            visited = visited.write(i, tf.stack([point.read_value() for point in self.points]))
        return visited.stack()

    def __call__(self, start: np.ndarray, learning_rate: float, noise: np.ndarray) -> list[np.ndarray]:
        with self.lock:
            visited = self.walk(tf.constant(start), tf.constant(learning_rate, tf.float32), tf.constant(noise))
        visited = visited.numpy()  # steps × optimizers × 2 × K
        return [visited[:, k] for k in range(len(self.points))]


_walks: dict = {}
_walks_lock = threading.Lock()


def _walk_for(surface: str, optimizers: tuple[str, ...], columns: int) -> _CompiledWalk:
    with _walks_lock:
        if (surface, optimizers, columns) not in _walks:
            _walks[surface, optimizers, columns] = _CompiledWalk(surface, optimizers, columns)
        return _walks[surface, optimizers, columns]


def walks(
    surface: str, optimizers, start, learning_rate: float, steps: int, noises=(0.0,), seed: int = 0
) -> dict[str, list[np.ndarray]]:
    """Per optimizer key, the paths of that real Keras optimizer from `start`, one per noise scale: noise adds
    Gaussian noise to each gradient ("stochastic"), the same draws scaled by each noise. All of them run side by
    side in one call of one compiled loop (_CompiledWalk)."""
    start = np.asarray(start, dtype=np.float64)
    scales = np.asarray(noises, dtype=np.float64)
    draws = np.random.default_rng(seed).standard_normal((steps, 2))
    walk = _walk_for(surface, tuple(optimizers), len(scales))
    visited = walk(start, learning_rate, draws[:, :, None] * scales[None, None, :])
    found = {}
    for key, record in zip(optimizers, visited, strict=True):
        found[key] = []
        for k in range(len(scales)):
            path = np.concatenate([start[None, :], record[:, :, k]])
            runaway = np.flatnonzero(~np.isfinite(path).all(axis=1) | (np.abs(path).max(axis=1) > RUNAWAY))
            found[key].append(path[: runaway[0] + 1] if len(runaway) else path)  # diverged: up to the blow-up
    return found


def optimizer_paths(
    surface: str, optimizer: str, start, learning_rate: float, steps: int, noises=(0.0,), seed: int = 0
) -> list[np.ndarray]:
    """The paths of a real Keras optimizer from `start`, one per noise scale (see walks)."""
    return walks(surface, (optimizer,), start, learning_rate, steps, noises, seed)[optimizer]


def optimizer_path(
    surface: str, optimizer: str, start, learning_rate: float, steps: int, noise: float = 0.0, seed: int = 0
) -> np.ndarray:
    """The path of a real Keras optimizer from `start`; noise adds Gaussian noise to each gradient ("stochastic")."""
    return optimizer_paths(surface, optimizer, start, learning_rate, steps, (noise,), seed)[0]


def all_paths(
    surface: str, start, learning_rate: float, steps: int, noise: float = 0.0, optimizers=TWO_D_OPTIMIZERS, seed=0
) -> dict[str, np.ndarray]:
    """Each optimizer's path, keyed by its label (the label the legend and the table show)."""
    return paths_with_and_without_noise(surface, start, learning_rate, steps, noise, optimizers, seed)[0]


def paths_with_and_without_noise(
    surface: str, start, learning_rate: float, steps: int, noise: float = 0.0, optimizers=TWO_D_OPTIMIZERS, seed=0
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Each optimizer's path with the noise, and the same path with noise 0 (to tell what the noise did)."""
    found = walks(surface, optimizers, start, learning_rate, steps, (noise, 0.0), seed)
    noisy = {OPTIMIZERS[key].label: found[key][0] for key in optimizers}
    return noisy, {OPTIMIZERS[key].label: found[key][1] for key in optimizers}


def describe_path(surface: str, path: np.ndarray, steps: int, tolerance: float = NEAR) -> dict:
    """What a path did, in numbers: where it ended, whether it diverged, when it first came within `tolerance`
    of the surface's lowest loss, how often it reversed direction (zig-zag) and how often the loss went up."""
    spec = SURFACES[surface]
    finite = path[np.isfinite(path).all(axis=1)]
    losses = surface_loss(surface, finite)
    moves = np.diff(finite, axis=0)
    reversals = int(np.sum(np.einsum("ij,ij->i", moves[1:], moves[:-1]) < 0)) if len(moves) > 1 else 0
    near = np.flatnonzero(losses <= spec.minimum + tolerance)
    return {
        "diverged": len(path) - 1 < steps,
        "steps": len(path) - 1,
        "final": finite[-1],
        "final_loss": float(losses[-1]),
        "reached_after": int(near[0]) if len(near) else None,
        "ends_near": bool(losses[-1] <= spec.minimum + tolerance),
        "reversals": reversals,
        "moves": len(moves),
        "loss_rises": int(np.sum(np.diff(losses) > 1e-12)),
    }


def path_table(surface: str, paths: dict[str, np.ndarray], steps: int, noise_free: dict | None = None) -> list[dict]:
    """The 2-D lesson's table: per optimizer, what its path did (the numbers the sentences are built from); with
    noise, also what the same path did with noise 0. Short headers: all columns fit a desktop page uncut."""
    rows = []
    for name, path in paths.items():
        f = describe_path(surface, path, steps)
        row = {
            "optimizer": name,
            "steps": f["steps"],
            "diverged": f["diverged"],
            "final loss": f["final_loss"],
            "at minimum after": f["reached_after"],
            "reversals": f["reversals"],
            "loss rose (steps)": f["loss_rises"],
        }
        if noise_free is not None:
            quiet = describe_path(surface, noise_free[name], steps)
            row |= {"rev. at noise 0": quiet["reversals"], "rose at noise 0": quiet["loss_rises"]}
        rows.append(row)
    return rows


def gradient_at(surface: str, point) -> np.ndarray:
    """The surface's gradient at a point, by autodiff (worked out once per point: the lesson asks on every rerun)."""
    return np.array(_gradient_at(surface, tuple(float(v) for v in point)))


@functools.lru_cache(maxsize=64)
def _gradient_at(surface: str, point: tuple[float, ...]) -> tuple[float, ...]:
    variable = tf.Variable(np.asarray(point, dtype=np.float64))
    with tf.GradientTape() as tape:
        loss = SURFACES[surface].function(variable)
    return tuple(float(g) for g in tape.gradient(loss, variable).numpy())


SADDLE = "saddle: x² − y² + y⁴/4"


@functools.lru_cache(maxsize=16)  # the same few offsets, asked by every learner
def escape_table(offset: float, learning_rate: float = 0.05, steps: int = 200) -> list[dict]:
    """From (1.5, offset) on the saddle: after how many steps each optimizer is more than 1 away from the ridge."""
    rows = []
    found = walks(SADDLE, TWO_D_OPTIMIZERS, (1.5, offset), learning_rate, steps)
    for key in TWO_D_OPTIMIZERS:
        path = found[key][0]
        escaped = np.flatnonzero(np.abs(path[:, 1]) > 1.0)
        rows.append(
            {
                "optimizer": OPTIMIZERS[key].label,
                "left the ridge after (steps)": int(escaped[0]) if len(escaped) else None,
                f"y after {steps} steps": float(path[-1, 1]),
            }
        )
    return rows


def warm_up() -> None:
    """Trace the lesson's loops (every surface with and without noise, the saddle's escapes) before a learner asks."""
    for surface, spec in SURFACES.items():
        paths_with_and_without_noise(surface, spec.start, 0.05, 5)
    escape_table(1e-4)  # the slider's default: kept
