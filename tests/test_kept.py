"""ui.kept draws charts from specs kept per builder and arguments. The spec it makes is the one st.altair_chart
would send, less the schema check it skips at run time: that check is made here, on every chart every lesson draws
with its predictions locked in, against Vega-Lite's own schema."""

import json

import numpy as np
import pytest
from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema.core import load_schema
from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

from lib.boundary import make_moons, train_boundary
from lib.charts import make_boundary_chart, make_contour_chart, make_softmax_chart
from lib.descent2d import surface_grid
from lib.netprop_charts import make_mask_chart
from tests.test_pages import answer_gate, open_page
from ui import kept
from ui.nav import all_pages

SCHEMA = load_schema()


def with_every_gate_answered(path: str):
    at = open_page(path)
    for _ in range(6):  # a locked-in prediction may reveal the next one
        waiting = [r.key for r in at.radio if r.key and r.key.startswith("gate_") and r.key.endswith("_choice")]
        if not waiting:
            break
        answer_gate(at, waiting[0].removeprefix("gate_").removesuffix("_choice"))
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("path", [spec.path for spec in all_pages()])
def test_every_chart_a_page_draws_is_valid_vega_lite(path):
    at = with_every_gate_answered(path)
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        validate_jsonschema(spec, SCHEMA)  # raises with the schema's own message on the first error
        names = {d.name for d in chart.proto.datasets}
        assert names == {d for d in _named_data(spec)}, "every dataset the spec names is sent, and only those"
        assert not _shared_colour_clashes(spec), (path, _shared_colour_clashes(spec))


def _shared_colour_clashes(spec, shared: bool = True) -> list[tuple[str, ...]]:
    """Views composed into one chart share their colour scale unless told otherwise: two views colouring by
    different fields then draw one view's marks with the other's domain, and marks outside it vanish (the mask
    chart's flows did, under the mask's True/False scale). Returns the clashing field sets."""
    clashes = []
    for kind in ("vconcat", "hconcat", "concat", "layer"):
        if kind in spec:
            independent = spec.get("resolve", {}).get("scale", {}).get("color") == "independent"
            fields = {f for view in spec[kind] for f in _colour_fields(view)}
            if len(fields) > 1 and not independent:
                clashes.append(tuple(sorted(fields)))
            clashes += [c for view in spec[kind] for c in _shared_colour_clashes(view)]
    return clashes


def _colour_fields(view) -> set[str]:
    colour = view.get("encoding", {}).get("color", {})
    found = {colour["field"]} if isinstance(colour, dict) and "field" in colour else set()
    for kind in ("vconcat", "hconcat", "concat", "layer"):
        if kind in view and view.get("resolve", {}).get("scale", {}).get("color") != "independent":
            found |= {f for sub in view[kind] for f in _colour_fields(sub)}
    return found


def _named_data(spec) -> set[str]:
    if isinstance(spec, dict):
        found = {spec["data"]["name"]} if isinstance(spec.get("data"), dict) and "name" in spec["data"] else set()
        return found.union(*(_named_data(v) for v in spec.values()))
    if isinstance(spec, list):
        return set().union(*(_named_data(v) for v in spec))
    return set()


def _charts():
    points, labels = make_moons(60, 0.1, 0)
    boundary = train_boundary(points, labels, "relu", 4, 20, grid_size=12)
    rng = np.random.default_rng(0)
    grid = surface_grid("saddle: x² − y² + y⁴/4")
    path = np.cumsum(rng.normal(size=(20, 2)) * 0.1, axis=0)
    d_h = rng.normal(size=64)
    return [
        make_softmax_chart(rng.dirichlet(np.ones(10)), true_class=3),
        make_contour_chart(grid, {"SGD": path, "Adam": path[::-1]}, "t"),
        make_mask_chart(d_h, (d_h > 0).astype(float), d_h * (d_h > 0), "ReLU"),
        make_boundary_chart(boundary, points, labels, "t"),
    ]


def test_the_kept_spec_is_the_one_streamlit_would_send():
    for chart in _charts():
        ours, streamlits = kept.vega_lite_spec(chart), _convert_altair_to_vega_lite_spec(chart)
        assert json.dumps(ours, sort_keys=True, default=repr) == json.dumps(streamlits, sort_keys=True, default=repr)


def test_a_builder_must_be_named():
    with pytest.raises(TypeError, match="named builder"):
        kept.chart(lambda: _charts()[0])
