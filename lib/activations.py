"""Activation functions, their derivatives by autodiff, softmax, and why linear layers collapse."""

from __future__ import annotations

import keras
import numpy as np

from lib.runtime import tf


@tf.custom_gradient
def step(x):
    """The brain's threshold: 1 where x > 0, else 0. Its derivative is 0 wherever it exists."""
    y = tf.cast(x > 0, x.dtype)

    def grad(upstream):
        return tf.zeros_like(upstream)  # flat everywhere: nothing for gradient descent to follow

    return y, grad


# name: (function of a tensor, where it is used)
ACTIVATIONS = {
    "step": (
        step,
        "The brain's threshold. Its derivative is 0 everywhere (undefined at 0), so gradient "
        "descent gets no signal through it: it is not used to train networks.",
    ),
    "relu": (
        tf.nn.relu,
        "max(0, x). The usual choice between layers: simple, cheap, and its gradient is 1 "
        "for every positive input, so it does not fade.",
    ),
    "sigmoid": (
        tf.sigmoid,
        "1 / (1 + e⁻ˣ), between 0 and 1: the output of a binary classifier (one "
        "probability). Its gradient is at most 0.25 and vanishes for large |x|.",
    ),
    "tanh": (tf.tanh, "Between −1 and 1, centred on 0; once common in hidden layers. Vanishes for large |x| too."),
    "leaky_relu": (
        lambda x: tf.nn.leaky_relu(x, alpha=0.1),
        "ReLU with a small slope (0.1) for x < 0, so no neuron's gradient is ever exactly 0.",
    ),
    "gelu": (tf.nn.gelu, "x·Φ(x), a smooth ReLU used in transformers such as GPT."),
}


def curve_with_derivative(name: str, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """f(x) and f'(x), the derivative computed by TensorFlow's autodiff (GradientTape), not by hand."""
    function = ACTIVATIONS[name][0]
    x = tf.constant(x, dtype=tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = function(x)
    return y.numpy(), tape.gradient(y, x).numpy()  # elementwise f: d(sum f)/dx_i = f'(x_i)


def softmax(logits, temperature: float = 1.0) -> np.ndarray:
    """exp(z_i / T) / Σ_j exp(z_j / T): positive, sums to 1; T < 1 sharpens, T > 1 flattens."""
    if temperature <= 0:
        raise ValueError("The temperature must be positive.")
    return tf.nn.softmax(tf.constant(logits, dtype=tf.float64) / temperature).numpy()


def build_stack(widths: list[int], activation: str | None = None, seed: int = 0) -> keras.Sequential:
    """Dense layers of the given widths (first entry: the input size), with an optional activation between."""
    layers = [keras.Input(shape=(widths[0],), dtype="float64")]
    for i, width in enumerate(widths[1:]):
        last = i == len(widths) - 2
        layers.append(
            keras.layers.Dense(
                width,
                activation=None if last else activation,
                dtype="float64",
                kernel_initializer=keras.initializers.GlorotUniform(seed=seed + i),
                bias_initializer=keras.initializers.RandomNormal(stddev=0.5, seed=seed + 100 + i),
            )
        )
    return keras.Sequential(layers)


def collapse(model: keras.Sequential) -> tuple[np.ndarray, np.ndarray]:
    """The single layer equal to a stack of linear layers: W = W1·W2·…, b = (b1·W2 + b2)·W3 + …"""
    weight, bias = None, None
    for layer in model.layers:
        kernel, layer_bias = layer.kernel.numpy(), layer.bias.numpy()
        weight = kernel if weight is None else weight @ kernel
        bias = layer_bias if bias is None else bias @ kernel + layer_bias
    return weight, bias


def collapse_gap(widths: list[int], activation: str | None, num_inputs: int = 256, seed: int = 0) -> float:
    """Largest |stacked output − collapsed output| on random inputs: ~1e-15 if linear, large with ReLU."""
    model = build_stack(widths, activation, seed)
    weight, bias = collapse(model)
    x = np.random.default_rng(seed).standard_normal((num_inputs, widths[0]))
    return float(np.abs(model(x).numpy() - (x @ weight + bias)).max())
