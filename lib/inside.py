"""Inside a trained network: follow one digit (prepared by lib.picture) through the layers, see which pixels and
neurons decide its reading, and what each hidden neuron learned.

Pixel sensitivity comes two ways: the gradient (saliency), and, for a network whose gradient is zero by convention
(the step activation's custom gradient), finite differences: each pixel set to full ink and to blank.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lib.choices import ACTIVATIONS, step
from lib.runtime import tf


@dataclass(frozen=True)
class Reading:
    probabilities: np.ndarray  # (10,) the output layer's own activation of the logits (softmax or sigmoid)
    output_activation: str  # "softmax" or "sigmoid"
    logits: np.ndarray  # (10,)
    hidden: np.ndarray  # (width,) the hidden layer's outputs
    predicted: int
    contributions: np.ndarray  # (width,) hidden activation × outgoing weight to the predicted digit
    output_bias: float  # the predicted digit's bias: logit = contributions.sum() + output_bias
    saliency: np.ndarray  # (28, 28) ∂ logit[predicted] / ∂ pixel, pixels scaled to [0, 1]


def hidden_activation(model) -> str:
    """The key (lib.choices.ACTIVATIONS) of the model's hidden activation."""
    function = model.get_layer("hidden").activation
    if function is step:
        return "step"
    name = getattr(function, "__name__", type(function).__name__).lower()
    return {"linear": "linear", "leakyrelu": "leaky_relu"}.get(name, name)


def gradient_is_zero_by_convention(model) -> bool:
    """A step network: its hidden activation's custom gradient is 0 everywhere, so every gradient through it is."""
    return hidden_activation(model) == "step"


def _logits(model, x):
    hidden = model.get_layer("hidden")(model.get_layer("input")(x))
    output = model.get_layer("output")
    return hidden, tf.matmul(hidden, output.kernel) + output.bias


