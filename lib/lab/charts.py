"""The Train MNIST lab's charts: the live training curves, the confusion matrix, per-digit accuracy, run overlay."""

from __future__ import annotations

import functools

import altair as alt
import numpy as np
import pandas as pd

from lib.charts import COLOR_WORDS, PALETTE
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
        "validation": "the held-out validation images, measured at the end of each epoch",
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
            tooltip=["series:N", alt.Tooltip("x:Q", title=x_title, format=".2f"), alt.Tooltip("value:Q", format=".4g")],
        )
    )
    line = base.transform_filter("indexof(datum.series, 'training (') == 0 && datum.series != 'training (epoch mean)'")
    points = base.transform_filter("datum.series == 'training (epoch mean)' || datum.series == 'validation'")
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
    return {**_training_template(unit, epochs, series), "datasets": {"training": frame}}


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
    text = base.mark_text(fontSize=10).encode(text="count:Q")
    return alt.layer(heat, text).properties(width="container", height=340, title="Confusion matrix (test set)")


def make_per_class_chart(per_class_accuracy: np.ndarray) -> alt.Chart:
    data = pd.DataFrame({"digit": np.arange(10), "accuracy": per_class_accuracy})
    return (
        alt.Chart(data)
        .mark_bar(color=PALETTE["primary"])
        .encode(
            x=alt.X("digit:O"),
            y=alt.Y("accuracy:Q", scale=alt.Scale(zero=False)),
            tooltip=["digit", alt.Tooltip("accuracy:Q", format=".2%")],
        )
        .properties(width="container", height=340, title="Test accuracy per digit")
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
            color=alt.Color("run:N", legend=alt.Legend(orient="bottom", columns=1, labelLimit=0)),
            tooltip=["run", alt.Tooltip("epoch:Q", format=".2f"), alt.Tooltip(f"{metric}:Q", format=".4f")],
        )
        .properties(title=f"Training {metric} of your runs (smoothed)", width="container")
    )


def make_sweep_chart(outcomes, default_lr: float) -> alt.VConcatChart:
    """Each run's last-epoch mean training loss and test accuracy against log10(learning rate), every run in both
    panels on one axis:
    a diverged run is marked ✕ at the top of the loss panel and at 0 in the accuracy panel (it was not tested);
    Keras's default rate is a dashed rule."""
    from lib.lab.experiments import ZONES, point_zones

    finite = [o.final_loss for o in outcomes if o.final_loss is not None and np.isfinite(o.final_loss)]
    top = max(finite) * 1.5 if finite else 10.0
    rows = []
    for o, zone in zip(outcomes, point_zones(outcomes), strict=True):
        diverged = zone == "diverges"
        rows.append(
            {
                "log10(learning rate)": float(np.log10(o.config.learning_rate)),
                "learning rate": o.config.learning_rate,
                "mean loss, last epoch": top if diverged else o.final_loss,  # a run with no loss counts as diverged
                "test accuracy": 0.0 if o.test_accuracy is None else o.test_accuracy,
                "tested": "not tested (diverged)" if o.test_accuracy is None else "tested",
                "zone": zone,
            }
        )
    data = pd.DataFrame(rows)
    logs = data["log10(learning rate)"]
    x = alt.X("log10(learning rate):Q", scale=alt.Scale(domain=[float(logs.min()), float(logs.max())], nice=False))
    palette = dict(zip(ZONES, [PALETTE["muted"], PALETTE["primary"], "#ef6c00", "#8d6e63", "#c62828"], strict=True))
    drawn = [z for z in ZONES if z in set(data["zone"])]  # the legend lists only the zones on the chart
    colors, shapes = [palette[z] for z in drawn], ["cross" if z == "diverges" else "circle" for z in drawn]
    zone = alt.Color(
        "zone:N", scale=alt.Scale(domain=drawn, range=colors), legend=alt.Legend(orient="bottom", columns=3)
    )
    shape = alt.Shape("zone:N", scale=alt.Scale(domain=drawn, range=shapes), legend=None)
    rule = (
        alt.Chart(pd.DataFrame({"log10(learning rate)": [np.log10(default_lr)]}))
        .mark_rule(strokeDash=[4, 4])
        .encode(x=x)
    )
    tooltip = [
        "learning rate",
        "zone",
        alt.Tooltip("mean loss, last epoch:Q", format=".4g"),
        "test accuracy",
        "tested",
    ]

    def panel(field: str, scale: alt.Scale, color: str, joined: str = "true"):
        line = alt.Chart(data).mark_line(color=color).encode(x=x, y=alt.Y(f"{field}:Q", scale=scale))
        line = line.transform_filter(joined)  # which points the line joins
        points = alt.Chart(data).mark_point(size=120, filled=True).encode(x=x, y=f"{field}:Q", color=zone, shape=shape)
        return line + points.encode(tooltip=tooltip) + rule

    return alt.vconcat(
        panel("mean loss, last epoch", alt.Scale(type="log"), PALETTE["muted"]).properties(
            title=alt.TitleParams(["Training loss, mean over the last epoch", "✕: diverged, drawn at the top"]),
            width="container",
            height=220,
        ),
        panel("test accuracy", alt.Scale(domain=[0, 1]), PALETTE["primary"], "datum.tested == 'tested'").properties(
            title=alt.TitleParams(
                ["Test accuracy", "✕: diverged, not tested, drawn at 0", "dashed: Keras's default rate"]
            ),
            width="container",
            height=200,
        ),
    ).properties(autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))


def make_twins_chart(outcomes, labels: tuple[str, str], points: int = 120) -> alt.LayerChart:
    """Each arm's smoothed training loss against batches: the mean over seeds as a line, ± one spread as a band."""
    frames = []
    for arm, label in enumerate(labels):
        curves = [smooth(o.batch_loss) for o in outcomes[arm::2] if o.batch_loss]
        length = min(len(c) for c in curves) if curves else 0
        if not length:
            continue
        stacked = np.stack([c[:length] for c in curves])
        keep = thin(length, points)
        mean, spread = stacked.mean(axis=0)[keep], stacked.std(axis=0)[keep]
        frames.append(
            pd.DataFrame({"batch": keep + 1, "mean": mean, "low": mean - spread, "high": mean + spread, "run": label})
        )
    data = pd.concat(frames) if frames else pd.DataFrame(columns=["batch", "mean", "low", "high", "run"])
    color = alt.Color(
        "run:N",
        scale=alt.Scale(domain=list(labels), range=[PALETTE["primary"], PALETTE["accent"]]),
        legend=alt.Legend(orient="bottom", direction="vertical"),  # under the chart: a phone keeps its full width
    )
    band = (
        alt.Chart(data)
        .mark_area(opacity=0.25)
        .encode(x="batch:Q", y=alt.Y("low:Q", title="training loss (smoothed)"), y2="high:Q", color=color)
    )
    line = alt.Chart(data).mark_line().encode(x="batch:Q", y="mean:Q", color=color)
    return (band + line).properties(
        title="Mean over seeds, ± one spread",
        width="container",
        height=260,
        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),  # 260 for the plot; the legend adds to it
    )
