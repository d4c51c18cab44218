"""The network: neurons, layers and trainable parameters, counted from the live Keras model."""

from ui.router import through_the_router

through_the_router()  # first, before anything slow loads

# isort: split
import io
from contextlib import redirect_stdout

import pandas as pd
import streamlit as st

from lib import notebook
from lib.choices import build_optimizer
from lib.glossary import link
from lib.graphs import network_dot, neuron_dot
from lib.models import build_mlp, optimizer_state_size, param_rows
from lib.predictions import network_width
from lib.quiz import network_quiz
from ui.common import correction, show_code
from ui.gate import gate
from ui.links import BOUND, lesson_link, link_end, link_start
from ui.quiz import quiz

st.title("The network and its parameters")
st.markdown(
    """
Each neuron takes *n* inputs x₁ … xₙ and outputs **x₁·w₁ + … + xₙ·wₙ + b**, passed through an
activation function. Its *n* {weights} and its {bias} *b* are its **trainable {parameters}**: the numbers
training adjusts. A layer of neurons is one matrix multiplication (each column of the matrix holds
one neuron's weights), which a GPU computes in a single operation.
""".format(weights=link("weight", "weights"), bias=link("bias"), parameters=link("parameter", "parameters"))
)
incoming = link_start()
st.graphviz_chart(neuron_dot(num_inputs=784, activation="activation (e.g. ReLU)"))

st.header("The notebook's network, built live")
hidden_units = st.slider(
    "Hidden-layer width (neurons)",
    1,
    512,
    64,
    key="network_width",
    **BOUND,
    help="The notebook uses 64. Every count below is read off a Keras model built with this width.",
)
model = build_mlp(hidden_units=hidden_units)
rows = param_rows(model)
total = sum(row.params for row in rows)

table = pd.DataFrame(
    [
        {"Layer": r.layer, "Type": r.kind, "Output shape": r.output_shape, "Parameters": r.params, "Formula": r.formula}
        for r in rows
    ]
)
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={"Parameters": st.column_config.NumberColumn(format="localized")},
    column_order=["Layer", "Parameters", "Formula", "Type", "Output shape"],  # the key ones fit a phone's width
)
st.metric("Trainable parameters in total", f"{total:,}")
st.graphviz_chart(network_dot(rows, "ReLU", "softmax"))

if hidden_units == 64:
    correction(notebook.twelve_k_dimensions(total))
else:
    st.caption(f"With {hidden_units} hidden neurons: {total:,} parameters, one dimension each for gradient descent.")

with st.expander("Compare with Keras's own `model.summary()`", icon=":material/table:"):
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        model.summary(line_length=80)
    st.code(buffer.getvalue(), language=None)
    state = optimizer_state_size(build_mlp(hidden_units=hidden_units), build_optimizer("adam", 0.001))
    st.caption(
        f"This is the summary before training. After `compile` and `fit`, Keras 3's summary also lists "
        f"“Optimizer params: {state:,}”: Adam keeps two running averages for each of the {total:,} parameters, "
        f"plus its step counter and learning rate, so the total it prints is {total + state:,}. Those are not "
        f"parameters of the network: training adjusts only the {total:,}."
    )

gate(network_width(hidden_units))

st.header("Three questions before you go on")
st.markdown(
    "The notebook's first three questions. Pick an answer for each, then check them: the explanations use the "
    "live numbers above (questions 4 and 5 wait in Activation functions, where ReLU and softmax are taught)."
)
quiz(network_quiz(rows), "network_q")

link_end(incoming, lesson_link("network_"))
show_code(build_mlp, param_rows)
