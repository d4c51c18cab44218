"""Gradient descent: one parameter step by step, then two parameters with the real Keras optimizers."""

from ui.router import through_the_router

through_the_router()  # first, before anything slow loads

# isort: split
import numpy as np
import streamlit as st

from lib import notebook
from lib.chart_tables import path_points_table
from lib.charts import make_contour_chart, make_descent_1d_chart
from lib.choices import OPTIMIZERS
from lib.descent import CURVES_1D, LEARNING_RATES_1D, curve_minima, descent_1d, descent_view, describe_descent
from lib.descent2d import (
    SADDLE,
    TWO_D_OPTIMIZERS,
    escape_table,
    gradient_at,
    optimizer_paths,
    path_table,
)
from lib.descent2d_text import describe_escapes, describe_paths
from lib.fmt import num
from lib.glossary import link
from lib.predictions import descent_learning_rate, descent_saddle
from ui import kept
from ui.a11y import data_table
from ui.common import correction, show_code
from ui.descent import one_d, two_d_paths, two_d_settings
from ui.gate import gate
from ui.links import BOUND, DESCENT_LINK, link_end, link_start

st.title("Gradient descent")
st.markdown(
    f"Training adjusts each {link('parameter')} a little in the direction that lowers the {link('loss')}: **w ← w − {link('learning rate')} × "
    "∂L/∂w**. Repeat for batch after batch, and the parameters roll downhill. The learning rate decides the size "
    "of each step: too small and training crawls, too large and it overshoots, bounces, or flies off."
)

STEPS_LABEL = "Each step's gradient and update"
incoming = link_start()
st.header("One parameter")
learning_rate_question = st.container()  # asked above the slider that would answer it
curve_col, start_col, lr_col, steps_col = st.columns(4)
curve = curve_col.selectbox("Loss curve", list(CURVES_1D), key="descent_curve", **BOUND)
start = start_col.slider("Start at w =", -3.0, 4.0, -1.0, 0.1, key="descent_start", **BOUND)
learning_rate = lr_col.select_slider(
    "Learning rate",
    LEARNING_RATES_1D,
    0.1,
    key="descent_lr",
    **BOUND,
)
steps = steps_col.slider("Steps", 1, 60, 15, key="descent_steps", **BOUND)
rows = one_d(curve, start, learning_rate, steps)
view = descent_view(curve, rows)
w_axis = np.linspace(view["low"], view["high"], 400)
kept.chart(make_descent_1d_chart, w_axis, CURVES_1D[curve].function(w_axis), view, height=340)
with learning_rate_question:
    gate(descent_learning_rate(start, learning_rate))
kind, sentence = describe_descent(rows, curve, learning_rate)
{"diverged": st.error, "oscillating": st.warning, "local minimum": st.warning}.get(kind, st.info)(sentence)
minima = curve_minima(curve)
where = " and ".join(f"w ≈ {num(m['w'], '.3f')} (loss {m['loss']:.3f})" for m in minima)
st.caption(
    f"Grey: the loss curve. Orange: every point gradient descent visited, joined in order; a black triangle marks "
    f"a point beyond the drawn range, placed at its edge ({view['off_chart']} now). The gradients come from "
    f"TensorFlow's autodiff. This curve's minima, found from its derivative: {where}."
)
formats = dict.fromkeys(["w", "loss", "gradient", "update"], "%.5g")
data_table(rows, label=STEPS_LABEL, formats=formats)
valleys = curve_minima("two valleys: w⁴/4 − w² + w/2 + 2")
correction(notebook.zero_derivative_is_not_enough(len(valleys)))

st.header("Two parameters, four optimizers")
st.markdown(
    "The same idea on a surface: the loss depends on two parameters and the gradient points uphill. Each path is "
    "computed by a real `keras.optimizers` object updating a `tf.Variable`, from the same start. Their rules: "
    + "; ".join(f"**{OPTIMIZERS[k].label}** {OPTIMIZERS[k].rule}" for k in TWO_D_OPTIMIZERS)
    + "."
)
two_d = two_d_settings()
paths, quiet, grid = two_d_paths(two_d)
title = f"{two_d.surface}: paths from {two_d.start}"
kept.chart(make_contour_chart, grid, paths, title, height=460)
formats = dict.fromkeys(["parameter 1", "parameter 2"], "%.5g")
data_table(path_points_table, paths, label="Every point of each path, as a table", formats=formats)
kept.table(
    path_table(two_d.surface, paths, two_d.steps, quiet),
    column_config={"final loss": st.column_config.NumberColumn(format="%.4g")},
)
if paths:
    st.markdown(" ".join(describe_paths(two_d.surface, paths, two_d.steps, quiet)))
else:
    st.info("Pick at least one optimizer to show.", icon=":material/info:")
st.caption(
    "Darker is lower loss. Each line is one optimizer's path; a ✕ marks where a path leaves the picture, drawn at "
    "its edge. The table and the sentences above are read off these same paths."
)
correction(notebook.not_stochastic_and_not_just_momentum())

st.header("Local minima and saddle points")
gradient = gradient_at(SADDLE, (0.0, 0.0))
st.markdown(
    f"On the saddle surface the point (0, 0) is flat: its gradient is ({gradient[0]:.1f}, {gradient[1]:.1f}). "
    "It is a minimum along x but a maximum along y, so it is no minimum at all. Start a hair's breadth off the "
    "ridge y = 0 and see which optimizers find the way out to the valleys at y = ±√2 ≈ ±1.41:"
)
offset = st.select_slider(
    "Start at (1.5, y₀) with y₀ =",
    [1e-6, 1e-4, 1e-2, 0.1],
    1e-4,
    format_func=lambda v: f"{v:g}",
    key="descent_offset",
    **BOUND,
)

escapes = escape_table(offset)
if gate(descent_saddle(escapes, offset), keeps_reveal=True):
    kept.table(escapes)
    st.markdown(describe_escapes(escapes))
correction(notebook.local_minima_exist(valleys[-1]["w"]))
link_end(incoming, DESCENT_LINK)
show_code(descent_1d, optimizer_paths, describe_paths)
