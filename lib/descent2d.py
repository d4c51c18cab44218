"""Gradient descent on two parameters: loss surfaces, the real keras.optimizers walking them, and what each
path did (zig-zag, overshoot, divergence, escape from a saddle), read off the path itself."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from lib.choices import OPTIMIZERS, build_optimizer
from lib.runtime import forget_compiled, tf

# --- two parameters -----------------------------------------------------------------------------
_rng = np.random.default_rng(0)
LINE_X = np.linspace(-1, 1, 40)
LINE_Y = 0.5 * LINE_X + 1.0 + _rng.normal(0, 0.1, LINE_X.shape)  # a line to fit: slope ≈ 0.5, intercept ≈ 1


def _line_mse(p):
    slope, intercept = p[0][..., None], p[1][..., None]  # works for one point and for a whole grid
    return tf.reduce_mean((slope * LINE_X + intercept - LINE_Y) ** 2, axis=-1)


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


def surface_loss(surface: str, points: np.ndarray) -> np.ndarray:
    """The loss at each row (x, y) of points."""
    points = np.asarray(points, dtype=np.float64)
    return SURFACES[surface].function(tf.constant(points.T)).numpy()


def surface_grid(surface: str, size: int = 50) -> dict[str, np.ndarray]:
    """The loss on a size×size grid, for the contour map."""
    spec = SURFACES[surface]
    gx, gy = np.meshgrid(np.linspace(*spec.x_range, size), np.linspace(*spec.y_range, size))
    return {"x": gx.ravel(), "y": gy.ravel(), "loss": surface_loss(surface, np.stack([gx.ravel(), gy.ravel()], 1))}


def optimizer_path(
    surface: str, optimizer: str, start, learning_rate: float, steps: int, noise: float = 0.0, seed: int = 0
) -> np.ndarray:
    """The path of a real Keras optimizer from `start`; noise adds Gaussian noise to each gradient ("stochastic")."""
    function = SURFACES[surface].function
    start = np.asarray(start, dtype=np.float64)
    point = tf.Variable(start)
    opt = build_optimizer(optimizer, learning_rate)
    opt.build([point])
    noises = tf.constant(noise * np.random.default_rng(seed).standard_normal((steps, 2)))

    @tf.function  # one compiled loop instead of `steps` eager Python round trips
    def run():
        visited = tf.TensorArray(tf.float64, size=steps)
        for i in tf.range(steps):
            with tf.GradientTape() as tape:
                loss = function(point)
            opt.apply_gradients([(tape.gradient(loss, point) + noises[i], point)])
            visited = visited.write(i, point.read_value())
        return visited.stack()

    path = np.concatenate([start[None, :], run().numpy()])
    forget_compiled(run)  # traced for this one path: give its graph back
    runaway = np.flatnonzero(~np.isfinite(path).all(axis=1) | (np.abs(path).max(axis=1) > RUNAWAY))
    return path[: runaway[0] + 1] if len(runaway) else path  # diverged: the path up to the blow-up


def all_paths(
    surface: str, start, learning_rate: float, steps: int, noise: float = 0.0, optimizers=TWO_D_OPTIMIZERS, seed=0
) -> dict[str, np.ndarray]:
    """Each optimizer's path, keyed by its label (the label the legend and the table show)."""
    return {
        OPTIMIZERS[key].label: optimizer_path(surface, key, start, learning_rate, steps, noise, seed)
        for key in optimizers
    }


def describe_path(surface: str, path: np.ndarray, steps: int, tolerance: float = 0.01) -> dict:
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
        "reversals": reversals,
        "moves": len(moves),
        "loss_rises": int(np.sum(np.diff(losses) > 1e-12)),
    }


