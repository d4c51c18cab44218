"""Backprop on one neuron: the notebook's experiment, its computation graph, and the chain rule in numbers."""

from ui.router import through_the_router

through_the_router()  # first, before anything slow loads

# isort: split
import pandas as pd
import streamlit as st

from lib import backprop_text, notebook
from lib.backprop import PARAMS, NeuronExperiment, finite_difference_gradient, manual_gradient
from lib.backprop_text import INTRO, agreement_sentence, divergence_warning, params_table, progress_sentence
from lib.chart_tables import neuron_history_table
from lib.charts import make_neuron_charts
from lib.graphs import computation_graph_dot, computation_graph_rows
from lib.predictions import backprop_bias, backprop_sign
from ui.a11y import data_table
from ui.backprop import neuron_settings, training_buttons
from ui.common import correction, graph_with_text, show_code
from ui.gate import gate
from ui.links import BACKPROP_LINK, BOUND, link_end, link_start

NUMBER = st.column_config.NumberColumn(format="%.4g")  # 1e-22, not 0.0000000000000000000001

st.title("Backpropagation on one neuron")
st.markdown(INTRO)

incoming = link_start()
experiment = neuron_settings()

st.header("1. Train it, as in the notebook")
experiment = training_buttons(experiment)

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
    data_table(neuron_history_table, experiment.history, formats=dict.fromkeys(["w1", "w2", "b", "loss"], "%.5g"))
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
