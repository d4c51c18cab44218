"""A freshly started server, as the first learner of the day meets it: the router's sections come first (never
Streamlit's own file list), and the Home title appears soon after the first byte."""

import pytest

from e2e.browser import chromium, streamlit_server

# Recorded in the page from its first moment: every text the sidebar navigation shows, and when the title appears.
WATCH = """
window.__navTexts = [];
window.__titleAt = null;
new MutationObserver(() => {
  const nav = document.querySelector('[data-testid="stSidebarNav"]');
  if (nav) {
    const text = nav.innerText.trim();
    const last = window.__navTexts[window.__navTexts.length - 1];
    if (text && (!last || last.text !== text)) window.__navTexts.push({text, at: performance.now()});
  }
  const h1 = document.querySelector('h1');
  if (window.__titleAt === null && h1 && h1.innerText.includes('The math of neural-network training')) {
    window.__titleAt = performance.now();
  }
}).observe(document, {subtree: true, childList: true, characterData: true});
"""


@pytest.mark.parametrize("first_url", ["", "network"])
def test_a_fresh_server_shows_the_router_first_and_home_quickly(first_url):

    with chromium() as browser, streamlit_server() as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.add_init_script(WATCH)
        page.goto(f"{url}/{first_url}")
        page.locator("h1").first.wait_for(timeout=60_000)
        page.get_by_text("Activation functions").first.wait_for(timeout=60_000)
        if not first_url:
            page.wait_for_function("() => window.__titleAt !== null", timeout=60_000)
            first_byte = page.evaluate("performance.getEntriesByType('navigation')[0].responseStart")
            title_at = page.evaluate("window.__titleAt")
            print(f"\nfresh server: first byte to the Home title {(title_at - first_byte) / 1000:.2f} s")
        seen = page.evaluate("window.__navTexts")
    assert seen, "the sidebar navigation never appeared"
    file_list = [entry for entry in seen if "streamlit app" in entry["text"].lower()]
    # Neither at / nor on a deep link as the very first visit of the process (where Streamlit's pages/ mode runs
    # the page alone before the page's first import sends it through the router): the file list is sent hidden.
    assert file_list == [], seen  # never Streamlit's file list
    assert "Lessons" in seen[0]["text"]  # the router's sections are the first thing the navigation shows
    assert "Lessons" in seen[-1]["text"]
