"""Shared page helpers: the cached dataset, the sidebar, corrections, 'show the code', the way on."""

from __future__ import annotations

import atexit
import functools
import inspect
import textwrap
import threading

import streamlit as st

from lib.data import MNIST, Mnist
from ui.learner import visitor_id  # noqa: F401  (the pages import it from here)
from ui.nav import all_pages, next_page
from ui.progress import mark_seen, progress_panel
from ui.restart import remember_work


def get_mnist(wait: float = 0.0) -> tuple[Mnist | None, str | None]:
    """(dataset, None), (None, a friendly message) after a failure, or (None, None) while it is still loading.

    One load per process, in the background, shared by every learner (lib.data.MNIST); a page waits at most
    `wait` seconds. A failure is remembered for a minute, then retried: a restored file is picked up.
    """
    return MNIST.get(wait)


def require_mnist(wait: float = 25.0) -> Mnist:
    """The dataset, or a clear message and a stop of this page (never a traceback, never a hang past `wait`)."""
    mnist, problem = MNIST.peek()[:2]
    if mnist is None and problem is None:
        with st.spinner("Loading the MNIST digits…"):
            mnist, problem = get_mnist(wait)
    elif mnist is None:
        mnist, problem = get_mnist(0.0)
    if mnist is None:
        if problem is None:
            problem = f"It is still loading after {wait:.0f} s (downloading it, as the bundled file is missing)."
        st.error(f"**MNIST is not available.** {problem}", icon=":material/error:")
        stop_here()
    return mnist


@st.cache_resource
def _device_label() -> str:
    from lib.runtime import compute_device  # TensorFlow: imported once the page is already on screen

    return compute_device()


def _run_status() -> None:
    """The learner's current run, on every page; looking at it keeps the run alive (see TrainingJob.touch)."""
    job = st.session_state.get("train_job")
    if job is not None and job.active:
        st.fragment(_draw_run_status, run_every=5)()


def _draw_run_status() -> None:
    job = st.session_state.get("train_job")
    if job is None or not job.active:
        return
    job.touch()
    snap = job.snapshot()
    if st.session_state.get("train_pause_live"):  # the learner paused live updates on the Train page
        st.caption(":material/pause: Your run is going on; live updates are paused.")
    elif snap.state == "queued":
        st.caption(f":material/hourglass_top: Your run is waiting (number {max(1, snap.queue_position)} in line).")
    else:
        st.caption(
            f":material/model_training: Your run: epoch {min(snap.epoch + 1, job.config.epochs)} of "
            f"{job.config.epochs}, {snap.state}."
        )


# Streamlit 1.67 marks a focused page link only with a faint tint; a keyboard learner needs a visible ring.
FOCUS_STYLE = (
    "<style>a[data-testid='stPageLink-NavLink']:focus-visible{outline:3px solid #3f51b5;outline-offset:2px}</style>"
)


def end_of_page(url_path: str) -> None:
    """After every page: count it as seen, and offer the way on to the next lesson."""
    spec = next(spec for spec in all_pages() if spec.url_path == url_path)
    mark_seen(spec.path)
    st.html(FOCUS_STYLE)
    following = next_page(spec.path)
    if following is not None:
        st.divider()
        page_link(following, "Next: ")


def page_link(spec, prefix: str = "") -> None:
    """A link to a page, with its one-line summary under it: a link's label stays on one line and is cut short
    with "…" on a narrow screen, so the summary goes in a caption, which wraps."""
    st.page_link(spec.path, label=f"{prefix}**{spec.title}**", icon=spec.icon)
    st.caption(spec.summary)


@st.cache_resource(show_spinner=False)
def _warm_lessons() -> threading.Thread:
    """Once per server, in the background: compile what the lessons share, so no learner waits for it. The module
    is imported here, in the script's thread: two threads importing the same modules at once can deadlock."""
    from lib import boundary, descent, descent2d, netprop

    def warm_up() -> None:
        boundary.warm_up()
        descent2d.warm_up()
        descent.warm_up()
        netprop.warm_up()

    thread = threading.Thread(target=warm_up, name="warm-lessons", daemon=True)
    thread.start()
    # A process that exits while the thread is inside a TensorFlow compilation aborts ("terminate called"): let it
    # finish first (a server stopped in its first minute, a short test run).
    atexit.register(thread.join, 120)
    return thread


def sidebar() -> None:
    _warm_lessons()
    with st.sidebar:
        _run_status()
        progress_panel()
        st.caption("**Compute device**")
        st.write(f":material/memory: {_device_label()}")
        mnist, problem, loading = MNIST.peek()  # only what is already known: the sidebar never waits
        st.caption("**Dataset**")
        if mnist is None and loading:
            st.write(":material/hourglass_top: MNIST is loading…")
        elif mnist is None and problem:
            st.warning("MNIST unavailable: see the message on the training pages.", icon=":material/warning:")
        elif mnist is None:
            st.write(":material/dataset: MNIST loads when a page needs it.")
        else:
            st.write(
                f":material/dataset: MNIST — {len(mnist.y_train):,} training and {len(mnist.y_test):,} test images"
            )
            st.caption(mnist.source)
    remember_work()  # after the page, on every page: what a restart would lose (see ui.restart)


def stop_here() -> None:
    """End the page early (with a message already shown), still drawing the shared sidebar."""
    sidebar()
    st.stop()


def graph_with_text(dot: str, rows: list[dict]) -> None:
    """A graphviz picture, and the same graph as a table under it: on a phone the picture shrinks to the screen's
    width and its text becomes too small to read."""
    st.graphviz_chart(dot)
    with st.expander("The same graph as a table (easier to read on a phone)", icon=":material/table_rows:"):
        st.dataframe(rows, hide_index=True, width="stretch")


def correction(text: str) -> None:
    """A callout that corrects the notebook the course is built on."""
    st.info(f"**A correction to the notebook this course is built on:** {text}", icon=":material/fact_check:")


CODE_STYLE = (  # how the course shows code, everywhere
    "plain and wrapped: Streamlit's syntax colours (greens, teal, grey) measure 2.6–3.6:1 on the code background, "
    "under the 4.5:1 text needs, and a block that scrolls sideways cannot be reached with the keyboard"
)


def show_code(*objects, label: str = "Show the code that computed this") -> None:
    """An expander with the source of the lib functions behind what is on screen."""
    with st.expander(label, icon=":material/code:"):
        for obj in objects:
            st.code(_source(obj), language=None, wrap_lines=True)  # see CODE_STYLE


@functools.lru_cache(maxsize=256)
def _source(obj) -> str:
    """A function's source, read once (inspect reads and parses its whole file each time)."""
    return textwrap.dedent(inspect.getsource(obj))
