"""Backprop by hand, checked: a worksheet on a tiny network (2 inputs, 3 ReLU hidden neurons, 2 outputs, a batch of
B = 2 images so that the 1/B shows), every number on screen, every answer checked against GradientTape.

Each question knows its right value (from autodiff), the chain of products that gives it, and the values that
typical mistakes give (a dropped mask, a missing 1/B, a transposed product, ...), so feedback can name the mistake.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product

import numpy as np

from lib.fmt import num, operand
from lib.runtime import tf

BATCH = 2
TOLERANCE_ABS, TOLERANCE_REL = 0.005, 0.02  # an answer counts if within 0.005 or 2 %, whichever is larger
TOLERANCE_TEXT = "within ±0.005 or ±2 %, whichever is larger"


def tolerance(value: float) -> float:
    return max(TOLERANCE_ABS, TOLERANCE_REL * abs(value))


@dataclass(frozen=True)
class Question:
    key: str
    prompt: str
    answer: float | tuple  # a number, or (for the mask) the hidden neurons that are on, numbered from 1
    chain: str  # the chain of products that gives the answer, with its numbers
    mistakes: tuple  # (name, the value it gives, why it is wrong)


@dataclass(frozen=True)
class Feedback:
    correct: bool
    mistake: str | None
    text: str


@dataclass(frozen=True)
class Sheet:
    number: int
    params: dict  # x (2×2), y (2,), w1 (2×3), b1 (3,), w2 (3×2), b2 (2,)
    forward: dict  # z1, h, z2, p (each B × …), loss
    tape: dict  # GradientTape's dZ2, dH, dZ1, dW2, dW1 (float64)
    questions: tuple


def _hand(params: dict) -> tuple[dict, dict]:
    """Forward values and gradients by the chain rule in NumPy (float64): quick, for choosing the numbers."""
    x, y, w1, b1, w2, b2 = (params[k] for k in ("x", "y", "w1", "b1", "w2", "b2"))
    z1 = x @ w1 + b1
    h = np.maximum(z1, 0)
    z2 = h @ w2 + b2
    e = np.exp(z2 - z2.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    d_z2 = (p - np.eye(2)[y]) / BATCH
    d_h = d_z2 @ w2.T
    d_z1 = d_h * (z1 > 0)
    loss = float(-np.mean(np.log(p[np.arange(BATCH), y])))
    forward = {"z1": z1, "h": h, "z2": z2, "p": p, "loss": loss}
    return forward, {"dZ2": d_z2, "dH": d_h, "dZ1": d_z1, "dW2": h.T @ d_z2, "dW1": x.T @ d_z1}


def _tape(params: dict) -> tuple[dict, dict]:
    """Forward values and GradientTape's gradients, in float64."""
    x, w1, b1, w2, b2 = (tf.constant(params[k], tf.float64) for k in ("x", "w1", "b1", "w2", "b2"))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([w1, w2])
        z1 = tf.matmul(x, w1) + b1
        h = tf.nn.relu(z1)
        z2 = tf.matmul(h, w2) + b2
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(tf.constant(params["y"]), z2))
    d_z2, d_h, d_z1, d_w2, d_w1 = (np.asarray(g) for g in tape.gradient(loss, [z2, h, z1, w2, w1]))
    forward = {"z1": z1.numpy(), "h": h.numpy(), "z2": z2.numpy(), "p": tf.nn.softmax(z2).numpy(), "loss": float(loss)}
    return forward, {"dZ2": d_z2, "dH": d_h, "dZ1": d_z1, "dW2": d_w2, "dW1": d_w1}


def _separated(right: float, others: list[float]) -> bool:
    """Every typical mistake lands outside the right answer's tolerance, and outside each other's."""
    values = [right, *others]
    return all(abs(a - b) > 3 * max(tolerance(a), tolerance(b)) for i, a in enumerate(values) for b in values[i + 1 :])


def _terms(factors: list[tuple]) -> str:
    return " + ".join("·".join(operand(f) for f in row) for row in factors)


