"""Activation lesson math against closed forms and NumPy."""

import math

import numpy as np
import pytest

from lib.activations import build_stack, collapse, collapse_gap, curve_with_derivative, softmax
from lib.boundary import describe_boundary, make_circles, make_moons, train_and_describe, train_boundary
from lib.boundary_net import forget_runs
from lib.charts import make_activation_chart, make_boundary_chart, make_softmax_chart
from lib.choices import ACTIVATIONS

X = np.linspace(-6, 6, 241)
X_OFF_ZERO = X[np.abs(X) > 1e-9]


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


@pytest.mark.parametrize(
    "name,closed_form",
    [
        ("sigmoid", lambda x: sigmoid(x) * (1 - sigmoid(x))),
        ("tanh", lambda x: 1 - np.tanh(x) ** 2),
        ("relu", lambda x: (x > 0).astype(float)),
        ("leaky_relu", lambda x: np.where(x > 0, 1.0, 0.1)),
        ("step", lambda x: np.zeros_like(x)),
        (
            "gelu",
            lambda x: 0.5 * (1 + np.vectorize(math.erf)(x / np.sqrt(2))) + x * np.exp(-(x**2) / 2) / np.sqrt(2 * np.pi),
        ),
    ],
)
def test_autodiff_derivatives_match_closed_forms(name, closed_form):
    _, derivative = curve_with_derivative(name, X_OFF_ZERO)
    np.testing.assert_allclose(derivative, closed_form(X_OFF_ZERO), atol=1e-6)


def test_curves_are_the_functions_themselves():
    np.testing.assert_allclose(curve_with_derivative("sigmoid", X)[0], sigmoid(X), atol=1e-12)
    np.testing.assert_array_equal(curve_with_derivative("step", X)[0], (X > 0).astype(float))
    assert set(ACTIVATIONS) >= {"step", "relu", "sigmoid", "tanh"}


def test_softmax_sums_to_one_is_shift_invariant_and_sharpens_with_low_temperature():
    logits = np.array([2.0, 1.0, 0.1, -1.0, 0.5])
    probs = softmax(logits)
    assert probs.sum() == pytest.approx(1.0, abs=1e-12) and (probs > 0).all()
    np.testing.assert_allclose(probs, np.exp(logits) / np.exp(logits).sum(), rtol=1e-12)
    np.testing.assert_allclose(softmax(logits + 100.0), probs, rtol=1e-12)
    assert softmax(logits, 0.2).max() > probs.max() > softmax(logits, 5.0).max()
    with pytest.raises(ValueError):
        softmax(logits, 0)


@pytest.mark.parametrize("widths", [[2, 8, 1], [2, 8, 8, 8, 1], [3, 5, 4, 2]])
def test_linear_stack_collapses_to_one_layer_and_relu_breaks_it(widths):
    weight, bias = collapse(build_stack(widths))
    assert weight.shape == (widths[0], widths[-1]) and bias.shape == (widths[-1],)
    assert collapse_gap(widths, None) < 1e-5
    assert collapse_gap(widths, "relu") > 1e-2


def test_without_activation_the_circles_cannot_be_separated():
    points, labels = make_circles()
    linear = train_boundary(points, labels, None)
    relu = train_boundary(points, labels, "relu")
    assert linear.accuracy < 0.65  # near chance: a straight line cannot split two rings
    assert relu.accuracy > 0.9
    assert make_boundary_chart(relu, points, labels, "t").to_dict()


