"""The Experiments page's charts: a learning-rate sweep (every run, named by its zone) and twin runs' curves."""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd

from lib import chart_text
from lib.charts import PALETTE, PATH_DASHES
from lib.series import smooth, thin

SWEEP_MARKS = {  # zone -> (colour, shape); a run that did not finish keeps its own mark and name
    "too small": (PALETTE["muted"], "triangle-left"),  # a shape per zone as well: never colour alone
    "good": (PALETTE["primary"], "circle"),
    "too large": ("#ef6c00", "triangle-right"),
    "barely learns": ("#8d6e63", "wedge"),
    "diverges": ("#c62828", "cross"),
    "stopped": ("#6a1b9a", "diamond"),
    "cancelled": ("#455a64", "square"),
    "invalid": ("#455a64", "triangle-down"),
    "failed": ("#455a64", "triangle-up"),
}
UNTRAINED = ("cancelled", "invalid", "failed")  # zones of runs with no loss and no accuracy to draw


def sweep_frame(outcomes) -> pd.DataFrame:
    """One row per run, every run kept: a diverged run at the top of the loss panel and at 0 accuracy (not
    tested); a run that never trained (cancelled, invalid, failed) at the bottom of both; a stopped run where its
    partial numbers put it. Only finished and diverged runs are joined by the line."""
    from lib.lab.experiments import point_zones

    zones = point_zones(outcomes)
    finite = [  # a diverged run's last loss may be huge: the top is set by the runs that did not blow up
        o.final_loss
        for o, zone in zip(outcomes, zones, strict=True)
        if zone != "diverges" and o.final_loss is not None and np.isfinite(o.final_loss)
    ]
    top, bottom = (max(finite) * 1.5, min(finite) / 1.5) if finite else (10.0, 0.1)
    rows = []
    for o, zone in zip(outcomes, zones, strict=True):
        has_loss = o.final_loss is not None and np.isfinite(o.final_loss) and zone != "diverges"
        loss = o.final_loss if has_loss else top if zone == "diverges" else bottom
        tested = {"diverges": "not tested (diverged)", **{z: f"not trained ({z})" for z in UNTRAINED}}
        rows.append(
            {
                "learning rate": o.config.learning_rate,
                "mean loss, last epoch": loss,
                "test accuracy": 0.0 if o.test_accuracy is None else o.test_accuracy,
                "tested": tested.get(zone, "stopped early" if zone == "stopped" else "tested"),
                "joined": o.state in ("finished", "diverged"),
                "zone": zone,
            }
        )
    return pd.DataFrame(rows)


