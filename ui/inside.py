"""Inside the network: which trained network to look at, and the drawing pad."""

from __future__ import annotations

import numpy as np
import streamlit as st

from lib.lab.config import TrainConfig
from lib.lab.jobs import TrainingJob


@st.cache_resource(show_spinner=False)
def notebook_network(_mnist) -> TrainingJob:
    """The notebook's network with the notebook's settings, trained once per server in the background (through
    the same queue as every run) and shared read-only by every learner who has no run of their own yet."""
    return TrainingJob(TrainConfig(), _mnist, owner="the course", orphan_after=float("inf")).start()


def your_runs() -> list[tuple[int, dict]]:
    """(number, run) of the learner's runs that kept their network, numbered as in the Train page's table."""
    return [(i, run) for i, run in enumerate(st.session_state.get("train_runs", []), start=1) if run.get("job")]


def choose_network(mnist):
    """(job, label) of the network to look inside: one of the learner's runs, or the notebook's."""
    runs = your_runs()
    shared = notebook_network(mnist)
    choices = {
        f"run {i}: {run['record']['hidden activation']}, {run['record']['optimizer']}": run["job"] for i, run in runs
    }
    choices["the notebook's network (ReLU, Adam, 5 epochs), shared"] = shared
    label = st.selectbox(
        "Network", list(choices), index=len(choices) - 1 if not runs else len(runs) - 1, key="inside_network"
    )
    return choices[label], label


def drawing_pad() -> np.ndarray | None:
    """A 280×280 pad: white ink on black, as MNIST stores its digits. Returns the RGBA pixels, or None."""
    from streamlit_drawable_canvas import st_canvas  # importing it outside a running app raises

    result = st_canvas(
        stroke_width=22,
        stroke_color="#ffffff",
        background_color="#000000",
        height=280,
        width=280,
        drawing_mode="freedraw",
        return_image_data=True,
        key="inside_pad",
    )
    data = None if result is None else result.image_data
    return None if data is None or np.asarray(data)[..., :3].max() == 0 else np.asarray(data)
