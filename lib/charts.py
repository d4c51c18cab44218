"""The lessons' Altair charts: pure functions from numbers to alt.Chart (tested through chart.to_dict()).

Colours come from one named palette, so a caption that names a colour names the one on screen.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from lib import chart_text
from lib.series import thin_frame

PALETTE = {
    "primary": "#3f51b5",  # blue: the main curve or series
    "accent": "#e65100",  # orange: the second series, the thing to look at
    "muted": "#78909c",  # grey: context, noisy raw data (3.3:1 on white, as marks need)
    "class0": "#1a237e",
    "class1": "#bf360c",
}
COLOR_WORDS = {"primary": "blue", "accent": "orange", "muted": "grey"}
# Series told apart by colour (each at least 3:1 on white) and by line style as well, never by colour alone.
PATH_COLORS = [PALETTE["primary"], PALETTE["accent"], "#2e7d32", "#6a1b9a", "#00838f", "#5d4037"]
PATH_DASHES = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3], [12, 4], [1, 3]]


def make_activation_chart(x, y, dy, title: str) -> alt.Chart:
    """An activation f(x) (solid, primary) and its derivative f'(x) (dashed, accent) on one set of axes."""
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
            x=alt.X("x:Q"),
            y=alt.Y("value:Q", title=None),
            color=alt.Color("curve:N", scale=alt.Scale(range=[PALETTE["primary"], PALETTE["accent"]]), legend=None),
            strokeDash=alt.StrokeDash("curve:N", legend=None),
            tooltip=[alt.Tooltip("curve"), alt.Tooltip("x:Q", format=".2f"), alt.Tooltip("value:Q", format=".4f")],
        )
        .properties(
            title=alt.Title(
                title,
                # one line each: a third of a desktop page, or a phone, is too narrow for both on one line
                subtitle=[
                    f"f(x): solid {COLOR_WORDS['primary']}",
                    f"f′(x) by autodiff: dashed {COLOR_WORDS['accent']}",
                ],
            ),
            description=chart_text.activation_text(x, y, dy, title),
        )
    )


def make_softmax_chart(probabilities, true_class: int | None = None, title: str = "probabilities") -> alt.Chart:
    """Bars of class probabilities; the most probable (all of them, on a tie) in the accent colour, the true
    class (when given) outlined."""
    probabilities = np.asarray(probabilities, dtype=float)
    data = pd.DataFrame({"class": np.arange(len(probabilities)), "probability": probabilities})
    data["predicted"] = np.isclose(probabilities, probabilities.max(), rtol=0, atol=1e-12)
    data["true"] = data["class"] == true_class
    subtitle = f"{COLOR_WORDS['accent']}: the prediction" + (
        "; black outline: the true class" if true_class is not None else ""
    )
    return (
        alt.Chart(data)
        .mark_bar(strokeWidth=3)
        .encode(
            x=alt.X("class:O"),
            y=alt.Y("probability:Q", scale=alt.Scale(domain=[0, 1])),
            # Scales on the two flags rather than alt.condition: the same picture, built far faster by Altair
            # (a lesson redraws this chart on every new batch or example).
            color=alt.Color(
                "predicted:N",
                scale=alt.Scale(domain=[False, True], range=[PALETTE["primary"], PALETTE["accent"]]),
                legend=None,
            ),
            stroke=alt.Stroke(
                "true:N", scale=alt.Scale(domain=[False, True], range=["transparent", "black"]), legend=None
            ),
            tooltip=[alt.Tooltip("class:O"), alt.Tooltip("probability:Q", format=".4g"), alt.Tooltip("true:N")],
        )
        .properties(
            height=240,
            title=alt.Title(title, subtitle=subtitle),
            description=chart_text.softmax_text(probabilities, true_class),
        )
    )


def make_boundary_chart(result, points, labels, title: str, sentence: str | None = None) -> alt.LayerChart:
    """P(class 1) over the plane as a heat map, the 0.5 boundary where it changes colour, and the data (class 0
    circles, class 1 squares). `sentence`: describe_boundary(result), when the caller has it already."""
    from lib.boundary import describe_boundary  # the sentence the page's caption uses

    grid = pd.DataFrame({"x1": result.grid_x, "x2": result.grid_y, "p": result.grid_probability})
    step_x, step_y = (float(np.diff(np.unique(v))[:1].sum()) or 0.1 for v in (result.grid_x, result.grid_y))  # cells
    grid["x1b"], grid["x2b"] = grid["x1"] + step_x, grid["x2"] + step_y
    heat = (
        alt.Chart(grid)
        .mark_rect(opacity=0.55)
        .encode(
            x=alt.X("x1:Q", title="x₁"),
            x2=alt.X2("x1b:Q"),
            y=alt.Y("x2:Q", title="x₂"),
            y2=alt.Y2("x2b:Q"),
            color=alt.Color("p:Q", scale=alt.Scale(scheme="blueorange", domain=[0, 1]), title="P(class 1)"),
        )
    )
    data = pd.DataFrame({"x1": points[:, 0], "x2": points[:, 1], "class": labels.astype(str)})
    dots = (
        alt.Chart(data)
        .mark_point(size=22, stroke="white", strokeWidth=0.5, filled=True, opacity=1)
        .encode(
            x=alt.X("x1:Q"),
            y=alt.Y("x2:Q"),
            color=alt.Color("class:N", scale=alt.Scale(range=[PALETTE["class0"], PALETTE["class1"]])),
            shape=alt.Shape("class:N", scale=alt.Scale(range=["circle", "square"])),
        )
    )
    return alt.LayerChart(  # built once: layer() then resolve_scale() then properties() would copy it thrice
        layer=[heat, dots],
        resolve=alt.Resolve(scale=alt.ScaleResolveMap(color="independent")),
        title=title,
        height=320,
        description=chart_text.boundary_text(result, labels, title, sentence or describe_boundary(result)),
    )


