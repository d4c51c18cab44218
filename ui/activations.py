"""The activation lesson's computations, kept per setting: the page reruns for every one of its controls, and each
control changes only one of them."""

from __future__ import annotations

import threading

import numpy as np
import streamlit as st
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from lib.activations import build_stack, collapse, collapse_gap, curve_with_derivative
from lib.boundary import DATASETS, train_and_describe
from lib.charts import make_boundary_chart
from lib.choices import LESSON_ACTIVATIONS
from ui import kept


@st.cache_data(max_entries=32, show_spinner=False)
def curves(x_range: float) -> tuple[np.ndarray, dict[str, tuple[np.ndarray, np.ndarray]]]:
    """x, and each lesson activation's f(x) and f′(x) (by autodiff) on it."""
    x = np.linspace(-x_range, x_range, 401)
    return x, {name: curve_with_derivative(name, x) for name in LESSON_ACTIVATIONS}


@st.cache_data(max_entries=8, show_spinner=False)
def collapsed(depth: int) -> tuple[list[int], np.ndarray, np.ndarray, float, float]:
    """(widths, the one layer's W and b, max |stacked − collapsed| without and with ReLU) for `depth` layers."""
    widths = [2] + [8] * (depth - 1) + [1]
    weight, bias = collapse(build_stack(widths))
    return widths, weight, bias, collapse_gap(widths, None), collapse_gap(widths, "relu")


def boundary_title(activation: str | None, result) -> str:
    return f"{'ReLU' if activation == 'relu' else 'No activation'}: accuracy {result.accuracy:.0%}"


@st.cache_data(show_spinner="Training both networks…", max_entries=32)
def boundaries(dataset: str, hidden_units: int, steps: int):
    """The data, both trained networks and the sentence on each boundary. Kept: moving the softmax sliders above
    must not retrain them, nor search their boundaries for a straight line again. Each network's chart is prepared
    (`kept.prepare`) in its own thread as soon as it is described, while the other one may still train."""
    points, labels = DATASETS[dataset](400, 0.1, 0)
    run = get_script_run_ctx()

    def prepare_chart(activation, result, sentence):
        add_script_run_ctx(threading.current_thread(), run)  # Streamlit's caches ask which session calls them
        kept.prepare(make_boundary_chart, result, points, labels, boundary_title(activation, result), sentence)

    together = train_and_describe(points, labels, (None, "relu"), hidden_units, steps, then=prepare_chart)
    (linear, linear_text), (relu, relu_text) = together
    return points, labels, linear, relu, linear_text, relu_text
