"""The course's adjustments to Streamlit 1.67, in one place, applied explicitly by streamlit_app.py."""

from __future__ import annotations

import inspect

import streamlit as st

CHECKED_ON = "1.67"  # the Streamlit version these adjustments were written against
UPLOAD_BYTES_PER_SESSION = 10_000_000  # two files at server.maxUploadSize (5 MB): a photo and a progress file


def keep_keras_state_between_runs() -> bool:
    """Stop Streamlit from calling keras.backend.clear_session() after every script run; True if it was on.

    Streamlit 1.67 does that after each run, fragment runs included, to tidy up after TF1-era Keras. Here it
    would run about 2.5 times a second while a learner trains: each call is a full garbage collection that
    holds the GIL for about 0.2 s, empties TensorFlow's kernel cache and resets Keras's global state under the
    training thread (it made served training about 20 times slower). The course keeps its models on purpose,
    in session state and in the training jobs, so there is nothing to clear.

    Checked against the installed Streamlit: the hook is replaced only if it exists and calls clear_session.
    """
    from streamlit.runtime.scriptrunner import script_runner

    hook = getattr(script_runner, "_clean_problem_modules", None)
    if hook is None or getattr(hook, "_course_patched", False):
        return False
    if "clear_session" not in inspect.getsource(hook):
        return False  # a Streamlit that no longer resets Keras: nothing to switch off

    def _clean_problem_modules() -> None:  # what Streamlit does, minus the Keras reset
        import sys

        if "matplotlib.pyplot" in sys.modules:
            sys.modules["matplotlib.pyplot"].close("all")

    _clean_problem_modules._course_patched = True
    script_runner._clean_problem_modules = _clean_problem_modules
    return True


def refuse_unusable_url_values() -> bool:
    """Make a widget bound to the URL fall back to its default, never raise, whatever a link holds; True if set.

    Streamlit 1.67 seeds a bound widget from the URL through parse_url_param and catches ValueError only: a
    number input given "inf" or "1e999" raised OverflowError (a traceback instead of the page), and a float
    slider given "nan" took NaN. Here a value that is too long, or number-like without being a plain finite
    number (lib.untrusted.refused_url_value), raises ValueError, which Streamlit answers by dropping the
    parameter; the page's link check then names it (ui.links.link_end).
    """
    from streamlit.runtime.state import session_state

    parse = getattr(session_state, "parse_url_param", None)
    if parse is None or getattr(parse, "_course_patched", False):
        return False

    from lib.untrusted import refused_url_value

    def parse_url_param(value, value_type: str):
        values = value if isinstance(value, list) else [value]
        if len(values) > 20 or any(refused_url_value(v) for v in values):
            raise ValueError("a URL value the course does not read")
        return parse(value, value_type)

    parse_url_param._course_patched = True
    session_state.parse_url_param = parse_url_param
    return True


def route_through_the_router() -> None:
    """Make a first visit straight to a page URL go through streamlit_app.py.

    Streamlit treats a folder named pages/ as old-style auto-discovered pages until st.navigation has run once
    in the process, so the very first visit after a server start to, say, /network would run that page alone
    (no sections, no sidebar). Switch that mode off and rerun: the router then shows the same page.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def cap_uploads_per_session(limit: int = UPLOAD_BYTES_PER_SESSION) -> bool:
    """Keep at most `limit` bytes of uploaded files per session in server memory; True if the cap was put on.

    Streamlit 1.67 keeps every file a browser PUTs (to any new file id of its own session) until that session
    ends; server.maxUploadSize bounds each file, not their number. Before a new file is stored, the session's
    oldest files go until the new one fits (the pages read an upload once and release it: see ui.inside).
    """
    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager

    original = MemoryUploadedFileManager.add_file
    if getattr(original, "_course_patched", False):
        return False

    def add_file(self, session_id, file) -> None:
        with self._lock:  # a snapshot: other threads add and remove files too
            others = [f for f in self.file_storage.get(session_id, {}).values() if f.file_id != file.file_id]
        kept = sum(len(f.data) for f in others)
        for old in others:  # oldest first (insertion order)
            if kept + len(file.data) <= limit:
                break
            self.remove_file(session_id, old.file_id)
            kept -= len(old.data)
        original(self, session_id, file)

    add_file._course_patched = True
    MemoryUploadedFileManager.add_file = add_file
    return True
