"""The learner's runs: kept in the session, shown as a table and an overlay chart, named by how they differ."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.lab.charts import make_runs_overlay_chart, overlay_frame
from lib.lab.reading import RunFacts
from lib.lab.runs import overlay_selection, run_labels, run_record, shown_table, table_columns
from ui.a11y import data_table


def _runs() -> list[dict]:
    return st.session_state.setdefault("train_runs", [])


def run_number(job) -> int:
    """The run's number in the learner's table (the next free number if it is not in the table yet)."""
    runs = _runs()
    return next((i for i, run in enumerate(runs, start=1) if run["id"] == job.id), len(runs) + 1)


def record_run(job) -> None:
    """Add an ended run to the table once (a run cancelled before it started trained nothing: it is left out)."""
    snap = job.snapshot()
    runs = _runs()
    if snap.state == "cancelled" or any(run["id"] == job.id for run in runs):
        return
    for older in runs[:-4]:  # keep the trained networks of the last five runs for "Inside the network"
        older["job"] = None
    runs.append(
        {
            "id": job.id,
            "job": job if job.model is not None and snap.state in ("finished", "stopped") else None,
            "config": job.config,
            "record": run_record(job.config, snap, job.result),
            "history": snap.history.compact(),
            "steps": snap.steps_per_epoch,
        }
    )


def run_facts(run: dict) -> RunFacts:
    """What the results-in-words comparison needs of a kept run."""
    planned = run["config"].epochs * run["steps"]
    return RunFacts(
        run["config"], run["record"]["test accuracy"], run["record"]["outcome"], len(run["history"].batch_loss), planned
    )


def run_table(busy: bool) -> None:
    runs = _runs()
    if not runs:
        return
    st.header("4. Compare your runs")
    configs = [run["config"] for run in runs]
    labels = run_labels(configs)
    table = pd.DataFrame([run["record"] for run in runs])
    table.insert(0, "run", range(1, len(runs) + 1))
    table = table[table_columns(configs)]  # the settings that differ first, for the download too
    st.dataframe(shown_table([run["record"] for run in runs], configs), hide_index=True, width="stretch")
    metric = st.segmented_control(
        "Overlay", ["accuracy", "loss"], default="accuracy", key="train_overlay_metric", persist_state="session"
    )
    # The picker lists runs by number (a run's label changes as runs are added); new runs join the learner's choice.
    key, seen = "train_overlay_runs", st.session_state.get("train_overlay_seen", 0)
    if key in st.session_state and len(runs) != seen:
        st.session_state[key] = overlay_selection(st.session_state[key], seen, len(runs))
    st.session_state["train_overlay_seen"] = len(runs)
    chosen = st.multiselect(
        "Runs to overlay",
        list(range(1, len(runs) + 1)),
        default=overlay_selection(None, 0, len(runs)),
        format_func=lambda n: f"run {n}",
        key=key,
        help="The last five at first; each new run joins the overlay.",
    )
    labelled = [
        (label, run["history"], run["steps"])
        for number, (label, run) in enumerate(zip(labels, runs, strict=True), start=1)
        if number in chosen
    ]
    st.altair_chart(make_runs_overlay_chart(labelled, metric or "accuracy"), width="stretch", height=320)
    st.caption(
        f"Each run's smoothed training {metric or 'accuracy'} against epochs, named by the settings that differ "
        "between your runs."
    )
    data_table(overlay_frame(labelled, metric or "accuracy"), label="The curves as a table (the points drawn)")
    csv_col, json_col, clear_col = st.columns(3)
    csv_col.download_button(
        "Download the table (CSV)", table.to_csv(index=False), "my-runs.csv", "text/csv", icon=":material/download:"
    )
    json_col.download_button(
        "Download the table (JSON)",
        table.to_json(orient="records", indent=1),
        "my-runs.json",
        "application/json",
        icon=":material/download:",
    )
    if clear_col.button("Clear my runs", icon=":material/delete:", key="train_clear_runs_button", disabled=busy):
        st.session_state["train_runs"] = []
        st.session_state["train_overlay_seen"] = 0
        st.rerun()
