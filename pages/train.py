"""Train MNIST: choose the math, start a run, watch it learn live, compare runs."""

import pandas as pd
import streamlit as st

from lib.charts import make_confusion_chart, make_per_class_chart, make_runs_overlay_chart, make_training_chart
from lib.models import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from lib.training import (
    JOB_QUEUE,
    LOSSES,
    OPTIMIZERS,
    REFRESH_SECONDS,
    ConfigError,
    TrainConfig,
    Trainer,
    TrainingJob,
    keras_code,
    run_record,
    split_indices,
)
from ui.common import optimizer_selectbox, require_mnist, show_code

LEARNING_RATES = [m * 10.0**e for e in range(-5, 2) for m in (1, 2, 5)] + [100.0]
ACTIVATION_NOTES = {
    "relu": "ReLU — max(0, x), the notebook's choice",
    "sigmoid": "sigmoid — squashes to (0, 1)",
    "tanh": "tanh — squashes to (−1, 1)",
    "elu": "ELU — smooth ReLU",
    "linear": "none (linear) — the net collapses to one linear classifier",
    "step": "step — the brain's threshold; zero gradient",
}

st.title("Train MNIST")
st.markdown(
    "The notebook trains its network with `model.fit(train_images, train_labels, epochs=5)` and reports about "
    "98% training and 97% test accuracy. Here you change one choice at a time and **see** what it does to "
    "learning. The defaults are the notebook's exact setup (ReLU, softmax, sparse cross-entropy, Adam at 0.001, "
    "batch 32, 5 epochs, all 60,000 training images); only 5% of those are held out by default to draw a "
    "validation curve: set that to 0 for the notebook's run exactly."
)
mnist = require_mnist()

st.session_state.setdefault("train_lr", OPTIMIZERS["adam"][1])
st.session_state.setdefault("train_runs", [])
job = st.session_state.get("train_job")
busy = job is not None and job.active


def _learning_rate_follows_optimizer():
    st.session_state["train_lr"] = OPTIMIZERS[st.session_state["train_optimizer"]][1]


st.header("1. Choose the math")
left, middle, right = st.columns(3)
with left:
    st.markdown("**Network**")
    hidden_activation = st.selectbox(
        "Hidden activation",
        list(HIDDEN_ACTIVATIONS),
        format_func=ACTIVATION_NOTES.get,
        key="train_hidden_activation",
        persist_state="session",
        disabled=busy,
    )
    hidden_units = st.slider(
        "Hidden neurons", 1, 512, 64, key="train_hidden_units", persist_state="session", disabled=busy
    )
    output_activation = st.selectbox(
        "Output activation",
        OUTPUT_ACTIVATIONS,
        key="train_output_activation",
        persist_state="session",
        disabled=busy,
        help="softmax gives 10 probabilities that sum to 1; sigmoid scores each digit on its own.",
    )
with middle:
    st.markdown("**Loss and optimizer**")
    loss = st.selectbox(
        "Loss", list(LOSSES), format_func=LOSSES.get, key="train_loss", persist_state="session", disabled=busy
    )
    optimizer = optimizer_selectbox(st, "train_optimizer", _learning_rate_follows_optimizer, disabled=busy)
    learning_rate = st.select_slider(
        "Learning rate (log scale)",
        LEARNING_RATES,
        key="train_lr",
        persist_state="session",
        format_func=lambda v: f"{v:g}",
        disabled=busy,
        help="Changing the optimizer resets this to that optimizer's Keras default.",
    )
with right:
    st.markdown("**Data and schedule**")
    batch_size = st.select_slider(
        "Batch size",
        [8, 16, 32, 64, 128, 256, 512, 1024],
        32,
        key="train_batch",
        persist_state="session",
        disabled=busy,
    )
    epochs = st.slider("Epochs", 1, 20, 5, key="train_epochs", persist_state="session", disabled=busy)
    data_percent = st.slider(
        "Share of the 60,000 training images (%)",
        1,
        100,
        100,
        key="train_data_percent",
        persist_state="session",
        disabled=busy,
        help="Use less for a quick run.",
    )
    validation_percent = st.slider(
        "Held out for validation (%)",
        0,
        30,
        5,
        key="train_val_percent",
        persist_state="session",
        disabled=busy,
        help="A part of the training images the model never trains on, to see how well it generalises.",
    )
    seed = st.number_input("Random seed", 0, 2**31 - 1, 0, key="train_seed", persist_state="session", disabled=busy)

