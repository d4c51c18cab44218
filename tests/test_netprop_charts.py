"""The lesson's charts: valid Vega-Lite, every data point kept, and a description that states what the data shows."""

import numpy as np
import pytest

from lib.netprop_charts import (
    make_deep_stack_chart,
    make_derivative_chart,
    make_mask_chart,
    make_output_gradient_chart,
)


def rows(spec: dict) -> list[list[dict]]:
    return list(spec["datasets"].values())


@pytest.mark.parametrize("seed", range(5))
def test_the_output_gradient_chart_keeps_ten_bars_and_names_the_negative_one(seed):
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.ones(10))
    label = int(rng.integers(10))
    row = (p - np.eye(10)[label]) / 32
    spec = make_output_gradient_chart(row, label, 32).to_dict()  # validates against the schema
    assert [len(r) for r in rows(spec)] == [10]
    assert f"negative at {label} " in spec["description"] and f"one image of a {label}" in spec["description"]


@pytest.mark.parametrize("zeros", [0, 1, 30, 64])
def test_the_mask_charts_count_the_neurons_that_are_off(zeros):
    rng = np.random.default_rng(zeros)
    f_prime = np.concatenate([np.zeros(zeros), rng.uniform(0.1, 1, 64 - zeros)])
    d_h = rng.normal(0, 0.01, 64)
    spec = make_mask_chart(d_h, f_prime, d_h * f_prime, "ReLU").to_dict()
    assert sorted(len(r) for r in rows(spec)) == [64, 128]  # every neuron; both gradients for each
    assert f"0 for {zeros} of 64 hidden neurons" in spec["description"]
    assert ("at most 0 in size" in spec["description"]) == (zeros > 0)
    derivative = make_derivative_chart(f_prime, "sigmoid").to_dict()
    assert f"0 for {zeros} of 64" in derivative["description"] and rows(derivative)[0][0]["neuron"] == 0


def test_the_deep_stack_chart_keeps_every_layer_and_states_the_first_and_last():
    norms = {"sigmoid": np.array([1e-4, 1e-3, 1e-2, 0.03, 0.1, 0.3]), "relu": np.full(6, 0.1)}
    spec = make_deep_stack_chart(norms).to_dict()
    assert [len(r) for r in rows(spec)] == [12]
    assert "sigmoid: 0.0001 at layer 1, 0.3 at layer 6" in spec["description"]
