"""After a server restart, every page says what the learner lost and what to do (see lib.restart)."""

from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
import uuid
from pathlib import Path

import streamlit as st

from lib.restart import Work, lost_message, make_token, read_token

SERVER_ID = uuid.uuid4().hex[:8]  # new at every server start: how a page tells that the server restarted
KEY_FILE = Path(os.environ.get("COURSE_RESTART_KEY_FILE", Path(tempfile.gettempdir()) / "course-restart-token.key"))


def _load_key() -> bytes:
    """The key that signs the URL's token. Where the server's cookie secret is set (every replica behind one
    balancer shares it: deploy/), a key derived from it, so a learner moved to another replica is told too;
    else one kept on disk so that the next server start reads the same one; a key for this process alone where
    the disk cannot keep it (then a restart goes untold)."""
    from streamlit import config

    if config.is_manually_set("server.cookieSecret"):
        secret = str(config.get_option("server.cookieSecret")).encode()
        return hashlib.sha256(b"course-restart-token:" + secret).hexdigest().encode()
    try:
        if not KEY_FILE.exists():
            descriptor = os.open(KEY_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w") as file:
                file.write(secrets.token_hex(32))
        key = KEY_FILE.read_text()[:64]
        if len(key) == 64:
            return key.encode()
    except OSError:
        pass
    return secrets.token_hex(32).encode()


KEY = _load_key()


def _work_now() -> Work:
    """This session's work, as the token records it."""
    runs = st.session_state.get("train_runs", [])
    job = st.session_state.get("train_job")
    recorded = job is not None and any(run["id"] == job.id for run in runs)
    series = st.session_state.get("experiments_series")
    in_flight = ""
    if job is not None and (job.active or (not recorded and job.snapshot().state != "cancelled")):
        in_flight = "r"
    elif series is not None and series.active:
        in_flight = "t" if st.session_state.get("experiments_meta", {}).get("kind") == "twins" else "s"
    done = series is not None and not series.active and bool(series.outcomes)
    return Work(SERVER_ID, len(runs), in_flight, done)


def restart_notice() -> None:
    """Before the page: if the URL's token is from an earlier start of this server, say what was lost, and keep
    saying it on this session's pages until the learner starts something new."""
    if "runs" in st.query_params:
        work = read_token(st.query_params.get("runs"), KEY)
        if work is not None and work.server != SERVER_ID and work.anything:
            st.session_state["restart_lost"] = lost_message(work)
        if work is None or work.server != SERVER_ID:
            del st.query_params["runs"]  # not this server's: the next remember_work writes this session's
    message = st.session_state.get("restart_lost")
    if message and not _work_now().anything:
        st.warning(message, icon=":material/restart_alt:")


def remember_work() -> None:
    """After the page: write this session's work into the URL (or take the token away when there is none)."""
    work = _work_now()
    if work.anything:
        token = make_token(work, KEY)
        if st.query_params.get("runs") != token:
            st.query_params["runs"] = token
    elif "runs" in st.query_params:
        del st.query_params["runs"]
