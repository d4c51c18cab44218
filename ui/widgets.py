"""Widgets that read their options and bounds from lib.choices, so every picker offers exactly the registry."""

from __future__ import annotations

import streamlit as st

from lib.choices import BOUNDS, OPTIMIZERS

# A slider in a grid is this wide: two to a row on a 390 px phone, five on a desktop page.
GRID_SLIDER_WIDTH = 160


def slider_grid():
    """A container for a set of sliders made with width=GRID_SLIDER_WIDTH: they fill it row by row and wrap onto
    the next row on a narrow screen, so they keep their reading order (z0, z1, z2, …) on any screen. st.columns
    would stack column by column on a phone (z0, z3, z1, z4, z2) and give each slider the full width."""
    return st.container(horizontal=True, gap="small")


def optimizer_selectbox(where, key: str, on_change=None, disabled: bool = False) -> str:
    """The course's optimizer picker (Adam first chosen, as in the notebook); returns the optimizer's key."""
    return where.selectbox(
        "Optimizer",
        list(OPTIMIZERS),
        index=list(OPTIMIZERS).index("adam"),
        format_func=lambda key: OPTIMIZERS[key].label,
        key=key,
        persist_state="session",
        on_change=on_change,
        disabled=disabled,
        bind="query-params",
    )


def bounded_slider(where, name: str, label: str, key: str, **kwargs) -> int:
    """An integer slider whose range and default are BOUNDS[name]."""
    bound = BOUNDS[name]
    return where.slider(
        label,
        int(bound.low),
        int(bound.high),
        int(bound.default),
        key=key,
        persist_state="session",
        bind="query-params",
        **kwargs,
    )
