"""A finished run's results: test accuracy, confusion matrix, per-digit accuracy, mistakes, weight changes."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.lab.charts import make_confusion_chart, make_per_class_chart
from lib.lab.reading import compare_with_earlier, frozen_layer_note, run_reading, training_accuracy_note, weight_rows
from ui.lab.runs import run_facts


def results(job, mnist) -> None:
    snap, result = job.snapshot(), job.result
    if result is None:
        return
    st.header("3. Results on the 10,000 test images")
    last = snap.history.epochs[-1] if snap.history.epochs else None
    cols = st.columns(4)
    cols[0].metric("Test accuracy", f"{result.accuracy:.2%}")
    cols[1].metric(
        "Training accuracy",
        "—" if snap.training_accuracy is None else f"{snap.training_accuracy:.2%}",
        help="On the run's training images, with the weights as they ended.",
    )
    val = None if last is None else last.val_accuracy
    cols[2].metric("Validation accuracy", "—" if val is None else f"{val:.2%}")
    cols[3].metric(f"Training time on {snap.device}", f"{snap.elapsed_s:.2f} s")
    note = training_accuracy_note(snap.training_accuracy, None if last is None else last.accuracy)
    if note:
        st.caption(note)
    runs = st.session_state.get("train_runs", [])
    readings = run_reading(job.config, result.accuracy, snap.training_accuracy, job.num_train, len(mnist.y_test))
    comparison = compare_with_earlier([run_facts(run) for run in runs])
    for reading in readings + ([comparison] if comparison else []):
        st.info(reading, icon=":material/lightbulb:")
    chart_left, chart_right = st.columns(2)
    chart_left.altair_chart(make_confusion_chart(result.confusion), width="stretch")
    chart_right.altair_chart(make_per_class_chart(result.per_class_accuracy), width="stretch")
    st.caption(
        "The confusion matrix: row = the true digit, column = the model's guess; the diagonal holds the right "
        "answers, and the darker orange a cell off the diagonal, the more mistakes. The bars: the share of each digit "
        "the model gets right."
    )
    if len(result.wrong_indices):
        st.subheader("Digits it got wrong, most confident mistakes first")
        captions = [
            f"true {mnist.y_test[i]} → {int(top[0][0])} ({top[0][1]:.0%}); then {int(top[1][0])} ({top[1][1]:.0%})"
            for i, top in zip(result.wrong_indices, result.wrong_top, strict=True)
        ]
        alts = [
            f"a test digit labelled {mnist.y_test[i]} that the model read as {int(top[0][0])}"
            for i, top in zip(result.wrong_indices, result.wrong_top, strict=True)
        ]
        st.image([mnist.x_test[i] for i in result.wrong_indices], caption=captions, width=100, alt=alts)
    changes = None if last is None else last.weight_change
    if changes:
        st.subheader("How far training moved each layer's weights")
        st.dataframe(pd.DataFrame(weight_rows(changes, job.config.hidden_units)), hide_index=True)
        st.caption("Keras calls a layer's matrix of weights its *kernel*: one column of weights per neuron.")
        frozen = frozen_layer_note(changes, job.config.hidden_units)
        if frozen:
            st.info(frozen, icon=":material/lightbulb:")
