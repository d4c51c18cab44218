"""The live view of a run: progress, the training curves redrawn from a fragment, the outcome message."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.lab.announce import status_sentence
from lib.lab.charts import make_training_chart, series_caption
from lib.lab.jobs import JOB_QUEUE, REFRESH_SECONDS
from lib.lab.queue import queued_message
from lib.lab.turns import TURNS
from ui.a11y import data_table, held, pause_toggle, paused, status_line
from ui.lab.runs import run_number

PAUSE_KEY = "train_pause_live"


def _announce(job, snap) -> None:
    """The status line (an ARIA live region), first in the view: its text changes only when the run's state does."""
    state = None if job is None else snap.state
    accuracy = None if job is None or job.result is None else job.result.accuracy
    sentence = status_sentence(state, 0 if job is None else run_number(job), accuracy)
    status_line(sentence)


def _epoch_table(history) -> None:
    """The live chart's epoch points as a table, for a learner who wants the exact numbers (or cannot see it)."""
    rows = [
        {
            "epoch": r.epoch,
            "training loss": r.loss,
            "training accuracy": r.accuracy,
            "validation loss": r.val_loss,
            "validation accuracy": r.val_accuracy,
        }
        for r in history.epochs
    ]
    data_table(pd.DataFrame(rows), empty="No epoch has finished yet: the table fills in at the end of each epoch.")


def queued_note(position: int, wait: float | None, runs: int = 1) -> None:
    """Where a queued run (or a series of `runs` runs, one entry in line) stands, and its estimated wait."""
    text = queued_message(position, wait, JOB_QUEUE.running_count(), JOB_QUEUE.capacity, TURNS.capacity, runs)
    st.info(text, icon=":material/hourglass_top:")


def _draw_progress(job) -> None:
    if job is None:
        _announce(None, None)
        st.info("Choose the settings above and press **Start training**.", icon=":material/info:")
        return
    job.touch()  # the page is still watching: the run is not abandoned
    snap = live = job.snapshot()
    _announce(job, live)
    snap = held(PAUSE_KEY, "train_frozen_snapshot", live, going=job.active)  # paused: stays as it was
    if job.active and paused(PAUSE_KEY):
        st.caption(
            f":material/pause: Live view paused at epoch {min(snap.epoch + 1, job.config.epochs)}, batch "
            f"{snap.step:,}: the run goes on, and the status line above still tells when it ends."
        )
    if snap.state == "queued" and snap.queue_position:
        queued_note(snap.queue_position, JOB_QUEUE.wait_estimate(job.id))
        st.progress(0.0, text="Waiting for a free place to train…")
    elif snap.state in ("queued", "starting"):
        st.progress(0.0, text="Building the network and compiling the training loop…")
    elif snap.state != "cancelled":
        total = job.config.epochs * snap.steps_per_epoch
        done = min(total, snap.epoch * snap.steps_per_epoch + snap.step)
        left = "" if snap.eta_s is None else f" · about {snap.eta_s:.0f} s left"
        st.progress(
            done / total if total else 0.0,
            text=f"Epoch {min(snap.epoch + 1, job.config.epochs)} of {job.config.epochs} · batch {snap.step:,} of "
            f"{snap.steps_per_epoch:,} · {snap.elapsed_s:.1f} s{left} · {snap.state} on {snap.device}",
        )
    if snap.history.batch_loss:
        diverged = snap.state == "diverged"
        # While it runs, the epoch axis spans the whole run; once it has ended (a stop or a divergence may come
        # early), the axis fits the curves it has, so a few batches stay visible.
        spec = make_training_chart(
            snap.history, snap.steps_per_epoch, job.config.epochs if job.active else None, raw=diverged
        )
        st.vega_lite_chart(spec, width="stretch")
        st.caption(series_caption(list(spec["datasets"]["training"]["series"].unique())))
        _epoch_table(snap.history)
    if job.active:
        if live.state == "running" and st.session_state.get("train_polling") == "slow":
            st.rerun(scope="app")  # it left the queue: redraw at the running pace
        return
    name = "This run" if snap.state == "cancelled" else f"Run {run_number(job)}"
    if snap.state == "diverged":
        st.error(f"**{name}: training diverged.** {snap.message}", icon=":material/warning:")
    elif snap.state == "failed":
        st.error(f"{name}: {snap.message}", icon=":material/error:")
    elif snap.state == "cancelled":
        st.info(snap.message, icon=":material/block:")
    else:
        st.success(f"{name}: {snap.message}", icon=":material/check_circle:")
    if st.session_state.get("train_drawn_job") != job.id:
        st.session_state["train_drawn_job"] = job.id
        st.rerun(scope="app")  # the run ended: redraw the whole page with its results


QUEUED_REFRESH_SECONDS = 3.0  # a queued page has nothing new to draw: it asks rarely


def live_view(job, busy: bool) -> None:
    """Redrawn every REFRESH_SECONDS while a run is going (every few seconds while it waits in the queue);
    the run itself lives in a worker thread."""
    queued = busy and job.snapshot().state == "queued"
    st.session_state["train_polling"] = "slow" if queued else "fast"
    refresh = (QUEUED_REFRESH_SECONDS if queued else REFRESH_SECONDS) if busy else None
    if busy:  # WCAG 2.2.2: a view that updates by itself for minutes can be paused
        pause_toggle(PAUSE_KEY, "the run")

    @st.fragment(run_every=refresh)
    def live_progress():
        # One container holds everything this fragment draws, however many elements that is this time, so a
        # redraw never spills over the elements that follow it on the page.
        with st.container():
            _draw_progress(st.session_state.get("train_job"))

    live_progress()
    # Streamlit 1.67's browser side drops the one element that follows a run_every fragment after that fragment
    # asks for a full rerun (seen in Chromium, not in AppTest); an empty placeholder takes that slot.
    st.empty()
