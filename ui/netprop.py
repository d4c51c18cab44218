"""Backprop through the network: which network and batch, the cached computations, and the backward-pass views."""

from __future__ import annotations

import numpy as np
import streamlit as st

from lib.charts import make_softmax_chart
from lib.choices import ACTIVATIONS, HIDDEN_ACTIVATIONS
from lib.fmt import num
from lib.inside import signed_image
from lib.netprop import (
    DERIVATIVES,
    Weights,
    check_rows,
    deep_stack_norms,
    forward_backward,
    jacobian_route,
    load_batch,
    one_entry,
    tape_gradients,
    untrained,
    weights_of,
)
from lib.netprop_charts import (
    make_deep_stack_chart,
    make_derivative_chart,
    make_mask_chart,
    make_output_gradient_chart,
)
from lib.netprop_cost import multiply_adds, time_passes, totals
from lib.netprop_text import check_sentence, column_sentence, deep_stack_sentence, entry_sentence, mask_sentence
from ui import kept
from ui.common import stop_here
from ui.inside import notebook_network, wait_for_network, your_runs
from ui.links import BOUND

BATCH_CHOICES = [8, 16, 32, 64, 128, 256]
BATCHES = 60_000 // BATCH_CHOICES[-1]  # batch numbers offered: the same range for every batch size
FOLLOWED = 8  # the image followed is one of the batch's first 8 (every batch size has them)
NETPROP_LINK = {
    "netprop_network": ("network", str),
    "netprop_seed": ("seed of the untrained weights", str),
    "netprop_batch_size": ("batch size", str),
    "netprop_batch": ("batch number", str),
    "netprop_image": ("image followed", str),
    "netprop_activation": ("hidden activation swapped in", str),
    "netprop_deep_seed": ("seed of the deep stack", str),
}
NOTEBOOK = "the notebook's network, trained (ReLU, Adam, 5 epochs)"


@st.cache_data(max_entries=16, show_spinner=False)
def _untrained(seed: int) -> Weights:
    return untrained(seed)


def choose_network(mnist) -> tuple[Weights, str, str]:
    """(weights, a cache key that names them, what to call them): untrained, the notebook's, or a finished run."""
    runs = {f"run {i}": run for i, run in your_runs() if not run["job"].active and run["job"].model is not None}
    names = {"untrained": "untrained: seeded random weights", "notebook": NOTEBOOK} | {
        key: f"your {key}: {run['record']['hidden activation']}, {run['record']['optimizer']}"
        for key, run in runs.items()
    }
    left, right = st.columns([2, 1])
    choice = left.selectbox("Network", list(names), format_func=names.get, key="netprop_network", **BOUND)
    seed = right.number_input(
        "Seed of the untrained weights", 0, 10_000, 0, key="netprop_seed", disabled=choice != "untrained", **BOUND
    )
    if choice == "untrained":
        return _untrained(int(seed)), f"untrained:{int(seed)}", f"the untrained network (seed {int(seed)})"
    job = notebook_network(mnist) if choice == "notebook" else runs[choice]["job"]
    if job.active:  # the shared notebook network trains once per server
        wait_for_network(job, "Training the notebook's network", "netprop_pause_live")
        stop_here()
    if job.model is None:
        st.error("That network did not finish training: pick another.", icon=":material/error:")
        stop_here()
    config = job.config
    if (config.output_activation, config.loss) != ("softmax", "cross_entropy"):
        st.info(
            f"This run trained with a {config.output_activation} output and {config.loss.replace('_', '-')}; this page "
            "computes the notebook's softmax and cross-entropy on its weights.",
            icon=":material/info:",
        )
    label = NOTEBOOK if choice == "notebook" else names[choice]
    return weights_of(job.model, config.hidden_activation), f"job:{job.id}", label


@st.cache_data(max_entries=48, show_spinner=False)
def batch_pass(key: str, activation: str, batch: int, index: int, _weights: Weights, _mnist):
    """(hand, tape, check rows) for one network, activation and batch: computed once, then read from the cache."""
    weights = _weights.with_activation(activation)
    x, y = load_batch(_mnist.x_train, _mnist.y_train, batch, index)
    hand, tape = forward_backward(weights, x, y), tape_gradients(weights, x, y)
    return hand, tape, check_rows(hand, tape)


@st.cache_data(max_entries=16, show_spinner=False)
def _costs(batch: int, hidden: int, activation: str, _weights: Weights, _x, _y) -> tuple[list, dict, dict]:
    rows = multiply_adds(batch, hidden)
    return rows, totals(rows), time_passes(_weights.with_activation(activation), _x, _y)


@st.cache_data(max_entries=8, show_spinner=False)
def _deep(seed: int, _mnist) -> dict:
    x, y = load_batch(_mnist.x_train, _mnist.y_train, 64, 0)
    return {activation: deep_stack_norms(x, y, activation, seed=seed) for activation in ("sigmoid", "relu")}


def probabilities(hand, example: int) -> None:
    label = int(hand.y[example])
    kept.chart(make_softmax_chart, hand.p[example], true_class=label)


