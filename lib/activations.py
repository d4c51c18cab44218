"""Activation functions, their derivatives by autodiff, softmax, and why linear layers collapse."""

from __future__ import annotations

import keras
import numpy as np

from lib.choices import ACTIVATIONS
from lib.runtime import tf


def curve_with_derivative(name: str, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """f(x) and f'(x), the derivative computed by TensorFlow's autodiff (GradientTape), not by hand."""
    function = ACTIVATIONS[name].function
    x = tf.constant(x, dtype=tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = function(x)
    return y.numpy(), tape.gradient(y, x).numpy()  # elementwise f: d(sum f)/dx_i = f'(x_i)


def one_sided_slopes(name: str, at: float = 0.0, h: float = 1e-7) -> tuple[float, float, float]:
    """(slope from the left, slope from the right, what autodiff reports) at one point: where the two
    slopes differ, the function has no derivative there, and autodiff returns a convention."""
    function = ACTIVATIONS[name].function
    points = tf.constant([at - h, at, at + h], dtype=tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(points)
        values = function(points)
    left, middle, right = values.numpy()
    return (middle - left) / h, (right - middle) / h, float(tape.gradient(values, points).numpy()[1])


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
