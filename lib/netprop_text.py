"""Backprop through the network in words: every sentence built from the numbers it describes, and the lesson's
two predictions."""

from __future__ import annotations

import numpy as np

from lib.choices import ACTIVATIONS
from lib.fmt import and_list, num, plural
from lib.gates import Prediction, ask
from lib.netprop import Pass

CHECK_TOLERANCE = 1e-5  # float32: hand-computed and GradientTape gradients agree within this


def shape_rows(batch: int, hidden: int, activation: str) -> list[dict]:
    """The forward pass as matrices, with every shape."""
    f = "f" if activation != "relu" else "ReLU"
    return [
        {"step": "the images, flattened", "matrix": "X", "shape": f"{batch} × 784"},
        {"step": "hidden pre-activations", "matrix": "Z₁ = X·W₁ + b₁", "shape": f"{batch} × {hidden}"},
        {"step": "hidden outputs", "matrix": f"H = {f}(Z₁)", "shape": f"{batch} × {hidden}"},
        {"step": "logits", "matrix": "Z₂ = H·W₂ + b₂", "shape": f"{batch} × 10"},
        {"step": "probabilities", "matrix": "P = softmax(Z₂), row by row", "shape": f"{batch} × 10"},
        {"step": "loss", "matrix": "L = mean over b of −log P[b, y_b]", "shape": "1 number"},
    ]


def check_sentence(rows: list[dict]) -> str:
    """Whether every line by hand agrees with GradientTape; rounding explains an agreement, never a disagreement."""
    key = "max |hand − GradientTape|"
    worst = max(rows, key=lambda r: np.inf if np.isnan(r[key]) else r[key])  # NaN is the worst, not skipped
    gap = worst[key]
    if gap <= CHECK_TOLERANCE:
        return (
            f"All {len(rows)} lines by hand and by GradientTape agree to within {CHECK_TOLERANCE:g}: the largest "
            f"difference is {gap:.1e}, in {worst['gradient']} (float32 rounding)."
        )
    return (
        f"The lines by hand and by GradientTape do NOT agree to within {CHECK_TOLERANCE:g}: the difference is "
        f"{gap:.1e} in {worst['gradient']}, more than float32 rounding explains."
    )


def output_gradient_sentence(d_z2_row: np.ndarray, label: int, batch: int) -> str:
    """What ∂L/∂Z₂ = (P − Y)/B is for one image, read off the row."""
    negative = [int(k) for k in np.flatnonzero(d_z2_row < 0)]
    others = np.delete(d_z2_row, label)
    where = f"only at its true digit {label}" if negative == [label] else "nowhere (P of the true digit rounds to 1)"
    return (
        f"For this image of a {label}, ∂L/∂Z₂ is negative {where}: {num(d_z2_row[label], '.4g')} = "
        f"(P[{label}] − 1)/{batch}. The other nine are P/{batch}, from {num(others.min(), '.2g')} to "
        f"{num(others.max(), '.2g')}: gradient descent raises the true digit's logit and lowers the others, each "
        "in proportion to the probability it wrongly got."
    )


def mask_sentence(hand: Pass, example: int, activation: str) -> str:
    """Which hidden neurons pass gradient back for one image, from f′(Z₁) and ∂L/∂Z₁."""
    f_prime, d_z1 = hand.grads["f′"][example], hand.grads["dZ1"][example]
    hidden = len(f_prime)
    zero = int(np.sum(f_prime == 0))
    label = ACTIVATIONS[activation].label.split(" — ")[0]
    if zero == hidden:
        return f"With {label}, f′(Z₁) is 0 for all {hidden} hidden neurons: ∂L/∂Z₁ is 0 and nothing reaches W₁."
    if zero == 0:
        return (
            f"With {label}, f′(Z₁) is non-zero for all {hidden} hidden neurons of this image (from "
            f"{num(f_prime.min(), '.3g')} to {num(f_prime.max(), '.3g')}): every one passes some gradient back, "
            f"scaled by its f′. The largest |∂L/∂Z₁| is {np.abs(d_z1).max():.2g}."
        )
    blocked = np.abs(d_z1[f_prime == 0]).max()
    return (
        f"With {label}, {plural(zero, 'hidden neuron')} of {hidden} are off for this image (f′ = 0): their "
        f"∂L/∂Z₁ is exactly {blocked:g}, whatever ∂L/∂H says, so this image changes none of their incoming weights. "
        f"The {hidden - zero} that are on pass ∂L/∂H back scaled by their f′."
    )


