"""Backprop through the network in real Chromium, at desktop width and on a phone: both predictions locked in with
the mouse, the whole lesson drawn, every chart at a usable size, nothing wider than the screen."""

import pytest

from e2e.browser import chart_sizes, chromium, exceptions_on, screenshot, streamlit_server, wait_for_idle


def predict_both(page) -> None:
    for option in ("only the true digit's", "exactly 0: nothing flows back through it"):
        page.get_by_text(option, exact=True).first.click()
        page.get_by_role("button", name="Lock in my prediction").first.click()
        wait_for_idle(page)
    page.get_by_role("heading", name="5. Backprop by hand, checked").wait_for()
    wait_for_idle(page)
    page.wait_for_timeout(800)  # charts size themselves to their container


@pytest.mark.parametrize("width,name", [(1400, "backprop_network-desktop"), (390, "backprop_network-phone")])
def test_the_whole_lesson_draws_and_fits_the_screen(width, name):
    with chromium() as browser, streamlit_server() as url:
        phone = width < 500
        height = 11_000 if phone else 7_200  # the whole lesson in one screenshot, laid out once at this size
        page = browser.new_page(viewport={"width": width, "height": height}, is_mobile=phone, has_touch=phone)
        page.set_default_timeout(120_000)
        page.goto(f"{url}/backprop_network")
        wait_for_idle(page, 300)  # a fresh server: TensorFlow and MNIST load first
        assert page.locator('[data-testid="stDialog"]').count() == 0  # no "Page not found" on a deep link
        assert page.get_by_text("Lock in both predictions to see the backward pass.").count() == 1
        predict_both(page)
        assert exceptions_on(page) == []
        charts = chart_sizes(page)
        assert len(charts) >= 5  # probabilities, ∂L/∂Z₂, the mask (two panels), f′ swapped in, the deep stack
        assert all(c["width"] > 200 and c["height"] > 90 and c["right"] <= c["view"] + 1 for c in charts), charts
        widths = page.evaluate("() => [document.documentElement.clientWidth, document.documentElement.scrollWidth]")
        assert widths[1] <= widths[0], widths  # nothing scrolls sideways
        images = page.locator('[data-testid="stImage"] img')
        assert all(images.nth(i).get_attribute("alt") for i in range(images.count()))  # every image has alt text
        screenshot(page, name)
