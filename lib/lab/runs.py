"""The learner's run table: one readable row per run, and labels that say how runs differ."""

from __future__ import annotations

from dataclasses import asdict

import pandas as pd

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


def differing_settings(configs: list[TrainConfig]) -> list[str]:
    """The settings (field names, in the form's order) that take more than one value among these runs."""
    rows = [asdict(config) for config in configs]
    return [field for field in SETTING_NAMES if len({row[field] for row in rows}) > 1]


def run_labels(configs: list[TrainConfig]) -> list[str]:
    """'run 2: learning rate 0.1, SGD' — each run named by the settings that differ between the runs shown."""
    rows = [asdict(config) for config in configs]
    differing = differing_settings(configs)
    labels = []
    for number, row in enumerate(rows, start=1):
        details = ", ".join(f"{SETTING_NAMES[f]} {setting_text(f, row[f])}" for f in differing)
        labels.append(f"run {number}" + (f": {details}" if details else ""))
    return labels


ACCURACIES = ("test accuracy", "training accuracy", "validation accuracy")


def table_columns(configs: list[TrainConfig]) -> list[str]:
    """The run table's columns: the run and what came of it, then the settings that differ between the runs (the
    reason to compare), then the settings they share, then time and device."""
    differing = differing_settings(configs)
    shared = [field for field in SETTING_NAMES if field not in differing]
    return ["run", *ACCURACIES, "outcome", *(SETTING_NAMES[f] for f in differing + shared), "seconds", "device"]


def missing_accuracy(column: str, record: dict) -> str:
    """A word for an accuracy a run does not have, instead of a blank or 'None'."""
    if column == "validation accuracy" and record.get("validation share") == "0%":
        return "none held out"
    return f"none ({record['outcome']})"


def shown_table(records: list[dict], configs: list[TrainConfig]) -> pd.DataFrame:
    """The run table as the page shows it: numbered, differing settings first, accuracies as percentages and a
    word where a run has none (it diverged, failed, or held no images out)."""
    rows = []
    for number, record in enumerate(records, start=1):
        row = {**record, "run": number}
        for column in ACCURACIES:
            value = record.get(column)
            row[column] = missing_accuracy(column, record) if value is None else f"{value:.2%}"
        rows.append(row)
    return pd.DataFrame(rows, columns=table_columns(configs))


def overlay_selection(selected: list[int] | None, seen: int, count: int, last: int = 5) -> list[int]:
    """The runs (numbered from 1) to overlay: the last `last` at first; afterwards the learner's choice, kept as runs
    are added, with every run added since (`seen` runs existed when they chose) joining it."""
    if selected is None:
        return list(range(max(1, count - last + 1), count + 1))
    kept = [n for n in selected if 1 <= n <= min(seen, count)]
    return kept + [n for n in range(seen + 1, count + 1) if n not in kept]
