"""Widgets that read their options and bounds from lib.choices, so every picker offers exactly the registry."""

from __future__ import annotations

from lib.choices import BOUNDS, OPTIMIZERS


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
