"""Sentences for the backprop lesson, each computed from the experiment on screen."""

from __future__ import annotations

import numpy as np

from lib.choices import OPTIMIZERS
from lib.fmt import plural

INTRO = """
The notebook's "You try it": one neuron with two inputs and no activation, **f(x₁, x₂) = w₁·x₁ + w₂·x₂ + b**,
learns the function **y = 2·x₁ + x₂ + 1** from 1,000 random points. For point i the loss is
**lᵢ = (fᵢ − yᵢ)²**, and the loss of the batch is their mean, **L = mean lᵢ** (MSE). One "epoch" is one step on
all 1,000 points, as in the notebook's `train()`. The notebook does this in PyTorch; here it is a Keras `Dense(1)`
layer and TensorFlow's `GradientTape`, and every gradient is shown as a number and checked three ways.
"""


def progress_sentence(experiment) -> str:
    """How far the neuron has come, for the optimizer and learning rate actually chosen."""
    label = OPTIMIZERS[experiment.optimizer_name].label
    rule = OPTIMIZERS[experiment.optimizer_name].rule
    now = np.array([experiment.history[-1][name] for name in ("w1", "w2", "b")], dtype=np.float64)
    gap = float(np.max(np.abs(now - [2.0, 1.0, 1.0])))  # NaN if any parameter is NaN (Python's max would hide it)
    reached = experiment.reached
    if not np.isfinite(gap):
        status = f"after {experiment.epoch:,} epochs its parameters are not numbers any more (the training diverged)"
    elif reached is None:
        status = f"after {experiment.epoch:,} epochs the furthest parameter is still {gap:.3g} from its target"
    else:
        status = f"it got every parameter within 0.01 of its target after {reached:,} epochs" + (
            f", and has moved away since: now the furthest is {gap:.3g} from its target" if gap > 0.01 else ""
        )
    return f"{label} at learning rate {experiment.learning_rate:g} ({rule}): {status}."


def divergence_warning(experiment) -> str | None:
    if not experiment.diverging:
        return None
    loss = experiment.history[-1]["loss"]
    shown = (
        "not a number any more"
        if np.isnan(loss)
        else "too large for float32 (infinite)"
        if np.isinf(loss)
        else f"{loss:.3g}"
    )
    return (
        f"**Diverging.** The loss is now {shown}, against {experiment.initial_loss:.3g} before training: at "
        f"learning rate {experiment.learning_rate:g}, {OPTIMIZERS[experiment.optimizer_name].label} overshoots the "
        "minimum by more at every step. Pick a smaller learning rate (that starts a fresh neuron)."
    )


def agreement_sentence(rows: list[dict], h: float = 1e-6) -> str:
    """What the differences in the chain-rule table are, with their sizes."""
    tape_gap = max(row["|hand − tape|"] for row in rows)
    finite_gap = max(row["|hand − finite diff.|"] for row in rows)
    if not all(np.isfinite(row[k]) for row in rows for k in ("by hand (NumPy)", "GradientTape", "finite difference")):
        return (
            "The neuron's numbers overflowed (the training diverged), so the three gradients are not numbers and "
            "there is nothing to compare. Pick a smaller learning rate (that starts a fresh neuron)."
        )
    return (
        f"By hand: the chain-rule product in NumPy (float64). GradientTape: TensorFlow's automatic "
        f"differentiation of the Keras model (float32). Finite difference: (L(w + h) − L(w − h)) / 2h with "
        f"h = {h:g}, in float64. Hand and tape differ by at most {tape_gap:.1e}: float32 rounding (about 7 "
        f"significant digits). Hand and finite difference differ by at most {finite_gap:.1e}: the finite "
        "difference's own error (float64 rounding magnified by dividing by 2h)."
    )


def step_rule(step) -> str:
    """The rule the chosen optimizer applied in the explained step, as Keras computes it, with its constants."""
    optimizer, mo = OPTIMIZERS[step.optimizer], step.moments
    if step.optimizer != "adam":
        return (
            f"{optimizer.label} (lr = {step.learning_rate:g}), as Keras computes it: {optimizer.rule}. "
            + STATE_NOTE.get(step.optimizer, "")
        )
    return (
        f"Adam (lr = {step.learning_rate:g}, β₁ = {mo['beta_1']}, β₂ = {mo['beta_2']}, ε = {mo['epsilon']:g}, step "
        f"t = {mo['t']}): m ← β₁·m + (1−β₁)·g and v ← β₂·v + (1−β₂)·g², then w ← w − lr · m̂ / (√v̂ + ε̂), where m̂ "
        "and v̂ are the bias-corrected averages and ε̂ = ε/√(1−β₂ᵗ). That is the same as Keras's own form, "
        "w ← w − lr·√(1−β₂ᵗ)/(1−β₁ᵗ) · m / (√v + ε)."
    )


STATE_NOTE = {  # what the state column of the explained step holds
    "momentum": "The column v is the velocity after this step: the step itself.",
    "rmsprop": "The column s is the running average of g² after this step, the s in the rule.",
    "adagrad": "The column s is the running sum of g² after this step (it started at 0.1), the s in the rule.",
}


def step_columns(step, params) -> dict[str, list]:
    """The explained step's table: before, the gradient, the optimizer's state after the step, the step, after."""
    columns = {"parameter": list(params), "before": step.before, "gradient g": step.gradient}
    mo = step.moments
    if step.optimizer == "adam":
        columns |= {"m": mo["m"], "v": mo["v"], "m̂ = m/(1−β₁ᵗ)": mo["m_hat"], "v̂ = v/(1−β₂ᵗ)": mo["v_hat"]}
    elif "v" in mo:
        columns["v (after the step)"] = mo["v"]
    elif "s" in mo:
        columns["s (after the step)"] = mo["s"]
    return columns | {"step (after − before)": step.after - step.before, "after": step.after}


def params_table(experiment) -> dict[str, list]:
    """Parameters and loss: target, now, before training and after the first epoch (no column twice). Now sits
    next to the target, so both stay in view on a phone, where a table shows its first three columns."""

    def column(row):
        return [row["w1"], row["w2"], row["b"], row["loss"]]

    columns = {"": ["w1", "w2", "b", "MSE on the 1,000 points"], "target": [2.0, 1.0, 1.0, 0.0]}
    if experiment.epoch >= 1:
        columns[f"after {plural(experiment.epoch, 'epoch')}"] = column(experiment.history[-1])
    columns["before training"] = column(experiment.history[0])
    if experiment.epoch > 1 and experiment.history[1]["epoch"] == 1:
        columns["after 1 epoch"] = column(experiment.history[1])
    return columns
