"""The network: neurons, layers and trainable parameters, counted from the live Keras model."""

import io
from contextlib import redirect_stdout

import pandas as pd
import streamlit as st

from lib.graphs import network_dot, neuron_dot
from lib.models import build_mlp, param_rows
from lib.quiz import network_quiz
from ui.common import show_code

st.title("The network and its parameters")
st.markdown(
    """
Each neuron takes *n* inputs x₁ … xₙ and outputs **x₁·w₁ + … + xₙ·wₙ + b**, passed through an
activation function. Its *n* weights and its bias *b* are its **trainable parameters**: the numbers
training adjusts. A layer of neurons is one matrix multiplication (each column of the matrix holds
one neuron's weights), which a GPU computes in a single operation.
"""
)
st.graphviz_chart(neuron_dot(num_inputs=784, activation="activation (e.g. ReLU)"))

st.header("The notebook's network, built live")
hidden_units = st.slider(
    "Hidden-layer width (neurons)",
    1,
    512,
    64,
    key="network_width",
    persist_state="session",
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
)
st.metric("Trainable parameters in total", f"{total:,}")
st.graphviz_chart(network_dot(rows, "ReLU", "softmax"))

if hidden_units == 64:
    st.info(
        f"**A correction to the notebook this course is built on:** it says this network has "
        f"“12k dimensions”. Counted from the model, it has **{total:,}** trainable parameters, so "
        f"gradient descent moves through a {total:,}-dimensional space.",
        icon=":material/fact_check:",
    )
else:
    st.caption(f"With {hidden_units} hidden neurons: {total:,} parameters, one dimension each for gradient descent.")

with st.expander("Compare with Keras's own `model.summary()`", icon=":material/table:"):
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        model.summary(line_length=80)
    st.code(buffer.getvalue(), language=None)

st.header("Five questions before you go on")
st.markdown("Pick an answer for each, then check them. The explanations use the live numbers above.")
questions = network_quiz(rows)
choices = [
    st.radio(q.prompt, q.options, index=None, key=f"network_q{i}", persist_state="session")
    for i, q in enumerate(questions)
]
if st.button("Check my answers", icon=":material/task_alt:", key="network_check_button"):
    score = sum(q.is_correct(c) for q, c in zip(questions, choices, strict=True))
    st.subheader(f"Score: {score} / {len(questions)}")
    for q, choice in zip(questions, choices, strict=True):
        if choice is None:
            st.warning(f"**{q.prompt}** — not answered. {q.explanation}", icon=":material/help:")
        elif q.is_correct(choice):
            st.success(f"**{q.prompt}** — right. {q.explanation}", icon=":material/check:")
        else:
            st.error(
                f"**{q.prompt}** — not quite: the answer is “{q.options[q.answer]}”. {q.explanation}",
                icon=":material/close:",
            )

show_code(build_mlp, param_rows)
