"""The one-neuron experiment: gradients three ways, convergence, and optimizer steps vs their rules."""

import re

import numpy as np
import pytest

from lib.backprop import NeuronExperiment, finite_difference_gradient, make_data, manual_gradient, mse
from lib.fmt import num
from lib.graphs import computation_graph_dot


def test_data_follows_the_seed():
    x, y = make_data()
    assert x.shape == (1000, 2)
    np.testing.assert_allclose(y, 2 * x[:, 0] + x[:, 1] + 1)


def test_hand_gradient_equals_tape_in_float64_and_finite_differences():
    experiment = NeuronExperiment(dtype="float64", seed=3)
    params = experiment.params()
    hand = manual_gradient(params, experiment.x, experiment.y)
    np.testing.assert_allclose(hand, experiment.tape_gradient(), atol=1e-6)
    np.testing.assert_allclose(hand, finite_difference_gradient(params, experiment.x, experiment.y), atol=1e-3)


def test_hand_gradient_equals_tape_in_float32():
    experiment = NeuronExperiment(seed=1)
    hand = manual_gradient(experiment.params(), experiment.x, experiment.y)
    np.testing.assert_allclose(hand, experiment.tape_gradient(), atol=1e-5)


def test_seed_derivative_2f_would_be_wrong():
    # The seed writes dl/df = 2·f(X); with it the gradient differs from the finite difference.
    experiment = NeuronExperiment(dtype="float64")
    w1, w2, b = experiment.params()
    x, y = experiment.x, experiment.y
    f = w1 * x[:, 0] + w2 * x[:, 1] + b
    wrong = np.mean(2 * f * x[:, 0])
    right = finite_difference_gradient(experiment.params(), x, y)[0]
    assert abs(wrong - right) > 0.1


def test_adam_at_0_1_converges_to_the_target():
    experiment = NeuronExperiment("adam", 0.1, dtype="float64")
    experiment.train(1000)
    np.testing.assert_allclose(experiment.params(), [2, 1, 1], atol=0.01)
    assert experiment.loss() < 1e-4
    assert len(experiment.history) == 1001 and experiment.history[-1]["epoch"] == 1000


def test_adam_at_0_001_crawls():
    experiment = NeuronExperiment("adam", 0.001)
    start = experiment.params()
    experiment.train(10)
    assert np.abs(experiment.params() - start).max() <= 10 * 0.001 + 1e-6  # Adam moves about lr per step


def test_training_continues_from_where_it_is():
    a = NeuronExperiment("adam", 0.05, dtype="float64")
    a.train(3)
    a.train(4)
    b = NeuronExperiment("adam", 0.05, dtype="float64")
    b.train(7)
    np.testing.assert_allclose(a.params(), b.params())


def test_sgd_step_is_exactly_w_minus_lr_g():
    experiment = NeuronExperiment("sgd", 0.1, dtype="float64")
    detail = experiment.step()
    lr = np.float64(np.float32(0.1))  # Keras keeps the learning rate as a float32 variable
    np.testing.assert_array_equal(detail.after, detail.before - lr * detail.gradient)
    np.testing.assert_allclose(detail.gradient, manual_gradient(detail.before, experiment.x, experiment.y), atol=1e-9)


def test_adam_steps_match_the_update_rule_in_numpy():
    experiment = NeuronExperiment("adam", 0.01, dtype="float64")
    lr, beta_1, beta_2, eps = np.float64(np.float32(0.01)), 0.9, 0.999, 1e-7
    m = v = np.zeros(3)
    for t in (1, 2, 3):
        detail = experiment.step()
        g = manual_gradient(detail.before, experiment.x, experiment.y)
        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g**2
        # Keras turns the Python betas into float32 constants before raising them to the power t.
        b1_t, b2_t = np.float64(np.float32(beta_1)) ** t, np.float64(np.float32(beta_2)) ** t
        alpha = lr * np.sqrt(1 - b2_t) / (1 - b1_t)
        np.testing.assert_allclose(detail.after, detail.before - alpha * m / (np.sqrt(v) + eps), rtol=1e-10)
        np.testing.assert_allclose(detail.moments["m"], m, rtol=1e-10)
        np.testing.assert_allclose(detail.moments["m_hat"], m / (1 - beta_1**t), rtol=1e-10)
        assert detail.moments["t"] == t


