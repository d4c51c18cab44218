"""The course's predictions, each built from the settings on screen and scored against a fresh computation.

Each one names, in its state, every setting that decides its answer (lib.gates): the same state is the same
question, with the same shuffled options and the same right answer.
"""

from __future__ import annotations

import math

import numpy as np

from lib.activations import softmax
from lib.choices import build_loss
from lib.descent import BEHAVIOURS, HORIZON, fate
from lib.fmt import num, prob
from lib.gates import Prediction, ask
from lib.learning import BATCH_SIZE, StepReport, step_sentence, steps_per_epoch
from lib.losses import compare_losses
from lib.models import build_mlp
from lib.runtime import tf

BOWL = "bowl: (w − 2)² + 1"
ABOUT_THE_SAME = 0.02  # "within 2 points" of accuracy
FLOAT_SLACK = 1e-9  # so that 0.90 − 0.88 counts as 2 points, not 2.0000000000000018
FLOAT32_ROUNDING = 1e-5  # float32 keeps ~7 significant digits of the neuron's errors fᵢ − yᵢ (yᵢ of order 1–10)


def network_width(width: int) -> Prediction:
    other = width * 2 if width <= 256 else width // 2
    total = 784 * other + other + other * 10 + 10
    options = (f"{total:,}", f"{784 * other + other * 10:,}", f"{784 * width + width + width * 10 + 10:,}")
    return ask(
        "network_width",
        {"hidden neurons": width},
        f"with {other} hidden neurons instead of {width}, how many trainable parameters does the network have?",
        options,
        0,
        f"784 × {other} + {other} for the hidden layer and {other} × 10 + 10 for the output: {total:,}. Without "
        f"the biases it would be {784 * other + other * 10:,}; the count changes with the width.",
    )


def learning_step(report: StepReport, step: int) -> Prediction:
    """Did one optimizer step lower the loss on the batch it was computed from? Answered by measuring it again.

    The network and its batches are seeded, so the step number decides the answer."""
    return ask(
        "learning_step",
        {"step": step},
        f"after this one step, will the loss on the same {BATCH_SIZE} images be lower or higher than "
        f"{report.loss_before:.4f}?",
        ("lower", "higher"),
        0 if report.loss_after < report.loss_before else 1,
        step_sentence(report),
    )


def learning_epoch(num_images: int, batch_size: int) -> Prediction:
    """How many steps make one epoch with another batch size: one per batch, the last one possibly smaller."""
    steps, (full, last) = steps_per_epoch(num_images, batch_size), divmod(num_images, batch_size)
    how = (
        f"{full:,} full batches and one more of {last:,} image{'s' if last > 1 else ''}: {steps:,} steps"
        if last
        else f"{steps:,} full batches: {steps:,} steps"
    )
    return ask(
        "learning_epoch",
        {"batch size": batch_size},
        f"with batches of {batch_size} instead of {BATCH_SIZE}, how many steps make one epoch of the "
        f"{num_images:,} training images?",
        (f"{num_images:,}", f"{steps:,}", f"{steps_per_epoch(num_images, BATCH_SIZE):,}"),
        1,
        f"{num_images:,} images in batches of {batch_size}: {how}. Bigger batches: fewer, less noisy steps per epoch.",
    )


def activations_boundary(
    dataset: str, units: int, steps: int, linear_accuracy: float, relu_accuracy: float
) -> Prediction:
    gap = relu_accuracy - linear_accuracy
    answer = 2 if abs(gap) <= ABOUT_THE_SAME + FLOAT_SLACK else (1 if gap > 0 else 0)
    return ask(
        "activations_boundary",
        {"data": dataset, "hidden neurons": units, "training steps": steps},
        f"on the {dataset} data with {units} hidden neurons and {steps} training steps, which network classifies "
        "more points right?",
        ("no activation", "ReLU", "about the same (within 2 points)"),
        answer,
        f"No activation: {100 * linear_accuracy:.2f}%. ReLU: {100 * relu_accuracy:.2f}%. That is "
        f"{100 * abs(gap):.2f} points apart, {'within' if answer == 2 else 'more than'} 2.",
    )