def make_loss_curves_chart(p, curves: dict) -> alt.VConcatChart:
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
    color = alt.Color(
        "loss:N",
        scale=alt.Scale(domain=["cross-entropy", "MSE (one-hot)"], range=[PALETTE["accent"], PALETTE["primary"]]),
        legend=alt.Legend(orient="bottom"),
    )
    dash = alt.StrokeDash("loss:N", scale=alt.Scale(domain=["cross-entropy", "MSE (one-hot)"], range=[[1, 0], [6, 3]]))
    x = alt.X("p:Q", title="probability the model gives the true class")
    left = (
        alt.Chart(values)
        .mark_line()
        .encode(x=x, y=alt.Y("value:Q", title="loss"), color=color, strokeDash=dash)
        .properties(title="The loss", width="container", height=240)
    )
    right = (
        alt.Chart(grads)
        .mark_line()
        .encode(x=x, y=alt.Y("value:Q", title="∂loss/∂(true-class logit)"), color=color, strokeDash=dash)
        .properties(title="Its gradient (autodiff)", width="container", height=240)
    )
    return alt.vconcat(left, right).properties(
        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
        description=chart_text.loss_curves_text(p, curves),
    )


def make_descent_1d_chart(curve_x, curve_y, view: dict) -> alt.LayerChart:
    """The loss curve (muted) and every point gradient descent visited (accent), joined in order.

    view comes from lib.descent.descent_view: points beyond the drawn range sit at its edge as triangles.
    """
    curve = (
        alt.Chart(pd.DataFrame({"w": curve_x, "loss": curve_y}))
        .mark_line(color=PALETTE["muted"])
        .encode(
            x=alt.X("w:Q", title="w", scale=alt.Scale(domain=[view["low"], view["high"]], nice=False)),
            y=alt.Y("loss:Q", title="loss"),
        )
    )
    steps = pd.DataFrame(view["points"])
    tooltip = [
        alt.Tooltip("step"),
        *(alt.Tooltip(f, format=".4g") for f in ("w:Q", "loss:Q")),
        alt.Tooltip("off_chart"),
    ]
    path = (
        alt.Chart(steps)
        .mark_line(color=PALETTE["accent"], point=alt.OverlayMarkDef(color=PALETTE["accent"], size=40))
        .encode(
            x=alt.X("shown_w:Q", title="w"),
            y=alt.Y("shown_loss:Q", title="loss"),
            order=alt.Order("step:Q"),
            tooltip=tooltip,
        )
    )
    edge = (
        alt.Chart(steps[steps["off_chart"]])
        .mark_point(shape="triangle", size=160, color="black", filled=True, aria=False)  # told in the description
        .encode(x=alt.X("shown_w:Q", title="w"), y=alt.Y("shown_loss:Q", title="loss"), tooltip=tooltip)
    )
    return alt.layer(curve, path, edge).properties(
        title="Gradient descent on one parameter", description=chart_text.descent_1d_text(view)
    )


def clip_path(path: np.ndarray, x_range, y_range) -> dict[str, np.ndarray]:
    """A path placed on a chart's ranges, as columns: a point outside is drawn at the edge and flagged, not dropped."""
    finite = path[np.isfinite(path).all(axis=1)]
    shown = np.stack([np.clip(finite[:, 0], *x_range), np.clip(finite[:, 1], *y_range)], axis=1)
    return {
        "x": shown[:, 0],
        "y": shown[:, 1],
        "true x": finite[:, 0],
        "true y": finite[:, 1],
        "step": np.arange(len(finite)),
        "off chart": (shown != finite).any(axis=1),
    }


