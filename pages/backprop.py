"""Backprop on one neuron: the notebook's experiment, its computation graph, and the chain rule in numbers."""

import altair as alt
import pandas as pd
import streamlit as st

from lib.backprop import PARAMS, TARGET, NeuronExperiment, finite_difference_gradient, manual_gradient
from lib.charts import thin_frame
from lib.graphs import computation_graph_dot
from lib.training import OPTIMIZERS
from ui.common import optimizer_selectbox, show_code

LEARNING_RATES = [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0]

st.title("Backpropagation on one neuron")
st.markdown(
    """
The notebook's "You try it": one neuron with two inputs and no activation, **f(x₁, x₂) = w₁·x₁ + w₂·x₂ + b**,
learns the function **y = 2·x₁ + x₂ + 1** from 1,000 random points, with the MSE loss
**L = mean((f − y)²)** and Adam at learning rate 0.001. One "epoch" is one step on all 1,000 points, as in
the notebook's `train()`. The notebook does this in PyTorch; here it is a Keras `Dense(1)` layer and TensorFlow's
`GradientTape`, and every gradient is shown as a number and checked three ways.
"""
)


def _reset():
    st.session_state["backprop_exp"] = NeuronExperiment(
        st.session_state["backprop_optimizer"], st.session_state["backprop_lr"], int(st.session_state["backprop_seed"])
    )
    st.session_state.pop("backprop_last_step", None)


left, middle, right = st.columns(3)
optimizer_selectbox(left, "backprop_optimizer", on_change=_reset)
middle.select_slider(
    "Learning rate",
    LEARNING_RATES,
    value=0.001,
    key="backprop_lr",
    persist_state="session",
    on_change=_reset,
    help="Changing the optimizer, learning rate or seed starts a fresh neuron.",
)
right.number_input(
    "Random seed (data and initial weights)",
    0,
    10_000,
    0,
    key="backprop_seed",
    persist_state="session",
    on_change=_reset,
)
if "backprop_exp" not in st.session_state:
    _reset()
experiment: NeuronExperiment = st.session_state["backprop_exp"]

st.header("1. Train it, as in the notebook")
train_col, epochs_col, step_col, reset_col = st.columns([1.2, 1, 1, 1], vertical_alignment="bottom")
epochs = epochs_col.number_input(
    "Epochs",
    1,
    20_000,
    1,
    key="backprop_epochs",
    persist_state="session",
    help="The notebook trains 1 epoch first, then 100 at a time.",
)
if train_col.button(
    f"Train {epochs:,} more epoch{'s' if epochs > 1 else ''}",
    type="primary",
    icon=":material/fitness_center:",
    key="backprop_train_button",
):
    with st.spinner(f"Training {epochs:,} epochs…"):
        experiment.train(epochs)
    st.session_state.pop("backprop_last_step", None)
if step_col.button("One step, explained", icon=":material/footprint:", key="backprop_step_button"):
    st.session_state["backprop_last_step"] = experiment.step()
if reset_col.button("Reset", icon=":material/restart_alt:", key="backprop_reset_button"):
    _reset()
    experiment = st.session_state["backprop_exp"]

history = thin_frame(pd.DataFrame(experiment.history))
before, now = experiment.history[0], experiment.history[-1]
table = pd.DataFrame(
    {
        "": ["w1", "w2", "b", "MSE on the 1,000 points"],
        "target": [2.0, 1.0, 1.0, 0.0],
        "before training": [before["w1"], before["w2"], before["b"], before["loss"]],
        f"after {experiment.epoch:,} epochs": [now["w1"], now["w2"], now["b"], now["loss"]],
    }
)
if experiment.epoch >= 1:
    first = experiment.history[1]
    table.insert(3, "after 1 epoch", [first["w1"], first["w2"], first["b"], first["loss"]])
st.dataframe(
    table, hide_index=True, column_config={c: st.column_config.NumberColumn(format="%.5f") for c in table.columns[1:]}
)

