"""Altair chart builders: pure functions from numbers to alt.Chart (tested via chart.to_dict())."""

from __future__ import annotations

import functools

import altair as alt
import numpy as np
import pandas as pd

SERIES_COLORS = alt.Scale(
    domain=["training (smoothed)", "training (epoch mean)", "validation"],
    range=["#90a4ae", "#3f51b5", "#e65100"],
)


def smooth(values, weight: float = 0.98, block: int = 128) -> np.ndarray:
    """Exponential moving average with bias correction, as TensorBoard smooths a noisy curve.

    average_i = weight * average_(i-1) + (1 - weight) * value_i, shown as average_i / (1 - weight^(i+1)).
    Computed a block at a time in closed form (the live chart smooths the whole history 2.5 times a second);
    within a block, weight^-j stays below weight^-block, so nothing overflows or loses precision.
    """
    if not 0 < weight < 1:
        raise ValueError("weight must be between 0 and 1")
    values = np.asarray(values, dtype=float)
    out, average = np.empty_like(values), 0.0
    k = np.arange(block, dtype=float)
    shrink, grow = weight**k, weight**-k  # weight^k and weight^-k for the k-th value of a block
    for start in range(0, len(values), block):
        chunk = values[start : start + block]
        n = len(chunk)
        averages = shrink[:n] * (weight * average + (1 - weight) * np.cumsum(chunk * grow[:n]))
        out[start : start + n] = averages
        average = averages[-1]
    return out / (1 - weight ** np.arange(1, len(values) + 1))


def _thin(length: int, max_points: int) -> np.ndarray:
    return np.unique(np.linspace(0, length - 1, min(length, max_points)).astype(int)) if length else np.array([], int)


def thin_frame(frame: pd.DataFrame, max_rows: int = 600) -> pd.DataFrame:
    """At most max_rows evenly spaced rows, first and last kept: long histories stay quick to draw."""
    return frame.iloc[_thin(len(frame), max_rows)]


def training_frame(history, steps_per_epoch: int, max_points: int = 250) -> pd.DataFrame:
    """Long table (epoch, metric, series, value) of the smoothed per-batch curve and the epoch points."""
    columns = {"epoch": [], "metric": [], "series": [], "value": []}

    def add(epochs, metric: str, series: str, values) -> None:
        columns["epoch"].extend(epochs)
        columns["metric"].extend([metric] * len(values))
        columns["series"].extend([series] * len(values))
        columns["value"].extend(values)

    for metric, values in (("loss", history.batch_loss), ("accuracy", history.batch_accuracy)):
        keep = _thin(len(values), max_points)
        if len(keep):
            add(((keep + 1) / steps_per_epoch).tolist(), metric, "training (smoothed)", smooth(values)[keep].tolist())
    for metric in ("loss", "accuracy"):
        rows = history.epochs
        add([row["epoch"] for row in rows], metric, "training (epoch mean)", [row[metric] for row in rows])
        validated = [row for row in rows if row.get(f"val_{metric}") is not None]
        add([row["epoch"] for row in validated], metric, "validation", [row[f"val_{metric}"] for row in validated])
    frame = pd.DataFrame(columns)
    return frame.astype({"epoch": float, "value": float})


def _panel(metric: str, title: str, log: bool, epochs: int | None) -> alt.LayerChart:
    # Reads the named dataset "training"; each panel keeps its own metric (and, on a log axis, values > 0).
    keep = f"datum.metric == '{metric}'" + (" && datum.value > 0" if log else "")
    y = alt.Y("value:Q", title=title, scale=alt.Scale(type="log") if log else alt.Scale(zero=False))
    color = alt.Color("series:N", scale=SERIES_COLORS, title=None, legend=alt.Legend(orient="bottom"))
    base = (
        alt.Chart(alt.NamedData("training"))
        .transform_filter(keep)
        .encode(
            x=alt.X("epoch:Q", title="epoch", scale=alt.Scale(domain=[0, epochs]) if epochs else alt.Undefined),
            y=y,
            color=color,
            tooltip=["series:N", alt.Tooltip("epoch:Q", format=".2f"), alt.Tooltip("value:Q", format=".4f")],
        )
    )
    line = base.transform_filter(alt.datum.series == "training (smoothed)").mark_line()
    points = base.transform_filter(alt.datum.series != "training (smoothed)").mark_line(point=True, strokeDash=[4, 2])
    return alt.layer(line, points).properties(title=title, width=340, height=240)


