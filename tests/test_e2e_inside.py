"""Inside the network in real Chromium: a stroke drawn with the mouse gets a prediction and the weight grids."""

import time

from e2e.browser import (
    chromium,
    draw_stroke,
    exceptions_on,
    screenshot,
    streamlit_server,
    wait_for_idle,
)


def test_a_stroke_drawn_with_the_mouse_gets_a_prediction_and_the_grids():

    with chromium() as browser, streamlit_server() as url:
        page = browser.new_page(viewport={"width": 1280, "height": 2400})
        page.set_default_timeout(120_000)
        page.goto(f"{url}/inside")
        page.get_by_text("Draw one digit").first.wait_for(timeout=180_000)  # after the shared network trained
        released = draw_stroke(page)
        page.get_by_text("It reads").first.wait_for()
        print(f"\nprediction shown {time.perf_counter() - released:.2f} s after the stroke")
        wait_for_idle(page)
        assert page.get_by_role("heading", name="3. What each hidden neuron learned").count() == 1
        assert page.locator('[data-testid="stImage"]').count() >= 4  # the digit, saliency, both weight grids
        assert exceptions_on(page) == []
        screenshot(page, "inside-drawn")
