"""Altair's shared class table (lib.altair_speed) builds exactly the charts Altair builds on its own."""

import numpy as np
from altair.utils import schemapi

from lib import altair_speed
from lib.charts import make_contour_chart, make_descent_1d_chart
from lib.descent import CURVES_1D, descent_1d, descent_view
from lib.descent2d import SURFACES, all_paths, surface_grid


def lesson_charts() -> list[dict]:
    surface = "elongated bowl"
    paths = all_paths(surface, SURFACES[surface].start, 0.05, 20, noise=1.0)
    curve = next(iter(CURVES_1D))
    view = descent_view(curve, descent_1d(curve, -1.0, 0.1, 15))
    w = np.linspace(view["low"], view["high"], 50)
    return [
        make_contour_chart(surface_grid(surface, 10), paths, "t").to_dict(),
        make_descent_1d_chart(w, CURVES_1D[curve].function(w), view).to_dict(),
    ]


def test_the_shared_table_is_on_and_switched_on_once():
    assert getattr(schemapi._FromDict, "_course_shared", False)
    assert altair_speed.share_class_tables() is False  # already on: nothing changes


def test_charts_are_the_same_with_altairs_own_table(monkeypatch):
    shared = lesson_charts()
    own = schemapi._FromDict.__closure__  # the wrapped class sits in the shared factory's closure
    original = next(cell.cell_contents for cell in own if isinstance(cell.cell_contents, type))
    monkeypatch.setattr(schemapi, "_FromDict", original)
    assert lesson_charts() == shared
