"""The Experiments page's live part and results: the status line and progress of a series of runs (with a pause),
then the sweep's or the twins' chart, each with its data as a table."""

from __future__ import annotations

import streamlit as st

from lib.choices import OPTIMIZERS
from lib.lab.announce import series_sentence
from lib.lab.experiment_charts import make_sweep_chart, make_twins_chart, sweep_table, twins_frame
from lib.lab.experiments import ZONE_NOTE, describe_zones
from lib.lab.twins import twin_table, twin_verdict
from ui.a11y import data_table, held, pause_toggle, paused, status_line
from ui.lab.live import queued_note

PAUSE_KEY = "experiments_pause_live"


def _draw_progress() -> None:
    series = st.session_state.get("experiments_series")
    kind = st.session_state.get("experiments_meta", {}).get("kind") if series is not None else None
    if series is None:
        status_line(series_sentence(None, 0, 0, False, False))
        return
    series.touch()
    done, total = len(series.outcomes), len(series.configs)
    status_line(series_sentence(kind, done, total, series.active, series.stopped))
    job = series.current  # read once: the series' thread may move on meanwhile
    current = "" if job is None or not series.active else f" · now: {job.snapshot().state}"
    if place := series.queue_position():
        queued_note(place, series.wait_estimate(), total)
    shown_done, shown_current = held(PAUSE_KEY, "experiments_frozen", (done, current), going=series.active)
    if series.active and paused(PAUSE_KEY):
        st.caption(":material/pause: Live view paused: the runs go on, and the status line above tells when they end.")
    st.progress(shown_done / total, text=f"{shown_done} of {total} runs done{shown_current}")
    if not series.active and st.session_state.get("experiments_drawn") is not series:
        st.session_state["experiments_drawn"] = series
        st.rerun(scope="app")


def series_progress(busy: bool) -> None:
    """Redrawn every second while a series runs; the runs themselves go on in a worker thread."""
    if busy:  # WCAG 2.2.2: a view that updates by itself for minutes can be paused
        pause_toggle(PAUSE_KEY, "the series of runs")

    @st.fragment(run_every=1.0 if busy else None)
    def progress() -> None:
        with st.container():  # one container: a redraw never spills over what follows
            _draw_progress()

    progress()
    st.empty()  # Streamlit 1.67 drops the element after a run_every fragment that asked for a full rerun


def series_results(series, meta: dict) -> None:
    """A finished series: the sweep's zones, or the twins' curves and verdict, each chart with its numbers."""
    if series is None or series.active or not series.outcomes:
        return
    outcomes = series.outcomes
    if meta.get("kind") == "sweep":
        st.altair_chart(make_sweep_chart(outcomes, OPTIMIZERS[meta["optimizer"]].default_lr), width="stretch")
        formats = {"learning rate": "{:g}", "mean training loss, last epoch": "{:.5g}", "test accuracy": "{:.2%}"}
        data_table(sweep_table(outcomes).style.format(formats, na_rep="—"))
        st.markdown(describe_zones(outcomes, len(series.configs), series.stopped))
        st.caption(ZONE_NOTE)
    elif len(outcomes) >= 2:
        st.altair_chart(make_twins_chart(outcomes, meta["labels"]), width="stretch")
        data_table(twins_frame(outcomes, meta["labels"]), label="The curves as a table")
        table = twin_table(outcomes)
        st.dataframe(table.map(lambda v: f"{v:.2%}" if isinstance(v, float) else v), hide_index=True)
        st.info(twin_verdict(outcomes).sentence, icon=":material/balance:")
