"""Sentences about a finished run, each built from the run's own numbers."""

from __future__ import annotations

import math


def weight_rows(weight_change: dict, hidden_units: int, pixels: int = 784, classes: int = 10) -> list[dict]:
    """The 'how far did the weights move' table with names a learner reads (Keras calls a weight matrix a kernel)."""
    shapes = {
        "hidden/kernel": ("hidden layer's weights (its kernel)", f"{pixels}×{hidden_units}"),
        "hidden/bias": ("hidden layer's biases", f"{hidden_units}"),
        "output/kernel": ("output layer's weights (its kernel)", f"{hidden_units}×{classes}"),
        "output/bias": ("output layer's biases", f"{classes}"),
    }
    rows = []
    for path, change in weight_change.items():
        name, shape = next((v for k, v in shapes.items() if path.endswith(k)), (path, ""))
        rows.append({"parameters": name, "shape": shape, "largest change since the start": change})
    return rows


def frozen_layer_note(weight_change: dict, hidden_units: int) -> str | None:
    """For a run whose hidden layer did not move at all: why, with the run's own width."""
    hidden = [v for k, v in weight_change.items() if "hidden" in k]
    if not hidden or max(hidden) != 0.0:
        return None
    return (
        "The hidden layer's weights and biases did not move at all (largest change: exactly 0): the step's "
        "derivative is 0, so backpropagation hands the hidden layer a zero gradient. Only the output layer learned, "
        f"from {hidden_units} frozen random on/off feature{'s' * (hidden_units != 1)}."
    )


def training_accuracy_note(end_accuracy: float | None, last_epoch_mean: float | None) -> str | None:
    """Why the training accuracy measured after training differs from the mean taken while learning."""
    if end_accuracy is None or last_epoch_mean is None or math.isnan(last_epoch_mean):
        return None
    gap = end_accuracy - last_epoch_mean
    if abs(gap) < 0.005:
        how = "about the same as"
    elif gap > 0:
        how = f"{gap * 100:.1f} percentage points above"
    else:
        how = f"{-gap * 100:.1f} percentage points below"
    return (
        f"Training accuracy is measured on the training images with the final weights: {end_accuracy:.2%}, {how} "
        f"the {last_epoch_mean:.2%} averaged over the last epoch's batches while the model was still changing."
    )
