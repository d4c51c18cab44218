"""Shared page helpers: the cached dataset, the sidebar, and 'show the code'."""

from __future__ import annotations

import inspect

import streamlit as st

from lib.data import DataError, Mnist, load_mnist
from lib.runtime import compute_device
from lib.training import OPTIMIZERS


def _route_through_the_router() -> None:
    """Make a first visit straight to a page URL go through streamlit_app.py.

    Streamlit treats a folder named pages/ as old-style auto-discovered pages until st.navigation
    has run once in the process, so the very first visit to e.g. /network would skip the router
    (no sections, no sidebar). Switch that mode off and rerun: the router then shows the same page.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


_route_through_the_router()


def _keep_keras_state_between_runs() -> None:
    """Stop Streamlit from calling keras.backend.clear_session() after every script run.

    Streamlit 1.67 does that after each run, fragment runs included, to tidy up after TF1-era Keras.
    Here it would run about 2.5 times a second while a learner trains: each call is a full garbage
    collection that holds the GIL for about 0.2 s, empties TensorFlow's kernel cache and resets Keras's
    global state under the training thread. It made served training about 20 times slower. The course
    keeps its models on purpose (in session state and in the training jobs), so there is nothing to clear.
    """
    from streamlit.runtime.scriptrunner import script_runner

    if getattr(script_runner, "_clean_problem_modules", None) is not None:
        script_runner._clean_problem_modules = lambda: None


_keep_keras_state_between_runs()


@st.cache_resource(show_spinner="Loading the MNIST digits…")
def _shared_mnist() -> Mnist:
    # One read-only copy per process, shared by every learner (cache_data would copy 50 MB per call).
    return load_mnist()


def get_mnist() -> tuple[Mnist | None, str | None]:
    """(dataset, None) or (None, a friendly message). Failures are not cached: a fixed file is picked up."""
    try:
        return _shared_mnist(), None
    except DataError as error:
        return None, str(error)


def require_mnist() -> Mnist:
    """The dataset, or a clear message and a stop of this page (never a traceback)."""
    mnist, problem = get_mnist()
    if mnist is None:
        st.error(f"**MNIST is not available.** {problem}", icon=":material/error:")
        st.stop()
    return mnist


@st.cache_resource
def _device_label() -> str:
    return compute_device()


def sidebar() -> None:
    with st.sidebar:
        st.caption("**Compute device**")
        st.write(f":material/memory: {_device_label()}")
        mnist, problem = get_mnist()
        st.caption("**Dataset**")
        if mnist is None:
            st.warning("MNIST unavailable: see the message on the training pages.", icon=":material/warning:")
        else:
            st.write(
                f":material/dataset: MNIST — {len(mnist.y_train):,} training and {len(mnist.y_test):,} test images"
            )
            st.caption(mnist.source)


def show_code(*objects, label: str = "Show the code that computed this") -> None:
    """An expander with the source of the lib functions behind what is on screen."""
    with st.expander(label, icon=":material/code:"):
        for obj in objects:
            st.code(inspect.getsource(obj), language="python")


def optimizer_selectbox(where, key: str, on_change, disabled: bool = False) -> str:
    """The course's optimizer picker (Adam first chosen, as in the notebook); returns the optimizer's key."""
    return where.selectbox(
        "Optimizer",
        list(OPTIMIZERS),
        index=list(OPTIMIZERS).index("adam"),
        format_func=lambda name: OPTIMIZERS[name][0],
        key=key,
        persist_state="session",
        on_change=on_change,
        disabled=disabled,
    )
