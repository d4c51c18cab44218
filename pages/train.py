"""Train MNIST: choose the math, start a run, watch it learn live, compare runs."""

from ui.router import through_the_router

through_the_router()  # first, before anything slow loads

# isort: split
import streamlit as st

from lib.lab.jobs import JOB_QUEUE
from lib.lab.keras_code import keras_code
from lib.lab.trainer import Trainer
from lib.predictions import train_step_frozen
from ui.common import require_mnist, show_code, visitor_id
from ui.gate import gate
from ui.lab.form import LINK_FORMS, settings_form
from ui.lab.live import live_view
from ui.lab.results import results
from ui.lab.runs import record_run, run_table
from ui.lab.shared import shared_note, start_run, stop_run
from ui.links import link_end, link_start

st.title("Train MNIST")
st.markdown(
    "The notebook trains its network with `model.fit(train_images, train_labels, epochs=5)` and reports about "
    "98% training and 97% test accuracy. Here you change one choice at a time and **see** what it does to "
    "learning. The defaults are the notebook's exact setup (ReLU, softmax, sparse cross-entropy, Adam at 0.001, "
    "batch 32, 5 epochs, all 60,000 training images); only 5% of those are held out by default to draw a "
    "validation curve: set that to 0 for the notebook's run exactly."
)
mnist = require_mnist()
job = st.session_state.get("train_job")
busy = job is not None and job.active


@st.cache_resource(show_spinner=False)
def _step_activation_check(_mnist):  # deterministic: checked once per server, not on every rerun
    return train_step_frozen(_mnist.x_train, _mnist.y_train)


gate(_step_activation_check(mnist))  # asked before the settings and results that would answer it

st.header("1. Choose the math")
incoming = link_start()
config = settings_form(len(mnist.y_train), len(mnist.y_test), busy)
link_end(incoming, LINK_FORMS)

st.header("2. Train")
buttons = st.container(horizontal=True)
start_col, stop_col = buttons, buttons
if start_col.button(
    "Start training",
    type="primary",
    icon=":material/play_arrow:",
    key="train_start_button",
    disabled=busy or config is None,
):
    if JOB_QUEUE.owner_busy(visitor_id()):
        st.warning(
            "You already have a run waiting or training in another tab of this browser: stop it there, or wait "
            "for it to end (one run per learner keeps the server fair for the class).",
            icon=":material/tab:",
        )
    else:
        job = start_run(config, mnist, visitor_id())
        busy = job.active
if stop_col.button("Stop", icon=":material/stop:", key="train_stop_button", disabled=not busy):
    job = stop_run(job, visitor_id())
    busy = job is not None and job.active
shared_note(job, config, mnist, visitor_id())
live_view(job, busy)

if job is not None and not job.active:
    record_run(job)
    results(job, mnist)
run_table(busy)

st.header("The Keras code for these settings")
st.markdown(
    "Copy it into a notebook: it builds the same network with the same initial weights and trains it on the same "
    "images with plain `model.fit`. Keras's `fit` shuffles the batches in its own order, so its curves and final "
    "accuracy differ a little from the lab's run, as two seeds would."
)
if config is not None:
    st.code(keras_code(config), language=None, wrap_lines=True)  # plain and wrapped: see ui.common.CODE_STYLE
show_code(Trainer.train_step, Trainer.loss_and_accuracy, label="Show the training step the lab runs on every batch")