def activations_temperature(logits, temperature: float) -> Prediction:
    target = 5.0 if temperature < 5.0 else 0.5
    now, then = softmax(logits, temperature).max(), softmax(logits, target).max()
    answer = 2 if abs(then - now) < FLOAT_SLACK else (0 if then > now else 1)
    return ask(
        "activations_temperature",
        {"logits": [float(v) for v in logits], "temperature": temperature},
        f"with these logits, if the temperature goes from {temperature:g} to {target:g}, what happens to the "
        "largest probability?",
        ("it rises", "it falls", "it stays the same"),
        answer,
        f"It goes from {now:.3f} to {then:.3f}.",
    )


def losses_over_one(true_digit: int, logits) -> Prediction:
    result = compare_losses(true_digit, logits)
    ce, p_true = result["cross_entropy_keras"], result["probabilities"][true_digit]
    return ask(
        "losses_over_one",
        {"true digit": int(true_digit), "logits": [float(v) for v in logits]},
        f"with these logits and true digit {true_digit}, is the cross-entropy larger than 1?",
        ("yes", "no"),
        0 if ce > 1 else 1,
        f"It is {ce:.4f}: −log of the {prob(p_true)} probability given to the true digit (above 1 exactly when "
        "that probability is below 1/e ≈ 0.368).",
    )


def losses_shift(true_digit: int, logits) -> Prediction:
    before = compare_losses(true_digit, logits)["cross_entropy_keras"]
    after = compare_losses(true_digit, np.asarray(logits) + 3.0)["cross_entropy_keras"]
    answer = 2 if abs(after - before) < 1e-6 else (0 if after > before else 1)
    return ask(
        "losses_shift",
        {"true digit": int(true_digit), "logits": [float(v) for v in logits]},
        "if you add 3 to every one of the ten logits, what happens to the cross-entropy?",
        ("it rises", "it falls", "it stays the same"),
        answer,
        f"Before: {before:.6f}; after: {after:.6f}. Softmax only sees the differences between logits.",
    )


def question_learning_rate(learning_rate: float) -> float:
    """The rate the descent question asks about: double the page's, or half of it when double is off the scale."""
    return round(learning_rate * 2 if learning_rate * 2 <= 1.2 else learning_rate / 2, 10)


BOWL_OPTIONS = ("steady", "jumps over, settling", "two-point bounce", "diverges", "stays")


def descent_learning_rate(start: float, page_learning_rate: float) -> Prediction:
    """What plain gradient descent does on the bowl in the long run, at double (or half) the page's rate."""
    start, learning_rate = round(float(start), 10), question_learning_rate(page_learning_rate)
    future = fate(BOWL, start, learning_rate)
    path = ", ".join(num(w, ".4g") for w in future.first)
    return ask(
        "descent_learning_rate",
        {"start w": start, "learning rate": learning_rate},
        f"on the bowl, from w = {num(start, 'g')} with learning rate {learning_rate:g} instead of "
        f"{page_learning_rate:g}: what does gradient descent do if it keeps going?",
        tuple(BEHAVIOURS[kind] for kind in BOWL_OPTIONS),
        BOWL_OPTIONS.index(future.kind),
        f"From w = {num(start, 'g')} at learning rate {learning_rate:g}, w goes {path}, …; continued for "
        f"{HORIZON:,} steps, it {BEHAVIOURS[future.kind]}. Try it with the learning-rate slider.",
    )


def descent_saddle(escapes: list[dict], offset: float) -> Prediction:
    key = "left the ridge after (steps)"
    names = tuple(row["optimizer"] for row in escapes)
    left = [(row[key], i) for i, row in enumerate(escapes) if row[key] is not None]
    answer = min(left)[1] if left else 0
    return ask(
        "descent_saddle",
        {"start y": offset},
        f"starting at (1.5, {offset:g}), next to the saddle's ridge, which optimizer gets away from it first?",
        names,
        answer,
        "Steps to get more than 1 away from the ridge: "
        + ", ".join(f"{row['optimizer']} {row[key] if row[key] is not None else 'never'}" for row in escapes)
        + ".",
    )


def backprop_state(experiment) -> dict:
    """What decides the neuron's numbers now: the same optimizer, rate, seed and epoch give the same neuron."""
    return {
        "optimizer": experiment.optimizer_name,
        "learning rate": experiment.learning_rate,
        "seed": experiment.seed,
        "epoch": experiment.epoch,
    }


