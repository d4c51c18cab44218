"""The backprop page's "which gradient is larger?" question, swept over its controls against the gradients written
out here in float64 NumPy from the neuron's own parameters and data."""

import math

import numpy as np
import pytest

from lib.backprop import NeuronExperiment
from lib.choices import OPTIMIZERS
from lib.netprop_text import netprop_negative
from lib.predictions import backprop_bias, backprop_sign

RATES = (1e-4, 0.01, 1.0, 100.0)  # the page's learning-rate slider runs from 1e-5 to 100
EPOCHS = (0, 1, 37, 500)
ROUNDING = 1e-5  # float32 keeps about 7 significant digits of the errors fᵢ − yᵢ (yᵢ is of order 1 to 10)


def numpy_gradients(experiment) -> tuple[float, float]:
    """∂L/∂w₁ and ∂L/∂b of L = mean((w₁x₁ + w₂x₂ + b − y)²), from the parameters the neuron has now."""
    w1, w2, b = experiment.params()
    with np.errstate(all="ignore"):  # a diverged neuron overflows: the oracle says NaN as the page does
        error = 2 * (w1 * experiment.x[:, 0] + w2 * experiment.x[:, 1] + b - experiment.y)
        return float(np.mean(error * experiment.x[:, 0])), float(np.mean(error))


def oracle(g_w1: float, g_b: float) -> str | None:
    """The larger in size; 'neither' when one is not a number or they differ by rounding only; None near the line."""
    if math.isnan(g_w1) or math.isnan(g_b):
        return "neither"
    gap = abs(g_w1) - abs(g_b)
    if abs(gap) < ROUNDING / 2:
        return "neither"
    if abs(gap) <= 2 * ROUNDING:
        return None  # float32 and float64 may fall on either side of the line
    return "∂L/∂w₁" if gap > 0 else "∂L/∂b"


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_the_bias_question_names_the_larger_gradient_16_settings_each(optimizer):
    """4 learning rates × 4 epoch counts, from 1e-4 (slow) to 100 (the neuron diverges to NaN)."""
    decided = 0
    for rate in RATES:
        experiment = NeuronExperiment(optimizer, rate, 0)
        for epochs in EPOCHS:
            if epochs > experiment.epoch:
                experiment.train(epochs - experiment.epoch)
            question = backprop_bias(experiment, experiment.tape_gradient())
            expected = oracle(*numpy_gradients(experiment))
            where = (optimizer, rate, epochs, numpy_gradients(experiment), question.reveal)
            if expected is not None:
                assert question.right.startswith(expected), where
                decided += 1
    assert decided >= 14  # at most two settings too close to call in float32


def test_a_diverged_neuron_has_no_larger_gradient():
    experiment = NeuronExperiment("sgd", 10.0, 0)
    experiment.train(37)
    gradient = experiment.tape_gradient()
    assert np.isnan(gradient).all()
    question = backprop_bias(experiment, gradient)
    assert question.right.startswith("neither"), question.options
    assert "not a number" in question.reveal


def test_a_converged_neuron_has_no_larger_gradient_only_rounding():
    experiment = NeuronExperiment("momentum", 1.0, 0)
    experiment.train(500)
    assert max(abs(g) for g in numpy_gradients(experiment)) < 1e-7  # at the minimum, up to float32's parameters
    question = backprop_bias(experiment, experiment.tape_gradient())
    assert question.right.startswith("neither"), question.reveal
    assert "−0.0000" not in question.reveal  # the numbers are shown, not rounded away


def test_the_network_backprop_questions_shuffle_their_options_by_state():
    row = np.full(10, 0.01)
    row[3] = -0.09  # softmax cross-entropy: only the true digit's entry is negative
    questions = [netprop_negative(row, 3, 8, {"batch": 0, "image": image}) for image in range(1, 21)]
    assert {q.right for q in questions} == {"only the true digit's"}
    assert len({q.answer for q in questions}) > 1  # the right answer's place gives nothing away
    assert questions[0] == netprop_negative(row, 3, 8, {"batch": 0, "image": 1})  # the same state, the same order


def test_an_overflowed_neuron_is_not_scored_as_staying_the_same():
    """SGD at lr 1 overflows to NaN by 5,000 epochs: w₁ neither grows nor shrinks, nor does it stay a number."""
    experiment = NeuronExperiment("sgd", 1.0, 0)
    experiment.train(5_000)
    assert np.isnan(experiment.params()[0]) and np.isnan(experiment.next_params()[0])
    question = backprop_sign(experiment, experiment.tape_gradient())
    assert question.right == "neither: w₁ stays the same, or is not a number" and "not a number" in question.right, (
        question.options
    )
    assert "not a number" in question.reveal and "nan" not in question.reveal, question.reveal
    assert "nan" not in question.question, question.question
