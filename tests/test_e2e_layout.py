"""In Chromium, every page at a 390 px phone and a 1280 px desktop: no text is cut, and the screenshots are kept.

What is checked: every visible text element of the page and of an open sidebar (e2e.browser.clipped_text), with
Streamlit's own chrome left out (e2e.browser.CHROME: header, toolbars, status, the uploader's fixed hint). Text that
Vega draws on a canvas (chart titles, legends) and the headers of st.dataframe (also a canvas) are not in the page's
DOM: their widths are checked where they are built (tests/test_layout.py), and the screenshots are looked at.
"""

import pytest
from playwright.sync_api import expect

from e2e.browser import chromium, clipped_text, exceptions_on, screenshot, streamlit_server, wait_for_idle
from ui.nav import all_pages

WIDTHS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 900}},
}


@pytest.fixture(scope="module")
def pages():
    with chromium() as browser, streamlit_server() as url:
        contexts = {name: browser.new_context(**options) for name, options in WIDTHS.items()}
        tabs = {name: context.new_page() for name, context in contexts.items()}
        for tab in tabs.values():
            tab.set_default_timeout(90_000)
        yield url, tabs


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("spec", all_pages(), ids=lambda spec: spec.url_path)
def test_no_text_is_cut_on_any_page_at_phone_and_desktop_width(pages, spec, width):
    url, tabs = pages
    page = tabs[width]
    page.goto(f"{url}/{spec.url_path}")
    wait_for_idle(page)
    page.wait_for_timeout(500)  # charts and tables size themselves to their container
    assert exceptions_on(page) == []
    cut = clipped_text(page)
    page.set_viewport_size({"width": WIDTHS[width]["viewport"]["width"], "height": 4000})  # the whole page, to look at
    page.wait_for_timeout(1500)  # what the taller window uncovers is drawn
    screenshot(page, f"layout-{width}-{spec.url_path}")
    page.set_viewport_size(WIDTHS[width]["viewport"])
    assert cut == [], cut


def test_ten_logit_sliders_leave_the_chart_within_a_screen_on_a_phone(pages):
    url, tabs = pages
    page = tabs["phone"]
    page.goto(f"{url}/losses")
    wait_for_idle(page)
    expect(page.locator('[data-testid="stSlider"]').filter(has_text="logit of")).to_have_count(10)
    expect(page.locator('[data-testid="stVegaLiteChart"]').nth(1)).to_be_visible()  # the chart under the sliders
    page.wait_for_timeout(500)
    tops = page.evaluate(
        """() => {
          const sliders = [...document.querySelectorAll('[data-testid=stSlider]')]
            .filter(s => s.innerText.includes('logit of'));
          const first = sliders[0].getBoundingClientRect().top;
          const after = [...document.querySelectorAll('[data-testid=stVegaLiteChart]')]
            .map(c => c.getBoundingClientRect().top).filter(top => top > first);
          return {first, chart: Math.min(...after), order: sliders.map(s => s.innerText.split('\\n')[0]),
                  screen: window.innerHeight};
        }"""
    )
    assert tops["order"] == [f"logit of {d}" for d in range(10)]  # reading order, row by row
    assert tops["chart"] - tops["first"] < 0.6 * tops["screen"], tops  # the chart starts well within a screen
