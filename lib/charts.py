"""Altair chart builders: pure functions from numbers to alt.Chart (tested via chart.to_dict())."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

SERIES_COLORS = alt.Scale(
    domain=["training (smoothed)", "training (epoch mean)", "validation"],
    range=["#90a4ae", "#3f51b5", "#e65100"],
)


def smooth(values, weight: float = 0.98) -> np.ndarray:
    """Exponential moving average with bias correction, as TensorBoard smooths a noisy curve."""
    values = np.asarray(values, dtype=float)
    out, average = np.empty_like(values), 0.0
    for i, value in enumerate(values):
        average = weight * average + (1 - weight) * value
        out[i] = average / (1 - weight ** (i + 1))
    return out


def _thin(length: int, max_points: int) -> np.ndarray:
    return np.unique(np.linspace(0, length - 1, min(length, max_points)).astype(int)) if length else np.array([], int)


def training_frame(history, steps_per_epoch: int, max_points: int = 400) -> pd.DataFrame:
    """Long table (epoch, metric, series, value) of the smoothed per-batch curve and the epoch points."""
    frames = []
    for metric, values in (("loss", history.batch_loss), ("accuracy", history.batch_accuracy)):
        keep = _thin(len(values), max_points)
        if len(keep):
            frames.append(
                pd.DataFrame(
                    {
                        "epoch": (keep + 1) / steps_per_epoch,
                        "metric": metric,
                        "series": "training (smoothed)",
                        "value": smooth(values)[keep],
                    }
                )
            )
    for row in history.epochs:
        for metric in ("loss", "accuracy"):
            frames.append(
                pd.DataFrame(
                    [{"epoch": row["epoch"], "metric": metric, "series": "training (epoch mean)", "value": row[metric]}]
                )
            )
            if row.get(f"val_{metric}") is not None:
                frames.append(
                    pd.DataFrame(
                        [
                            {
                                "epoch": row["epoch"],
                                "metric": metric,
                                "series": "validation",
                                "value": row[f"val_{metric}"],
                            }
                        ]
                    )
                )
    if not frames:
        return pd.DataFrame(columns=["epoch", "metric", "series", "value"])
    return pd.concat(frames, ignore_index=True)


def _panel(data: pd.DataFrame, metric: str, title: str, log: bool) -> alt.LayerChart:
    subset = data[data["metric"] == metric]
    if log:
        subset = subset[subset["value"] > 0]
    y = alt.Y("value:Q", title=title, scale=alt.Scale(type="log") if log else alt.Scale(zero=False))
    color = alt.Color("series:N", scale=SERIES_COLORS, title=None, legend=alt.Legend(orient="bottom"))
    base = alt.Chart(subset).encode(
        x=alt.X("epoch:Q", title="epoch"),
        y=y,
        color=color,
        tooltip=["series", alt.Tooltip("epoch:Q", format=".2f"), alt.Tooltip("value:Q", format=".4f")],
    )
    line = base.transform_filter(alt.datum.series == "training (smoothed)").mark_line()
    points = base.transform_filter(alt.datum.series != "training (smoothed)").mark_line(point=True, strokeDash=[4, 2])
    return alt.layer(line, points).properties(title=title, width=340, height=240)


def make_training_chart(history, steps_per_epoch: int = 1) -> alt.HConcatChart:
    """Loss (log scale) and accuracy as training runs: smoothed per-batch curve, per-epoch points."""
    data = training_frame(history, max(1, steps_per_epoch))
    return alt.hconcat(_panel(data, "loss", "loss (log scale)", log=True), _panel(data, "accuracy", "accuracy", False))


def make_confusion_chart(confusion: np.ndarray) -> alt.LayerChart:
    """Heat map of counts: rows are the true digit, columns the model's guess."""
    true, guess = np.meshgrid(range(10), range(10), indexing="ij")
    data = pd.DataFrame({"true digit": true.ravel(), "predicted digit": guess.ravel(), "count": confusion.ravel()})
    data["off diagonal"] = np.where(data["true digit"] == data["predicted digit"], 0, data["count"])
    base = alt.Chart(data).encode(x=alt.X("predicted digit:O"), y=alt.Y("true digit:O"))
    heat = base.mark_rect().encode(
        color=alt.Color("off diagonal:Q", scale=alt.Scale(scheme="oranges"), title="mistakes"),
        tooltip=["true digit", "predicted digit", "count"],
    )
    text = base.mark_text(fontSize=11).encode(text="count:Q")
    return alt.layer(heat, text).properties(width=360, height=360, title="Confusion matrix (test set)")


def make_per_class_chart(per_class_accuracy: np.ndarray) -> alt.Chart:
    data = pd.DataFrame({"digit": np.arange(10), "accuracy": per_class_accuracy})
    return (
        alt.Chart(data)
        .mark_bar(color="#3f51b5")
        .encode(
            x=alt.X("digit:O"),
            y=alt.Y("accuracy:Q", scale=alt.Scale(zero=False)),
            tooltip=["digit", alt.Tooltip("accuracy:Q", format=".2%")],
        )
        .properties(width=360, height=360, title="Test accuracy per digit")
    )


def make_runs_overlay_chart(runs: list[tuple[str, object, int]], metric: str = "accuracy") -> alt.Chart:
    """Compare runs: each run's smoothed training curve against epochs. runs = [(label, history, steps)]."""
    frames = []
    for label, history, steps in runs:
        values = getattr(history, f"batch_{metric}")
        keep = _thin(len(values), 300)
        if len(keep):
            frames.append(
                pd.DataFrame({"epoch": (keep + 1) / max(1, steps), "run": label, metric: smooth(values)[keep]})
            )
    data = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["epoch", "run", metric])
    return (
        alt.Chart(data)
        .mark_line()
        .encode(
            x=alt.X("epoch:Q"),
            y=alt.Y(f"{metric}:Q", scale=alt.Scale(zero=False)),
            color=alt.Color("run:N"),
            tooltip=["run", alt.Tooltip("epoch:Q", format=".2f"), alt.Tooltip(f"{metric}:Q", format=".4f")],
        )
        .properties(height=300, title=f"Training {metric} of your runs (smoothed)")
    )
