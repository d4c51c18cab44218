"""What a keyboard learner costs the server: 20 quick arrow presses on a lesson slider in headless Chromium, and how
many script runs the server started for them (counted in its debug log), the value the slider ends on, and the time
from the first press until the page is idle again.

    python bench/slider_keys.py                       # Gradient descent's "Start at w =" slider, 20 × →
    python bench/slider_keys.py "Gradient noise" 20   # another slider on that page, and a number of presses
    python bench/slider_keys.py "Hidden-layer width" 63 network   # a slider on another page

The last line printed is one JSON object. Streamlit 1.67's slider sends its value on every key press (a mouse drag
sends one, on release), and st.slider has no debounce option: each press starts a rerun that stops the one before.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from e2e.browser import ROOT, chromium, streamlit_server, wait_for_idle  # noqa: E402


def main(label: str = "Start at w", presses: int = 20, page_path: str = "descent", key: str = "ArrowRight") -> None:
    with streamlit_server({"STREAMLIT_LOGGER_LEVEL": "debug"}) as url, chromium() as browser:
        log = ROOT / "artifacts" / f"streamlit-{url.rsplit(':', 1)[1]}.log"
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{url}/{page_path}", timeout=180_000)
        wait_for_idle(page, 180)
        slider = page.locator('[data-testid="stSlider"]').filter(has_text=label).first
        shown = slider.locator('[data-testid="stSliderThumbValue"]').first
        before, runs_before = shown.inner_text(), log.read_text().count("Running script")
        slider.locator("input").first.focus()
        started = time.perf_counter()
        for _ in range(presses):
            page.keyboard.press(key)
        pressing = time.perf_counter() - started
        wait_for_idle(page, 180)  # ends with two 0.3 s pauses: taken off below
        report = {
            "page": page_path,
            "slider": label,
            "presses": presses,
            "value_before": before,
            "value_after": shown.inner_text(),
            "script_runs": log.read_text().count("Running script") - runs_before,
            "pressing_s": round(pressing, 2),
            "first_press_to_idle_s": round(time.perf_counter() - started - 0.6, 2),
        }
    print(json.dumps(report))


if __name__ == "__main__":
    main(*(sys.argv[1:2] or ["Start at w"]), *(int(n) for n in sys.argv[2:3]), *sys.argv[3:4])