def backprop_sign(experiment, gradient) -> Prediction:
    """Answered by the page's own next optimizer step (momentum or Adam can outweigh the current gradient); a neuron
    whose w₁ has overflowed to NaN neither grows nor shrinks: the third option says so."""
    state, gradient_w1 = backprop_state(experiment), float(gradient[0])
    w1, next_w1 = experiment.params()[0], experiment.next_params()[0]
    change = next_w1 - w1
    answer = 0 if change > 0 else (1 if change < 0 else 2)
    direction = "against" if change * gradient_w1 < 0 else "with"
    why = (
        "against the gradient, downhill"
        if direction == "against"
        else "the same way as the gradient points: the optimizer's memory of earlier gradients outweighs this one"
    )
    if math.isnan(change):
        reveal = "w₁ is not a number: the training diverged and its numbers overflowed, so no step can move it."
    else:
        reveal = (
            f"The next step, computed by the page's own optimizer, takes w₁ from {num(w1, '.6g')} to "
            f"{num(next_w1, '.6g')}"
            + (f". ∂L/∂w₁ = {num(gradient_w1, '.4g')}, and the step goes {why}." if change else ".")
        )
    return ask(
        "backprop_sign",
        state,
        f"right now w₁ = {num(w1) if math.isfinite(w1) else 'not a number'} (epoch {state['epoch']}). Will the next "
        "training step make w₁ larger or smaller?",
        ("larger", "smaller", "neither: w₁ stays the same, or is not a number"),
        answer,
        reveal,
    )


def larger_in_size(a: float, b: float, rounding: float) -> int:
    """0 if |a| is larger, 1 if |b| is, 2 if neither: one is not a number, or they differ by rounding only."""
    if math.isnan(a) or math.isnan(b) or abs(abs(a) - abs(b)) <= rounding:
        return 2
    return 0 if abs(a) > abs(b) else 1


def backprop_bias(experiment, gradient) -> Prediction:
    """Answered by the gradients on screen, as far as float32 can tell them apart (a diverged neuron has none)."""
    state, (g1, _, gb) = backprop_state(experiment), (float(g) for g in gradient)
    answer = larger_in_size(g1, gb, FLOAT32_ROUNDING)
    if math.isnan(g1) or math.isnan(gb):
        why = "not a number: the training diverged and its numbers overflowed, so neither is larger."
    elif answer == 2:
        why = f"the same size up to float32's rounding (about 7 significant digits: {FLOAT32_ROUNDING:g} here)."
    else:
        why = "the same errors 2(fᵢ − yᵢ), averaged with the weights x₁ᵢ for w₁ and with 1 for b."
    return ask(
        "backprop_bias",
        state,
        f"at epoch {state['epoch']}, which gradient is larger in size: ∂L/∂w₁ = mean(2(fᵢ − yᵢ)·x₁ᵢ) or "
        "∂L/∂b = mean(2(fᵢ − yᵢ))?",
        ("∂L/∂w₁", "∂L/∂b", "neither: the same size, or not numbers"),
        answer,
        f"∂L/∂w₁ = {num(g1, '.4g')} and ∂L/∂b = {num(gb, '.4g')}: {why}",
    )


def train_step_frozen(images: np.ndarray, labels: np.ndarray) -> Prediction:
    """Checked live: the gradient that reaches the hidden layer through a step activation, on 32 real images."""
    model = build_mlp(hidden_activation="step", seed=0)
    x = tf.constant(images[:32].astype(np.float32) / 255.0)
    with tf.GradientTape() as tape:
        loss = build_loss("cross_entropy", "softmax")(labels[:32].astype(np.int32), model(x))
    hidden_kernel, output_kernel = model.get_layer("hidden").kernel, model.get_layer("output").kernel
    g_hidden, g_output = tape.gradient(loss, [hidden_kernel, output_kernel])
    hidden_norm, output_norm = float(tf.norm(g_hidden)), float(tf.norm(g_output))
    return ask(
        "train_step_frozen",
        {},
        "with the step activation in the hidden layer, will training move the hidden layer's weights?",
        ("yes, like any layer", "no, not at all"),
        1 if hidden_norm == 0 else 0,
        f"On 32 real digits, the gradient reaching the hidden layer's weights has size {hidden_norm:g}; the output "
        f"layer's has {output_norm:.4f}. Start a run with the step activation to see it in the weight table.",
    )
