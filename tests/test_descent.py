"""Gradient-descent lesson: the Keras optimizers' steps against their update rules written in NumPy."""

import numpy as np
import pytest

from lib.charts import make_contour_chart, make_descent_1d_chart
from lib.descent import CURVES_1D, LEARNING_RATES_1D, descent_1d, descent_view, describe_descent
from lib.descent2d import SURFACES, all_paths, gradient_at, optimizer_path, surface_grid

BOWL = "elongated bowl"
BOWL_1D = "bowl: (w − 2)² + 1"


def bowl_gradient(p):
    return np.array([p[0], 10.0 * p[1]])  # of 0.5·x² + 5·y²


def f32(value):
    return np.float64(np.float32(value))  # Keras keeps hyper-parameters as float32


def test_sgd_step_matches_the_rule():
    start = np.array([-3.5, 1.5])
    path = optimizer_path(BOWL, "sgd", start, 0.05, 2)
    expected = start - f32(0.05) * bowl_gradient(start)
    np.testing.assert_allclose(path[1], expected, rtol=1e-12)
    np.testing.assert_allclose(path[2], expected - f32(0.05) * bowl_gradient(expected), rtol=1e-12)


def test_momentum_steps_match_the_rule():
    point, velocity = np.array([-3.5, 1.5]), np.zeros(2)
    path = optimizer_path(BOWL, "momentum", point, 0.05, 3)
    for k in range(1, 4):
        velocity = f32(0.9) * velocity - f32(0.05) * bowl_gradient(point)
        point = point + velocity
        np.testing.assert_allclose(path[k], point, rtol=1e-12)


def test_adam_steps_match_the_rule():
    point, m, v = np.array([-3.5, 1.5]), np.zeros(2), np.zeros(2)
    path = optimizer_path(BOWL, "adam", point, 0.05, 3)
    for t in range(1, 4):
        g = bowl_gradient(point)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g**2
        alpha = f32(0.05) * np.sqrt(1 - f32(0.999) ** t) / (1 - f32(0.9) ** t)
        point = point - alpha * m / (np.sqrt(v) + 1e-7)
        np.testing.assert_allclose(path[t], point, rtol=1e-10)


def kind(rows, curve=BOWL_1D):
    return describe_descent(rows, curve)[0]


def test_one_parameter_descent_converges_slowly_oscillates_and_diverges():
    assert kind(descent_1d(BOWL_1D, -1.0, 0.4, 30)) == "converged"
    assert abs(descent_1d(BOWL_1D, -1.0, 0.4, 30)[-1]["w"] - 2.0) < 1e-6
    assert kind(descent_1d(BOWL_1D, -1.0, 0.01, 15)) == "on its way"
    assert kind(descent_1d(BOWL_1D, -1.0, 0.9, 15)) == "oscillating"
    diverging = descent_1d(BOWL_1D, -1.0, 1.2, 15)
    assert kind(diverging) == "diverged"
    assert abs(diverging[-1]["w"] - 2.0) > 100 * abs(diverging[0]["w"] - 2.0)


def test_each_step_is_w_minus_lr_times_the_gradient():
    rows = descent_1d(BOWL_1D, -1.0, 0.1, 5)
    for before, after in zip(rows, rows[1:], strict=False):
        assert before["gradient"] == 2 * (before["w"] - 2.0)
        assert after["w"] == before["w"] - 0.1 * before["gradient"]


def test_line_fit_surface_is_the_real_mse_and_optimizers_find_the_line():
    grid = surface_grid("fitting a line (real MSE)", size=5)
    assert grid["loss"].shape == (25,) and (grid["loss"] >= 0).all()
    paths = all_paths("fitting a line (real MSE)", (-1.5, -0.5), 0.05, 300, optimizers=("adam", "momentum"))
    for path in paths.values():
        np.testing.assert_allclose(path[-1], [0.5, 1.0], atol=0.1)


def test_saddle_is_flat_at_the_origin_and_every_optimizer_escapes():
    np.testing.assert_allclose(gradient_at("saddle: x² − y² + y⁴/4", (0.0, 0.0)), [0.0, 0.0])
    for name in ("sgd", "momentum", "rmsprop", "adam"):
        path = optimizer_path("saddle: x² − y² + y⁴/4", name, (1.5, 1e-4), 0.05, 300)
        assert abs(abs(path[-1, 1]) - np.sqrt(2)) < 0.1, name


def test_noise_makes_the_path_bounce():
    quiet = optimizer_path(BOWL, "sgd", (-3.5, 1.5), 0.05, 50)
    noisy = optimizer_path(BOWL, "sgd", (-3.5, 1.5), 0.05, 50, noise=2.0)
    assert not np.allclose(quiet, noisy)


def test_charts_build():
    rows = descent_1d(BOWL_1D, -1.0, 0.1, 5)
    w = np.linspace(-3, 4, 20)
    assert make_descent_1d_chart(w, (w - 2) ** 2 + 1, descent_view(BOWL_1D, rows)).to_dict()
    assert make_contour_chart(surface_grid(BOWL, 10), all_paths(BOWL, SURFACES[BOWL].start, 0.05, 5), "t").to_dict()


def test_a_new_learning_rate_noise_start_or_step_count_never_traces_the_2d_loop_again():
    """The page's four optimizers run in one loop traced once per surface: new settings only run it again."""
    from lib.descent2d import TWO_D_OPTIMIZERS, _walk_for, paths_with_and_without_noise, warm_up

    warm_up()
    loops = {surface: _walk_for(surface, TWO_D_OPTIMIZERS, 2).walk for surface in SURFACES}
    assert all(loop.experimental_get_tracing_count() == 1 for loop in loops.values())
    for surface, lr, steps, noise, start in [(BOWL, 0.3, 17, 2.3, (1.0, -1.0)), (BOWL, 0.001, 300, 0.0, (0.5, 0.5))]:
        paths_with_and_without_noise(surface, start, lr, steps, noise)
    assert all(loop.experimental_get_tracing_count() == 1 for loop in loops.values())


def _eager_descent(curve: str, start: float, learning_rate: float, steps: int) -> list[dict]:
    """The 1-D descent as the lesson first computed it: one eager GradientTape step at a time."""
    from lib.runtime import tf

    w, rows = tf.Variable(float(start), dtype=tf.float64), []
    for i in range(steps + 1):
        with tf.GradientTape() as tape:
            loss = CURVES_1D[curve].function(w)
        gradient, value = float(tape.gradient(loss, w)), float(w)
        rows.append(
            {"step": i, "w": value, "loss": float(loss), "gradient": gradient, "update": -learning_rate * gradient}
        )
        if i == steps or not np.isfinite(value) or abs(value) > 1e6:
            break
        w.assign_sub(learning_rate * gradient)
    return rows


@pytest.mark.parametrize("curve", list(CURVES_1D))
def test_the_compiled_1d_descent_is_the_eager_one_bit_for_bit(curve):
    """The compiled loop must not move a single bit: where the descent bounces chaotically (learning rate 1.05 on
    two valleys), a last-bit difference grows to a visibly different path within 60 steps."""
    for start in (-3.0, -1.0, 0.0, 0.7, 3.2, 4.0):
        for learning_rate in LEARNING_RATES_1D:
            assert descent_1d(curve, start, learning_rate, 60) == _eager_descent(curve, start, learning_rate, 60)
    assert len(descent_1d(curve, 4.0, max(LEARNING_RATES_1D), 60)) <= 61
