"""Gradient descent on small loss surfaces, with the real keras.optimizers on tf.Variables."""

from __future__ import annotations

import numpy as np

from lib.runtime import tf
from lib.training import OPTIMIZERS, build_optimizer

# --- one parameter ------------------------------------------------------------------------------
CURVES_1D = {
    "bowl: (w − 2)² + 1": lambda w: (w - 2.0) ** 2 + 1.0,
    "two valleys: w⁴/4 − w² + w/2 + 2": lambda w: w**4 / 4 - w**2 + w / 2 + 2.0,
}


def descent_1d(curve: str, start: float, learning_rate: float, steps: int) -> list[dict]:
    """Plain gradient descent w ← w − lr·f'(w); f' by autodiff. Stops early if w runs off to infinity."""
    function = CURVES_1D[curve]
    w = tf.Variable(float(start), dtype=tf.float64)
    rows = []
    for i in range(steps + 1):
        with tf.GradientTape() as tape:
            loss = function(w)
        gradient = float(tape.gradient(loss, w))
        value = float(w)
        rows.append(
            {"step": i, "w": value, "loss": float(loss), "gradient": gradient, "update": -learning_rate * gradient}
        )
        if i == steps or not np.isfinite(value) or abs(value) > 1e6:
            break
        w.assign_sub(learning_rate * gradient)
    return rows


def classify_descent(rows: list[dict]) -> str:
    """'diverged', 'oscillating', 'converged' or 'slow', read off the steps themselves."""
    first, last = rows[0], rows[-1]
    if not np.isfinite(last["w"]) or (
        len(rows) > 2 and abs(last["gradient"]) > abs(first["gradient"]) + 1e-9 and last["loss"] > first["loss"]
    ):
        return "diverged"
    signs = np.sign([row["gradient"] for row in rows[-5:] if abs(row["gradient"]) > 1e-12])
    if len(signs) >= 3 and np.all(signs[1:] != signs[:-1]):
        return "oscillating"
    return "converged" if abs(last["gradient"]) < 1e-3 else "slow"


# --- two parameters -----------------------------------------------------------------------------
_rng = np.random.default_rng(0)
LINE_X = np.linspace(-1, 1, 40)
LINE_Y = 0.5 * LINE_X + 1.0 + _rng.normal(0, 0.1, LINE_X.shape)  # a line to fit: slope ≈ 0.5, intercept ≈ 1


def _line_mse(p):
    slope, intercept = p[0][..., None], p[1][..., None]  # works for one point and for a whole grid
    return tf.reduce_mean((slope * LINE_X + intercept - LINE_Y) ** 2, axis=-1)


SURFACES = {  # name: (loss of a 2-vector, x range, y range, default start)
    "elongated bowl": (lambda p: 0.5 * p[0] ** 2 + 5.0 * p[1] ** 2, (-4.0, 4.0), (-2.0, 2.0), (-3.5, 1.5)),
    "fitting a line (real MSE)": (_line_mse, (-2.0, 3.0), (-1.0, 3.0), (-1.5, -0.5)),
    "saddle: x² − y² + y⁴/4": (lambda p: p[0] ** 2 - p[1] ** 2 + p[1] ** 4 / 4, (-2.0, 2.0), (-2.5, 2.5), (1.8, 0.01)),
}


def surface_grid(surface: str, size: int = 50) -> dict[str, np.ndarray]:
    """The loss on a size×size grid, for the contour map."""
    function, (x0, x1), (y0, y1), _ = SURFACES[surface]
    gx, gy = np.meshgrid(np.linspace(x0, x1, size), np.linspace(y0, y1, size))
    values = function(tf.constant(np.stack([gx.ravel(), gy.ravel()]), dtype=tf.float64)).numpy()
    return {"x": gx.ravel(), "y": gy.ravel(), "loss": values}


def optimizer_path(
    surface: str, optimizer: str, start, learning_rate: float, steps: int, noise: float = 0.0, seed: int = 0
) -> np.ndarray:
    """The path of a real Keras optimizer from `start`; noise adds Gaussian noise to each gradient ("stochastic")."""
    function = SURFACES[surface][0]
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
    runaway = np.flatnonzero(~np.isfinite(path).all(axis=1) | (np.abs(path).max(axis=1) > 1e3))
    return path[: runaway[0] + 1] if len(runaway) else path  # diverged: the path up to the blow-up


def all_paths(
    surface: str,
    start,
    learning_rate: float,
    steps: int,
    noise: float = 0.0,
    optimizers=("sgd", "momentum", "rmsprop", "adam"),
    seed: int = 0,
) -> dict[str, np.ndarray]:
    return {
        OPTIMIZERS[name][0]: optimizer_path(surface, name, start, learning_rate, steps, noise, seed)
        for name in optimizers
    }


def gradient_at(surface: str, point) -> np.ndarray:
    variable = tf.Variable(np.asarray(point, dtype=np.float64))
    with tf.GradientTape() as tape:
        loss = SURFACES[surface][0](variable)
    return tape.gradient(loss, variable).numpy()
