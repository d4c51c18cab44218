"""The Train MNIST lab's charts: the live training curves, the confusion matrix, per-digit accuracy, run overlay."""

from __future__ import annotations

import functools

import altair as alt
import numpy as np
import pandas as pd

from lib import chart_text
from lib.charts import COLOR_WORDS, PALETTE, PATH_COLORS, PATH_DASHES
from lib.series import smooth, thin

SERIES_ROLES = {  # series name -> palette role; the captions name the colour of the same role
    "training (smoothed)": "muted",
    "training (each batch)": "muted",
    "training (epoch mean)": "primary",
    "validation": "accent",
}
SERIES = {name: PALETTE[role] for name, role in SERIES_ROLES.items()}


def series_caption(series: list[str]) -> str:
    """What the curves on the live chart are, colour by colour: only the series the chart holds."""
    meaning = {
        "training (smoothed)": "the loss and accuracy of every batch, smoothed (single batches are noisy: that is "
        "the *stochastic* in stochastic gradient descent)",
        "training (each batch)": "the loss and accuracy of every batch, unsmoothed: the run diverged, so each batch "
        "is shown as it was (the highest point is the value the message quotes)",
        "training (epoch mean)": "the mean over each finished epoch, taken while the model was still learning",
        "validation": "the held-out validation images (square points), measured at the end of each epoch",
    }
    colours = {name: COLOR_WORDS[role] for name, role in SERIES_ROLES.items()}
    parts = [f"{colours[name].capitalize()}: {meaning[name]}." for name in series]
    return " ".join(parts + ["The loss axis is logarithmic."])


def live_axis(history, steps_per_epoch: int) -> str:
    """'batch' for a run that ended within its first epoch (fractions of an epoch read badly), else 'epoch'."""
    return "batch" if len(history.batch_loss) < steps_per_epoch else "epoch"


def training_frame(
    history, steps_per_epoch: int, max_points: int = 250, raw: bool = False, unit: str = "epoch"
) -> pd.DataFrame:
    """Long table (x, metric, series, value) of the per-batch curve (smoothed unless raw) and the epoch points.

    x counts epochs, or batches when unit is "batch".
    """
    per = 1 if unit == "batch" else max(1, steps_per_epoch)
    columns = {"x": [], "metric": [], "series": [], "value": []}

    def add(xs, metric: str, series: str, values) -> None:
        columns["x"].extend(xs)
        columns["metric"].extend([metric] * len(values))
        columns["series"].extend([series] * len(values))
        columns["value"].extend(values)

    name = "training (each batch)" if raw else "training (smoothed)"
    for metric, values in (("loss", history.batch_loss), ("accuracy", history.batch_accuracy)):
        keep = thin(len(values), max_points)
        if len(keep):
            shown = np.asarray(values, float) if raw else smooth(values)
            add(((keep + 1) / per).tolist(), metric, name, shown[keep].tolist())
    for metric in ("loss", "accuracy"):
        rows = history.epochs
        scale = steps_per_epoch if unit == "batch" else 1
        add(
            [row.epoch * scale for row in rows], metric, "training (epoch mean)", [getattr(row, metric) for row in rows]
        )
        validated = [row for row in rows if getattr(row, f"val_{metric}") is not None]
        add(
            [row.epoch * scale for row in validated],
            metric,
            "validation",
            [getattr(row, f"val_{metric}") for row in validated],
        )
    return pd.DataFrame(columns).astype({"x": float, "value": float})


def _panel(metric: str, title: str, log: bool, x_title: str, x_max: int | None, series: tuple) -> alt.LayerChart:
    # Reads the named dataset "training"; each panel keeps its own metric (and, on a log axis, values > 0).
    keep = f"datum.metric == '{metric}'" + (" && datum.value > 0" if log else "")
    y = alt.Y("value:Q", title=title, scale=alt.Scale(type="log") if log else alt.Scale(zero=False))
    scale = alt.Scale(domain=list(series), range=[SERIES[name] for name in series])
    color = alt.Color("series:N", scale=scale, title=None, legend=alt.Legend(orient="bottom", columns=2))
    axis = alt.Axis(tickMinStep=1, format="d") if x_title == "batch" else alt.Undefined
    base = (
        alt.Chart(alt.NamedData("training"))
        .transform_filter(keep)
        .encode(
            x=alt.X("x:Q", title=x_title, axis=axis, scale=alt.Scale(domain=[0, x_max]) if x_max else alt.Undefined),
            y=y,
            color=color,
            tooltip=[
                alt.Tooltip("series:N"),
                alt.Tooltip("x:Q", title=x_title, format=".2f"),
                alt.Tooltip("value:Q", format=".4g"),
            ],
        )
    )
    line = base.transform_filter("indexof(datum.series, 'training (') == 0 && datum.series != 'training (epoch mean)'")
    points = base.transform_filter("datum.series == 'training (epoch mean)' || datum.series == 'validation'")
    points = points.encode(shape=alt.Shape("series:N", scale=alt.Scale(range=["circle", "square"]), legend=None))
    return alt.layer(line.mark_line(), points.mark_line(point=True, strokeDash=[4, 2])).properties(
        title=title, width="container", height=240
    )


