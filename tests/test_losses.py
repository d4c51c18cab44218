"""Loss lesson math: keras.losses against the formulas, and gradients against closed forms."""

import numpy as np
import pytest

from lib.charts import make_loss_curves_chart
from lib.losses import binary_cross_entropy_curves, compare_losses, logits_for, loss_curves
from lib.runtime import tf

P = np.linspace(0.01, 0.99, 99)


def test_logits_give_the_requested_probability():
    probs = tf.nn.softmax(logits_for(P)).numpy()
    np.testing.assert_allclose(probs[:, 0], P, rtol=1e-9)
    np.testing.assert_allclose(probs[:, 1:], np.repeat(((1 - P) / 9)[:, None], 9, axis=1), rtol=1e-9)


def test_curves_match_their_formulas():
    curves = loss_curves(P)
    np.testing.assert_allclose(curves["cross_entropy"], -np.log(P), rtol=1e-6)
    mse = ((1 - P) ** 2 + 9 * ((1 - P) / 9) ** 2) / 10
    np.testing.assert_allclose(curves["mse"], mse, rtol=1e-6)
    np.testing.assert_allclose(curves["cross_entropy_grad"], P - 1, atol=1e-6)  # softmax + CE: p − 1


def test_mse_gradient_matches_finite_differences():
    curves = loss_curves(P)
    h = 1e-6
    logits = logits_for(P)

    def mse_at(shift):
        z = logits.copy()
        z[:, 0] += shift
        p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        return np.mean((np.eye(10)[0] - p) ** 2, axis=1)

    np.testing.assert_allclose(curves["mse_grad"], (mse_at(h) - mse_at(-h)) / (2 * h), atol=1e-6)


def test_cross_entropy_punishes_confident_mistakes_far_harder():
    curves = loss_curves(np.array([0.001]))
    assert curves["cross_entropy"][0] > 60 * curves["mse"][0]
    assert abs(curves["cross_entropy_grad"][0]) > 100 * abs(curves["mse_grad"][0])


@pytest.mark.parametrize("true_digit", [0, 3, 9])
def test_keras_losses_match_the_formulas(true_digit):
    logits = np.random.default_rng(true_digit).normal(0, 2, 10)
    result = compare_losses(true_digit, logits)
    assert result["cross_entropy_keras"] == pytest.approx(result["cross_entropy_formula"], rel=1e-5)
    assert result["mse_keras"] == pytest.approx(result["mse_formula"], rel=1e-5)
    assert result["probabilities"].sum() == pytest.approx(1.0)
    assert result["predicted"] == int(np.argmax(logits))


def test_binary_cross_entropy():
    curves = binary_cross_entropy_curves(P)
    np.testing.assert_allclose(curves["label_1"], -np.log(P), rtol=1e-5)
    np.testing.assert_allclose(curves["label_0"], -np.log(1 - P), rtol=1e-5)


def test_chart_builds():
    assert make_loss_curves_chart(P, loss_curves(P)).to_dict()
