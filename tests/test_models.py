import io
import re
from contextlib import redirect_stdout

import numpy as np
import pytest

from lib.choices import HIDDEN_ACTIVATIONS
from lib.graphs import network_dot
from lib.models import build_mlp, build_single_neuron, param_rows, total_params


def test_seed_network_counts_match_the_seed():
    rows = param_rows(build_mlp())
    assert [(r.layer, r.params) for r in rows] == [("input", 0), ("hidden", 50240), ("output", 650)]
    assert total_params(build_mlp()) == 50890
    assert rows[1].formula == "784×64 weights + 64 biases = 50,240"
    assert [r.output_shape for r in rows] == ["(None, 784)", "(None, 64)", "(None, 10)"]


@pytest.mark.parametrize("width", [1, 7, 64, 128, 300])
def test_counts_follow_the_formula_for_any_width(width):
    model = build_mlp(hidden_units=width)
    rows = param_rows(model)
    assert rows[1].params == 784 * width + width
    assert rows[2].params == width * 10 + 10
    # Independent reference: Keras's own count and the sizes of the actual weight arrays.
    assert total_params(model) == model.count_params() == sum(w.size for w in model.get_weights())


def test_table_matches_keras_summary():
    model = build_mlp()
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        model.summary()
    text = buffer.getvalue()
    for row in param_rows(model):
        assert re.search(rf"{row.layer} \({row.kind}\).*{row.params:,}", text)


@pytest.mark.parametrize("activation", sorted(HIDDEN_ACTIVATIONS))
def test_every_hidden_activation_builds_and_outputs_probabilities(activation):
    model = build_mlp(hidden_units=8, hidden_activation=activation, seed=1)
    probs = model(np.random.default_rng(0).random((3, 28, 28), dtype=np.float32)).numpy()
    assert probs.shape == (3, 10)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)


def test_bad_settings_are_refused():
    with pytest.raises(ValueError):
        build_mlp(hidden_units=0)
    with pytest.raises(ValueError):
        build_mlp(hidden_activation="banana")


def test_single_neuron_has_three_parameters():
    model = build_single_neuron(seed=0)
    assert model.count_params() == 3
    assert model.layers[0].kernel.shape == (2, 1)


def test_network_picture_carries_the_live_counts():
    dot = network_dot(param_rows(build_mlp(hidden_units=10)), "ReLU", "softmax")
    assert "7,850 parameters" in dot and "110 parameters" in dot


def test_device_of_reads_where_tensorflow_placed_a_variable():
    from lib.runtime import device_of, tf

    model = build_mlp(hidden_units=4)
    expected = "GPU" if tf.config.list_physical_devices("GPU") else "CPU"
    assert device_of(model.trainable_variables[0]) == expected

    class Fake:
        device = "/job:localhost/replica:0/task:0/device:GPU:0"

    assert device_of(Fake()) == "GPU"
