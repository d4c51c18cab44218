"""Backprop through the network: every hand-written gradient against GradientTape and finite differences, for every
hidden activation the course offers, several batch sizes and seeds; and every sentence against its numbers."""

import re
from types import SimpleNamespace

import numpy as np
import pytest

from lib.choices import HIDDEN_ACTIVATIONS
from lib.netprop import (
    LINES,
    Weights,
    check_rows,
    deep_stack_norms,
    finite_difference,
    forward_backward,
    jacobian_route,
    load_batch,
    one_entry,
    tape_gradients,
    untrained,
)
from lib.netprop_cost import cost_sentence, multiply_adds, totals
from lib.netprop_text import (
    deep_stack_sentence,
    mask_sentence,
    netprop_negative,
    netprop_off,
    output_gradient_sentence,
)

SEEDS = [0, 1, 2]
BATCH_SIZES = [8, 32, 128]


def shifted(seed: int, activation: str) -> Weights:
    """The untrained network with non-zero biases too (as a trained one has), so every term of the math is used."""
    weights = untrained(seed, activation)
    rng = np.random.default_rng(seed)
    b1 = rng.normal(0, 0.3, weights.b1.shape).astype(np.float32)
    b2 = rng.normal(0, 0.3, weights.b2.shape).astype(np.float32)
    return Weights(weights.w1, b1, weights.w2, b2, activation)


@pytest.fixture(scope="module")
def base_weights():
    return {seed: shifted(seed, "relu") for seed in SEEDS}


@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
@pytest.mark.parametrize("batch", BATCH_SIZES)
def test_every_hand_line_equals_gradient_tape_in_float32(mnist, base_weights, activation, batch):
    for seed in SEEDS:
        weights = base_weights[seed].with_activation(activation)
        x, y = load_batch(mnist.x_train, mnist.y_train, batch, seed + 3)
        hand, tape = forward_backward(weights, x, y), tape_gradients(weights, x, y)
        assert hand.x.dtype == np.float32 and hand.grads["dW1"].dtype == np.float32
        assert abs(hand.loss - tape["loss"]) <= 1e-5
        for name, _, _ in LINES:
            assert hand.grads[name].shape == tape[name].shape
            np.testing.assert_allclose(hand.grads[name], tape[name], rtol=0, atol=1e-5, err_msg=f"{name} {seed}")
        rows = check_rows(hand, tape)
        assert max(r["max |hand − GradientTape|"] for r in rows) <= 1e-5
        assert rows[5]["shape"] == f"784 × {weights.w1.shape[1]}" and rows[0]["shape"] == f"{batch} × 10"


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh", "elu", "linear"])
def test_a_few_entries_equal_finite_differences(mnist, base_weights, activation):
    weights = base_weights[1].with_activation(activation)
    x, y = load_batch(mnist.x_train, mnist.y_train, 16, 2)
    hand = forward_backward(
        Weights(*(getattr(weights, k).astype(np.float64) for k in ("w1", "b1", "w2", "b2")), activation),
        x.astype(np.float64),
        y,
    )
    grads = {"w1": hand.grads["dW1"], "b1": hand.grads["db1"], "w2": hand.grads["dW2"], "b2": hand.grads["db2"]}
    for name, grad in grads.items():
        index = np.unravel_index(np.argmax(np.abs(grad)), grad.shape)  # the largest entry: far from rounding
        numeric = finite_difference(weights, x, y, name, index, h=1e-5)
        assert numeric == pytest.approx(float(grad[index]), rel=1e-4, abs=1e-8), (name, index)


def test_the_step_activation_passes_nothing_back_and_linear_passes_everything(mnist, base_weights):
    x, y = load_batch(mnist.x_train, mnist.y_train, 32, 0)
    step = forward_backward(base_weights[0].with_activation("step"), x, y)
    assert not step.grads["dW1"].any() and not step.grads["db1"].any() and step.grads["dW2"].any()
    linear = forward_backward(base_weights[0].with_activation("linear"), x, y)
    np.testing.assert_array_equal(linear.grads["dZ1"], linear.grads["dH"])


def test_the_output_gradient_is_p_minus_y_over_b_and_the_jacobian_route_agrees():
    rng = np.random.default_rng(0)
    for _ in range(50):
        z = rng.normal(0, 3, 10)
        p = np.exp(z) / np.exp(z).sum()
        label = int(rng.integers(10))
        jacobian, via = jacobian_route(p, label)
        numeric = np.array(
            [(np.log(p[label]) - np.log(np.exp(z + e)[label] / np.exp(z + e).sum())) / 1e-6 for e in np.eye(10) * 1e-6]
        )  # ∂(−log P_y)/∂z by forward differences
        np.testing.assert_allclose(via, p - np.eye(10)[label], atol=1e-12)
        np.testing.assert_allclose(via, numeric, atol=1e-5)
        np.testing.assert_allclose(jacobian.sum(axis=0), 0, atol=1e-12)  # probabilities keep summing to 1