@functools.cache
def _training_template(x_title: str, x_max: int | None, series: tuple) -> dict:
    """The live chart's Vega-Lite spec, built with Altair once per run length; each redraw only swaps in new data.

    With the run's length known, the axis spans the whole run from the start, so the curve grows across a
    fixed axis and shows how far along the run is. The two panels stack (they sit side by side where there is
    room: see ui), so the chart never forces a phone to scroll sideways.
    """
    chart = alt.vconcat(
        _panel("loss", "loss (log scale)", True, x_title, x_max, series),
        _panel("accuracy", "accuracy", False, x_title, x_max, series),
    ).properties(autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    return chart.to_dict()


def make_training_chart(history, steps_per_epoch: int = 1, epochs: int | None = None, raw: bool = False) -> dict:
    """Loss (log scale) and accuracy: the per-batch curve (smoothed, or raw when raw=True) and per-epoch points.

    epochs: the run's length while it runs (the axis then spans it), None once it has ended (the axis fits).
    Returns a Vega-Lite spec (for st.vega_lite_chart) rather than an alt.Chart: it is redrawn several times a
    second while training runs, and re-validating an Altair chart each time would slow training down.
    """
    unit = "epoch" if epochs is not None else live_axis(history, steps_per_epoch)
    frame = training_frame(history, max(1, steps_per_epoch), raw=raw, unit=unit)
    series = tuple(name for name in SERIES if name in set(frame["series"]))  # the legend lists only what is drawn
    spec = {**_training_template(unit, epochs, series), "datasets": {"training": frame}}
    return {**spec, "description": chart_text.training_text(history, unit)}


def make_confusion_chart(confusion: np.ndarray) -> alt.LayerChart:
    """Heat map of counts: rows are the true digit, columns the model's guess."""
    true, guess = np.meshgrid(range(10), range(10), indexing="ij")
    data = pd.DataFrame({"true digit": true.ravel(), "predicted digit": guess.ravel(), "count": confusion.ravel()})
    data["off diagonal"] = np.where(data["true digit"] == data["predicted digit"], 0, data["count"])
    base = alt.Chart(data).encode(x=alt.X("predicted digit:O"), y=alt.Y("true digit:O"))
    heat = base.mark_rect().encode(
        color=alt.Color("off diagonal:Q", scale=alt.Scale(scheme="oranges"), title="mistakes"),
        tooltip=[alt.Tooltip("true digit"), alt.Tooltip("predicted digit"), alt.Tooltip("count")],
    )
    text = base.mark_text(fontSize=10).encode(text=alt.Text("count:Q"))
    chart = alt.layer(heat, text).properties(width="container", height=340, title="Confusion matrix (test set)")
    return chart.properties(description=chart_text.confusion_text(confusion))


def make_per_class_chart(per_class_accuracy: np.ndarray) -> alt.Chart:
    data = pd.DataFrame({"digit": np.arange(10), "accuracy": per_class_accuracy})
    return (
        alt.Chart(data)
        .mark_bar(color=PALETTE["primary"])
        .encode(
            x=alt.X("digit:O"),
            y=alt.Y("accuracy:Q", scale=alt.Scale(zero=False)),
            tooltip=[alt.Tooltip("digit"), alt.Tooltip("accuracy:Q", format=".2%")],
        )
        .properties(width="container", height=340, title="Test accuracy per digit")
        .properties(description=chart_text.per_class_text(per_class_accuracy))
    )


def make_runs_overlay_chart(runs: list[tuple[str, object, int]], metric: str = "accuracy") -> alt.Chart:
    """Compare runs: each run's smoothed training curve against epochs. runs = [(label, history, steps)]."""
    frames = []
    for label, history, steps in runs:
        values = getattr(history, f"batch_{metric}")
        keep = thin(len(values), 300)
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
            y=alt.Y(f"{metric}:Q", scale=alt.Scale(zero=False, type="log" if metric == "loss" else "linear")),
            color=alt.Color(
                "run:N", scale=alt.Scale(range=PATH_COLORS), legend=alt.Legend(orient="bottom", columns=1, labelLimit=0)
            ),
            strokeDash=alt.StrokeDash("run:N", scale=alt.Scale(range=PATH_DASHES)),  # not colour alone
            tooltip=[
                alt.Tooltip("run"),
                alt.Tooltip("epoch:Q", format=".2f"),
                alt.Tooltip(f"{metric}:Q", format=".4f"),
            ],
        )
        .properties(title=f"Training {metric} of your runs (smoothed)", width="container")
        .properties(description=chart_text.runs_overlay_text(data, metric))
    )
