"""Gradient descent: one parameter step by step, then two parameters with the real Keras optimizers."""

import numpy as np
import pandas as pd
import streamlit as st

from lib.charts import make_contour_chart, make_descent_1d_chart
from lib.descent import (
    CURVES_1D,
    SURFACES,
    all_paths,
    classify_descent,
    descent_1d,
    gradient_at,
    optimizer_path,
    surface_grid,
)
from ui.common import show_code

st.title("Gradient descent")
st.markdown(
    "Training adjusts each parameter a little in the direction that lowers the loss: **w ← w − learning rate × "
    "∂L/∂w**. Repeat for batch after batch, and the parameters roll downhill. The learning rate decides the size "
    "of each step: too small and training crawls, too large and it overshoots, bounces, or flies off."
)

st.header("One parameter")
curve_col, start_col, lr_col, steps_col = st.columns(4)
curve = curve_col.selectbox("Loss curve", list(CURVES_1D), key="descent_curve", persist_state="session")
start = start_col.slider("Start at w =", -3.0, 4.0, -1.0, 0.1, key="descent_start", persist_state="session")
learning_rate = lr_col.select_slider(
    "Learning rate",
    [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 0.9, 1.0, 1.05, 1.2],
    0.1,
    key="descent_lr",
    persist_state="session",
)
steps = steps_col.slider("Steps", 1, 60, 15, key="descent_steps", persist_state="session")
rows = descent_1d(curve, start, learning_rate, steps)
w_axis = np.linspace(-3.5, 4.5, 300)
st.altair_chart(make_descent_1d_chart(w_axis, CURVES_1D[curve](w_axis), rows), width="stretch", height=340)
last = rows[-1]
kind = classify_descent(rows)
if kind == "diverged":
    st.error(
        f"**Diverging.** With learning rate {learning_rate} each step overshoots the minimum by more than the "
        f"last: the gradient grew from {rows[0]['gradient']:.3g} to {last['gradient']:.3g}.",
        icon=":material/trending_up:",
    )
elif kind == "oscillating":
    st.warning(
        f"**Oscillating.** Each step jumps over the minimum to the other side (the gradient changes sign "
        f"every step). Now at w = {last['w']:.4f}, loss {last['loss']:.4f}.",
        icon=":material/swap_horiz:",
    )
elif kind == "slow":
    st.info(
        f"**Still on its way.** After {last['step']} steps w = {last['w']:.4f} and the gradient is "
        f"{last['gradient']:.3g}: a small learning rate takes many small steps.",
        icon=":material/hourglass_top:",
    )
else:
    st.success(
        f"**Converged.** After {last['step']} steps w = {last['w']:.4f}, loss {last['loss']:.4f}, "
        f"gradient {last['gradient']:.1e}.",
        icon=":material/check:",
    )
st.caption(
    "Grey: the loss curve. Orange: the points gradient descent visited, in order. The gradients come from "
    "TensorFlow's autodiff. On the bowl the minimum is at w = 2; the 'two valleys' curve also has a "
    "local minimum near w = 1.1 where a start on the right side gets stuck."
)
with st.expander("Each step's gradient and update", icon=":material/table:"):
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")

st.header("Two parameters, four optimizers")
st.markdown(
    "The same idea on a surface: the loss depends on two parameters and the gradient points uphill. Each path is "
    "computed by a real `keras.optimizers` object updating a `tf.Variable`, from the same start."
)
surface_col, lr2_col, steps2_col, noise_col = st.columns(4)
surface = surface_col.selectbox("Loss surface", list(SURFACES), key="descent_surface", persist_state="session")
learning_rate_2d = lr2_col.select_slider(
    "Learning rate",
    [0.001, 0.003, 0.01, 0.03, 0.05, 0.1, 0.15, 0.2, 0.3],
    0.05,
    key="descent_lr2",
    persist_state="session",
)
steps_2d = steps2_col.slider("Steps", 5, 300, 80, 5, key="descent_steps2", persist_state="session")
noise = noise_col.slider(
    "Gradient noise (stochastic)",
    0.0,
    3.0,
    0.0,
    0.1,
    key="descent_noise",
    persist_state="session",
    help="Adds random noise to each gradient, like the differences between mini-batches.",
)
start_2d = SURFACES[surface][3]


@st.cache_data(max_entries=64, show_spinner="Running the optimizers…")
def _paths(surface, start, learning_rate, steps, noise):
    return all_paths(surface, start, learning_rate, steps, noise), surface_grid(surface)


paths, grid = _paths(surface, start_2d, learning_rate_2d, steps_2d, noise)
st.altair_chart(make_contour_chart(grid, paths, f"{surface}: paths from {start_2d}"), width="stretch", height=480)
final = pd.DataFrame(
    [
        {
            "optimizer": name,
            "steps taken": len(path) - 1,
            "final parameter 1": path[-1, 0],
            "final parameter 2": path[-1, 1],
        }
        for name, path in paths.items()
    ]
)
st.dataframe(final, hide_index=True)
st.caption(
    "Darker is lower loss. SGD follows the gradient straight downhill, zig-zagging across a narrow valley. "
    "Momentum averages successive steps, so it builds up speed along the valley and smooths out noise. RMSprop "
    "and Adam divide each step by a running size of the gradient, so both parameters move at a similar pace. "
    "Turn up the noise to see the bouncing of stochastic gradient descent that the notebook describes."
)

st.header("Local minima and saddle points")
saddle = "saddle: x² − y² + y⁴/4"
gradient = gradient_at(saddle, (0.0, 0.0))
st.markdown(
    f"On the saddle surface the point (0, 0) is flat: its gradient is ({gradient[0]:.1f}, {gradient[1]:.1f}). "
    "It is a minimum along x but a maximum along y, so it is no minimum at all. In the 50,890 dimensions of the "
    "MNIST network almost every flat point is like this: some direction leads down. Start a hair's breadth off "
    "the ridge and see which optimizers find the way out to the valleys at y = ±1.41:"
)
offset = st.select_slider(
    "Start at (1.5, y₀) with y₀ =", [1e-6, 1e-4, 1e-2, 0.1], 1e-4, key="descent_offset", persist_state="session"
)


@st.cache_data(max_entries=16, show_spinner="Running the optimizers…")
def _escape_table(offset: float) -> pd.DataFrame:
    rows = []
    for name in ("sgd", "momentum", "rmsprop", "adam"):
        path = optimizer_path(saddle, name, (1.5, offset), 0.05, 200)
        escaped = np.flatnonzero(np.abs(path[:, 1]) > 1.0)
        rows.append(
            {
                "optimizer": name,
                "escaped after (steps)": int(escaped[0]) if len(escaped) else None,
                "y after 200 steps": path[-1, 1],
            }
        )
    return pd.DataFrame(rows)


st.dataframe(_escape_table(offset), hide_index=True)
st.caption(
    "Plain SGD's step is proportional to the tiny gradient near the ridge, so it lingers; Adam and RMSprop "
    "rescale the step by the gradient's size and leave quickly. None of them gets stuck for good."
)
show_code(descent_1d, optimizer_path)
