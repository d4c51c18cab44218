"""In real Chromium: hostile links and files show no live markup, fast key presses are no link, and a server
restarted mid-run or mid-sweep is told on the page the browser reconnects to."""

import json
import re
from urllib.parse import urlencode

from playwright.sync_api import expect

from e2e.browser import _free_port, chromium, exceptions_on, screenshot, streamlit_server, wait_for_idle
from tests.test_hostile import LINKED, MARKUP

HOSTILE_HOST = "127.0.0.1:9"


def live_markup(page) -> dict:
    """What Markdown made of a payload in the page: links and images to the hostile host, formulas, colours
    and icons inside the app's notes (warnings and errors, the sidebar's included)."""
    return page.evaluate(
        """(host) => {
            const notes = [...document.querySelectorAll(
                '[data-testid=stAlertContentWarning], [data-testid=stAlertContentError]')];
            const inNotes = (selector) => notes.flatMap(n => [...n.querySelectorAll(selector)]);
            return {
                links: [...document.querySelectorAll('a')].filter(a => (a.href || '').includes(host)).length,
                images: [...document.querySelectorAll('img')].filter(i => (i.src || '').includes(host)).length,
                formulas: inNotes('.katex').length,
                colours: inNotes('span[class*=color], span[style*=color]').length,
                home_icons: inNotes('[data-testid=stIconMaterial]').filter(i => i.innerText === 'home').length,
            };
        }""",
        HOSTILE_HOST,
    )


def test_hostile_links_and_a_hostile_progress_file_render_no_live_markup():
    fetched = []
    with chromium() as browser, streamlit_server() as url:
        page = browser.new_page(viewport={"width": 1280, "height": 1600})
        page.set_default_timeout(90_000)
        page.on("request", lambda request: fetched.append(request.url) if HOSTILE_HOST in request.url else None)
        for i, (path, params) in enumerate(LINKED.items()):  # every page that reads its URL; every payload
            link = {key: MARKUP[(i + j) % len(MARKUP)] for j, key in enumerate(params)}
            page.goto(f"{url}/{path.removeprefix('pages/').removesuffix('.py')}?{urlencode(link)}")
            wait_for_idle(page, 300)  # a fresh server imports TensorFlow and loads MNIST on the first of them
            assert exceptions_on(page) == []
            assert page.get_by_text("This link had settings that could not be used").count() == 1, link
            assert live_markup(page) == dict.fromkeys(live_markup(page), 0), (path, link)
        screenshot(page, "hostile-link")
        # A progress file that names "pages" made of the same payloads.
        page.get_by_text("Keep it").first.click()
        upload = json.dumps({"version": 1, "seen": MARKUP, "gates": {}}).encode()
        page.locator('[data-testid="stSidebar"] input[type=file]').set_input_files(
            files=[{"name": "progress.json", "mimeType": "application/json", "buffer": upload}]
        )
        # The refusal is drawn in the sidebar (in the "Keep it" box, which a rerun may fold): in the page, seen or not.
        page.get_by_text("this course does not have").first.wait_for(state="attached")
        wait_for_idle(page)
        assert live_markup(page) == dict.fromkeys(live_markup(page), 0)
        screenshot(page, "hostile-progress-file")
    assert fetched == []  # the browser never asked the hostile host for anything


def test_fast_key_presses_on_a_logit_slider_are_never_taken_for_a_link():
    with chromium() as browser, streamlit_server() as url:
        page = browser.new_page(viewport={"width": 1280, "height": 1600})
        page.set_default_timeout(90_000)
        page.goto(f"{url}/losses")
        wait_for_idle(page)
        digit = page.locator('[data-testid="stSelectbox"]').filter(has_text="True digit").first
        digit.locator("input").first.click()
        page.get_by_role("option", name="7", exact=True).click()
        wait_for_idle(page)
        for _ in range(2):  # ten presses as fast as a learner holds the key, twice
            slider = page.locator('[data-testid="stSlider"]').filter(has_text="logit of 5").first
            slider.locator("input").first.focus()
            for _ in range(10):
                page.keyboard.press("ArrowRight")
                page.wait_for_timeout(60)
            wait_for_idle(page)
            assert page.get_by_text("This link had settings that could not be used").count() == 0
        value = slider.locator('[data-testid="stSliderThumbValue"]').inner_text().strip()
        assert float(value) == 3.5  # 1.5 + 20 steps of 0.1: every press counted
        expect(page).to_have_url(re.compile(r"losses_logit5=3\.5"), timeout=30_000)  # the address bar keeps up


def restart(port: int, page, until: str):
    """Stop the server, start a fresh one on the same port; the open page reconnects by itself."""
    server = streamlit_server(port=port)
    server.__enter__()
    page.get_by_text(until).first.wait_for(timeout=180_000)
    return server


def test_a_server_restarted_mid_run_and_mid_sweep_tells_the_learner_what_was_lost():
    port = _free_port()
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 1600})
        page.set_default_timeout(120_000)
        # 1. The learner's first run is training when the server restarts.
        with streamlit_server(port=port) as url:
            page.goto(f"{url}/train")
            wait_for_idle(page, 300)  # a fresh server imports TensorFlow and loads MNIST
            page.get_by_role("button", name="Start training").click()
            started = re.compile(r"runs=[0-9a-f]{8}\.0\.r\.")  # the URL records the run when it starts
            expect(page).to_have_url(started, timeout=120_000)
        second = restart(port, page, "The server restarted")
        try:
            wait_for_idle(page, 300)
            note = page.locator('[data-testid="stAlertContentWarning"]').filter(has_text="server restarted")
            assert "your run 1, which was training" in note.inner_text()
            assert "Start training" in note.inner_text()
            screenshot(page, "restart-mid-run")
            # 2. A sweep is running on Experiments when the server restarts again.
            page.goto(f"http://127.0.0.1:{port}/experiments")
            wait_for_idle(page, 300)
            page.get_by_role("button", name="Run the sweep").click()
            expect(page).to_have_url(re.compile(r"runs=[0-9a-f]{8}\.0\.s\."), timeout=120_000)
        finally:
            second.__exit__(None, None, None)
        third = restart(port, page, "The server restarted")
        try:
            wait_for_idle(page, 300)
            note = page.locator('[data-testid="stAlertContentWarning"]').filter(has_text="server restarted")
            assert "your learning-rate sweep, which was running" in note.inner_text()
            assert "Run the sweep" in note.inner_text()
            assert exceptions_on(page) == []
            screenshot(page, "restart-mid-sweep")
            page.set_viewport_size({"width": 390, "height": 900})
            page.wait_for_timeout(1000)
            screenshot(page, "restart-mid-sweep-phone")
        finally:
            third.__exit__(None, None, None)