config = TrainConfig(
    hidden_activation=hidden_activation,
    hidden_units=hidden_units,
    output_activation=output_activation,
    loss=loss,
    optimizer=optimizer,
    learning_rate=learning_rate,
    batch_size=batch_size,
    epochs=epochs,
    data_fraction=data_percent / 100,
    validation_fraction=validation_percent / 100,
    seed=int(seed),
)
try:
    config.validated()
    train_idx, val_idx = split_indices(config, len(mnist.y_train))
    st.caption(
        f"Trains on {len(train_idx):,} images ({-(-len(train_idx) // batch_size):,} batches of {batch_size} per "
        f"epoch), validates on {len(val_idx):,}, tests on the {len(mnist.y_test):,} test images."
    )
except ConfigError as error:
    st.error(str(error), icon=":material/error:")
    config = None

st.header("2. Train")
start_col, stop_col, _ = st.columns([1, 1, 4])
if start_col.button(
    "Start training",
    type="primary",
    icon=":material/play_arrow:",
    key="train_start_button",
    disabled=busy or config is None,
):
    job = st.session_state["train_job"] = TrainingJob(config, mnist).start()
    busy = True
if stop_col.button("Stop", icon=":material/stop:", key="train_stop_button", disabled=not busy):
    job.stop()
    st.toast("Stopping after the current chunk of batches; the model keeps what it learned.")


@st.fragment(run_every=REFRESH_SECONDS if busy else None)
def live_progress():
    """Redrawn every REFRESH_SECONDS while a run is going; the run itself lives in a worker thread."""
    # One container holds everything this fragment draws, however many elements that is this time, so a
    # redraw never spills over the elements that follow it on the page.
    with st.container():
        _draw_progress()


def _draw_progress():
    job = st.session_state.get("train_job")
    if job is None:
        st.info("Choose the settings above and press **Start training**.", icon=":material/info:")
        return
    snap = job.snapshot()
    if snap.state == "queued":
        st.info(
            f"Queued: {JOB_QUEUE.running_count()} of at most {JOB_QUEUE.capacity} trainings are running on this "
            f"server. Yours is number {snap.queue_position} in line and starts by itself.",
            icon=":material/hourglass_top:",
        )
        st.progress(0.0, text="Waiting for a free place to train…")
    elif snap.state == "starting":
        st.progress(0.0, text="Building the network and compiling the training loop…")
    else:
        total = job.config.epochs * snap.steps_per_epoch
        done = min(total, snap.epoch * snap.steps_per_epoch + snap.step)
        left = "" if snap.eta_s is None else f" · about {snap.eta_s:.0f} s left"
        st.progress(
            done / total if total else 0.0,
            text=f"Epoch {min(snap.epoch + 1, job.config.epochs)} of {job.config.epochs} · batch {snap.step:,} of "
            f"{snap.steps_per_epoch:,} · {snap.elapsed_s:.1f} s{left} · {snap.state} on {snap.device}",
        )
    if snap.history.batch_loss:
        # While it runs, the epoch axis spans the whole run; once it has ended (a stop or a divergence may come
        # early), the axis fits the curves it has, so a few batches stay visible.
        epochs_axis = job.config.epochs if job.active else None
        st.vega_lite_chart(make_training_chart(snap.history, snap.steps_per_epoch, epochs_axis), width="content")
        st.caption(
            "Grey: the loss and accuracy of each batch, smoothed (single batches are noisy: that is the "
            "*stochastic* in stochastic gradient descent). Blue: the mean over each epoch. Orange: the held-out "
            "validation images, measured at the end of each epoch. The loss axis is logarithmic."
        )
    if job.active:
        return
    runs = st.session_state["train_runs"]
    number = next((i for i, run in enumerate(runs, start=1) if run["id"] == job.id), len(runs) + 1)
    if snap.state == "diverged":
        st.error(f"**Run {number}: training diverged.** {snap.message}", icon=":material/warning:")
    elif snap.state == "failed":
        st.error(f"Run {number}: {snap.message}", icon=":material/error:")
    else:
        st.success(f"Run {number}: {snap.message}", icon=":material/check_circle:")
    if st.session_state.get("train_drawn_job") != job.id:
        st.session_state["train_drawn_job"] = job.id
        st.rerun(scope="app")  # the run ended: redraw the whole page with its results


