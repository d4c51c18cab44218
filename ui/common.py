"""Shared page helpers: the cached dataset, the sidebar, corrections, 'show the code', the way on."""

from __future__ import annotations

import inspect
import textwrap

import streamlit as st

from lib.data import DataError, Mnist, load_mnist


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
        sidebar()  # the page stops here, before the router would draw it
        st.stop()
    return mnist


@st.cache_resource
def _device_label() -> str:
    from lib.runtime import compute_device  # TensorFlow: imported once the page is already on screen

    return compute_device()


def sidebar() -> None:
    with st.sidebar:
        st.caption("**Compute device**")
        st.write(f":material/memory: {_device_label()}")
        mnist, _ = get_mnist()
        st.caption("**Dataset**")
        if mnist is None:
            st.warning("MNIST unavailable: see the message on the training pages.", icon=":material/warning:")
        else:
            st.write(
                f":material/dataset: MNIST — {len(mnist.y_train):,} training and {len(mnist.y_test):,} test images"
            )
            st.caption(mnist.source)


def correction(text: str) -> None:
    """A callout that corrects the notebook the course is built on."""
    st.info(f"**A correction to the notebook this course is built on:** {text}", icon=":material/fact_check:")


def show_code(*objects, label: str = "Show the code that computed this") -> None:
    """An expander with the source of the lib functions behind what is on screen."""
    with st.expander(label, icon=":material/code:"):
        for obj in objects:
            st.code(textwrap.dedent(inspect.getsource(obj)), language="python")