def make_sweep_chart(outcomes, default_lr: float) -> alt.VConcatChart:
    """Each run's last-epoch mean training loss and test accuracy against the learning rate (log axis, labelled in
    rates), every run in both panels on one axis, each marked by its zone; Keras's default rate a dashed rule."""
    from lib.lab.experiments import ZONES, describe_zones

    data = sweep_frame(outcomes)
    shown = [*data["learning rate"], default_lr]  # the dashed default-rate rule is always inside the axis
    low, high = min(shown), max(shown)
    if high / low < 10:  # a single rate (a sweep stopped early): a decade either side, not a zero-width axis
        low, high = low / 10, high * 10
    rates = pd.Series([low, high])
    x = alt.X(
        "learning rate:Q",
        title="learning rate (log scale)",
        scale=alt.Scale(type="log", domain=[float(low), float(high)], nice=False),
        axis=alt.Axis(  # a label at each power of ten only: a log axis labels its minor ticks too otherwise
            values=[
                10.0**e for e in range(math.floor(math.log10(rates.min())), math.ceil(math.log10(rates.max())) + 1)
            ],
            labelExpr="datum.value >= 0.001 ? format(datum.value, '~g') : format(datum.value, '.0e')",
        ),
    )
    drawn = [z for z in ZONES if z in set(data["zone"])]  # the legend lists only the zones on the chart
    colors, shapes = [SWEEP_MARKS[z][0] for z in drawn], [SWEEP_MARKS[z][1] for z in drawn]
    zone = alt.Color(
        "zone:N", scale=alt.Scale(domain=drawn, range=colors), legend=alt.Legend(orient="bottom", columns=3)
    )
    shape = alt.Shape(
        "zone:N", scale=alt.Scale(domain=drawn, range=shapes), legend=alt.Legend(orient="bottom", columns=3)
    )
    rule = alt.Chart(pd.DataFrame({"learning rate": [default_lr]})).mark_rule(strokeDash=[4, 4]).encode(x=x)
    tooltip = [
        alt.Tooltip("learning rate"),
        alt.Tooltip("zone"),
        alt.Tooltip("mean loss, last epoch:Q", format=".4g"),
        alt.Tooltip("test accuracy"),
        alt.Tooltip("tested"),
    ]

    def panel(field: str, scale: alt.Scale, color: str):
        line = alt.Chart(data).mark_line(color=color).encode(x=x, y=alt.Y(f"{field}:Q", scale=scale))
        line = line.transform_filter(
            "datum.joined && datum.tested != 'not tested (diverged)'" if "accuracy" in field else "datum.joined"
        )
        points = alt.Chart(data).mark_point(size=120, filled=True).encode(x=x, y=f"{field}:Q", color=zone, shape=shape)
        return line + points.encode(tooltip=tooltip) + rule

    untrained = [z for z in UNTRAINED if z in drawn]
    not_run = [f"{', '.join(untrained)}: never trained, drawn at the bottom"] if untrained else []
    stopped = ["stopped: cut short, not joined by the line"] if "stopped" in drawn else []
    diverged = "diverges" in drawn
    chart = alt.vconcat(
        panel("mean loss, last epoch", alt.Scale(type="log"), PALETTE["muted"]).properties(
            title=alt.TitleParams(
                ["Training loss, mean over the last epoch"]
                + (["✕: diverged, drawn at the top"] if diverged else [])
                + not_run
                + stopped
            ),
            width="container",
            height=220,
        ),
        panel("test accuracy", alt.Scale(domain=[0, 1]), PALETTE["primary"]).properties(
            title=alt.TitleParams(
                ["Test accuracy"]
                + (["✕: diverged, not tested, drawn at 0"] if diverged else [])
                + [line.replace("bottom", "0") for line in not_run]
                + ["dashed: Keras's default rate"]
            ),
            width="container",
            height=200,
        ),
    ).properties(autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    return chart.properties(description=chart_text.sweep_text(describe_zones(outcomes)))


def twins_frame(outcomes, labels: tuple[str, str], points: int = 120) -> pd.DataFrame:
    """What the twins chart draws: per arm, the smoothed training loss at up to `points` batches, the mean over
    seeds and ± one spread (the standard deviation over seeds)."""
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
    return pd.concat(frames) if frames else pd.DataFrame(columns=["batch", "mean", "low", "high", "run"])


def sweep_table(outcomes) -> pd.DataFrame:
    """The sweep's numbers exactly, one row per run in the order they ran: the chart places a run with no loss or
    no accuracy at an edge of its panel; here such a cell is left empty."""
    from lib.lab.experiments import point_zones

    def number(value):
        return float(value) if value is not None and np.isfinite(value) else None

    return pd.DataFrame(
        {
            "learning rate": [o.config.learning_rate for o in outcomes],
            "zone": point_zones(outcomes),
            "run ended": [o.state for o in outcomes],
            "mean training loss, last epoch": [number(o.final_loss) for o in outcomes],
            "test accuracy": [number(o.test_accuracy) for o in outcomes],
        }
    )


def make_twins_chart(outcomes, labels: tuple[str, str], points: int = 120) -> alt.LayerChart:
    """Each arm's smoothed training loss against batches: the mean over seeds as a line, ± one spread as a band."""
    from lib.lab.twins import twin_verdict  # the verdict the page shows under the chart

    data = twins_frame(outcomes, labels, points)
    color = alt.Color(
        "run:N",
        scale=alt.Scale(domain=list(labels), range=[PALETTE["primary"], PALETTE["accent"]]),
        legend=alt.Legend(orient="bottom", direction="vertical"),  # under the chart: a phone keeps its full width
    )
    band = (
        alt.Chart(data)
        .mark_area(opacity=0.25)
        .encode(
            x=alt.X("batch:Q"), y=alt.Y("low:Q", title="training loss (smoothed)"), y2=alt.Y2("high:Q"), color=color
        )
    )
    dash = alt.StrokeDash("run:N", scale=alt.Scale(domain=list(labels), range=PATH_DASHES[:2]), legend=None)
    line = alt.Chart(data).mark_line().encode(x=alt.X("batch:Q"), y=alt.Y("mean:Q"), color=color, strokeDash=dash)
    return (band + line).properties(
        title="Mean over seeds, ± one spread",
        description=chart_text.twins_text(data, twin_verdict(outcomes).sentence),
        width="container",
        height=260,
        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),  # 260 for the plot; the legend adds to it
    )
