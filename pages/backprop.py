"""Backprop on one neuron: the notebook's experiment, its computation graph, and the chain rule in numbers."""

from ui.router import through_the_router

through_the_router()  # first, before anything slow loads

# isort: split
import pandas as pd
import streamlit as st

from lib import backprop_text, notebook
from lib.backprop import MAX_EPOCHS_PER_CALL, PARAMS, NeuronExperiment, finite_difference_gradient, manual_gradient
from lib.backprop_text import INTRO, agreement_sentence, divergence_warning, params_table, progress_sentence
from lib.chart_tables import neuron_history_table
from lib.charts import make_neuron_charts
from lib.fmt import plural
from lib.graphs import computation_graph_dot, computation_graph_rows
from lib.lab.jobs import JOB_QUEUE
from lib.predictions import backprop_bias, backprop_sign
from ui.a11y import data_table
from ui.common import correction, graph_with_text, show_code, visitor_id
from ui.gate import gate
from ui.links import BACKPROP_LINK, BOUND, link_end, link_start
from ui.widgets import optimizer_selectbox

NUMBER = st.column_config.NumberColumn(format="%.4g")  # 1e-22, not 0.0000000000000000000001
LEARNING_RATES = [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0]

st.title("Backpropagation on one neuron")
st.markdown(INTRO)

incoming = link_start()


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
    **BOUND,
    on_change=_reset,
    help="Changing the optimizer, learning rate or seed starts a fresh neuron.",
)
right.number_input(
    "Random seed (data and initial weights)",
    0,
    10_000,
    0,
    key="backprop_seed",
    **BOUND,
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
    MAX_EPOCHS_PER_CALL,
    1,
    key="backprop_epochs",
    **BOUND,
    help="The notebook trains 1 epoch first, then 100 at a time.",
)
if train_col.button(f"Train {plural(epochs, 'more epoch')}", type="primary", key="backprop_train_button"):
    with st.spinner(f"Training {epochs:,} epochs…"), JOB_QUEUE.place(visitor_id()) as got_a_place:
        if got_a_place:  # the same cap on simultaneous trainings as the Train MNIST lab
            experiment.train(epochs)
        else:
            st.warning("The server is busy training for the class: try again in a moment.", icon=":material/timer:")
    st.session_state.pop("backprop_last_step", None)
if step_col.button("One step, explained", icon=":material/footprint:", key="backprop_step_button"):
    st.session_state["backprop_last_step"] = experiment.step()
if reset_col.button("Reset", icon=":material/restart_alt:", key="backprop_reset_button"):
    _reset()
    experiment = st.session_state["backprop_exp"]

columns = params_table(experiment)
table = pd.DataFrame(columns)
st.dataframe(
    table, hide_index=True, column_config={c: st.column_config.NumberColumn(format="%.5g") for c in table.columns[1:]}
)
warning = divergence_warning(experiment)
if warning:
    st.error(warning, icon=":material/trending_up:")
if experiment.epoch == 0:
    st.info("Train the neuron to see its parameters and its loss change, epoch by epoch.", icon=":material/info:")
else:
    params_chart, loss_chart = make_neuron_charts(experiment.history)
    chart_left, chart_right = st.columns(2)
    chart_left.altair_chart(params_chart, width="stretch", height=300)
    chart_right.altair_chart(loss_chart, width="stretch", height=300)
    data_table(neuron_history_table(experiment.history).style.format("{:.5g}", subset=["w1", "w2", "b", "loss"]))
    st.caption(progress_sentence(experiment))

gradient = experiment.tape_gradient()  # ∂L/∂(w1, w2, b) now: the gates and the graph all read this one
gate(backprop_sign(experiment, gradient))
gradients_revealed = gate(backprop_bias(experiment, gradient), True, "the computation graph and the table below")

step = st.session_state.get("backprop_last_step")
if step is not None:
    st.subheader(f"What step {experiment.epoch} did")
    rows = backprop_text.step_columns(step, PARAMS)
    st.markdown(backprop_text.step_rule(step))
    st.dataframe(pd.DataFrame(rows), hide_index=True, column_config={c: NUMBER for c in rows if c != "parameter"})

st.header("2. The computation graph")
index = st.slider(
    "Show the forward values of data point number i =",
    0,
    len(experiment.y) - 1,
    0,
    key="backprop_point",
    **BOUND,
)
values = experiment.point_values(index)
if gradients_revealed:
    graph_with_text(computation_graph_dot(values, gradient), computation_graph_rows(values, gradient))
st.caption(
    f"Values in the boxes come from the forward pass for point i = {index} (the framework keeps them, so backprop "
    "need not recompute them). Orange boxes are the parameters: each shows the gradient of this point's loss lᵢ "
    f"and of the batch loss L, the mean over all {len(experiment.y):,} points. Edge labels are the local "
    "derivatives that the chain rule multiplies together on the way back."
)

st.header("3. The chain rule in numbers")
st.markdown(
    r"""
By the chain rule, $\frac{\partial l_i}{\partial w_1} = \frac{\partial l_i}{\partial f_i}\cdot
\frac{\partial f_i}{\partial w_1}$ with $\frac{\partial l_i}{\partial f_i} = 2\,(f_i - y_i)$ and
$\frac{\partial f_i}{\partial w_1} = x_{1i}$; the batch gradient $\frac{\partial L}{\partial w_1}$ is the mean of
these over the points.
"""
)
correction(notebook.backprop_mistakes(index, values["f"], values["y"]))
chain_rows = experiment.chain_rule_rows()
chain = pd.DataFrame(chain_rows)
if gradients_revealed:
    st.dataframe(
        chain,
        hide_index=True,
        width="stretch",
        column_config={c: st.column_config.NumberColumn(format="%.3e") for c in chain.columns[2:]},
    )
    st.caption(agreement_sentence(chain_rows))
link_end(incoming, BACKPROP_LINK)
show_code(manual_gradient, finite_difference_gradient, NeuronExperiment.tape_gradient)