@functools.cache
def _training_template(epochs: int | None) -> dict:
    """The live chart's Vega-Lite spec, built with Altair once per run length; each redraw only swaps in new data.

    With the run's length known, the epoch axis spans the whole run from the start, so the curve grows across
    a fixed axis and shows how far along the run is.
    """
    chart = alt.hconcat(
        _panel("loss", "loss (log scale)", log=True, epochs=epochs),
        _panel("accuracy", "accuracy", log=False, epochs=epochs),
    )
    return chart.to_dict()


def make_training_chart(history, steps_per_epoch: int = 1, epochs: int | None = None) -> dict:
    """Loss (log scale) and accuracy as training runs: smoothed per-batch curve, per-epoch points.

    Returns a Vega-Lite spec (for st.vega_lite_chart) rather than an alt.Chart: it is redrawn several times
    a second while training runs, and re-validating an Altair chart each time would slow training down.
    The named dataset "training" is the DataFrame itself, which Streamlit sends to the browser as Arrow.
    """
    frame = training_frame(history, max(1, steps_per_epoch))
    return {**_training_template(epochs), "datasets": {"training": frame}}


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
        .properties(title=f"Training {metric} of your runs (smoothed)")
    )


# --- lesson charts ------------------------------------------------------------------------------
def make_activation_chart(x, y, dy, title: str) -> alt.Chart:
    """An activation f(x) (solid blue) and its derivative f'(x) (dashed orange) on one set of axes."""
    data = pd.concat(
        [
            pd.DataFrame({"x": x, "value": y, "curve": "f(x)"}),
            pd.DataFrame({"x": x, "value": dy, "curve": "f′(x) (autodiff)"}),
        ]
    )
    return (
        alt.Chart(data)
        .mark_line()
        .encode(
            x="x:Q",
            y=alt.Y("value:Q", title=None),
            color=alt.Color("curve:N", scale=alt.Scale(range=["#3f51b5", "#e65100"]), legend=None),
            strokeDash=alt.StrokeDash("curve:N", legend=None),
            tooltip=["curve", alt.Tooltip("x:Q", format=".2f"), alt.Tooltip("value:Q", format=".4f")],
        )
        .properties(title=alt.Title(title, subtitle="f(x) solid blue · f′(x) by autodiff dashed orange"))
    )


def make_softmax_chart(probabilities) -> alt.Chart:
    data = pd.DataFrame({"class": np.arange(len(probabilities)), "probability": probabilities})
    data["predicted"] = data["probability"] == data["probability"].max()
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x="class:O",
            y=alt.Y("probability:Q", scale=alt.Scale(domain=[0, 1])),
            color=alt.condition(alt.datum.predicted, alt.value("#e65100"), alt.value("#3f51b5")),
            tooltip=["class", alt.Tooltip("probability:Q", format=".3f")],
        )
        .properties(height=240, title="softmax probabilities (orange: the prediction)")
    )


def make_boundary_chart(result, points, labels, title: str) -> alt.LayerChart:
    """P(class 1) over the plane as a heat map, the 0.5 boundary where it changes colour, and the data."""
    grid = pd.DataFrame({"x1": result.grid_x, "x2": result.grid_y, "p": result.grid_probability})
    step_x = float(np.diff(np.unique(result.grid_x))[0]) if len(np.unique(result.grid_x)) > 1 else 0.1
    step_y = float(np.diff(np.unique(result.grid_y))[0]) if len(np.unique(result.grid_y)) > 1 else 0.1
    grid["x1b"], grid["x2b"] = grid["x1"] + step_x, grid["x2"] + step_y
    heat = (
        alt.Chart(grid)
        .mark_rect(opacity=0.55)
        .encode(
            x=alt.X("x1:Q", title="x₁"),
            x2="x1b:Q",
            y=alt.Y("x2:Q", title="x₂"),
            y2="x2b:Q",
            color=alt.Color("p:Q", scale=alt.Scale(scheme="blueorange", domain=[0, 1]), title="P(class 1)"),
        )
    )
    data = pd.DataFrame({"x1": points[:, 0], "x2": points[:, 1], "class": labels.astype(str)})
    dots = (
        alt.Chart(data)
        .mark_circle(size=22, stroke="white", strokeWidth=0.5)
        .encode(x="x1:Q", y="x2:Q", color=alt.Color("class:N", scale=alt.Scale(range=["#1a237e", "#bf360c"])))
    )
    return alt.layer(heat, dots).resolve_scale(color="independent").properties(title=title, width=320, height=320)


