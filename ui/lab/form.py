"""The lab's settings: every option and bound read from lib.choices; returns a checked TrainConfig or None."""

from __future__ import annotations

import streamlit as st

from lib.choices import (
    ACTIVATIONS,
    BATCH_SIZES,
    BOUNDS,
    HIDDEN_ACTIVATIONS,
    LEARNING_RATES,
    LOSSES,
    OPTIMIZERS,
    OUTPUTS,
    ConfigError,
    pairing_note,
)
from lib.lab.config import TrainConfig, split_indices
from lib.lab.estimate import SPEED, over_the_cap, seconds_text
from ui.links import optimizer_label
from ui.widgets import bounded_slider, optimizer_selectbox

LINK_FORMS = {  # widget key -> (what the learner calls it, how the URL spells its value)
    "train_hidden_activation": ("hidden activation", lambda v: ACTIVATIONS[v].label),
    "train_hidden_units": ("hidden neurons", str),
    "train_output_activation": ("output activation", lambda v: OUTPUTS[v].label),
    "train_loss": ("loss", lambda v: LOSSES[v].label),
    "train_optimizer": ("optimizer", optimizer_label),
    "train_lr": ("learning rate", lambda v: f"{v:g}"),
    "train_batch": ("batch size", str),
    "train_epochs": ("epochs", str),
    "train_data_percent": ("share of the images", str),
    "train_val_percent": ("validation share", str),
    "train_seed": ("random seed", str),
}


NOTEBOOK_SETTINGS = {  # widget key -> the notebook's value (the defaults of every bound)
    "train_hidden_activation": "relu",
    "train_hidden_units": int(BOUNDS["hidden_units"].default),
    "train_output_activation": "softmax",
    "train_loss": "cross_entropy",
    "train_optimizer": "adam",
    "train_lr": BOUNDS["learning_rate"].default,
    "train_batch": int(BOUNDS["batch_size"].default),
    "train_epochs": int(BOUNDS["epochs"].default),
    "train_data_percent": int(BOUNDS["data_percent"].default),
    "train_val_percent": int(BOUNDS["validation_percent"].default),
    "train_seed": int(BOUNDS["seed"].default),
}


def reset_to_the_notebook() -> None:
    st.session_state.update(NOTEBOOK_SETTINGS)


def _learning_rate_follows_optimizer():
    st.session_state["train_lr"] = OPTIMIZERS[st.session_state["train_optimizer"]].default_lr


def settings_form(num_images: int, num_test: int, busy: bool) -> TrainConfig | None:
    st.session_state.setdefault("train_lr", OPTIMIZERS["adam"].default_lr)
    left, middle, right = st.columns(3)
    with left:
        st.markdown("**Network**")
        hidden_activation = st.selectbox(
            "Hidden activation",
            HIDDEN_ACTIVATIONS,
            format_func=lambda key: ACTIVATIONS[key].label,
            key="train_hidden_activation",
            persist_state="session",
            bind="query-params",
            disabled=busy,
        )
        hidden_units = bounded_slider(st, "hidden_units", "Hidden neurons", "train_hidden_units", disabled=busy)
        output = st.selectbox(
            "Output activation",
            list(OUTPUTS),
            key="train_output_activation",
            persist_state="session",
            bind="query-params",
            disabled=busy,
            help=" · ".join(f"{o.label}: {o.help}" for o in OUTPUTS.values()),
        )
    with middle:
        st.markdown("**Loss and optimizer**")
        loss = st.selectbox(
            "Loss",
            list(LOSSES),
            format_func=lambda key: LOSSES[key].label,
            key="train_loss",
            persist_state="session",
            bind="query-params",
            disabled=busy,
            help=" · ".join(f"{c.label}: {c.help}" for c in LOSSES.values()),
        )
        optimizer = optimizer_selectbox(st, "train_optimizer", _learning_rate_follows_optimizer, disabled=busy)
        learning_rate = st.select_slider(
            "Learning rate (log scale)",
            LEARNING_RATES,
            key="train_lr",
            persist_state="session",
            bind="query-params",
            format_func=lambda v: f"{v:g}",
            disabled=busy,
            help="Changing the optimizer resets this to that optimizer's Keras default.",
        )
    with right:
        st.markdown("**Data and schedule**")
        batch_size = st.select_slider(
            "Batch size",
            BATCH_SIZES,
            int(BOUNDS["batch_size"].default),
            key="train_batch",
            persist_state="session",
            bind="query-params",
            disabled=busy,
        )
        epochs = bounded_slider(st, "epochs", "Epochs", "train_epochs", disabled=busy)
        data_percent = bounded_slider(
            st,
            "data_percent",
            "Share of the 60,000 training images (%)",
            "train_data_percent",
            disabled=busy,
            help="Use less for a quick run.",
        )
        validation_percent = bounded_slider(
            st,
            "validation_percent",
            "Held out for validation (%)",
            "train_val_percent",
            disabled=busy,
            help="A part of the training images the model never trains on, to see how well it generalises.",
        )
        seed_bound = BOUNDS["seed"]
        seed = st.number_input(
            "Random seed",
            int(seed_bound.low),
            int(seed_bound.high),
            int(seed_bound.default),
            key="train_seed",
            persist_state="session",
            bind="query-params",
            disabled=busy,
        )
    st.button(
        "Reset to the notebook's settings",
        icon=":material/settings_backup_restore:",
        key="train_reset_button",
        on_click=reset_to_the_notebook,
        disabled=busy,
    )
    st.caption(pairing_note(loss, output))
    config = TrainConfig(
        hidden_activation=hidden_activation,
        hidden_units=hidden_units,
        output_activation=output,
        loss=loss,
        optimizer=optimizer,
        learning_rate=learning_rate,
        batch_size=batch_size,
        epochs=epochs,
        data_fraction=data_percent / 100,
        validation_fraction=validation_percent / 100,
        seed=int(seed),
    )
    try:
        config.validated()
    except ConfigError as error:
        st.error(str(error), icon=":material/error:")
        return None
    train_idx, val_idx = split_indices(config, num_images)
    st.caption(
        f"Trains on {len(train_idx):,} images ({-(-len(train_idx) // batch_size):,} batches of {batch_size} per "
        f"epoch), validates on {len(val_idx):,}, tests on the {num_test:,} test images. Estimated training time "
        f"on this server: {seconds_text(SPEED.predict(config, len(train_idx)))}."
    )
    too_much = over_the_cap(config, len(train_idx))
    if too_much:
        st.error(too_much, icon=":material/timer_off:")
        return None
    return config