live_progress()
# Streamlit 1.67's browser side drops the one element that follows a run_every fragment after that fragment
# asks for a full rerun (seen in Chromium, not in AppTest); an empty placeholder takes that slot.
st.empty()

if job is not None and not job.active:
    snap = job.snapshot()
    runs = st.session_state["train_runs"]
    if not any(run["id"] == job.id for run in runs):
        runs.append(
            {
                "id": job.id,
                "record": run_record(job.config, snap, job.result),
                "history": snap.history,
                "steps": snap.steps_per_epoch,
            }
        )

    result = job.result
    if result is not None:
        st.header("3. Results on the 10,000 test images")
        last = snap.history.epochs[-1] if snap.history.epochs else {}
        cols = st.columns(4)
        cols[0].metric("Test accuracy", f"{result.accuracy:.2%}")
        cols[1].metric("Training accuracy (last epoch)", "—" if not last else f"{last['accuracy']:.2%}")
        val = last.get("val_accuracy")
        cols[2].metric("Validation accuracy", "—" if val is None else f"{val:.2%}")
        cols[3].metric(f"Training time on {snap.device}", f"{snap.elapsed_s:.2f} s")
        chart_left, chart_right = st.columns(2)
        chart_left.altair_chart(make_confusion_chart(result.confusion), width="content")
        chart_right.altair_chart(make_per_class_chart(result.per_class_accuracy), width="content")
        st.caption(
            "Left: row = the true digit, column = the model's guess; the diagonal holds the right answers and the "
            "orange cells the mistakes. Right: the share of each digit the model gets right."
        )
        if len(result.wrong_indices):
            st.subheader("Digits it got wrong, most confident mistakes first")
            captions = [
                f"true {mnist.y_test[i]} → {int(top[0][0])} ({top[0][1]:.0%}); then {int(top[1][0])} ({top[1][1]:.0%})"
                for i, top in zip(result.wrong_indices, result.wrong_top, strict=True)
            ]
            st.image([mnist.x_test[i] for i in result.wrong_indices], caption=captions, width=112)
        changes = last.get("weight_change") if last else None
        if changes:
            st.subheader("How far training moved each layer's weights")
            st.dataframe(
                pd.DataFrame({"weights": list(changes), "largest change since the start": list(changes.values())}),
                hide_index=True,
            )
            if job.config.hidden_activation == "step":
                st.info(
                    "With the step activation the hidden layer's weights did not move at all: the step's "
                    "derivative is 0, so backpropagation hands the hidden layer a zero gradient. Only the output "
                    "layer learned, from 64 frozen random on/off features.",
                    icon=":material/lightbulb:",
                )

runs = st.session_state["train_runs"]
if runs:
    st.header("4. Compare your runs")
    table = pd.DataFrame([run["record"] for run in runs])
    table.insert(0, "run", range(1, len(runs) + 1))
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            c: st.column_config.NumberColumn(format="percent")
            for c in ("train_accuracy", "val_accuracy", "test_accuracy")
        },
    )
    labelled = [
        (
            f"run {i + 1}: {r['record']['optimizer']} lr={r['record']['learning_rate']:g} "
            f"{r['record']['hidden_activation']}",
            r["history"],
            r["steps"],
        )
        for i, r in enumerate(runs)
    ]
    st.altair_chart(make_runs_overlay_chart(labelled), width="stretch", height=320)
    st.caption("Each run's smoothed training accuracy against epochs, so you can see which choices learn faster.")
    if st.button("Clear my runs", icon=":material/delete:", key="train_clear_runs_button", disabled=busy):
        st.session_state["train_runs"] = []
        st.rerun()

st.header("The Keras code for these settings")
st.markdown("Copy it into a notebook to reproduce this run with the plain `model.fit` of the original notebook:")
if config is not None:
    st.code(keras_code(config), language="python")
show_code(Trainer._chunk, TrainingJob._run)
