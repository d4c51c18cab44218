"""The backprop worksheet: a tiny network's numbers, four answers to type, feedback, and a fresh sheet."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.netsheet import TOLERANCE_TEXT, Sheet, check, make_sheet
from ui import kept
from ui.progress import finish_worksheet


@st.cache_data(max_entries=32, show_spinner=False)
def _sheet(number: int) -> Sheet:
    return make_sheet(number)


def _matrix(values, rows: str, columns: str) -> pd.DataFrame:
    frame = pd.DataFrame(values).round(4)
    frame.columns = [f"{columns} {j + 1}" for j in range(frame.shape[1])]
    frame.insert(0, "", [f"{rows} {i + 1}" if rows else "" for i in range(len(frame))])
    return frame


def _numbers(sheet: Sheet) -> None:
    p, f = sheet.params, sheet.forward
    st.markdown(
        f"Two images (B = 2), true classes Y = ({', '.join(str(int(c) + 1) for c in p['y'])}); "
        "ReLU hidden layer; softmax and cross-entropy, averaged over the two images."
    )
    tables = [
        ("X (inputs)", (p["x"], "image", "input")),
        ("W₁", (p["w1"], "input", "neuron")),
        ("b₁", ([p["b1"]], "", "neuron")),
        ("W₂", (p["w2"], "neuron", "class")),
        ("b₂", ([p["b2"]], "", "class")),
        ("Z₁ = X·W₁ + b₁", (f["z1"], "image", "neuron")),
        ("H = ReLU(Z₁)", (f["h"], "image", "neuron")),
        ("Z₂ = H·W₂ + b₂", (f["z2"], "image", "class")),
        ("P = softmax(Z₂)", (f["p"], "image", "class")),
    ]
    for row in range(0, len(tables), 3):  # three to a row: on a phone, where columns stack, they keep this order
        for column, (name, matrix) in zip(st.columns(3), tables[row : row + 3], strict=True):
            with column:
                st.caption(name)
                kept.table(_matrix, *matrix)
    st.caption(f"L = {f['loss']:.4f}. Every number is rounded to 4 decimals; answers count {TOLERANCE_TEXT}.")


def worksheet() -> None:
    """One worksheet at a time; progress counts each worksheet whose four answers are all right."""
    number = st.session_state.setdefault("netsheet_number", 0)
    sheet = _sheet(number)
    _numbers(sheet)
    answers = {}
    with st.form(f"netsheet_form_{number}"):
        for q in sheet.questions:
            if isinstance(q.answer, tuple):
                answers[q.key] = st.segmented_control(
                    q.prompt,
                    [1, 2, 3],
                    selection_mode="multi",
                    format_func=lambda j: f"neuron {j}",
                    key=f"netsheet_{number}_{q.key}",
                )
            else:
                answers[q.key] = st.number_input(
                    q.prompt, value=None, step=0.0001, format="%.4f", key=f"netsheet_{number}_{q.key}"
                )
        submitted = st.form_submit_button("Check my answers", type="primary")
    if submitted:
        st.session_state[f"netsheet_{number}_checked"] = dict(answers)
    checked = st.session_state.get(f"netsheet_{number}_checked")
    if checked is not None:
        results = [(q, check(q, checked.get(q.key))) for q in sheet.questions]
        for q, feedback in results:
            shown, icon = (st.success, ":material/check:") if feedback.correct else (st.error, ":material/close:")
            shown(f"**{q.prompt}** — {feedback.text}", icon=icon)
        done = st.session_state.setdefault("netsheet_done", [])
        if all(f.correct for _, f in results) and number not in done:
            done.append(number)
            finish_worksheet()
        if number in done:
            st.success("Worksheet finished: all four right. It counts in your progress.", icon=":material/task_alt:")
    if st.button("New numbers", icon=":material/casino:", key="netsheet_new"):
        st.session_state["netsheet_number"] = number + 1
        st.rerun()
