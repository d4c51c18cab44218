"""How fast the lessons answer: every page's first visit, and each main control moved to three values not seen
before, timed as the server's time for one script run in AppTest (a warm process, once what the pages started in
the background has ended; every prediction locked in, so the charts behind them are drawn; Streamlit's caches
cleared before each page so every value is new to it); then a handful of sliders in headless Chromium against a
real server, timed from the key press to the redrawn page.

    python bench/lesson_speed.py                       # every page, then Chromium
    python bench/lesson_speed.py descent activations   # only these pages (all are still visited once first)
    python bench/lesson_speed.py --no-browser          # AppTest only (no Chromium needed)

The last line printed is one JSON object: per page, "first_visit_s" and, per control, the median and max seconds
of its three moves; "slowest_interaction_s" over them all; and "browser": per slider, the median and max seconds
from a → key press to the page redrawn (the script run ended and two frames painted since), three presses each, on a
server whose background warm-up has finished. Compare ratios on one machine, not seconds across machines.
"""

from __future__ import annotations

import json
import os
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


BROWSER = [  # page, slider label, which of the sliders so labelled: a handful of the slowest and the most used
    ("pages/network.py", "Hidden-layer width", 0),
    ("pages/backprop_network.py", "Batch size B", 0),
    ("pages/activations.py", "Hidden neurons", 0),
    ("pages/activations.py", "Training steps", 0),
    ("pages/descent.py", "Start at w", 0),
    ("pages/descent.py", "Steps", 1),  # the 2-D one
    ("pages/descent.py", "Gradient noise", 0),
]

# In the page: the time of each key press, of the script run starting, and of the second frame painted after it ended.
STOPWATCH = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  window.__lap = {};
  window.addEventListener('keydown', () => { window.__lap = {pressed: performance.now()}; }, true);
  new MutationObserver(() => {
    const lap = window.__lap, state = app.getAttribute('data-test-script-state');
    if (state === 'running' && lap.pressed && !lap.running) lap.running = performance.now();
    if (state === 'notRunning' && lap.running && !lap.ended) {
      lap.ended = performance.now();
      requestAnimationFrame(() => requestAnimationFrame(() => { lap.drawn = performance.now(); }));
    }
  }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""


def server_idle(pid: int, quiet_s: float = 2.0, timeout_s: float = 300) -> None:
    """Until a server process has used almost no CPU for `quiet_s` (its background work has finished)."""

    def cpu() -> float:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    deadline, last, quiet_since = time.monotonic() + timeout_s, cpu(), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = cpu()
        if now - last > 0.05:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= quiet_s:
            return
        last = now


def answer_every_gate(page, wait_for_idle) -> None:
    """Lock in the first option of each prediction on the page, so what it reveals (charts) is drawn too."""
    for _ in range(8):
        lock = page.get_by_role("button", name="Lock in my prediction")
        if not lock.count():
            return
        lock.first.locator('xpath=preceding::*[@role="radiogroup"][1]').locator("label").first.click()
        wait_for_idle(page)
        page.get_by_role("button", name="Lock in my prediction").first.click()
        wait_for_idle(page)


def in_chromium() -> dict:
    """Per slider of BROWSER: the median and max seconds from a → press to the page redrawn, three presses."""
    from e2e.browser import chromium, streamlit_server, wait_for_idle
    from ui.nav import all_pages

    url_of = {spec.path: spec.url_path for spec in all_pages()}
    found: dict = {}
    with streamlit_server() as url, chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        for path in dict.fromkeys(path for path, _, _ in BROWSER):
            page.goto(f"{url}/{url_of[path]}", timeout=180_000)
            wait_for_idle(page, 180)
            answer_every_gate(page, wait_for_idle)
            server_idle(url.pid)
            page.evaluate(STOPWATCH)
            for _, label, nth in [row for row in BROWSER if row[0] == path]:
                slider = page.locator('[data-testid="stSlider"]').filter(has_text=label).nth(nth)
                times = []
                for _ in range(3):
                    slider.locator("input").first.focus()
                    page.keyboard.press("ArrowRight")
                    page.wait_for_function("() => window.__lap.drawn", timeout=60_000)
                    lap = page.evaluate("() => window.__lap")
                    times.append((lap["drawn"] - lap["pressed"]) / 1000)
                    wait_for_idle(page)
                key = f"{path.removeprefix('pages/').removesuffix('.py')}: {label}"
                found[key] = {"median_s": round(statistics.median(times), 3), "max_s": round(max(times), 3)}
    return found


def timed_run(at) -> float:
    started = time.perf_counter()
    at.run()
    return time.perf_counter() - started


def main() -> None:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from tests.course_text import answer_every_gate as predict_everything
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
    server_idle(os.getpid())  # and what the pages started has ended (visiting the lab trains its network for seconds)
    only = [f"pages/{name}.py" for name in sys.argv[1:] if not name.startswith("--")]
    report = {}
    for page in [p for p in pages if p in only] if only else pages:
        controls = PAGES.get(page, [])
        st.cache_data.clear()
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=TIMEOUT)
        at.run()
        at.switch_page(page)
        row = {"first_visit_s": round(timed_run(at), 3)}
        predict_everything(at)  # a learner who has predicted: the charts behind each prediction are drawn too
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
    found = {"pages": report, "slowest_interaction_s": slowest, "slowest_first_visit_s": slowest_visit}
    if "--no-browser" not in sys.argv:
        found["browser"] = in_chromium()
    print(json.dumps(found))


if __name__ == "__main__":
    main()