def test_one_entry_of_dw1_is_the_one_neuron_chain_rule_summed_over_the_batch(mnist, base_weights):
    x, y = load_batch(mnist.x_train, mnist.y_train, 32, 5)
    hand = forward_backward(base_weights[2], x, y)
    for pixel, neuron in [(350, 3), (400, 10), (0, 0)]:
        terms, total = one_entry(hand, pixel, neuron)
        expected = sum(x[b, pixel] * hand.grads["dZ1"][b, neuron] for b in range(32))
        assert total == pytest.approx(expected, abs=1e-7)
        assert total == pytest.approx(float(hand.grads["dW1"][pixel, neuron]), abs=1e-6)


@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
def test_the_sentences_and_predictions_follow_the_numbers(mnist, base_weights, activation):
    for seed in SEEDS:
        x, y = load_batch(mnist.x_train, mnist.y_train, 8, seed)
        hand = forward_backward(base_weights[seed].with_activation(activation), x, y)
        for example in range(8):
            row, label = hand.grads["dZ2"][example], int(y[example])
            negative = [k for k in range(10) if row[k] < 0]
            question = netprop_negative(row, label, 8)
            assert question.options[question.answer] == ("only the true digit's" if negative == [label] else "none")
            assert "only at its true digit" in output_gradient_sentence(row, label, 8) or not negative
            zeros = int(np.sum(hand.grads["f′"][example] == 0))
            sentence = mask_sentence(hand, example, activation)
            if 0 < zeros < 64:
                assert (
                    sentence.count(f"{zeros} hidden neurons of 64 are off")
                    + sentence.count(f"{zeros} hidden neuron of 64")
                    == 1
                )
        blocked = hand.grads["dZ1"][hand.z1 < 0]
        off = netprop_off(hand, activation)
        oracle = "exactly 0" if activation in ("relu", "step") else "a non-zero"
        assert off.options[off.answer].startswith(oracle) and (np.all(blocked == 0) == (oracle == "exactly 0"))


def test_gradients_vanish_through_a_deep_sigmoid_stack_and_the_sentence_says_by_how_much(mnist):
    x, y = load_batch(mnist.x_train, mnist.y_train, 64, 0)
    norms = {a: deep_stack_norms(x, y, a) for a in ("sigmoid", "relu")}
    assert all(len(v) == 6 and (v > 0).all() for v in norms.values())
    assert norms["sigmoid"][0] < norms["sigmoid"][-1] / 10  # the finding the chart shows, on the real batch
    sentence = deep_stack_sentence(norms)
    for values in norms.values():
        ratio = values[-1] / values[0]
        assert (f"{ratio:,.0f}× smaller" if ratio > 1 else f"{1 / ratio:.2g}× the size") in sentence


@pytest.mark.parametrize("batch", [8, 32, 256])
@pytest.mark.parametrize("hidden", [1, 64, 512])
def test_multiply_adds_are_counted_from_the_shapes(batch, hidden):
    counted = totals(multiply_adds(batch, hidden))
    assert counted["forward"] == batch * 784 * hidden + batch * hidden * 10
    assert counted["backward"] == hidden * batch * 10 + batch * 10 * hidden + 784 * batch * hidden
    assert counted["backward with ∂L/∂X"] == counted["backward"] + batch * hidden * 784
    assert counted["backward with ∂L/∂X"] / counted["forward"] == pytest.approx(2.0)
    measured = {"forward": 0.002, "backward": 0.0026, "backward with ∂L/∂X": 0.0041}
    sentence = cost_sentence(counted, measured)
    ratios = [float(v) for v in re.findall(r"(\d+\.\d+)×", sentence)]
    assert ratios == pytest.approx([counted["backward"] / counted["forward"], 2.0, 1.3, 2.05], abs=0.006)


@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
def test_the_off_question_is_not_scored_when_no_hidden_input_is_negative(activation):
    """Its premise ('a neuron whose input z is negative') is false for a batch with no negative z: it says so."""
    rng = np.random.default_rng(0)
    for negatives in (False, True):
        z1 = np.abs(rng.normal(size=(8, 3))) * (-1 if negatives else 1)
        d_z1 = np.where(z1 < 0, 0.0 if activation in ("relu", "step") else 0.1, 0.2)
        off = netprop_off(SimpleNamespace(z1=z1, grads={"dZ1": d_z1}), activation)
        if negatives:
            assert off.right.startswith("exactly 0" if activation in ("relu", "step") else "a non-zero"), off
        else:
            assert off.right.startswith("none"), off.options
            assert "no entry of Z₁ is negative" in off.reveal, off.reveal


@pytest.mark.parametrize("seed", [0, 7, 1234])
def test_the_untrained_weights_are_those_of_the_notebooks_network_built_with_the_seed(seed):
    from lib.models import build_mlp
    from lib.netprop import weights_of

    built = weights_of(build_mlp(64, "relu", seed=seed), "relu")
    made = untrained(seed)
    for name in ("w1", "b1", "w2", "b2"):
        np.testing.assert_array_equal(getattr(made, name), getattr(built, name))
