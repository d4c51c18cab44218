"""Which browser this is, and the state it shares between its sessions (reloads, tabs, deep links).

Light on purpose: streamlit_app.py calls keep_learner() before any page runs, before TensorFlow loads.
"""

from __future__ import annotations

import hashlib
import uuid

import streamlit as st

from lib.learners import IDLE_SECONDS, KEPT_KEYS, STORE, duration, sync


def visitor_id() -> str:
    """One id per browser, shared by its tabs: from the token inside Streamlit's XSRF cookie (its masked string
    changes per page load, the token does not); a per-session id where there is no cookie."""
    raw = st.context.cookies.get("_streamlit_xsrf") if st.context.cookies else None
    if raw:
        try:
            from streamlit.web.server.starlette.starlette_app_utils import decode_xsrf_token_string

            token, _ = decode_xsrf_token_string(raw)
            if token:
                return hashlib.sha256(token).hexdigest()[:16]
        except Exception:  # an unexpected cookie format: fall back to this tab alone
            pass
    return st.session_state.setdefault("_visitor_id", uuid.uuid4().hex[:16])


def keep_learner() -> None:
    """Share this session's progress, runs and experiment series with the other sessions of its browser: called
    before the page runs (to pick up what a reload or another tab left) and after it (to keep what it changed)."""
    synced = st.session_state.setdefault("_learner_synced", {})
    sync(st.session_state, STORE.state(visitor_id()), KEPT_KEYS, synced)


def where_it_lives() -> str:
    """The sidebar's one line on where a learner's work is kept, and for how long."""
    return (
        f"Kept on this server for this browser (its tabs, reloads and links) until {duration(IDLE_SECONDS)} after "
        "your last visit, or until the server restarts. Download your progress to keep it longer."
    )
