"""The learner's progress in the sidebar: pages seen, predictions made, where it is kept; download it, upload it."""

from __future__ import annotations

import streamlit as st

from lib.gates import GATES
from lib.progress import empty, restore, summary, to_json
from ui.learner import where_it_lives
from ui.nav import all_pages


def progress() -> dict:
    return st.session_state.setdefault("progress", empty())


def mark_seen(path: str) -> None:
    seen = progress()["seen"]
    if path not in seen:
        seen.append(path)


def finish_worksheet() -> None:
    progress()["worksheets"] = progress().get("worksheets", 0) + 1


def _load_upload() -> None:
    upload = st.session_state.get("progress_upload")
    if upload is None:
        return
    pages = {spec.path for spec in all_pages()}
    kept, kind, message = restore(progress(), upload.getvalue(), pages, set(GATES))
    st.session_state["progress"] = kept
    st.session_state["progress_message"] = (kind, message)


def progress_panel() -> None:
    """Sidebar: the summary, and the download / upload of the progress file."""
    st.caption("**Your progress**")
    st.write(summary(progress(), len(all_pages()), len(GATES)))
    st.caption(where_it_lives())
    with st.expander("Keep it", icon=":material/save:"):
        st.caption("Download your progress, and upload it next time (after the server restarts, or elsewhere).")
        st.download_button(
            "Download progress",
            to_json(progress()),
            "course-progress.json",
            "application/json",
            icon=":material/download:",
            key="progress_download",
        )
        st.file_uploader(
            "Upload progress",
            type=["json"],
            key="progress_upload",
            on_change=_load_upload,
            max_upload_size=1,
        )
        message = st.session_state.pop("progress_message", None)
        if message:
            (st.error if message[0] == "error" else st.success)(message[1])
