"""The learner's run table: one readable row per run, and labels that say how runs differ."""

from __future__ import annotations

from dataclasses import asdict

from lib.choices import LOSSES, OPTIMIZERS
from lib.lab.config import TrainConfig

SETTING_NAMES = {  # config field -> column name a learner reads
    "hidden_activation": "hidden activation",
    "hidden_units": "hidden neurons",
    "output_activation": "output",
    "loss": "loss",
    "optimizer": "optimizer",
    "learning_rate": "learning rate",
    "batch_size": "batch size",
    "epochs": "epochs",
    "data_fraction": "data share",
    "validation_fraction": "validation share",
    "seed": "seed",
}


def setting_text(field: str, value) -> str:
    """A setting's value as the run table and the run labels show it."""
    if field == "hidden_activation":
        return "none" if value == "linear" else value
    if field == "optimizer":
        return OPTIMIZERS[value].label
    if field == "loss":
        return LOSSES[value].label
    if field in ("data_fraction", "validation_fraction"):
        return f"{value:.0%}"
    if field == "learning_rate":
        return f"{value:g}"
    return str(value)


def run_record(config: TrainConfig, snapshot, result) -> dict:
    """One row of the run table: what came of the run first, then its settings."""
    last = snapshot.history.epochs[-1] if snapshot.history.epochs else None
    return {
        "test accuracy": None if result is None else result.accuracy,
        "training accuracy": snapshot.training_accuracy,
        "validation accuracy": None if last is None else last.val_accuracy,
        "outcome": snapshot.state,
        **{SETTING_NAMES[k]: setting_text(k, v) for k, v in asdict(config).items()},
        "seconds": round(snapshot.elapsed_s, 1),
        "device": snapshot.device,
    }


def run_labels(configs: list[TrainConfig]) -> list[str]:
    """'run 2: learning rate 0.1, SGD' — each run named by the settings that differ between the runs shown."""
    rows = [asdict(config) for config in configs]
    differing = [field for field in SETTING_NAMES if len({row[field] for row in rows}) > 1]
    labels = []
    for number, row in enumerate(rows, start=1):
        details = ", ".join(f"{SETTING_NAMES[f]} {setting_text(f, row[f])}" for f in differing)
        labels.append(f"run {number}" + (f": {details}" if details else ""))
    return labels