def plain_network(points, labels, activation, width, steps, seed=0):
    """A Keras network of exactly `width` hidden units (no mask, no compiled size), trained step by step eagerly."""
    import keras

    from lib.runtime import tf

    hidden = keras.layers.Dense(width, activation=activation, kernel_initializer=keras.initializers.GlorotUniform(seed))
    output = keras.layers.Dense(1, activation="sigmoid", kernel_initializer=keras.initializers.GlorotUniform(seed + 1))
    x, y = tf.constant(points), tf.constant(labels.reshape(-1, 1), tf.float32)
    hidden.build((None, 2))
    output.build((None, width))
    variables = [*hidden.trainable_variables, *output.trainable_variables]
    optimizer, loss_fn, losses = keras.optimizers.Adam(0.05), keras.losses.BinaryCrossentropy(), []
    for _ in range(steps):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, output(hidden(x)))
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables, strict=True))
        losses.append(float(loss))
    return np.array(losses), output(hidden(x)).numpy()[:, 0]


@pytest.mark.parametrize("width", [2, 16, 33, 64])  # the slider's ends, its default and one between
@pytest.mark.parametrize("activation", [None, "relu"])
def test_a_boundary_network_learns_as_a_plain_network_of_its_width(width, activation):
    """The lesson trains a narrow network as the 64-wide compiled one with units switched off: its losses and
    outputs are those of a plain Keras network of that very width, trained the same way."""
    points, labels = make_moons()
    result = train_boundary(points, labels, activation, width, 60)
    losses, output = plain_network(points, labels, activation, width, 60)
    np.testing.assert_allclose(result.losses, losses, rtol=2e-4, atol=1e-6)
    assert result.accuracy == np.mean((output > 0.5) == labels)


def test_both_boundaries_side_by_side_are_each_trained_alone():
    points, labels = make_circles()
    together = train_and_describe(points, labels, (None, "relu"), 23, 150)
    for (result, text), activation in zip(together, (None, "relu"), strict=True):
        forget_runs()  # trained again from the start, not read from what the side-by-side run kept
        alone = train_boundary(points, labels, activation, 23, 150)
        np.testing.assert_array_equal(result.grid_probability, alone.grid_probability)
        assert text == describe_boundary(alone)


@pytest.mark.parametrize("activation", [None, "relu"])
def test_more_steps_continue_a_run_and_fewer_read_what_was_kept(activation):
    """A learner moving the steps slider up, down and up again gets, bit for bit, what training from the start for
    that many steps gives: more steps continue the kept run (Adam's state included), fewer read the weights kept
    after that many, and a number between kept ones trains afresh."""
    points, labels = make_circles()
    order = [400, 850, 1000, 350, 37, 900, 100]
    seen = [train_boundary(points, labels, activation, 21, steps) for steps in order]
    for steps, result in zip(order, seen, strict=True):
        forget_runs()
        fresh = train_boundary(points, labels, activation, 21, steps)
        np.testing.assert_array_equal(result.losses, fresh.losses)
        np.testing.assert_array_equal(result.grid_probability, fresh.grid_probability)
        assert len(result.losses) == steps


def test_charts_build():
    y, dy = curve_with_derivative("relu", X)
    assert make_activation_chart(X, y, dy, "relu").to_dict()["title"]["text"] == "relu"
    assert make_softmax_chart(softmax([1.0, 2.0])).to_dict()


def test_softmax_bars_colour_the_prediction_and_outline_the_true_class():
    """The most probable class is drawn in the accent colour, every other in the primary colour; only the true
    class has a black outline (read off the spec's data and scales, as Vega-Lite would draw them)."""
    from lib.charts import PALETTE

    spec = make_softmax_chart(softmax([0.1, 3.0, 0.2, -1.0]), true_class=2).to_dict()
    rows = next(iter(spec["datasets"].values()))
    color, stroke = spec["encoding"]["color"], spec["encoding"]["stroke"]

    def drawn(channel, value):
        return dict(zip(channel["scale"]["domain"], channel["scale"]["range"], strict=True))[value]

    assert [drawn(color, row[color["field"]]) for row in rows] == [
        PALETTE["accent"] if row["class"] == 1 else PALETTE["primary"] for row in rows
    ]
    assert [drawn(stroke, row[stroke["field"]]) for row in rows] == [
        "black" if row["class"] == 2 else "transparent" for row in rows
    ]
