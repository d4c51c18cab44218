"""How a network learns: one real batch of 32 digits through the real network, and one step of training."""

from ui.router import through_the_router

through_the_router()  # first, before anything slow loads

# isort: split
import pandas as pd
import streamlit as st

from lib.charts import make_softmax_chart
from lib.glossary import link
from lib.learning import BATCH_SIZE, OneBatchAtATime
from lib.predictions import learning_epoch, learning_step
from ui.common import require_mnist, show_code
from ui.gate import gate

st.title("How a network learns")
st.markdown(
    f"""
The notebook's `model.fit` hides a loop. It takes a {link("batch")} of {BATCH_SIZE} training images and runs
four stages: the {link("forward pass")} (images in, scores out), the {link("loss")} (how wrong the scores are),
the {link("backward pass")} (a {link("gradient")} for every weight) and one {link("optimizer")} {link("step")}
(every weight nudged downhill). Then the next batch. One pass over all 60,000 images is an {link("epoch")}.
Here is that loop on real digits and the real 784-64-10 network, one step at a time.
"""
)
mnist = require_mnist()
if "learning_net" not in st.session_state:
    st.session_state["learning_net"] = OneBatchAtATime(mnist.x_train, mnist.y_train)
net: OneBatchAtATime = st.session_state["learning_net"]
left, right = st.columns(2)
if left.button("Next batch: one more step", type="primary", icon=":material/skip_next:", key="learning_step_button"):
    st.session_state["learning_report"] = net.step()
if right.button("Start again (fresh random weights)", icon=":material/restart_alt:", key="learning_reset_button"):
    st.session_state["learning_net"] = net = OneBatchAtATime(mnist.x_train, mnist.y_train)
    st.session_state.pop("learning_report", None)
if "learning_report" not in st.session_state:
    st.session_state["learning_report"] = net.step()
report = st.session_state["learning_report"]
st.caption(f"Step {net.batches_done} of the {net.batches_per_epoch:,} in one epoch.")

st.header("1. Forward pass: the shapes")
st.dataframe(
    pd.DataFrame([{"stage": k, "shape": " × ".join(map(str, v))} for k, v in report.shapes.items()]),
    hide_index=True,
)
st.markdown(
    f"Each of the {BATCH_SIZE} images becomes 784 numbers, 64 hidden values, then 10 {link('logit', 'logits')}: "
    f"raw scores, one per digit. {link('softmax', 'Softmax')} turns each row of logits into 10 probabilities."
)
first = int(st.slider("Look at image number", 1, BATCH_SIZE, 1, key="learning_image")) - 1
image_col, chart_col = st.columns([1, 3])
rows = net.order[report.batch_index * BATCH_SIZE : (report.batch_index + 1) * BATCH_SIZE]
image_col.image(
    mnist.x_train[rows[first]],
    caption=f"label {report.labels[first]}",
    width=140,
    alt=f"Image {first + 1} of this batch: a handwritten digit labelled {report.labels[first]}",
)
chart_col.altair_chart(make_softmax_chart(report.probabilities[first], true_class=int(report.labels[first])))
st.caption("Logits of this image: " + ", ".join(f"{v:.2f}" for v in report.logits[first]))

st.header("2. Loss, backward pass, one step")
st.metric("Cross-entropy on this batch, before the step", f"{report.loss_before:.4f}")
st.dataframe(pd.DataFrame(report.gradients), hide_index=True, width="stretch")
st.markdown(
    "The backward pass gives one gradient per weight array, with the array's own shape: 784 × 64 for the hidden "
    "layer's weights, 64 for its biases, and so on. Each gradient says how the batch's loss changes as that "
    "weight grows; the optimizer moves every weight a little the other way."
)
revealed = gate(
    learning_step(report, net.batches_done),
    keeps_reveal=True,  # each Next batch is offered as a new question, not forced
)
if revealed:
    change = report.loss_after - report.loss_before
    st.metric("The same batch, after the step", f"{report.loss_after:.4f}", f"{change:+.4f}", delta_color="inverse")
st.markdown(
    f"Every batch is a different random sample, so each step's gradient is a noisy estimate of the gradient on "
    f"all the data: that is {link('stochastic gradient descent')}. Full-batch gradient descent would compute the "
    f"gradient on all {len(mnist.y_train):,} images for every single step: exact, and {net.batches_per_epoch:,} times "
    "slower per step."
)
gate(learning_epoch(len(mnist.y_train), 128))
show_code(OneBatchAtATime.step)