def _questions(params: dict, fwd: dict, g: dict) -> tuple | None:
    """The four questions for these numbers, or None when some answer would not tell its mistakes apart."""
    x, y, w2 = params["x"], params["y"], params["w2"]
    p, z1, h = fwd["p"], fwd["z1"], fwd["h"]
    c = int(y[0])
    right = g["dZ2"][0, c]
    if 1 - p[0, c] < 0.1 or np.abs(z1[0]).min() < 0.05 or len(set(z1[0] > 0)) < 2:
        return None
    q1 = Question(
        "dz2",
        f"∂L/∂Z₂[1, {c + 1}]: image 1's gradient for its true class {c + 1}",
        float(right),
        f"(P[1, {c + 1}] − Y[1, {c + 1}]) / B = ({p[0, c]:.4f} − 1) / {BATCH} = {num(right)}",
        (
            ("a missing 1/B", p[0, c] - 1, "L is the mean over the B = 2 images, so each ∂L/∂Z₂ carries 1/B."),
            ("a forgotten −Y", p[0, c] / BATCH, "the one-hot Y subtracts 1 at the true class: P − Y, not P."),
            ("a flipped sign", (1 - p[0, c]) / BATCH, "∂(−log P[y])/∂Z₂ = P − Y; you computed Y − P."),
        ),
    )
    on = tuple(int(j) + 1 for j in np.flatnonzero(z1[0] > 0))
    by_upstream = tuple(int(j) + 1 for j in np.flatnonzero(g["dH"][0] > 0))
    mask_mistakes = (
        ("the sign of ∂L/∂H", by_upstream, "the mask comes from the forward value z, not from the gradient."),
        ("no mask at all", (1, 2, 3), "a neuron whose z ≤ 0 outputs 0 whatever its input: ReLU′ = 0 there."),
    )
    seen = {on}
    kept = []
    for mistake in mask_mistakes:  # only the mistakes that give a different answer, each named once
        if mistake[1] not in seen:
            seen.add(mistake[1])
            kept.append(mistake)
    q3 = Question(
        "mask",
        "The ReLU mask of image 1: which hidden neurons are on (pass gradient back)?",
        on,
        f"ReLU′(z) = 1 where z > 0, else 0. Image 1's Z₁ = ({', '.join(num(v, '.4f') for v in z1[0])}), so the "
        f"mask is ({', '.join('1' if v > 0 else '0' for v in z1[0])}).",
        tuple(kept),
    )
    for j, k in product(range(2), range(2)):  # ∂L/∂W₂[j, k]; j < 2 so that the transposed reading exists
        value = float(g["dW2"][j, k])
        mistakes = (
            ("a missing 1/B", 2 * value, "∂L/∂Z₂ already holds the 1/B; leaving it out doubles the answer."),
            ("a transposed product", float(h[:, k] @ g["dZ2"][:, j]), "Hᵀ·∂L/∂Z₂ pairs H's column j with ∂L/∂Z₂'s k."),
            ("one image only", float(h[0, j] * g["dZ2"][0, k]), "a weight's gradient sums over every image."),
        )
        if abs(value) >= 0.01 and _separated(value, [m[1] for m in mistakes]):
            q2 = Question(
                "dw2",
                f"∂L/∂W₂[{j + 1}, {k + 1}]",
                value,
                f"Σ_b H[b, {j + 1}]·∂L/∂Z₂[b, {k + 1}] = "
                f"{_terms([(h[b, j], g['dZ2'][b, k]) for b in range(BATCH)])} = {num(value)}",
                mistakes,
            )
            break
    else:
        return None
    for i, j in product(range(2), range(2)):  # ∂L/∂W₁[i, j]; j < 2 so that the transposed W₂ reading exists
        value = float(g["dW1"][i, j])
        upstream = g["dZ2"] @ w2.T
        swapped = g["dZ2"] @ w2[:2, :]  # ∂L/∂Z₂·W₂ read with W₂'s rows and columns swapped
        mask = (z1 > 0).astype(float)
        mistakes = (
            ("a dropped mask", float(x[:, i] @ upstream[:, j]), "a neuron that is off for an image passes back 0."),
            ("a missing 1/B", 2 * value, "∂L/∂Z₂ already holds the 1/B; leaving it out doubles the answer."),
            ("a transposed product", float(x[:, i] @ (swapped[:, j] * mask[:, j])), "∂L/∂H = ∂L/∂Z₂·W₂ᵀ, not ·W₂."),
        )
        if abs(value) >= 0.01 and _separated(value, [m[1] for m in mistakes]):
            rows = [(x[b, i], upstream[b, j], mask[b, j]) for b in range(BATCH)]
            q4 = Question(
                "dw1",
                f"∂L/∂W₁[{i + 1}, {j + 1}]",
                value,
                f"Σ_b X[b, {i + 1}]·∂L/∂H[b, {j + 1}]·mask[b, {j + 1}], with ∂L/∂H[b, {j + 1}] = Σ_k ∂L/∂Z₂[b, k]·"
                f"W₂[{j + 1}, k]: {_terms(rows)} = {num(value)}",
                mistakes,
            )
            return q1, q2, q3, q4
    return None


def make_sheet(number: int) -> Sheet:
    """Worksheet `number`: the first seeded draw of small round numbers whose questions tell every mistake apart."""
    for attempt in range(10_000):
        rng = np.random.default_rng([number, attempt])
        params = {
            "x": rng.integers(-10, 11, (BATCH, 2)) / 10,
            "y": rng.integers(0, 2, BATCH),
            "w1": rng.integers(-10, 11, (2, 3)) / 10,
            "b1": rng.integers(-5, 6, 3) / 10,
            "w2": rng.integers(-10, 11, (3, 2)) / 10,
            "b2": rng.integers(-5, 6, 2) / 10,
        }
        if _questions(params, *_hand(params)) is None:
            continue
        forward, gradients = _tape(params)  # the answers come from autodiff
        questions = _questions(params, forward, gradients)
        if questions is not None:
            return Sheet(number, params, forward, gradients, questions)
    raise RuntimeError("no worksheet found")  # never reached in practice: most draws qualify


def check(question: Question, typed) -> Feedback:
    """Is the typed answer right (within the tolerance)? If not, which typical mistake gives it, and why."""
    if typed is None or (not isinstance(typed, (tuple, list, set)) and not np.isfinite(float(typed))):
        return Feedback(False, None, "No answer yet.")
    if isinstance(question.answer, tuple):
        given = tuple(sorted(int(v) for v in typed))
        right, shown = given == question.answer, f"neurons {', '.join(map(str, question.answer)) or 'none'} on"
        matches = [m for m in question.mistakes if given == tuple(m[1]) and not right]
        if right:
            return Feedback(True, None, f"Correct: {shown}. {question.chain}")
    else:
        given = float(typed)
        right = abs(given - question.answer) <= tolerance(question.answer)
        shown = num(question.answer)
        matches = [m for m in question.mistakes if abs(given - m[1]) <= tolerance(m[1]) and not right]
    if right:
        return Feedback(True, None, f"Correct: {shown} ({TOLERANCE_TEXT} of autodiff's value). {question.chain}")
    if matches:
        name, _, why = matches[0]
        return Feedback(False, name, f"Not quite: your answer is what {name} gives. Why: {why} {question.chain}")
    return Feedback(False, None, f"Not quite: autodiff says {shown}. {question.chain}")
