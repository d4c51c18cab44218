"""Predict, then reveal: the learner commits to an answer before the computed result is shown."""

from __future__ import annotations

import streamlit as st

from lib.gates import Prediction
from ui.progress import progress


def gate(prediction: Prediction) -> bool:
    """Ask; once the learner locks in an answer, score it and reveal the result. True once revealed.

    A prediction is tied to its question: when the settings change the question, it is asked afresh.
    """
    key = prediction.key
    locked = st.session_state.get(f"gate_{key}_locked")
    with st.container(border=True):
        st.markdown(f":material/psychology: **Predict:** {prediction.question}")
        if locked is None or locked["question"] != prediction.question:
            choice = st.radio(
                "Your prediction",
                prediction.options,
                index=None,
                key=f"gate_{key}_choice",
                label_visibility="collapsed",
            )
            if st.button("Lock in my prediction", key=f"gate_{key}_lock", disabled=choice is None):
                correct = prediction.options.index(choice) == prediction.answer
                st.session_state[f"gate_{key}_locked"] = {"question": prediction.question, "choice": choice}
                progress()["gates"][key] = {"correct": correct}
                st.rerun()
            st.caption("The result appears once you have locked in a prediction.")
            return False
        right = prediction.options[prediction.answer]
        if locked["choice"] == right:
            st.success(f"You predicted “{locked['choice']}”: right. {prediction.reveal}", icon=":material/check:")
        else:
            st.error(
                f"You predicted “{locked['choice']}”; the computation says “{right}”. {prediction.reveal}",
                icon=":material/close:",
            )
        return True
