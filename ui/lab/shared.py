"""Starting a run on the Train page: a twin that is training joins it, a twin that finished here is reused (the
lab is deterministic), and a learner can always train their own copy. See lib/lab/shared_runs.py."""

from __future__ import annotations

import streamlit as st

from lib.lab.jobs import TrainingJob
from lib.lab.shared_runs import SHARED_RUNS


def start_run(config, mnist, visitor: str, own: bool = False):
    """The learner's run for these settings (new, joined or recorded); remembered for the note below."""
    new_job = lambda: TrainingJob(config, mnist, owner=visitor).start()  # noqa: E731
    shared = SHARED_RUNS.train_own(new_job) if own else SHARED_RUNS.start(config, mnist, visitor, new_job)
    st.session_state["train_job"] = shared.job
    st.session_state["train_shared"] = {"job": shared.job.id, "how": shared.how, "age_s": shared.age_s}
    return shared.job


def stop_run(job, visitor: str):
    """Stop: the run itself stops only when nobody else is watching it. Returns the learner's run afterwards."""
    if SHARED_RUNS.leave(job, visitor):
        queued = job.snapshot().state == "queued"
        job.stop()
        st.toast("Cancelled: the run had not started." if queued else "Stopping after the current chunk of batches.")
        return job
    st.session_state["train_job"] = None
    st.toast("Other learners are watching this same run: it goes on for them. You have left it.")
    return None


def shared_note(job, config, mnist, visitor: str) -> None:
    """Say when the run on screen is another learner's identical run, and offer a copy of one's own."""
    shared = st.session_state.get("train_shared") or {}
    if job is None or shared.get("job") != job.id or shared.get("how") == "new":
        return
    minutes = shared["age_s"] / 60
    when = "less than a minute ago" if minutes < 1 else f"{minutes:.0f} min ago"
    if shared["how"] == "joined":
        text = (
            f"**This exact run — same settings, same seed — started training here {when}**, for another learner. "
            "The lab is deterministic, so it would give you the very same numbers: you are watching that run from "
            "where it is, and its results will be yours."
        )
    else:
        text = (
            f"**This exact run — same settings, same seed — was trained here {when}**: the lab is deterministic, so "
            "its recorded results are yours at once, bit for bit what a new training would give."
        )
    st.info(text + " Change the seed to train a run of your own.", icon=":material/group:")
    if st.button("Train my own copy anyway", icon=":material/replay:", key="train_own_copy", disabled=job.active):
        start_run(config, mnist, visitor, own=True)
        st.rerun()
