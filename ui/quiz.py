"""A multiple-choice quiz: radios, a check button, and each answer's explanation."""

from __future__ import annotations

import streamlit as st


def quiz(questions, key: str) -> None:
    choices = [
        st.radio(q.prompt, q.options, index=None, key=f"{key}{i}", persist_state="session")
        for i, q in enumerate(questions)
    ]
    if st.button("Check my answers", icon=":material/task_alt:", key=f"{key}_check_button"):
        score = sum(q.is_correct(c) for q, c in zip(questions, choices, strict=True))
        st.subheader(f"Score: {score} / {len(questions)}")
        for q, choice in zip(questions, choices, strict=True):
            if choice is None:
                st.warning(f"**{q.prompt}** — not answered. {q.explanation}", icon=":material/help:")
            elif q.is_correct(choice):
                st.success(f"**{q.prompt}** — right. {q.explanation}", icon=":material/check:")
            else:
                st.error(
                    f"**{q.prompt}** — not quite: the answer is “{q.options[q.answer]}”. {q.explanation}",
                    icon=":material/close:",
                )