def make_loss_curves_chart(p, curves: dict) -> alt.HConcatChart:
    """Loss against the probability of the true class, and its gradient with respect to the true logit."""
    values = pd.concat(
        [
            pd.DataFrame({"p": p, "value": curves["cross_entropy"], "loss": "cross-entropy"}),
            pd.DataFrame({"p": p, "value": curves["mse"], "loss": "MSE (one-hot)"}),
        ]
    )
    grads = pd.concat(
        [
            pd.DataFrame({"p": p, "value": curves["cross_entropy_grad"], "loss": "cross-entropy"}),
            pd.DataFrame({"p": p, "value": curves["mse_grad"], "loss": "MSE (one-hot)"}),
        ]
    )
    color = alt.Color("loss:N", scale=alt.Scale(range=["#e65100", "#3f51b5"]), legend=alt.Legend(orient="bottom"))
    x = alt.X("p:Q", title="probability the model gives the true class")
    left = (
        alt.Chart(values)
        .mark_line()
        .encode(x=x, y=alt.Y("value:Q", title="loss"), color=color)
        .properties(title="The loss", width=330, height=260)
    )
    right = (
        alt.Chart(grads)
        .mark_line()
        .encode(x=x, y=alt.Y("value:Q", title="∂loss/∂(true-class logit)"), color=color)
        .properties(title="Its gradient (autodiff)", width=330, height=260)
    )
    return alt.hconcat(left, right)


def make_descent_1d_chart(curve_x, curve_y, rows: list[dict]) -> alt.LayerChart:
    """The loss curve and the points gradient descent visited, joined in order."""
    curve = (
        alt.Chart(pd.DataFrame({"w": curve_x, "loss": curve_y}))
        .mark_line(color="#90a4ae")
        .encode(x=alt.X("w:Q", scale=alt.Scale(domain=[float(min(curve_x)), float(max(curve_x))])), y="loss:Q")
    )
    steps = pd.DataFrame(rows)
    steps = steps[(steps["w"] >= min(curve_x)) & (steps["w"] <= max(curve_x))]
    path = (
        alt.Chart(steps)
        .mark_line(point=True, color="#e65100")
        .encode(
            x="w:Q",
            y="loss:Q",
            order="step:Q",
            tooltip=["step", alt.Tooltip("w:Q", format=".4f"), alt.Tooltip("gradient:Q", format=".4f")],
        )
    )
    return alt.layer(curve, path).properties(title="Gradient descent on one parameter")


def make_contour_chart(grid: dict, paths: dict[str, np.ndarray], title: str) -> alt.LayerChart:
    """A heat map of the loss (log colour) with each optimizer's path drawn over it."""
    data = pd.DataFrame(grid)
    xs, ys = np.unique(data["x"]), np.unique(data["y"])
    data["xb"], data["yb"] = data["x"] + (xs[1] - xs[0]), data["y"] + (ys[1] - ys[0])
    data["shade"] = data["loss"] - data["loss"].min() + 1e-3
    heat = (
        alt.Chart(data)
        .mark_rect()
        .encode(
            x=alt.X("x:Q", title="parameter 1", scale=alt.Scale(domain=[xs[0], xs[-1]], nice=False)),
            x2="xb:Q",
            y=alt.Y("y:Q", title="parameter 2", scale=alt.Scale(domain=[ys[0], ys[-1]], nice=False)),
            y2="yb:Q",
            color=alt.Color("shade:Q", scale=alt.Scale(type="log", scheme="greys", reverse=True), legend=None),
        )
    )
    frames = []
    for name, path in paths.items():
        inside = (path[:, 0] >= xs[0]) & (path[:, 0] <= xs[-1]) & (path[:, 1] >= ys[0]) & (path[:, 1] <= ys[-1])
        frames.append(
            pd.DataFrame({"x": path[:, 0], "y": path[:, 1], "step": np.arange(len(path)), "optimizer": name})[inside]
        )
    lines = (
        alt.Chart(pd.concat(frames) if frames else pd.DataFrame(columns=["x", "y", "step", "optimizer"]))
        .mark_line(point=alt.OverlayMarkDef(size=12), strokeWidth=2)
        .encode(
            x="x:Q",
            y="y:Q",
            order="step:Q",
            color=alt.Color("optimizer:N", scale=alt.Scale(scheme="category10")),
            tooltip=["optimizer", "step", alt.Tooltip("x:Q", format=".3f"), alt.Tooltip("y:Q", format=".3f")],
        )
    )
    return alt.layer(heat, lines).properties(title=title)
