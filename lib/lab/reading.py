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


def differences(a, b) -> list[str]:
    """The settings in which two runs' configs differ (field names)."""
    from dataclasses import asdict

    left, right = asdict(a), asdict(b)
    return [field for field in left if left[field] != right[field]]


def compare_with_earlier(runs: list[tuple[object, float | None]]) -> str | None:
    """For the last of runs = [(config, test accuracy)]: how it compares with the latest earlier run that
    differs from it in the fewest settings."""
    from lib.lab.runs import SETTING_NAMES, setting_text

    if len(runs) < 2 or runs[-1][1] is None:
        return None
    config, accuracy = runs[-1]
    candidates = [
        (len(differences(c, config)), -i, i, c, acc) for i, (c, acc) in enumerate(runs[:-1]) if acc is not None
    ]
    if not candidates:
        return None
    count, _, index, other, other_accuracy = min(candidates)
    if count == 0:
        return (
            f"Run {len(runs)} has the same settings as run {index + 1}: {accuracy:.2%} against {other_accuracy:.2%}, "
            f"a {abs(accuracy - other_accuracy) * 100:.2f}-point difference that is seed-to-seed noise only."
        )
    changed = ", ".join(
        f"{SETTING_NAMES[f]} {setting_text(f, getattr(other, f))} → {setting_text(f, getattr(config, f))}"
        for f in differences(other, config)
    )
    gap = (accuracy - other_accuracy) * 100
    direction = "higher" if gap > 0 else "lower" if gap < 0 else "the same"
    only = "only " if count == 1 else ""
    return (
        f"Run {len(runs)} differs from run {index + 1} {only}in {changed}, and scores {abs(gap):.2f} points "
        f"{direction} on the test images ({accuracy:.2%} against {other_accuracy:.2%})."
    )


def run_reading(config, test_accuracy: float, training_accuracy: float | None) -> list[str]:
    """What this run's own settings and numbers say."""
    notes = []
    if config.hidden_activation == "linear":
        notes.append(
            "With no hidden activation the two layers collapse into one linear map: this network is a single linear "
            f"classifier (784 pixels → 10 scores), which can only draw flat boundaries between digits. It reached "
            f"{test_accuracy:.2%}; compare it with a ReLU run to see what the bend buys."
        )
    if config.output_activation == "sigmoid" and config.loss == "cross_entropy":
        notes.append("Sigmoid outputs were trained as 10 separate yes/no questions (binary cross-entropy per digit).")
    if training_accuracy is not None and training_accuracy - test_accuracy > 0.02:
        notes.append(
            f"It does {100 * (training_accuracy - test_accuracy):.1f} points better on its own training images "
            f"({training_accuracy:.2%}) than on new ones ({test_accuracy:.2%}): the start of overfitting."
        )
    return notes
