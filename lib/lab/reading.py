"""Sentences about a finished run, each built from the run's own numbers."""

from __future__ import annotations

import math
from typing import NamedTuple


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


class RunFacts(NamedTuple):
    """What the comparison needs of a run: its settings, its test accuracy, how it ended, how far it got."""

    config: object
    accuracy: float | None
    state: str = "finished"
    batches: int = 0  # batches trained
    planned: int = 0  # batches its settings asked for


def _cut_short(number: int, run: RunFacts) -> str:
    of = f" of {run.planned:,}" if run.planned else ""
    return f"run {number} was stopped after {run.batches:,}{of} batches"


def compare_with_earlier(runs: list[RunFacts]) -> str | None:
    """For the last run: how it compares with the latest earlier run that differs from it in the fewest settings.
    The same settings and seed make one deterministic run; runs stopped at different moments are not compared."""
    from lib.lab.runs import SETTING_NAMES, setting_text

    runs = [RunFacts(*run) for run in runs]
    if len(runs) < 2 or runs[-1].accuracy is None:
        return None
    last = runs[-1]
    candidates = [
        (len(differences(run.config, last.config)), -i, i, run)
        for i, run in enumerate(runs[:-1])
        if run.accuracy is not None
    ]
    if not candidates:
        return None
    count, _, index, other = min(candidates)
    this, that = len(runs), index + 1
    scores = f"{last.accuracy:.2%} against {other.accuracy:.2%}"
    short = [_cut_short(n, r) for n, r in ((that, other), (this, last)) if r.state != "finished"]
    if count == 0 and short:
        return (
            f"Run {this} has the same settings and seed as run {that}, but {' and '.join(short)}: {scores} says how "
            "far each got before it was stopped, not anything about the settings or the seed."
        )
    if count == 0 and abs(last.accuracy - other.accuracy) <= 1e-12:
        return (
            f"Run {this} repeats run {that} exactly: the same settings and the same seed, and training here is "
            f"deterministic, so it is one run computed twice ({last.accuracy:.2%} both times), not noise. Change only "
            "the seed to see seed-to-seed noise."
        )
    if count == 0:
        return (
            f"Run {this} has the same settings and seed as run {that} yet scores {scores}: on this device training "
            "is not bit-for-bit repeatable, so the difference comes from its arithmetic, not from a seed."
        )
    changed = ", ".join(
        f"{SETTING_NAMES[f]} {setting_text(f, getattr(other.config, f))} → {setting_text(f, getattr(last.config, f))}"
        for f in differences(other.config, last.config)
    )
    gap = (last.accuracy - other.accuracy) * 100
    direction = "higher" if gap > 0 else "lower" if gap < 0 else "the same"
    only = "only " if count == 1 else ""
    sentence = (
        f"Run {this} differs from run {that} {only}in {changed}, and scores {abs(gap):.2f} points {direction} on the "
        f"test images ({scores})."
    )
    if short:
        return sentence + f" But {' and '.join(short)}, so the difference also says how long each trained."
    if differences(other.config, last.config) == ["seed"]:
        return sentence + " Only the random start and batch order changed: this difference is seed-to-seed noise."
    return sentence


OVERFIT_GAP = 0.02  # a training−test gap below 2 points is not called overfitting, however sure it is


def gap_standard_error(training_accuracy: float, test_accuracy: float, num_train: int, num_test: int) -> float:
    """The standard error of (training − test accuracy): each a share of independent images, p(1 − p)/n each."""
    p, q = training_accuracy, test_accuracy
    return math.sqrt(p * (1 - p) / max(1, num_train) + q * (1 - q) / max(1, num_test))


def overfitting_note(
    training_accuracy: float | None, test_accuracy: float, num_train: int, num_test: int
) -> str | None:
    """'The start of overfitting' only for a gap above 2 points and above twice its standard error; a gap above 2
    points that the sample sizes could explain is called what it is."""
    if training_accuracy is None:
        return None
    gap = training_accuracy - test_accuracy
    if gap <= OVERFIT_GAP:
        return None
    error = gap_standard_error(training_accuracy, test_accuracy, num_train, num_test)
    how = (
        f"standard error of the gap {100 * error:.2f} points, from {num_train:,} training and {num_test:,} test "
        "images: √(p(1−p)/n) for each accuracy"
    )
    if gap > 2 * error:
        return (
            f"It does {100 * gap:.1f} points better on its own training images ({training_accuracy:.2%}) than on "
            f"new ones ({test_accuracy:.2%}), more than twice what chance explains ({how}): the start of overfitting."
        )
    return (
        f"Training accuracy {training_accuracy:.2%} against {test_accuracy:.2%} on new images: a {100 * gap:.1f}-point "
        f"gap within twice its noise ({how}), so it shows no overfitting yet — too few images to tell."
    )


def run_reading(
    config, test_accuracy: float, training_accuracy: float | None, num_train: int = 60_000, num_test: int = 10_000
) -> list[str]:
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
    overfit = overfitting_note(training_accuracy, test_accuracy, num_train, num_test)
    return notes + ([overfit] if overfit else [])
