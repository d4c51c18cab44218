"""The optimizer rules the course shows "as Keras computes it": each displayed formula, written here in NumPy, against
Keras's real step (keras.optimizers, not the course's code), and the backprop lesson's explained step against it."""

import keras
import numpy as np
import pytest

from lib.backprop import PARAMS, NeuronExperiment
from lib.backprop_text import step_columns, step_rule
from lib.choices import OPTIMIZERS
from lib.runtime import tf

F32 = np.float32  # Keras holds the learning rate, momentum and Adam's betas as float32
EPS = 1e-7

# the text on screen -> the same rule in NumPy: (state, g, lr, t) -> (new state, step added to w)
SHOWN = {
    "sgd": "w ← w − lr·g",
    "momentum": "v ← 0.9·v − lr·g, then w ← w + v (v starts at 0)",
    "rmsprop": "s ← 0.9·s + 0.1·g², then w ← w − lr·g / √(s + ε) (s starts at 0; ε = 10⁻⁷)",
    "adagrad": "s ← s + g², then w ← w − lr·g / √(s + ε) (s starts at 0.1; ε = 10⁻⁷)",
    "adam": "m ← 0.9·m + 0.1·g, v ← 0.999·v + 0.001·g², then w ← w − lr·m̂ / (√v̂ + ε̂) with the bias-corrected "
    "m̂ = m/(1 − 0.9ᵗ), v̂ = v/(1 − 0.999ᵗ) and ε̂ = ε/√(1 − 0.999ᵗ) (m, v start at 0; t counts steps from 1; ε = 10⁻⁷)",
}


def start(key, n):
    return {
        "momentum": np.zeros(n),
        "rmsprop": np.zeros(n),
        "adagrad": np.full(n, 0.1),
        "adam": (np.zeros(n),) * 2,
    }.get(key)


def rule(key, state, g, lr, t):
    if key == "sgd":
        return None, -lr * g
    if key == "momentum":
        v = float(F32(0.9)) * state - lr * g
        return v, v
    if key == "rmsprop":
        s = 0.9 * state + 0.1 * g**2
        return s, -lr * g / np.sqrt(s + EPS)
    if key == "adagrad":
        s = state + g**2
        return s, -lr * g / np.sqrt(s + EPS)
    m, v = 0.9 * state[0] + 0.1 * g, 0.999 * state[1] + 0.001 * g**2
    b1, b2 = float(F32(0.9)), float(F32(0.999))  # the powers use the betas as Keras holds them
    m_hat, v_hat, eps_hat = m / (1 - b1**t), v / (1 - b2**t), EPS / np.sqrt(1 - b2**t)
    return (m, v), -lr * m_hat / (np.sqrt(v_hat) + eps_hat)


def keras_optimizer(key, lr):
    """Keras's own class, built here from its name, not through the course's registry."""
    return {
        "sgd": lambda: keras.optimizers.SGD(lr),
        "momentum": lambda: keras.optimizers.SGD(lr, momentum=0.9),
        "rmsprop": lambda: keras.optimizers.RMSprop(lr),
        "adagrad": lambda: keras.optimizers.Adagrad(lr),
        "adam": lambda: keras.optimizers.Adam(lr),
    }[key]()


def within_rounding(step, expected, after) -> bool:
    """A float32 weight's step is exact up to one rounding of the new weight (half a float32 spacing) and the
    float32 arithmetic of the rule itself (a relative 1e-5)."""
    ulp = np.spacing(np.abs(np.asarray(after, dtype=np.float32))).astype(np.float64)
    return bool(np.all(np.abs(np.asarray(step) - expected) <= 1e-5 * np.abs(expected) + ulp))


def test_the_rules_on_screen_are_the_ones_checked_here():
    assert {key: choice.rule for key, choice in OPTIMIZERS.items()} == SHOWN


@pytest.mark.parametrize("key", list(SHOWN))
@pytest.mark.parametrize("course", [False, True])
def test_each_shown_rule_is_kerass_real_step(key, course):
    """Five steps on float64 weights, gradients from 1e-4 (where ε matters) to 3: rule and Keras agree to 1e-7."""
    lr = 0.01
    opt = OPTIMIZERS[key].build(lr) if course else keras_optimizer(key, lr)
    w = tf.Variable(np.array([1.0, -2.0, 0.5, 3.0]))
    opt.build([w])
    state, grads = start(key, 4), np.random.default_rng(1).standard_normal((5, 4)) * [1e-4, 1e-3, 0.3, 3.0]
    for t, g in enumerate(grads, start=1):
        before = w.numpy().copy()
        opt.apply_gradients([(tf.constant(g), w)])
        state, expected = rule(key, state, g, float(F32(lr)), t)
        np.testing.assert_allclose(w.numpy() - before, expected, rtol=1e-7, atol=0)


def test_adagrads_first_step_is_not_lr():
    """The old rule (s from 0, lr·g/(√s + ε)) made the first step exactly lr; Keras's is lr·g/√(0.1 + g² + ε)."""
    experiment = NeuronExperiment("adagrad", 0.001)
    detail = experiment.step()
    g = detail.gradient
    np.testing.assert_allclose(detail.moments["s"], 0.1 + g**2, rtol=1e-6)
    step = detail.after - detail.before
    smallest = np.argmin(np.abs(g))  # the old rule said lr·g/(|g| + ε) ≈ lr for every parameter
    assert abs(step[smallest]) < 0.95 * 0.001, (g, step)
    assert within_rounding(step, -float(F32(0.001)) * g / np.sqrt(0.1 + g**2 + EPS), detail.after)


@pytest.mark.parametrize("key", list(SHOWN))
def test_the_explained_steps_numbers_follow_the_shown_rule(key):
    """The lesson's float32 neuron: two explained steps after some training; every number in the table is what the
    shown rule makes of the numbers beside it (within one float32 rounding of the weights)."""
    experiment = NeuronExperiment(key, 0.01)
    experiment.train(5)
    first, second = experiment.step(), experiment.step()
    columns = step_columns(second, PARAMS)
    assert f"as Keras computes it: {SHOWN[key]}" in step_rule(second) or key == "adam"
    g, lr = np.asarray(columns["gradient g"]), float(F32(0.01))
    if key == "sgd":
        expected = -lr * g
    elif key == "momentum":
        expected = 0.9 * first.moments["v"] - lr * g
        np.testing.assert_allclose(columns["v (after the step)"], expected, rtol=1e-5)
    elif key in ("rmsprop", "adagrad"):
        s = (0.9 * first.moments["s"] + 0.1 * g**2) if key == "rmsprop" else first.moments["s"] + g**2
        np.testing.assert_allclose(columns["s (after the step)"], s, rtol=1e-5)
        expected = -lr * g / np.sqrt(s + EPS)
    else:
        t = second.moments["t"]
        assert t == 7 and "ε̂ = ε/√(1−β₂ᵗ)" in step_rule(second)
        m_hat, v_hat = np.asarray(columns["m̂ = m/(1−β₁ᵗ)"]), np.asarray(columns["v̂ = v/(1−β₂ᵗ)"])
        expected = -lr * m_hat / (np.sqrt(v_hat) + EPS / np.sqrt(1 - 0.999**t))
    assert within_rounding(columns["step (after − before)"], expected, second.after)
