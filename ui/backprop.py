"""The one-neuron backprop lesson's controls: its settings (a change starts a fresh neuron) and its training buttons."""

from __future__ import annotations

import streamlit as st

from lib.backprop import LEARNING_RATES, MAX_EPOCHS_PER_CALL, NeuronExperiment
from lib.fmt import plural
from lib.lab.jobs import JOB_QUEUE
from ui.common import visitor_id
from ui.links import BOUND
from ui.widgets import optimizer_selectbox


def _reset() -> None:
    st.session_state["backprop_exp"] = NeuronExperiment(
        st.session_state["backprop_optimizer"], st.session_state["backprop_lr"], int(st.session_state["backprop_seed"])
    )
    st.session_state.pop("backprop_last_step", None)


def neuron_settings() -> NeuronExperiment:
    """The optimizer, learning rate and seed pickers; the learner's neuron, fresh whenever one of them changes."""
    left, middle, right = st.columns(3)
    optimizer_selectbox(left, "backprop_optimizer", on_change=_reset)
    middle.select_slider(
        "Learning rate",
        LEARNING_RATES,
        value=0.001,
        key="backprop_lr",
        **BOUND,
        on_change=_reset,
        help="Changing the optimizer, learning rate or seed starts a fresh neuron.",
    )
    right.number_input(
        "Random seed (data and initial weights)", 0, 10_000, 0, key="backprop_seed", **BOUND, on_change=_reset
    )
    if "backprop_exp" not in st.session_state:
        _reset()
    return st.session_state["backprop_exp"]


def training_buttons(experiment: NeuronExperiment) -> NeuronExperiment:
    """Train N epochs (a place in the server's training queue), one explained step, or reset; returns the neuron."""
    train_col, epochs_col, step_col, reset_col = st.columns([1.2, 1, 1, 1], vertical_alignment="bottom")
    epochs = epochs_col.number_input(
        "Epochs",
        1,
        MAX_EPOCHS_PER_CALL,
        1,
        key="backprop_epochs",
        **BOUND,
        help="The notebook trains 1 epoch first, then 100 at a time.",
    )
    if train_col.button(f"Train {plural(epochs, 'more epoch')}", type="primary", key="backprop_train_button"):
        with st.spinner(f"Training {epochs:,} epochs…"), JOB_QUEUE.place(visitor_id()) as got_a_place:
            if got_a_place:  # the same cap on simultaneous trainings as the Train MNIST lab
                experiment.train(epochs)
            else:
                st.warning("The server is busy training for the class: try again in a moment.", icon=":material/timer:")
        st.session_state.pop("backprop_last_step", None)
    if step_col.button("One step, explained", icon=":material/footprint:", key="backprop_step_button"):
        st.session_state["backprop_last_step"] = experiment.step()
    if reset_col.button("Reset", icon=":material/restart_alt:", key="backprop_reset_button"):
        _reset()
    return st.session_state["backprop_exp"]
