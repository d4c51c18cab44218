"""End to end: `streamlit run` on localhost, every page opened and used in headless Chromium."""

import pytest

from tests.conftest import ROOT
from tests.e2e_helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    exceptions_on,
    require_chromium,
    screenshot,
    streamlit_server,
    wait_for_idle,
)
from ui.nav import all_pages


@pytest.fixture(scope="module")
def browser_page():
    require_chromium()
    from playwright.sync_api import sync_playwright

    (ROOT / "artifacts").mkdir(exist_ok=True)
    with streamlit_server() as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 2400})
        page.set_default_timeout(90_000)
        yield url, page
        browser.close()


@pytest.mark.parametrize("spec", all_pages(), ids=lambda spec: spec.url_path)
def test_page_opens_in_chromium_without_exception(browser_page, spec):
    url, page = browser_page
    page.goto(f"{url}/{spec.url_path}")
    wait_for_idle(page)
    assert exceptions_on(page) == []
    assert page.locator("h1").first.inner_text().strip()
    screenshot(page, spec.url_path)


def test_network_width_slider_recounts_in_the_browser(browser_page):
    url, page = browser_page
    page.goto(f"{url}/network")
    wait_for_idle(page)
    assert page.get_by_text("50,890", exact=True).count() >= 1
    page.locator('[data-testid="stSlider"] input').first.focus()
    page.keyboard.press("ArrowRight")  # 64 -> 65 hidden neurons
    page.get_by_text(f"{784 * 65 + 65 + 65 * 10 + 10:,}", exact=True).first.wait_for()
    wait_for_idle(page)
    assert exceptions_on(page) == []
    screenshot(page, "network-width-65")
