"""On a phone (390 × 844): no page is wider than the screen, and the digit grid stays a grid."""

import pytest

from e2e.browser import (
    chart_sizes,
    chromium,
    exceptions_on,
    screenshot,
    streamlit_server,
    wait_for_idle,
)
from ui.nav import all_pages


@pytest.fixture(scope="module")
def phone():

    with chromium() as browser, streamlit_server() as url:
        page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        page.set_default_timeout(90_000)
        yield url, page


@pytest.mark.parametrize("spec", all_pages(), ids=lambda spec: spec.url_path)
def test_no_page_scrolls_sideways_on_a_phone(phone, spec):
    url, page = phone
    page.goto(f"{url}/{spec.url_path}")
    wait_for_idle(page)
    charts = chart_sizes(page)  # waits until every chart has drawn: only then is the page as wide as it gets
    widest = page.evaluate(
        """() => {
          const view = document.documentElement.clientWidth;
          const main = document.querySelector('[data-testid=stMain]') || document.body;
          return {view, page: document.documentElement.scrollWidth, main: main.scrollWidth};
        }"""
    )
    screenshot(page, f"phone-{spec.url_path}")
    assert exceptions_on(page) == []
    assert widest["page"] <= widest["view"] and widest["main"] <= widest["view"], widest
    assert all(c["width"] > 200 and c["height"] > 100 for c in charts), charts  # every chart drawn, none a sliver


def test_a_finished_run_and_its_comparison_fit_a_phone(phone):
    from e2e.browser import set_slider

    url, page = phone
    page.goto(f"{url}/train")
    wait_for_idle(page)
    set_slider(page, "Share of the 60,000", "Home", 0, "ArrowRight")  # 1%: a quick run
    set_slider(page, "Epochs", "Home", 0, "ArrowRight")
    for _ in range(2):  # two runs, so the comparison has something to compare
        page.get_by_role("button", name="Start training").click()
        page.get_by_role("heading", name="4. Compare your runs").wait_for(timeout=120_000)
        page.locator('[data-testid="stAlert"]').filter(has_text="Training finished").first.wait_for(timeout=120_000)
        wait_for_idle(page)
    charts = chart_sizes(page)  # waits until every chart has drawn
    widths = page.evaluate(
        "() => [document.documentElement.clientWidth, document.documentElement.scrollWidth,"
        " ...[...document.querySelectorAll('[data-testid=stVegaLiteChart]')].map(c => c.getBoundingClientRect().right)]"
    )
    screenshot(page, "phone-train-results")
    view, page_width, *chart_edges = widths
    assert page_width <= view and all(edge <= view + 1 for edge in chart_edges), widths
    assert len(charts) >= 3 and all(c["width"] > 200 and c["height"] > 200 for c in charts), charts


def test_finished_experiments_draw_their_charts_whole_on_a_phone(phone):
    """A sweep and twin runs, finished: each chart has room for its plot (a legend under a chart once squeezed the
    plot to a line) and stays within the screen."""
    url, page = phone
    page.goto(f"{url}/experiments?experiments_seeds=2")
    wait_for_idle(page)
    page.get_by_role("button", name="Run the sweep").click()
    page.get_by_text("Diverges: the loss blew up").wait_for(timeout=180_000)
    wait_for_idle(page)
    page.wait_for_timeout(800)
    sweep = chart_sizes(page)
    screenshot(page, "phone-experiments-sweep")
    page.get_by_role("tab", name="Twin runs").click()
    page.get_by_role("button", name="Run the twins").click()
    page.locator('[data-testid="stAlertContentInfo"]').first.wait_for(timeout=180_000)
    wait_for_idle(page)
    page.wait_for_timeout(800)
    twins = chart_sizes(page)
    screenshot(page, "phone-experiments-twins")
    assert exceptions_on(page) == []
    assert len(sweep) == 1 and sweep[0]["height"] > 600, sweep  # two panels of 200+ px each, titles, axes, legend
    assert len(twins) == 1 and twins[0]["height"] > 400, twins  # a 260 px plot, its title, axis and legend
    assert all(box["right"] <= box["view"] + 1 for box in sweep + twins), (sweep, twins)