def column_sentence(hand: Pass, neuron: int) -> str:
    """One hidden neuron's ∂L/∂W₁ column: which images fed it, and how it ranks."""
    on = int(np.sum(hand.grads["dZ1"][:, neuron] != 0))
    norms = np.linalg.norm(hand.grads["dW1"], axis=0)
    top = int(np.argmax(norms))
    ranked = (
        f"the largest column is neuron {top}'s ({norms[top]:.3g})"
        if norms[top] > 0
        else "every column is 0: no gradient reaches W₁ in this batch"
    )
    return (
        f"Neuron {neuron}'s column of ∂L/∂W₁ = Σ over the batch of X[b]·∂L/∂Z₁[b, {neuron}]: {on} of the "
        f"{len(hand.y)} images pass it a non-zero ∂L/∂Z₁, and the picture is those images added up, each weighted "
        f"by it. Its size ‖·‖ = {norms[neuron]:.3g}; {ranked}."
    )


def entry_sentence(terms: np.ndarray, total: float, matrix_entry: float, pixel: int, neuron: int) -> str:
    nonzero = int(np.sum(terms != 0))
    return (
        f"∂L/∂W₁[{pixel}, {neuron}] = Σ_b X[b, {pixel}]·∂L/∂Z₁[b, {neuron}]: {nonzero} of the {len(terms)} "
        f"products are non-zero, and they add up to {num(total, '.6g')}; the matrix product Xᵀ·∂L/∂Z₁ has "
        f"{num(matrix_entry, '.6g')} there. Each product is the one-neuron lesson's chain rule ∂l/∂w = x·∂l/∂z "
        "for one image; the matrix product does all of them, for every pixel and neuron, at once."
    )


def deep_stack_sentence(norms: dict) -> str:
    """How the gradient size changes from the last hidden layer to the first, per activation."""
    parts = []
    for activation, values in norms.items():
        ratio = values[0] / values[-1]
        way = f"{1 / ratio:,.0f}× smaller" if ratio < 1 else f"{ratio:.2g}× the size"
        parts.append(
            f"with {activation} the first layer gets {values[0]:.2g}, {way} than the last hidden layer's "
            f"{values[-1]:.2g}"
        )
    return f"At initialisation, on the same {len(next(iter(norms.values())))} hidden layers: " + "; ".join(parts) + "."


def netprop_negative(d_z2_row: np.ndarray, label: int, batch: int, state: dict | None = None) -> Prediction:
    negative = [int(k) for k in np.flatnonzero(d_z2_row < 0)]
    others = [k for k in range(len(d_z2_row)) if k != label]
    answer = 0 if negative == [label] else 1 if negative == others else 2 if not negative else 3
    return ask(  # options shuffled by a seed drawn from the question's state (lib.gates)
        "netprop_negative",
        state or {},
        "for one image, which entries of ∂L/∂Z₂ (the gradient of the batch loss with respect to its 10 logits) "
        "are negative?",
        ("only the true digit's", "all but the true digit's", "none of them", "all ten"),
        answer,
        f"For the image shown (a {label}) the negative entries are at "
        f"{and_list(negative) if negative else 'no digit'}; ∂L/∂Z₂[{label}] = {num(d_z2_row[label], '.4g')}.",
    )


def netprop_off(hand: Pass, activation: str, state: dict | None = None) -> Prediction:
    """Answered by this batch's own ∂L/∂Z₁ where Z₁ < 0; a batch with no negative Z₁ has no such neuron to ask about,
    and the third option says so."""
    negative = hand.z1 < 0
    flowing = np.abs(hand.grads["dZ1"][negative])
    answer = 2 if not flowing.size else 0 if flowing.max() == 0 else 1
    label = ACTIVATIONS[activation].label.split(" — ")[0]
    found = (
        f"{int(negative.sum()):,} of the {negative.size:,} entries of Z₁ are negative, and the largest |∂L/∂Z₁| among "
        f"them is {flowing.max():.2g}"
        if flowing.size
        else f"no entry of Z₁ is negative (all {negative.size:,} are 0 or more), so no neuron to ask about"
    )
    return ask(  # options shuffled by a seed drawn from the question's state (lib.gates)
        "netprop_off",
        state or {},
        f"with {label} as the hidden activation, take a hidden neuron whose input z is negative for an image. What "
        "gradient ∂L/∂z does it pass back for that image?",
        ("exactly 0: nothing flows back through it", "a non-zero amount", "none: no input z in this batch is negative"),
        answer,
        f"In this batch {found}.",
    )