def test_chain_rule_rows_agree():
    rows = NeuronExperiment(dtype="float64").chain_rule_rows()
    assert [r["parameter"] for r in rows] == ["w1", "w2", "b"]
    for row in rows:
        assert row["|hand − tape|"] < 1e-6 and row["|hand − finite diff.|"] < 1e-3


def test_loss_matches_numpy_reference():
    experiment = NeuronExperiment(dtype="float64")
    assert experiment.loss() == pytest.approx(mse(experiment.params(), experiment.x, experiment.y), rel=1e-12)


def test_graph_shows_forward_values_and_gradients():
    experiment = NeuronExperiment(dtype="float64")
    values = experiment.point_values(5)
    assert values["f"] == pytest.approx(values["w1x1"] + values["w2x2"] + values["b"])
    dot = computation_graph_dot(values, experiment.tape_gradient())
    assert num(values["f"]) in dot and num(experiment.tape_gradient()[0]) in dot
    assert "2(fᵢ − yᵢ)" in dot


def dot_labels(dot: str) -> dict[str, str]:
    """Each node's or edge's label as graphviz draws it (DOT's \\n escape becomes a line break)."""
    labels = {}
    for line in dot.splitlines():
        match = re.match(r'\s*(\w+(?: -> \w+)?) \[label="((?:[^"\\]|\\.)*)"', line)
        if match:
            labels[match.group(1)] = match.group(2).replace("\\n", "\n").replace('\\"', '"')
    return labels


def test_graph_labels_have_no_literal_backslashes_and_the_parameter_edges_carry_their_derivatives():
    experiment = NeuronExperiment(dtype="float64")
    values = experiment.point_values(7)
    labels = dot_labels(computation_graph_dot(values, experiment.tape_gradient()))
    assert labels and not any("\\" in label for label in labels.values())
    assert "\n" in labels["w1"]  # multi-line boxes break lines instead of showing "\n"
    assert labels["w1 -> m1"] == f"∂(w₁x₁)/∂w₁ = x₁ = {num(values['x1'], '.3f')}"
    assert labels["w2 -> m2"].startswith("∂(w₂x₂)/∂w₂ = x₂")
    assert "x1 -> m1" not in labels  # the input's edge is no path to a parameter
    assert "(this point)" in labels["w1"] and "(mean of all 1,000)" in labels["w1"]


def test_the_point_gradient_is_the_derivative_of_that_points_loss():
    experiment = NeuronExperiment(dtype="float64", seed=2)
    i = 11
    values = experiment.point_values(i)
    x, y = experiment.x[i : i + 1], experiment.y[i : i + 1]
    np.testing.assert_allclose(
        values["point_gradient"], finite_difference_gradient(experiment.params(), x, y), rtol=1e-6
    )
    # and the batch gradient is the mean of the points' gradients
    every = np.array([experiment.point_values(j)["point_gradient"] for j in range(len(experiment.y))])
    np.testing.assert_allclose(every.mean(axis=0), experiment.tape_gradient(), rtol=1e-9)


def test_network_picture_breaks_lines_instead_of_showing_backslash_n():
    from lib.graphs import network_dot
    from lib.models import build_mlp, param_rows

    labels = dot_labels(network_dot(param_rows(build_mlp()), "ReLU", "softmax"))
    assert not any("\\" in label for label in labels.values())
    assert labels["hidden"].split("\n")[0] == "hidden (Dense)"
    assert "1 biases" not in " ".join(labels.values())
