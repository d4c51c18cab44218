"""Predict, then reveal: the learner commits to an answer before the computed result is shown."""

from __future__ import annotations

import streamlit as st

from lib.gates import Prediction, answers, describe_state, find_answer, lock
from ui.progress import progress


def _verdict(prediction: Prediction, answer: dict) -> None:
    choice, right = answer["choice"], prediction.right
    if answer["correct"]:
        st.success(f"You predicted “{choice}”: right. {prediction.reveal}", icon=":material/check:")
    else:
        st.error(
            f"You predicted “{choice}”; the computation says “{right}”. {prediction.reveal}", icon=":material/close:"
        )


def gate(prediction: Prediction, keeps_reveal: bool = False, hides: str = "") -> bool:
    """Ask; once the learner locks in an answer, score it (for good) and reveal the result. True once revealed.

    The answer belongs to the question's exact state: other settings make a new question, and the earlier answer
    stays in the record. With keeps_reveal, what the page shows after a first answer (charts, a table) stays shown
    while the learner explores other settings; the new question is offered, and asked when they choose to.
    `hides` names what the page keeps hidden until the first answer.
    """
    key, gates = prediction.key, progress()["gates"]
    answer = find_answer(gates, prediction)
    earlier = answers(gates, key)[-1] if answers(gates, key) else None
    asking = st.session_state.get(f"gate_{key}_asking") == prediction.identity
    with st.container(border=True):
        st.markdown(f":material/psychology: **Predict:** {prediction.question}")
        if answer is not None:
            _verdict(prediction, answer)
            return True
        if earlier is not None and keeps_reveal and not asking:
            st.caption(
                f"You answered this for {describe_state(earlier['state'])}: "
                f"{'right' if earlier['correct'] else 'not right'}, and that stays in your record. What is shown "
                "below follows your settings; these settings make a new question."
            )
            if st.button("Predict for these settings", icon=":material/psychology:", key=f"gate_{key}_again"):
                st.session_state[f"gate_{key}_asking"] = prediction.identity
                st.rerun()
            return True
        choice = st.radio(
            "Your prediction", prediction.options, index=None, key=f"gate_{key}_choice", label_visibility="collapsed"
        )
        if st.button("Lock in my prediction", key=f"gate_{key}_lock", disabled=choice is None):
            lock(gates, prediction, choice)
            st.session_state.pop(f"gate_{key}_asking", None)
            st.rerun()
        if earlier is not None:
            st.caption(
                f"Your earlier answer, for {describe_state(earlier['state'])}, keeps its score "
                f"({'right' if earlier['correct'] else 'not right'}). The result appears once you lock in this one."
            )
        else:
            st.caption(f"The result{f' ({hides})' if hides else ''} appears once you have locked in a prediction.")
        return False