def make_contour_chart(grid: dict, paths: dict[str, np.ndarray], title: str) -> alt.LayerChart:
    """A heat map of the loss (log colour) with each optimizer's path over it; off-chart points marked ✕."""
    data = pd.DataFrame(grid)
    xs, ys = np.unique(data["x"]), np.unique(data["y"])
    data["xb"], data["yb"] = data["x"] + (xs[1] - xs[0]), data["y"] + (ys[1] - ys[0])
    data["shade"] = data["loss"] - data["loss"].min() + 1e-3
    x_range, y_range = (xs[0], xs[-1] + (xs[1] - xs[0])), (ys[0], ys[-1] + (ys[1] - ys[0]))
    heat = (
        alt.Chart(data)
        .mark_rect()
        .encode(
            x=alt.X("x:Q", title="parameter 1", scale=alt.Scale(domain=list(x_range), nice=False)),
            x2=alt.X2("xb:Q"),
            y=alt.Y("y:Q", title="parameter 2", scale=alt.Scale(domain=list(y_range), nice=False)),
            y2=alt.Y2("yb:Q"),
            color=alt.Color("shade:Q", scale=alt.Scale(type="log", scheme="greys", reverse=True), legend=None),
        )
    )
    frames = [clip_path(path, x_range, y_range) for path in paths.values()]
    points = pd.DataFrame(  # one frame from whole columns: building one per path and joining them is 10× slower
        {column: np.concatenate([frame[column] for frame in frames]) for column in frames[0]}
        | {"optimizer": np.repeat(list(paths), [len(frame["step"]) for frame in frames])}
        if frames
        else dict.fromkeys(["x", "y", "true x", "true y", "step", "off chart", "optimizer"], [])
    )
    legend = alt.Legend(orient="bottom", columns=2, labelLimit=0)  # every optimizer named, even on a phone
    color = alt.Color("optimizer:N", scale=alt.Scale(domain=list(paths), range=PATH_COLORS), legend=legend)
    # Dashes tell the paths apart without colour; a legend of its own drew a second list of black dots.
    dash = alt.StrokeDash("optimizer:N", scale=alt.Scale(domain=list(paths), range=PATH_DASHES), legend=None)
    tooltip = [alt.Tooltip("optimizer:N"), alt.Tooltip("step:Q")]
    tooltip += [alt.Tooltip(f"true {axis}:Q", format=".4g") for axis in "xy"]
    lines = (
        alt.Chart(points)
        .mark_line(point=alt.OverlayMarkDef(size=12), strokeWidth=2)
        .encode(
            x=alt.X("x:Q"), y=alt.Y("y:Q"), order=alt.Order("step:Q"), color=color, strokeDash=dash, tooltip=tooltip
        )
    )
    off = (
        alt.Chart(points[points["off chart"]] if len(points) else points)
        .mark_point(shape="cross", size=200, filled=True, strokeWidth=1, aria=False)  # told in the description
        .encode(x=alt.X("x:Q"), y=alt.Y("y:Q"), color=color.legend(None), tooltip=tooltip)  # each path's colour
    )
    off_chart = {name: int(frame["off chart"].sum()) for name, frame in zip(paths, frames, strict=True)}
    return alt.LayerChart(  # one LayerChart, not layer() then resolve_scale() then properties(): each copies it all
        layer=[heat, lines, off],
        resolve=alt.Resolve(scale=alt.ScaleResolveMap(color="independent")),  # greys for the loss, colours for paths
        title=title,
        description=chart_text.contour_text(title, paths, off_chart),
    )


def make_neuron_charts(history: list[dict], targets: dict | None = None) -> tuple[alt.LayerChart, alt.Chart]:
    """The one-neuron experiment: w1, w2 and b against epochs with their targets dashed; the loss on a log axis."""
    targets = targets or {"w1": 2.0, "w2": 1.0, "b": 1.0}
    frame = thin_frame(pd.DataFrame(history))
    long = frame.melt(id_vars="epoch", value_vars=list(targets), var_name="parameter", value_name="value")
    rules = pd.DataFrame({"parameter": list(targets), "value": list(targets.values())})
    parameter = alt.Color("parameter:N", scale=alt.Scale(domain=list(targets), range=PATH_COLORS[: len(targets)]))
    params_text, loss_text = chart_text.neuron_text(frame, targets)
    params = (
        alt.Chart(long).mark_line().encode(x=alt.X("epoch:Q"), y=alt.Y("value:Q"), color=parameter)
        + alt.Chart(rules).mark_rule(strokeDash=[4, 4]).encode(y=alt.Y("value:Q"), color=parameter)
        + alt.Chart(long.groupby("parameter").tail(1))  # each line named at its end, not by colour alone
        .mark_text(align="left", dx=6)
        .encode(x=alt.X("epoch:Q"), y=alt.Y("value:Q"), text=alt.Text("parameter:N"), color=parameter)
    ).properties(title="w1, w2 and b (dashed: the targets 2, 1, 1)", description=params_text)
    loss = (
        alt.Chart(frame[frame["loss"] > 0])
        .mark_line(color=PALETTE["accent"])
        .encode(x=alt.X("epoch:Q"), y=alt.Y("loss:Q", scale=alt.Scale(type="log"), title="MSE (log scale)"))
        .properties(title="Loss on the training points", description=loss_text)
    )
    return params, loss