def read_digit(model, image: np.ndarray) -> Reading:
    """What the network does with one 28×28 image, layer by layer."""
    x = tf.constant(image[None].astype(np.float32) / 255.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        hidden, logits = _logits(model, x)
        predicted = int(tf.argmax(logits[0]))
        score = logits[0, predicted]
    saliency = tape.gradient(score, x)[0].numpy()
    output = model.get_layer("output")
    kernel = output.kernel.numpy()
    activations = hidden[0].numpy()
    return Reading(
        probabilities=np.asarray(output.activation(logits)[0]),
        output_activation=getattr(output.activation, "__name__", "softmax"),
        logits=logits[0].numpy(),
        hidden=activations,
        predicted=predicted,
        contributions=activations * kernel[:, predicted],
        output_bias=float(output.bias.numpy()[predicted]),
        saliency=saliency,
    )


def percent(p: float) -> str:
    """A share to one decimal, never rounded to a flat 100.0% or 0.0% that it is not."""
    p = float(p)
    if 0.9995 <= p < 1:
        return "above 99.9%"
    if 1 < p < 1.0005:
        return "just above 100%"
    if 0 < p < 0.0005:
        return "below 0.1%"
    return f"{p:.1%}"


def reading_sentence(reading: Reading) -> str:
    """What the output layer says, in the words of its own activation."""
    digit, p = reading.predicted, float(reading.probabilities[reading.predicted])
    if reading.output_activation == "sigmoid":
        return (
            f"It reads **{digit}**: its sigmoid output is {percent(p)}, the network's own yes/no score for {digit}. "
            f"The 10 sigmoid outputs are separate scores, not shares of one belief: here they add up to "
            f"{percent(float(reading.probabilities.sum()))}, not 100%."
        )
    return f"It reads **{digit}** with probability {percent(p)} (softmax: the 10 probabilities add up to 100%)."


def pixel_effects(model, image: np.ndarray, digit: int, low=None, high=None) -> np.ndarray:
    """(28, 28): the score (logit) of `digit` with each pixel set to `high` minus with it set to `low` (default:
    full ink and blank), every other pixel as drawn. Finite differences: they work where gradients are zero."""
    x = np.asarray(image, np.float32).reshape(784) / 255.0
    low = np.zeros(784, np.float32) if low is None else np.asarray(low, np.float32).reshape(784)
    high = np.ones(784, np.float32) if high is None else np.asarray(high, np.float32).reshape(784)
    batch = np.repeat(x[None], 2 * 784, axis=0)
    batch[np.arange(784), np.arange(784)] = high
    batch[784 + np.arange(784), np.arange(784)] = low
    scores = _logits(model, tf.constant(batch.reshape(-1, 28, 28)))[1][:, digit].numpy()
    return (scores[:784] - scores[784:]).reshape(28, 28)


def hidden_weight_images(hidden_kernel: np.ndarray) -> np.ndarray:
    """Each hidden neuron's 784 incoming weights as a 28×28 image: shape (width, 28, 28)."""
    return np.asarray(hidden_kernel).T.reshape(-1, 28, 28)


def signed_image(values: np.ndarray, limit: float | None = None, zoom: int = 1) -> np.ndarray:
    """An RGB picture of signed values: red positive, blue negative, white zero (diverging around zero)."""
    values = np.asarray(values, dtype=np.float64)
    limit = limit or float(np.abs(values).max()) or 1.0
    w = np.clip(values / limit, -1, 1)
    rgb = np.stack([1 - np.clip(-w, 0, 1), 1 - np.abs(w), 1 - np.clip(w, 0, 1)], axis=-1)
    return np.kron((rgb * 255).astype(np.uint8), np.ones((zoom, zoom, 1), np.uint8))


def weight_mosaic(hidden_kernel: np.ndarray, columns: int = 8, gap: int = 1) -> np.ndarray:
    """All hidden neurons' weight images in one RGB mosaic: red positive, blue negative, white zero (one shared
    scale, so neurons can be compared)."""
    images = hidden_weight_images(hidden_kernel).astype(np.float64)
    limit = float(np.abs(images).max()) or 1.0
    rows = -(-len(images) // columns)
    mosaic = np.full((rows * (28 + gap), columns * (28 + gap), 3), 255, np.uint8)
    for i, weights in enumerate(images):
        r, c = divmod(i, columns)
        mosaic[r * (28 + gap) : r * (28 + gap) + 28, c * (28 + gap) : c * (28 + gap) + 28] = signed_image(
            weights, limit
        )
    return mosaic


@dataclass(frozen=True)
class Counterfactual:
    image: np.ndarray  # (28, 28) uint8, the changed drawing
    difference: np.ndarray  # (28, 28) float, changed − original, in [−ε, ε] (pixels scaled to [0, 1])
    reached: bool  # the network now reads the target digit
    steps: int
    predicted: int
    score_change: float  # the target's logit, after − before
    first_order: float  # what the gradient at the start predicted for that change: ∇·δ
    by_gradient: bool  # steps followed the gradient; else each pixel's finite difference (zero-gradient networks)


def _ascent(model, x, lowest, highest, target: int, by_gradient: bool):
    """The direction of each pixel's step up the target's score: the gradient's sign, or the sign of the score
    difference between the pixel's highest and lowest allowed values."""
    if by_gradient:
        with tf.GradientTape() as tape:
            tape.watch(x)
            score = _logits(model, x)[1][0, target]
        return tf.sign(tape.gradient(score, x))
    effects = pixel_effects(model, x[0].numpy() * 255.0, target, lowest[0].numpy(), highest[0].numpy())
    return tf.constant(np.sign(effects)[None], tf.float32)


def make_it(model, image: np.ndarray, target: int, epsilon: float = 0.3, step: float = 0.02, max_steps: int = 40):
    """The smallest change found by small signed steps up the target's logit (each pixel kept within ε of the
    original) that makes the network read `target`. A network whose gradient is zero by convention steps by
    finite differences instead."""
    original = tf.constant(image[None].astype(np.float32) / 255.0)
    lowest, highest = tf.clip_by_value(original - epsilon, 0.0, 1.0), tf.clip_by_value(original + epsilon, 0.0, 1.0)
    by_gradient = not gradient_is_zero_by_convention(model)
    with tf.GradientTape() as tape:
        tape.watch(original)
        start_score = _logits(model, original)[1][0, target]
    start_gradient = tape.gradient(start_score, original)
    x, taken = original, 0
    while taken < max_steps and int(tf.argmax(_logits(model, x)[1][0])) != target:
        direction = _ascent(model, x, lowest, highest, target, by_gradient)
        x = tf.clip_by_value(x + step * direction, lowest, highest)
        taken += 1
    logits = _logits(model, x)[1][0]
    delta = (x - original)[0]
    return Counterfactual(
        image=(x[0].numpy() * 255).round().astype(np.uint8),
        difference=delta.numpy(),
        reached=int(tf.argmax(logits)) == target,
        steps=taken,
        predicted=int(tf.argmax(logits)),
        score_change=float(logits[target] - start_score),
        first_order=float(tf.reduce_sum(start_gradient[0] * delta)),
        by_gradient=by_gradient,
    )


_BENDS = {"relu": "as the ReLUs switch on or off", "elu": "as the ELUs bend", "sigmoid": "as the sigmoids curve"}


def first_order_note(activation: str, result: Counterfactual) -> str:
    """How far the gradient's first-order estimate can be trusted for this hidden activation, in words."""
    if not result.by_gradient:
        return (
            f"The gradient predicted {result.first_order:.4g}: a step network's gradient is zero by convention (the "
            "step function's custom gradient returns 0 everywhere), so it cannot see any change. The steps above "
            "followed finite differences instead: each pixel tried at its highest and lowest allowed value."
        )
    gap = result.score_change - result.first_order
    if activation == "linear":
        return (
            f"The gradient at the start predicted {result.first_order:.4g}, {gap:+.2g} off: with no hidden "
            "activation the score is a straight-line function of the pixels, so the first-order estimate is exact "
            "up to rounding."
        )
    bend = _BENDS.get(activation, f"as the {ACTIVATIONS[activation].label.split(' ')[0]} units curve")
    return (
        f"The gradient at the start predicted {result.first_order:.4g} for the same change, {gap:+.4g} off: the "
        f"first-order estimate is exact for a straight-line score, and drifts {bend}."
    )


def best_usable_run(runs: list[tuple[str, float | None]]) -> int | None:
    """Which of the learner's runs, given as (hidden activation, test accuracy), to look inside by default: the
    highest test accuracy among those whose pictures mean something (not a step network: its hidden layer never
    learned and its gradient is zero by convention), the latest on a tie; None when no run is usable."""
    usable = [
        (accuracy, i)
        for i, (activation, accuracy) in enumerate(runs)
        if activation != "step" and accuracy is not None and np.isfinite(accuracy)
    ]
    return max(usable)[1] if usable else None
