"""The course's predictions, each built from the settings on screen and scored against a fresh computation."""

from __future__ import annotations

import numpy as np

from lib.activations import softmax
from lib.descent import descent_1d, describe_descent
from lib.fmt import num
from lib.gates import Prediction
from lib.losses import compare_losses
from lib.runtime import tf

BOWL = "bowl: (w − 2)² + 1"


def network_width(width: int) -> Prediction:
    other = width * 2 if width <= 256 else width // 2
    total = 784 * other + other + other * 10 + 10
    options = (f"{total:,}", f"{784 * other + other * 10:,}", f"{784 * width + width + width * 10 + 10:,}")
    return Prediction(
        "network_width",
        f"with {other} hidden neurons instead of {width}, how many trainable parameters does the network have?",
        options,
        0,
        f"784 × {other} + {other} for the hidden layer and {other} × 10 + 10 for the output: {total:,}. Without "
        f"the biases it would be {784 * other + other * 10:,}; the count changes with the width.",
    )


def activations_boundary(dataset: str, units: int, linear_accuracy: float, relu_accuracy: float) -> Prediction:
    gap = relu_accuracy - linear_accuracy
    answer = 2 if abs(gap) <= 0.02 else (1 if gap > 0 else 0)
    return Prediction(
        "activations_boundary",
        f"on the {dataset} data with {units} hidden neurons, which network classifies more points right?",
        ("no activation", "ReLU", "about the same (within 2 points)"),
        answer,
        f"No activation: {linear_accuracy:.0%}. ReLU: {relu_accuracy:.0%}.",
    )


def activations_temperature(logits, temperature: float) -> Prediction:
    target = 5.0 if temperature < 5.0 else 0.5
    now, then = softmax(logits, temperature).max(), softmax(logits, target).max()
    answer = 2 if abs(then - now) < 1e-9 else (0 if then > now else 1)
    return Prediction(
        "activations_temperature",
        f"if the temperature goes from {temperature:g} to {target:g}, what happens to the largest probability?",
        ("it rises", "it falls", "it stays the same"),
        answer,
        f"It goes from {now:.3f} to {then:.3f}.",
    )


def losses_over_one(true_digit: int, logits) -> Prediction:
    ce = compare_losses(true_digit, logits)["cross_entropy_keras"]
    return Prediction(
        "losses_over_one",
        f"with these logits and true digit {true_digit}, is the cross-entropy larger than 1?",
        ("yes", "no"),
        0 if ce > 1 else 1,
        f"It is {ce:.4f}: −log of the {np.exp(-ce):.4f} probability given to the true digit (above 1 exactly when "
        "that probability is below 1/e ≈ 0.368).",
    )


def losses_shift(true_digit: int, logits) -> Prediction:
    before = compare_losses(true_digit, logits)["cross_entropy_keras"]
    after = compare_losses(true_digit, np.asarray(logits) + 3.0)["cross_entropy_keras"]
    answer = 2 if abs(after - before) < 1e-6 else (0 if after > before else 1)
    return Prediction(
        "losses_shift",
        "if you add 3 to every one of the ten logits, what happens to the cross-entropy?",
        ("it rises", "it falls", "it stays the same"),
        answer,
        f"Before: {before:.6f}; after: {after:.6f}. Softmax only sees the differences between logits.",
    )


def descent_learning_rate(start: float, learning_rate: float, steps: int) -> Prediction:
    kind, sentence = describe_descent(descent_1d(BOWL, start, learning_rate, steps), BOWL)
    answer = {"converged": 0, "on its way": 0, "oscillating": 1, "diverged": 2}.get(kind, 0)
    return Prediction(
        "descent_learning_rate",
        f"on the bowl, from w = {num(start, 'g')} with learning rate {learning_rate:g} for {steps} steps: what does "
        "gradient descent do?",
        ("moves steadily to the minimum", "jumps from side to side, closing in", "runs away (diverges)"),
        answer,
        sentence.replace("**", ""),
    )


def descent_saddle(escapes: list[dict], offset: float) -> Prediction:
    key = "left the ridge after (steps)"
    names = tuple(row["optimizer"] for row in escapes)
    left = [(row[key], i) for i, row in enumerate(escapes) if row[key] is not None]
    answer = min(left)[1] if left else 0
    return Prediction(
        "descent_saddle",
        f"starting at (1.5, {offset:g}), next to the saddle's ridge, which optimizer gets away from it first?",
        names,
        answer,
        "Steps to get more than 1 away from the ridge: "
        + ", ".join(f"{row['optimizer']} {row[key] if row[key] is not None else 'never'}" for row in escapes)
        + ".",
    )


def backprop_sign(gradient_w1: float, w1: float) -> Prediction:
    return Prediction(
        "backprop_sign",
        f"right now w₁ = {num(w1)}. Will the next gradient-descent step make w₁ larger or smaller?",
        ("larger (∂L/∂w₁ is negative)", "smaller (∂L/∂w₁ is positive)"),
        0 if gradient_w1 < 0 else 1,
        f"∂L/∂w₁ = {num(gradient_w1)}: the step goes against the gradient, so w₁ gets "
        f"{'larger' if gradient_w1 < 0 else 'smaller'} (towards its target 2).",
    )


def backprop_bias(gradient) -> Prediction:
    g1, _, gb = (float(g) for g in gradient)
    return Prediction(
        "backprop_bias",
        "right now, which gradient is larger in size: ∂L/∂w₁ = mean(2(fᵢ − yᵢ)·x₁ᵢ) or ∂L/∂b = mean(2(fᵢ − yᵢ))?",
        ("∂L/∂w₁", "∂L/∂b"),
        0 if abs(g1) > abs(gb) else 1,
        f"∂L/∂w₁ = {num(g1)} and ∂L/∂b = {num(gb)}: the same errors 2(fᵢ − yᵢ), averaged with the weights x₁ᵢ "
        "for w₁ and with 1 for b.",
    )


def train_step_frozen(images: np.ndarray, labels: np.ndarray) -> Prediction:
    """Checked live: the gradient that reaches the hidden layer through a step activation, on 32 real images."""
    from lib.choices import build_loss
    from lib.models import build_mlp

    model = build_mlp(hidden_activation="step", seed=0)
    x = tf.constant(images[:32].astype(np.float32) / 255.0)
    with tf.GradientTape() as tape:
        loss = build_loss("cross_entropy", "softmax")(labels[:32].astype(np.int32), model(x))
    hidden_kernel, output_kernel = model.get_layer("hidden").kernel, model.get_layer("output").kernel
    g_hidden, g_output = tape.gradient(loss, [hidden_kernel, output_kernel])
    hidden_norm, output_norm = float(tf.norm(g_hidden)), float(tf.norm(g_output))
    return Prediction(
        "train_step_frozen",
        "with the step activation in the hidden layer, will training move the hidden layer's weights?",
        ("yes, like any layer", "no, not at all"),
        1 if hidden_norm == 0 else 0,
        f"On 32 real digits, the gradient reaching the hidden layer's weights has size {hidden_norm:g}; the output "
        f"layer's has {output_norm:.4f}. Start a run with the step activation to see it in the weight table.",
    )
