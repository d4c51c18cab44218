"""What makes the course usable by everyone, in one place: the data behind a chart as a table, a pause for a view
that updates by itself (WCAG 2.2.2), and the status line a screen reader announces."""

from __future__ import annotations

import streamlit as st
from pandas.io.formats.style import Styler

from lib.lab.announce import status_html
from ui import kept

PAUSE_LABEL = "Pause live updates"


def data_table(
    frame,
    *args,
    label: str = "The data as a table",
    empty: str = "No data yet.",
    formats: dict[str, str] | None = None,
) -> None:
    """A folded table beside a chart: the exact numbers the chart draws, for a learner who wants them (or who
    cannot see the chart). `frame` is the table (a DataFrame, a styled one, or rows), or a builder that makes it
    from `args`: then it is made and converted once per set of arguments (ui.kept). `formats` gives columns a
    printf format ("%.5g"; "*": every column); a styled frame (`frame.style.format(...)`) keeps its own, but is
    styled on every rerun."""
    if args and not callable(frame):
        raise TypeError("data_table: arguments are for a builder; give the label as label=")
    with st.expander(label, icon=":material/table:"):
        styled = isinstance(frame, Styler)
        table = frame if styled else kept.arrow(frame, *args)
        if not (len(frame.data) if styled else table.num_rows):
            st.caption(empty)
            return
        formats = {} if styled else formats or {}
        every = {name: formats["*"] for name in table.column_names} if "*" in formats else {}
        columns = {c: st.column_config.NumberColumn(format=f) for c, f in (every | formats).items() if c != "*"}
        st.dataframe(table, hide_index=True, width="stretch", column_config=columns)


def pause_toggle(key: str, what: str) -> bool:
    """The pause for a view that redraws by itself for more than a few seconds; `what` names what goes on."""
    return st.toggle(
        PAUSE_LABEL,
        key=key,
        help=f"Freezes what is drawn here; {what} goes on, and the status line still tells when it ends. "
        "Turn it off to catch up.",
    )


def paused(pause_key: str) -> bool:
    return bool(st.session_state.get(pause_key))


def held(pause_key: str, store_key: str, live, going: bool = True):
    """What a live view shows: `live`, or, while the learner has paused it and what it watches is still `going`,
    what it showed at the pause (kept under `store_key`)."""
    if going and paused(pause_key):
        return st.session_state.setdefault(store_key, live)
    st.session_state.pop(store_key, None)
    return live


def status_line(sentence: str) -> None:
    """The status line (an ARIA live region): screen readers read it whenever its sentence changes."""
    st.markdown(status_html(sentence), unsafe_allow_html=True)
