"""Backprop through the 784-H-10 network in matrix form: every gradient by hand in NumPy, checked against
tf.GradientTape.

Forward:  Z₁ = X·W₁ + b₁,  H = f(Z₁),  Z₂ = H·W₂ + b₂,  P = softmax(Z₂),  L = mean over the batch of −log P[b, y_b].
Backward: ∂L/∂Z₂ = (P − Y)/B,  ∂L/∂W₂ = Hᵀ·∂L/∂Z₂,  ∂L/∂b₂ = column sums,  ∂L/∂H = ∂L/∂Z₂·W₂ᵀ,
          ∂L/∂Z₁ = ∂L/∂H ⊙ f′(Z₁),  ∂L/∂W₁ = Xᵀ·∂L/∂Z₁,  ∂L/∂b₁ = column sums.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import keras
import numpy as np
from threadpoolctl import ThreadpoolController

from lib.choices import ACTIVATIONS, HIDDEN_ACTIVATIONS
from lib.runtime import tf

# f′(z) as the hidden layer's derivative, in NumPy; TensorFlow's own choice at the kinks (ReLU′(0) = 0, ELU′(0) = 1).
DERIVATIVES = {
    "relu": ("1 where z > 0, else 0: the mask", lambda z: (z > 0).astype(z.dtype)),
    "sigmoid": ("σ(z)·(1 − σ(z)), at most 0.25", lambda z: _sigmoid(z) * (1 - _sigmoid(z))),
    "tanh": ("1 − tanh(z)², at most 1", lambda z: 1 - np.tanh(z) ** 2),
    "elu": ("1 where z > 0, else eᶻ", lambda z: np.where(z > 0, 1, np.exp(np.minimum(z, 0))).astype(z.dtype)),
    "linear": ("1 everywhere: nothing is masked", lambda z: np.ones_like(z)),
    "step": ("0 everywhere: nothing flows back", lambda z: np.zeros_like(z)),
}
FUNCTIONS = {
    "relu": lambda z: np.maximum(z, 0),
    "sigmoid": lambda z: _sigmoid(z),
    "tanh": np.tanh,
    "elu": lambda z: np.where(z > 0, z, np.expm1(np.minimum(z, 0))).astype(z.dtype),
    "linear": lambda z: z,
    "step": lambda z: (z > 0).astype(z.dtype),
}
# These products are small: split over threads on a busy server they wait on each other far longer than they
# compute (measured: a 32×784 by 784×64 product's slowest tenth went from 50 ms to 2 ms on one thread).
BLAS = ThreadpoolController()


def one_blas_thread():
    """A context in which NumPy's matrix products run on one thread."""
    return BLAS.limit(limits=1, user_api="blas")


assert set(DERIVATIVES) == set(FUNCTIONS) == set(HIDDEN_ACTIVATIONS), "one derivative per hidden activation"


def _sigmoid(z):
    return (1 / (1 + np.exp(-z))).astype(z.dtype)


@dataclass(frozen=True)
class Weights:
    """One network's parameters (float32) and its hidden activation."""

    w1: np.ndarray  # (784, H)
    b1: np.ndarray  # (H,)
    w2: np.ndarray  # (H, 10)
    b2: np.ndarray  # (10,)
    activation: str = "relu"

    def with_activation(self, activation: str) -> Weights:
        return Weights(self.w1, self.b1, self.w2, self.b2, activation)


def weights_of(model: keras.Model, activation: str) -> Weights:
    """The weights of a Keras network built by lib.models.build_mlp (trained or not)."""
    hidden, output = model.get_layer("hidden"), model.get_layer("output")
    arrays = [np.array(v, dtype=np.float32) for v in (hidden.kernel, hidden.bias, output.kernel, output.bias)]
    return Weights(*arrays, activation=activation)


def untrained(seed: int, activation: str = "relu", hidden_units: int = 64) -> Weights:
    """The notebook's network before any training: Glorot-uniform weights from the seed, zero biases. The very
    initialisers lib.models.build_mlp gives its layers (seed, seed + 1), called without building the model."""
    init = keras.initializers.GlorotUniform
    w1 = np.array(init(seed=seed)((784, hidden_units), dtype="float32"))
    w2 = np.array(init(seed=seed + 1)((hidden_units, 10), dtype="float32"))
    return Weights(w1, np.zeros(hidden_units, np.float32), w2, np.zeros(10, np.float32), activation)