def path_table(surface: str, paths: dict[str, np.ndarray], steps: int) -> list[dict]:
    """The 2-D lesson's table: per optimizer, what its path did (the numbers the sentences are built from). Short
    headers: all seven columns fit a desktop page without a header cut short."""
    rows = []
    for name, path in paths.items():
        f = describe_path(surface, path, steps)
        rows.append(
            {
                "optimizer": name,
                "steps": f["steps"],
                "diverged": f["diverged"],
                "final loss": f["final_loss"],
                "at minimum after": f["reached_after"],
                "reversals": f["reversals"],
                "loss rose (steps)": f["loss_rises"],
            }
        )
    return rows


def describe_paths(surface: str, paths: dict[str, np.ndarray], steps: int) -> list[str]:
    """One sentence per finding, computed from the paths: who reached the minimum first, who zig-zagged, who
    overshot (the loss went up), who diverged."""
    facts = {name: describe_path(surface, path, steps) for name, path in paths.items()}
    sentences = []
    reached = sorted((f["reached_after"], name) for name, f in facts.items() if f["reached_after"] is not None)
    if reached:
        order = ", then ".join(f"{name} ({after} steps)" for after, name in reached)
        sentences.append(f"Reached the lowest region (loss within 0.01 of the minimum) first: {order}.")
    missed = [name for name, f in facts.items() if f["reached_after"] is None and not f["diverged"]]
    if missed:
        sentences.append(f"Not there after {steps} steps: {', '.join(missed)}.")
    zigzag = [f"{name} ({f['reversals']} of {f['moves']} steps)" for name, f in facts.items() if f["reversals"]]
    if zigzag:
        sentences.append(f"Reversed direction (zig-zag): {', '.join(zigzag)}.")
    straight = [name for name, f in facts.items() if not f["reversals"] and f["moves"] > 1]
    if straight:
        sentences.append(f"Never reversed direction: {', '.join(straight)}.")
    rises = [f"{name} ({f['loss_rises']} steps)" for name, f in facts.items() if f["loss_rises"] and not f["diverged"]]
    if rises:
        sentences.append(f"Overshot, so the loss went up on some steps: {', '.join(rises)}.")
    for name, f in facts.items():
        if f["diverged"]:
            sentences.append(
                f"{name} diverged: after {f['steps']} steps it was more than {RUNAWAY:g} away, and its path stops "
                "there (marked ✕ at the chart's edge when it left the picture)."
            )
    return sentences


def gradient_at(surface: str, point) -> np.ndarray:
    variable = tf.Variable(np.asarray(point, dtype=np.float64))
    with tf.GradientTape() as tape:
        loss = SURFACES[surface].function(variable)
    return tape.gradient(loss, variable).numpy()


SADDLE = "saddle: x² − y² + y⁴/4"


@functools.lru_cache(maxsize=16)  # the same few offsets, asked by every learner
def escape_table(offset: float, learning_rate: float = 0.05, steps: int = 200) -> list[dict]:
    """From (1.5, offset) on the saddle: after how many steps each optimizer is more than 1 away from the ridge."""
    rows = []
    for key in TWO_D_OPTIMIZERS:
        path = optimizer_path(SADDLE, key, (1.5, offset), learning_rate, steps)
        escaped = np.flatnonzero(np.abs(path[:, 1]) > 1.0)
        rows.append(
            {
                "optimizer": OPTIMIZERS[key].label,
                "left the ridge after (steps)": int(escaped[0]) if len(escaped) else None,
                f"y after {steps} steps": float(path[-1, 1]),
            }
        )
    return rows


def describe_escapes(rows: list[dict], steps: int = 200) -> str:
    """Who left the saddle's ridge first and last, from the table."""
    key = "left the ridge after (steps)"
    left = sorted((row[key], row["optimizer"]) for row in rows if row[key] is not None)
    stayed = [row["optimizer"] for row in rows if row[key] is None]
    parts = []
    if left:
        parts.append("Order of escape: " + ", ".join(f"{name} ({n} steps)" for n, name in left) + ".")
    if stayed:
        parts.append(f"Still on the ridge after {steps} steps: {', '.join(stayed)}.")
    else:
        parts.append("All of them got away from the flat point; none stayed stuck.")
    return " ".join(parts)
