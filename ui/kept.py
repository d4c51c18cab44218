"""Charts and tables prepared once per what they show, then drawn from what was kept.

Turning an Altair chart into the spec Streamlit sends (building it, serialising its data to Arrow), or a table into
Arrow, costs 10–60 ms each: most of a lesson's rerun. A rerun that shows the same thing again (a slider moved back,
a batch revisited, a chart or table the control just moved does not touch) now costs a hash and a lookup. What is
kept is looked up by the builder and the very arguments it is called with, so a chart can never be drawn from
numbers other than its own.
"""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import pandas as pd
import pyarrow as pa
import streamlit as st
from streamlit.elements import vega_charts

# Altair checks each part of a chart against Vega-Lite's schema as it is built (its "debug mode"): a third of the
# time of building a layered chart. The whole spec is checked instead, once, in tests/test_kept.py, for every chart
# the lessons draw.
alt.utils.schemapi.disable_debug_mode()

KEPT = 512  # specs and tables kept for the whole server (each a few kB to a few hundred kB)


def vega_lite_spec(chart: alt.TopLevelMixin) -> dict:
    """The spec `st.altair_chart` would send for this chart (Streamlit's own conversion: no theme, every dataset
    already in Arrow), less the check against Vega-Lite's schema: that check costs a third of the conversion, and
    tests/test_kept.py makes it on every chart the lessons draw."""
    datasets: dict = {}
    alt.data_transformers.register("to_arrow_dataset", vega_charts._to_arrow_dataset)
    with vega_charts._altair_globals_lock:  # the theme and the transformer are global to all threads
        with alt.theme.enable("none"), alt.data_transformers.enable("to_arrow_dataset", datasets=datasets):
            spec = chart.to_dict(validate=False)
    spec["datasets"] = spec.get("datasets", {}) | datasets
    return spec


def _name(make: Callable) -> str:
    """What names a builder in the keys: two lambdas of one page would share a name, so a builder is a named
    function."""
    if "<lambda>" in make.__qualname__:
        raise TypeError("ui.kept needs a named builder: two lambdas of one module share one name")
    return f"{make.__module__}.{make.__qualname__}"


@st.cache_resource(max_entries=KEPT, show_spinner=False)
def _spec(name: str, args: tuple, kwargs: dict, _make: Callable[..., alt.TopLevelMixin]) -> dict:
    """Never changed once kept: Streamlit copies a spec before it adds to it."""
    return vega_lite_spec(_make(*args, **kwargs))


def chart(make: Callable[..., alt.TopLevelMixin], *args, height="content", where=None, **kwargs) -> None:
    """Draw `make(*args, **kwargs)` (a chart builder of lib/), built only the first time the server is asked for
    it with these arguments."""
    spec = _spec(_name(make), args, kwargs, make)
    (where or st).vega_lite_chart(spec, width="stretch", height=height)


def prepare(make: Callable[..., alt.TopLevelMixin], *args, **kwargs) -> None:
    """Build and keep what `chart(make, *args, **kwargs)` will draw, without drawing it (from any thread)."""
    _spec(_name(make), args, kwargs, make)


@st.cache_resource(max_entries=KEPT, show_spinner=False)
def _table(name: str, args: tuple, _make: Callable) -> pa.Table:
    rows = _make(*args)
    if isinstance(rows, pd.DataFrame):
        return pa.Table.from_pandas(rows, preserve_index=False)
    return pa.Table.from_pydict(rows) if isinstance(rows, dict) else pa.Table.from_pylist(rows)


def _same(rows):
    return rows


def arrow(make: Callable | list | dict | pd.DataFrame, *args) -> pa.Table:
    """The rows `make(*args)` returns (a list of rows, a dict of columns or a DataFrame) in Arrow, converted only
    the first time; `make` may also be the rows themselves (then they are what is hashed)."""
    if not callable(make):
        make, args = _same, (make,)
    return _table(_name(make), args, make)


def table(make: Callable | list | dict | pd.DataFrame, *args, where=None, **options) -> None:
    """`st.dataframe` of `arrow(make, *args)`, without an index."""
    (where or st).dataframe(arrow(make, *args), hide_index=True, **({"width": "stretch"} | options))