long = history.melt(id_vars="epoch", value_vars=list(PARAMS), var_name="parameter", value_name="value")
targets = pd.DataFrame({"parameter": list(TARGET), "value": list(TARGET.values())})
params_chart = (
    alt.Chart(long).mark_line().encode(x="epoch:Q", y="value:Q", color="parameter:N")
    + alt.Chart(targets).mark_rule(strokeDash=[4, 4]).encode(y="value:Q", color="parameter:N")
).properties(title="w1, w2 and b (dashed: the targets 2, 1, 1)")
loss_chart = (
    alt.Chart(history[history["loss"] > 0])
    .mark_line(color="#e65100")
    .encode(x="epoch:Q", y=alt.Y("loss:Q", scale=alt.Scale(type="log"), title="MSE (log scale)"))
    .properties(title="Loss on the training points")
)
chart_left, chart_right = st.columns(2)
chart_left.altair_chart(params_chart, width="stretch", height=300)
chart_right.altair_chart(loss_chart, width="stretch", height=300)
st.caption(
    "Adam moves each parameter by about one learning rate per step, so at 0.001 it needs thousands of epochs "
    "to walk from its random start to (2, 1, 1); at 0.1 it gets there in a few hundred. Try it."
)

step = st.session_state.get("backprop_last_step")
if step is not None:
    st.subheader(f"What step {experiment.epoch} did")
    rows = {"parameter": list(PARAMS), "before": step.before, "gradient g": step.gradient}
    if step.moments:
        mo = step.moments
        rows |= {"m": mo["m"], "v": mo["v"], "m̂ = m/(1−β₁ᵗ)": mo["m_hat"], "v̂ = v/(1−β₂ᵗ)": mo["v_hat"]}
        st.markdown(
            f"Adam (β₁ = {mo['beta_1']}, β₂ = {mo['beta_2']}, t = {mo['t']}): m ← β₁·m + (1−β₁)·g, "
            "v ← β₂·v + (1−β₂)·g², then w ← w − lr · m̂ / (√v̂ + ε̂). (Keras folds the bias corrections into "
            "the learning rate: lr·√(1−β₂ᵗ)/(1−β₁ᵗ) · m / (√v + ε).)"
        )
    else:
        rules = {
            "sgd": "w ← w − lr·g",
            "momentum": "v ← 0.9·v − lr·g, then w ← w + v",
            "rmsprop": "s ← 0.9·s + 0.1·g², then w ← w − lr·g / √(s + ε)",
            "adagrad": "s ← s + g², then w ← w − lr·g / √(s + ε)",
        }
        st.markdown(
            f"{OPTIMIZERS[step.optimizer][0]} (lr = {step.learning_rate:g}), as Keras computes it: "
            f"{rules[step.optimizer]}."
        )
    rows |= {"step (after − before)": step.after - step.before, "after": step.after}
    st.dataframe(pd.DataFrame(rows), hide_index=True)

st.header("2. The computation graph")
index = st.slider(
    "Show the forward values of data point number",
    0,
    len(experiment.y) - 1,
    0,
    key="backprop_point",
    persist_state="session",
)
values = experiment.point_values(index)
gradient = experiment.tape_gradient()
st.graphviz_chart(computation_graph_dot(values, gradient))
st.caption(
    "Boxes hold values from the forward pass for the chosen point (the framework keeps them, so backprop need "
    "not recompute them). Orange boxes are the parameters, each with its gradient ∂L/∂w for the whole batch. "
    "Edge labels are the local derivatives that the chain rule multiplies together on the way back."
)

st.header("3. The chain rule in numbers")
st.markdown(
    r"""
By the chain rule, $\frac{\partial L}{\partial w_1} = \frac{\partial L}{\partial f}\cdot\frac{\partial f}{\partial w_1}$,
averaged over the points, with $\frac{\partial L}{\partial f} = 2\,(f(X) - y)$ and $\frac{\partial f}{\partial w_1} = x_1$.
"""
)
st.warning(
    "**A correction to the notebook this course is built on:** it says the loss's derivative is "
    "“just 2(f(X))”. For l = (f(X) − y)² the derivative with respect to f is **2·(f(X) − y)**: the error, "
    f"not the prediction. For point {index} that is 2·({values['f']:.4f} − {values['y']:.4f}) = "
    f"{values['dL_df']:.4f}, while 2·f(X) would be {2 * values['f']:.4f}.",
    icon=":material/fact_check:",
)
chain = pd.DataFrame(experiment.chain_rule_rows())
st.dataframe(
    chain,
    hide_index=True,
    width="stretch",
    column_config={c: st.column_config.NumberColumn(format="%.3e") for c in chain.columns[2:]},
)
st.caption(
    "By hand: the chain-rule product computed in NumPy (float64). GradientTape: TensorFlow's automatic "
    "differentiation of the Keras model (float32). Finite difference: (L(w + h) − L(w − h)) / 2h with h = 1e-6. "
    "The tiny differences are float32 rounding."
)
show_code(manual_gradient, finite_difference_gradient, NeuronExperiment.tape_gradient, NeuronExperiment.step)
