"""How fast "Inside the network" reacts to a stroke: in Chromium against a local server, and its computation
in-process. The last line printed is one JSON object.

    python bench/inside_speed.py
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from e2e.browser import chromium, draw_stroke, streamlit_server, wait_for_idle  # noqa: E402

PAD_DEBOUNCE_S = 0.2


def browser_reactions(strokes: int) -> list[float]:
    """Seconds from releasing the mouse to the page having redrawn (its script run finished)."""

    with chromium() as browser, streamlit_server() as url:
        page = browser.new_page(viewport={"width": 1280, "height": 1600})
        page.set_default_timeout(120_000)
        page.goto(f"{url}/inside")
        page.get_by_text("Draw one digit").first.wait_for(timeout=180_000)  # the shared network trains first
        draw_stroke(page)  # warm up: the first reading builds what later ones reuse
        page.get_by_text("It reads").first.wait_for()
        wait_for_idle(page)
        app = page.locator('[data-testid="stApp"]')
        times = []
        for i in range(strokes):
            released = draw_stroke(page, offset=0.02 * (i + 1))
            page.wait_for_function(
                "() => document.querySelector('[data-testid=stApp]').getAttribute('data-test-script-state')"
                " === 'running'"
            )
            page.wait_for_function(
                "() => document.querySelector('[data-testid=stApp]').getAttribute('data-test-script-state')"
                " === 'notRunning'"
            )
            times.append(time.perf_counter() - released)
            assert app.count()
    return times


def compute_time(repeats: int = 20) -> float:
    """The page's own work for one stroke, warm: prepare the drawing, read it, draw the weight mosaic."""
    import numpy as np

    from lib.data import load_mnist
    from lib.inside import read_digit, weight_mosaic
    from lib.lab.config import TrainConfig
    from lib.lab.jobs import TrainingJob
    from lib.picture import prepare_digit

    mnist = load_mnist()
    job = TrainingJob(TrainConfig(epochs=1, data_fraction=0.1), mnist).start()
    job.join()
    pad = np.zeros((280, 280, 4), np.uint8)
    pad[40:240, 130:150] = 255
    read_digit(job.model, prepare_digit(pad))
    started = time.perf_counter()
    for _ in range(repeats):
        reading = read_digit(job.model, prepare_digit(pad))
        weight_mosaic(job.model.get_layer("hidden").kernel.numpy())
    assert reading.predicted is not None
    return (time.perf_counter() - started) / repeats


if __name__ == "__main__":
    reactions = browser_reactions(5)
    print(
        json.dumps(
            {
                # streamlit-drawable-canvas 0.13 sends a stroke 200 ms after the mouse is released (its own
                # debounce, Bc = 200 in its frontend); the page's reaction is what follows.
                "page_reaction_after_send_s": round(statistics.median(reactions) - PAD_DEBOUNCE_S, 3),
                "pad_debounce_s": PAD_DEBOUNCE_S,
                "browser_reaction_median_s": round(statistics.median(reactions), 3),
                "browser_reactions_s": [round(t, 3) for t in reactions],
                "compute_per_stroke_s": round(compute_time(), 4),
            }
        )
    )
