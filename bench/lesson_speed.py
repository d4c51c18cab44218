"""How fast the lessons answer: every page's first visit, and each main control moved to three values not seen
before, timed as the server's time for one script run in AppTest (a warm process; Streamlit's caches cleared before
each page so every value is new to it).

    python bench/lesson_speed.py                       # every page
    python bench/lesson_speed.py descent activations   # only these pages (all are still visited once first)

The last line printed is one JSON object: per page, "first_visit_s" and, per control, the median and max seconds
of its three moves; and "slowest_interaction_s" over them all. Compare ratios on one machine, not seconds across
machines.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import lib.runtime  # noqa: E402,F401  (TensorFlow imported once, before any timing)

PAGES = {  # page -> (widget kind, key, three new values)
    "pages/activations.py": [
        ("slider", "activations_units", [17, 23, 40]),
        ("slider", "activations_steps", [450, 550, 900]),
        ("slider", "activations_temperature", [1.5, 2.5, 0.4]),
        ("selectbox", "activations_dataset", ["moons", "circles", "moons"]),
    ],
    "pages/descent.py": [
        ("slider", "descent_start", [-0.5, 3.2, 0.7]),
        ("slider", "descent_steps", [20, 33, 59]),
        ("select_slider", "descent_lr", [0.2, 0.5, 1.05]),
        ("selectbox", "descent_surface", None),
        ("select_slider", "descent_lr2", [0.1, 0.01, 0.2]),
        ("slider", "descent_steps2", [85, 120, 205]),
        ("slider", "descent_noise", [0.5, 1.0, 2.3]),
        ("select_slider", "descent_offset", [1e-6, 1e-2, 0.1]),
    ],
    "pages/losses.py": [("selectbox", "losses_true_digit", [4, 7, 0])],
    "pages/network.py": [("slider", "network_width", [65, 100, 300])],
}


def timed_run(at) -> float:
    started = time.perf_counter()
    at.run()
    return time.perf_counter() - started


def main() -> None:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from tests.test_pages import ROOT, route_like_a_server
    from ui.nav import all_pages

    route_like_a_server()  # pages run through the router (sidebar, gates), as on a running server

    TIMEOUT = 600  # the first visits include one-time compilations, slow on a busy machine

    warm = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=TIMEOUT)
    warm.run()  # the router, the sidebar, TensorFlow: paid once, as on a running server
    pages = [spec.path for spec in all_pages()]
    for page in pages:  # and every page once, so imports and one-time compilations are behind us
        warm.switch_page(page).run()
    from ui.common import _warm_lessons

    _warm_lessons().join()  # and the server's own warm-up, done in the background, has finished: a warm server
    only = [f"pages/{name}.py" for name in sys.argv[1:]]
    report = {}
    for page in [p for p in pages if p in only] if only else pages:
        controls = PAGES.get(page, [])
        st.cache_data.clear()
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=TIMEOUT)
        at.run()
        at.switch_page(page)
        row = {"first_visit_s": round(timed_run(at), 3)}
        for kind, key, values in controls:
            widget = getattr(at, kind)(key=key)
            if values is None:  # every option but the current one, then back
                values = [o for o in widget.options if o != str(widget.value)][:2] + [str(widget.value)]
            times = []
            for value in values:
                getattr(at, kind)(key=key).set_value(value)
                times.append(timed_run(at))
                assert not at.exception, [e.value for e in at.exception]
            row[key] = {"median_s": round(statistics.median(times), 3), "max_s": round(max(times), 3)}
        report[page.removeprefix("pages/").removesuffix(".py")] = row
    slowest = max(v["max_s"] for row in report.values() for k, v in row.items() if k != "first_visit_s")
    slowest_visit = max(row["first_visit_s"] for row in report.values())
    print(json.dumps({"pages": report, "slowest_interaction_s": slowest, "slowest_first_visit_s": slowest_visit}))


if __name__ == "__main__":
    main()