def lines_table(rows: list[dict]) -> None:
    kept.table(
        rows,
        column_config={
            "largest |entry|": st.column_config.NumberColumn(format="%.3e"),
            "max |hand − GradientTape|": st.column_config.NumberColumn(format="%.1e"),
        },
    )
    st.caption(check_sentence(rows))


def output_gradient(hand, example: int) -> None:
    label, batch = int(hand.y[example]), len(hand.y)
    _, via_jacobian = jacobian_route(hand.p[example], label)
    gap = np.abs(via_jacobian / batch - hand.grads["dZ2"][example]).max()
    kept.chart(make_output_gradient_chart, hand.grads["dZ2"][example], label, batch)
    st.caption(
        f"The Jacobian route for this image (diag(P) − P·Pᵀ times −Y/P, then ÷ {batch}) and (P − Y)/{batch} "
        f"differ by at most {gap:.1e}."
    )


def mask_view(hand, example: int, activation: str, full: bool = True) -> None:
    """The mask (f′) for one image; in full, with what arrives at each neuron and what passes through."""
    name = ACTIVATIONS[activation].label.split(" — ")[0]
    g = hand.grads
    if full:
        kept.chart(make_mask_chart, g["dH"][example], g["f′"][example], g["dZ1"][example], name)
    else:  # drawn by Altair each time: a lone chart drawn from a kept spec lost its height in Chromium
        kept.chart(make_derivative_chart, g["f′"][example], name, height=190)
    st.caption(mask_sentence(hand, example, activation))


def column_view(hand, hidden: int) -> None:
    norms = np.linalg.norm(hand.grads["dW1"], axis=0)
    top = int(np.argmax(norms))
    neuron = st.slider("Hidden neuron", 0, max(hidden - 1, 1), top, key=f"netprop_neuron_{hidden}") if hidden > 1 else 0
    left, right = st.columns([1, 2])
    column = hand.grads["dW1"][:, neuron].reshape(28, 28)
    caption = f"∂L/∂W₁[:, {neuron}] as 28 × 28 (red: this pixel's weight should shrink, blue: grow)"
    finding = column_sentence(hand, neuron)
    left.image(signed_image(column, zoom=6), width=168, caption=caption, alt=f"{caption}. {finding}")
    right.caption(finding)
    pixel = int(np.argmax(np.abs(hand.grads["dW1"][:, neuron])))
    terms, total = one_entry(hand, pixel, neuron)
    right.markdown(entry_sentence(terms, total, float(hand.grads["dW1"][pixel, neuron]), pixel, neuron))


@st.cache_data(max_entries=48, show_spinner=False)
def _activation_rows(key: str, batch: int, index: int, _weights: Weights, _mnist) -> list[dict]:
    rows = []
    x, y = load_batch(_mnist.x_train, _mnist.y_train, batch, index)
    weights = _weights
    for activation in HIDDEN_ACTIVATIONS:
        hand = forward_backward(weights.with_activation(activation), x, y)
        rows.append(
            {
                "hidden activation": ACTIVATIONS[activation].label.split(" — ")[0],
                "f′(z)": DERIVATIVES[activation][0],
                "share of f′ = 0": float(np.mean(hand.grads["f′"] == 0)),
                "‖∂L/∂W₁‖": float(np.linalg.norm(hand.grads["dW1"])),
            }
        )
    return rows


def activation_table(key: str, batch: int, index: int, weights: Weights, mnist) -> None:
    """Every hidden activation on the same weights and batch, by hand: f′, how much is blocked, what reaches W₁."""
    kept.table(
        _activation_rows(key, batch, index, weights, mnist),
        column_config={
            "share of f′ = 0": st.column_config.NumberColumn(format="percent"),
            "‖∂L/∂W₁‖": st.column_config.NumberColumn(format="%.3e"),
        },
    )


def deep_stack(mnist) -> None:
    seed = st.number_input("Seed of the deep stack's weights", 0, 10_000, 0, key="netprop_deep_seed", **BOUND)
    norms = _deep(int(seed), mnist)
    kept.chart(make_deep_stack_chart, norms, height=340)
    st.caption(deep_stack_sentence(norms) + " (64 real training images, zero biases, Glorot-uniform weights.)")


def cost_view(hand, weights: Weights) -> tuple[dict, dict]:
    key = (len(hand.y), weights.w1.shape[1], weights.activation)
    rows, counted, measured = _costs(*key, weights, hand.x, hand.y)
    count = {"multiply–adds": st.column_config.NumberColumn(format="localized")}
    kept.table(rows, column_config=count)
    summary = {
        "pass": list(counted),
        "multiply–adds": list(counted.values()),
        "× forward (counted)": [v / counted["forward"] for v in counted.values()],
        "time (ms, measured)": [1000 * measured[k] for k in counted],
        "× forward (measured)": [measured[k] / measured["forward"] for k in counted],
    }
    kept.table(summary, column_config=count)
    return counted, measured


def loss_line(hand, tape) -> str:
    return f"L = {num(hand.loss, '.5f')} by hand, {num(tape['loss'], '.5f')} from Keras's cross-entropy."