def load_batch(images: np.ndarray, labels: np.ndarray, batch_size: int, index: int) -> tuple[np.ndarray, np.ndarray]:
    """Training images index·B … index·B + B − 1, flattened and scaled to [0, 1]: X (B×784) and y (B,)."""
    rows = slice(index * batch_size, (index + 1) * batch_size)
    x = images[rows].reshape(-1, 784).astype(np.float32) / 255.0
    return x, labels[rows].astype(np.int64)


@dataclass(frozen=True)
class Pass:
    """The forward values and every gradient of one batch, computed by hand."""

    x: np.ndarray
    y: np.ndarray
    z1: np.ndarray
    h: np.ndarray
    z2: np.ndarray
    p: np.ndarray
    loss: float
    grads: dict  # name -> array: dZ2, dW2, db2, dH, f′, dZ1, dW1, db1


def one_hot(y: np.ndarray, classes: int = 10, dtype=np.float32) -> np.ndarray:
    return np.eye(classes, dtype=dtype)[y]


def softmax_rows(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def forward_backward(weights: Weights, x: np.ndarray, y: np.ndarray) -> Pass:
    """The forward pass, then the backward pass one line at a time, in NumPy."""
    with one_blas_thread():
        return _forward_backward(weights, x, y)


def _forward_backward(weights: Weights, x: np.ndarray, y: np.ndarray) -> Pass:
    batch = len(x)
    z1 = x @ weights.w1 + weights.b1  # B×H
    h = FUNCTIONS[weights.activation](z1)
    z2 = h @ weights.w2 + weights.b2  # B×10
    p = softmax_rows(z2)
    loss = float(-np.mean(np.log(np.maximum(p[np.arange(batch), y], np.finfo(p.dtype).tiny))))
    d_z2 = (p - one_hot(y, dtype=p.dtype)) / batch  # softmax + cross-entropy, averaged over the batch
    d_w2 = h.T @ d_z2  # H×10
    d_h = d_z2 @ weights.w2.T  # B×H
    f_prime = DERIVATIVES[weights.activation][1](z1)
    d_z1 = d_h * f_prime  # elementwise: the mask (or the derivative) gates what flows back
    d_w1 = x.T @ d_z1  # 784×H
    grads = {"dZ2": d_z2, "dW2": d_w2, "db2": d_z2.sum(axis=0), "dH": d_h, "f′": f_prime, "dZ1": d_z1}
    grads |= {"dW1": d_w1, "db1": d_z1.sum(axis=0)}
    return Pass(x, y, z1, h, z2, p, loss, grads)


def tape_gradients(weights: Weights, x: np.ndarray, y: np.ndarray, dtype=tf.float32) -> dict:
    """The same gradients from tf.GradientTape: the course's activation function and Keras's cross-entropy."""
    arrays = (x, weights.w1, weights.b1, weights.w2, weights.b2)
    loss, grads = tape_pass(weights.activation, dtype)(*(tf.constant(a, dtype) for a in arrays), tf.constant(y))
    named = dict(zip(["dZ2", "dH", "dZ1", "dW1", "db1", "dW2", "db2"], grads, strict=True))
    return {"loss": float(loss)} | {k: np.asarray(v) for k, v in named.items()}


@functools.cache
def tape_pass(activation: str, dtype=tf.float32):
    """The tape's pass for one hidden activation, traced once (any batch size, any width) and then reused."""
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    matrix, vector = tf.TensorSpec([None, None], dtype), tf.TensorSpec([None], dtype)
    signature = [matrix, matrix, vector, matrix, vector, tf.TensorSpec([None], tf.int64)]

    @tf.function(input_signature=signature)
    def gradients(x, w1, b1, w2, b2, y):
        with tf.GradientTape() as tape:
            tape.watch([w1, b1, w2, b2])
            z1 = tf.matmul(x, w1) + b1
            h = ACTIVATIONS[activation].function(z1)
            z2 = tf.matmul(h, w2) + b2
            loss = loss_fn(y, z2)
        return loss, tape.gradient(loss, [z2, h, z1, w1, b1, w2, b2])

    return gradients


LINES = [  # (name, what it is, the NumPy line)
    ("dZ2", "∂L/∂Z₂", "(P − Y) / B"),
    ("dW2", "∂L/∂W₂", "H.T @ dZ2"),
    ("db2", "∂L/∂b₂", "dZ2.sum(axis=0)"),
    ("dH", "∂L/∂H", "dZ2 @ W2.T"),
    ("dZ1", "∂L/∂Z₁", "dH * f′(Z1)"),
    ("dW1", "∂L/∂W₁", "X.T @ dZ1"),
    ("db1", "∂L/∂b₁", "dZ1.sum(axis=0)"),
]


def check_rows(hand: Pass, tape: dict) -> list[dict]:
    """One row per line of the backward pass: its shape and the largest |hand − GradientTape| entry."""
    return [
        {
            "gradient": label,
            "by hand (NumPy)": code,
            "shape": " × ".join(map(str, hand.grads[name].shape)),
            "largest |entry|": float(np.abs(hand.grads[name]).max()),
            "max |hand − GradientTape|": float(np.abs(hand.grads[name] - tape[name]).max()),
        }
        for name, label, code in LINES
    ]


def jacobian_route(p_row: np.ndarray, label: int) -> tuple[np.ndarray, np.ndarray]:
    """For one image: the softmax Jacobian ∂P/∂Z = diag(P) − P·Pᵀ, and ∂l/∂Z = Jᵀ·∂l/∂P with ∂l/∂P = −Y/P,
    which the algebra reduces to P − Y."""
    p = p_row.astype(np.float64)
    jacobian = np.diag(p) - np.outer(p, p)
    d_p = -one_hot(np.array([label]), len(p), np.float64)[0] / p
    return jacobian, jacobian.T @ d_p


def finite_difference(weights: Weights, x: np.ndarray, y: np.ndarray, name: str, index: tuple, h: float = 1e-4):
    """(L(θ + h) − L(θ − h)) / 2h for one entry of one weight array, in float64."""
    arrays = {k: getattr(weights, k).astype(np.float64) for k in ("w1", "b1", "w2", "b2")}
    losses = []
    for sign in (1, -1):
        moved = {k: v.copy() for k, v in arrays.items()}
        moved[name][index] += sign * h
        losses.append(forward_backward(Weights(**moved, activation=weights.activation), x.astype(np.float64), y).loss)
    return (losses[0] - losses[1]) / (2 * h)


def one_entry(hand: Pass, pixel: int, neuron: int) -> tuple[np.ndarray, float]:
    """∂L/∂W₁[pixel, neuron] as the one-neuron chain rule summed over the batch: the terms X[b, i]·∂L/∂Z₁[b, j]."""
    terms = hand.x[:, pixel] * hand.grads["dZ1"][:, neuron]
    return terms, float(terms.sum())


def deep_stack_norms(x: np.ndarray, y: np.ndarray, activation: str, depth: int = 6, width: int = 64, seed: int = 0):
    """‖∂L/∂W‖ of each hidden layer of a 784-(width×depth)-10 network at initialisation (Glorot uniform, zero
    biases, seeded), on this batch: how much gradient reaches each layer, first layer first."""
    sizes = [x.shape[1]] + [width] * depth + [10]
    kernels = [
        tf.Variable(keras.initializers.GlorotUniform(seed=seed + i)((n_in, n_out)))
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True))
    ]
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    with tf.GradientTape() as tape:
        out = tf.constant(x)
        for i, kernel in enumerate(kernels):
            out = tf.matmul(out, kernel)
            if i < depth:
                out = ACTIVATIONS[activation].function(out)
        loss = loss_fn(tf.constant(y), out)
    grads = tape.gradient(loss, kernels[:depth])
    return np.array([float(tf.norm(g)) for g in grads])


def warm_up() -> None:
    """Trace the tape's pass for every hidden activation before a learner asks (about 0.2 s each)."""
    x, y = np.zeros((2, 784), np.float32), np.zeros(2, np.int64)
    w1, b1, w2, b2 = (
        np.zeros((784, 4), np.float32),
        np.zeros(4, np.float32),
        np.zeros((4, 10), np.float32),
        np.zeros(10, np.float32),
    )
    for activation in HIDDEN_ACTIVATIONS:
        tape_gradients(Weights(w1, b1, w2, b2, activation), x, y)
