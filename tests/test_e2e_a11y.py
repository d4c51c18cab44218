"""WCAG 2.2 AA in real Chromium: axe-core (pinned in e2e/vendor) on every page at desktop and phone width and
after key states, failing on any violation not listed as Streamlit's own in e2e/axe_streamlit.json; and a
lesson path done with the keyboard alone, focus visible at every stop."""

import re

import pytest

from e2e.axe import sorted_violations
from e2e.browser import chromium, draw_stroke, exceptions_on, screenshot, streamlit_server, wait_for_idle
from ui.nav import all_pages, next_page

STATUS = "((document.querySelector('.course-status') || {}).innerText || '')"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def session():
    with chromium() as browser, streamlit_server() as url:
        pages = {name: browser.new_page(viewport=size) for name, size in VIEWPORTS.items()}
        for page in pages.values():
            page.set_default_timeout(90_000)
        yield url, pages


def open_and_settle(page, url: str) -> None:
    page.goto(url)
    wait_for_idle(page)
    page.locator("h1").first.wait_for()  # the page is drawn, not a blank frame
    page.wait_for_timeout(500)  # charts size themselves and draw their SVG


def move_slider_home(page, label: str) -> None:
    """The slider whose label starts with `label`, moved to its lowest value with the keyboard."""
    slider = page.locator('[data-testid="stSlider"]').filter(has_text=re.compile(f"^{re.escape(label)}")).first
    slider.locator("input").first.focus()
    page.keyboard.press("Home")
    wait_for_idle(page)


def no_course_violations(page, where: str) -> None:
    every, found = sorted_violations(page)
    print(f"\naxe, {where}: {len(every)} violating elements, {len(found)} of them the course's")  # pytest -s shows it
    assert found == [], (where, [(v["rule"], v["target"], v["html"][:120]) for v in found])


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_axe_finds_nothing_the_course_causes_on_any_page(session, viewport):
    url, pages = session
    page = pages[viewport]
    for spec in all_pages():
        open_and_settle(page, f"{url}/{spec.url_path}")
        assert exceptions_on(page) == []
        no_course_violations(page, f"{spec.url_path} at {viewport}")


def tab_to(page, test_js: str, limit: int = 200) -> None:
    """Press Tab until the focused element passes test_js (a JS arrow function of the element)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => !!document.activeElement && ({test_js})(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached an element passing {test_js}")


def focus_is_visible(page) -> bool:
    """The focused element shows a focus ring: an outline or a box shadow on it or on one of its three parents."""
    return page.evaluate(
        """() => {
          let e = document.activeElement;
          if (!e || !e.matches(':focus-visible')) return false;
          for (let i = 0; i < 4 && e; i++, e = e.parentElement) {
            const s = getComputedStyle(e);
            if ((s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none') return true;
          }
          return false;
        }"""
    )


def test_a_lesson_path_with_the_keyboard_alone(session):
    url, pages = session
    page = pages["desktop"]
    open_and_settle(page, f"{url}/learning")
    # A slider, moved with the arrow keys.
    tab_to(
        page,
        "e => (e.getAttribute('role') === 'slider' || e.type === 'range') && "
        "/image number/.test((e.closest('[data-testid=stSlider]') || {}).innerText)",
    )
    assert focus_is_visible(page)
    page.keyboard.press("ArrowRight")
    page.get_by_text("label", exact=False).first.wait_for()
    wait_for_idle(page)
    slider = page.locator('[data-testid="stSlider"]').filter(has_text="image number").first
    assert "2" in slider.inner_text()
    # A prediction: choose with the arrow keys, lock it in with Enter, see the result.
    tab_to(page, "e => e.type === 'radio'")
    assert focus_is_visible(page)
    page.keyboard.press("Space")
    wait_for_idle(page)
    tab_to(page, "e => e.tagName === 'BUTTON' && /Lock in my prediction/.test(e.innerText)")
    assert focus_is_visible(page)
    page.keyboard.press("Enter")
    page.get_by_text("You predicted").first.wait_for()
    wait_for_idle(page)
    no_course_violations(page, "learning, prediction revealed")
    screenshot(page, "keyboard-learning-revealed")
    # The way on: the "Next" link, followed with Enter.
    tab_to(page, "e => e.tagName === 'A' && /Next:/.test(e.innerText)")
    assert focus_is_visible(page)
    page.keyboard.press("Enter")
    following = next_page("pages/learning.py")
    page.wait_for_url(re.compile(rf"/{following.url_path}"))
    wait_for_idle(page)

    # A training run, started and stopped from the keyboard; the status line says what happened.
    open_and_settle(page, f"{url}/train")
    status = page.locator(".course-status").first
    assert status.inner_text().strip() == "No run yet."
    tab_to(page, "e => e.tagName === 'BUTTON' && /Start training/.test(e.innerText)")
    assert focus_is_visible(page)
    screenshot(page, "keyboard-train-start-focused")
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => /Run 1 (is training|started|is waiting)/.test({STATUS})")
    tab_to(page, "e => e.tagName === 'BUTTON' && /(^|\\s)Stop$/.test(e.innerText.trim()) && !e.disabled")
    assert focus_is_visible(page)
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => /Run 1 stopped|cancelled/.test({STATUS})")
    wait_for_idle(page)
    assert exceptions_on(page) == []


def at_both_widths(session, path: str):
    """The key-state tests: each viewport's page, opened on `path` and settled, one after the other."""
    url, pages = session
    for viewport, page in pages.items():
        open_and_settle(page, f"{url}/{path}")
        yield viewport, page


def test_axe_after_a_finished_run_at_both_widths(session):
    for viewport, page in at_both_widths(session, "train"):
        move_slider_home(page, "Epochs")  # 1 epoch
        move_slider_home(page, "Share of the")  # 1% of the training images
        page.get_by_role("button", name="Start training").click()
        page.wait_for_function(f"() => /finished/.test({STATUS})", timeout=180_000)
        wait_for_idle(page)
        page.get_by_text("Results on the 10,000 test images").first.wait_for()
        page.wait_for_timeout(500)
        no_course_violations(page, f"train, finished run, {viewport}")
        screenshot(page, f"a11y-train-finished-{viewport}")


def test_axe_after_a_drawn_digit_at_both_widths(session):
    for viewport, page in at_both_widths(session, "inside"):
        page.get_by_text("Draw one digit").first.wait_for(timeout=400_000)  # after the shared network trained
        wait_for_idle(page)
        draw_stroke(page)
        page.get_by_text("It reads").first.wait_for()
        wait_for_idle(page)
        no_course_violations(page, f"inside, a drawn digit, {viewport}")
        screenshot(page, f"a11y-inside-drawn-{viewport}")


def test_axe_after_a_finished_sweep_at_both_widths(session):
    for viewport, page in at_both_widths(session, "experiments"):
        assert page.locator(".course-status").first.inner_text().strip() == "No experiment yet."
        move_slider_home(page, "Share of the")  # 1% of the images; 7 points, the fewest, by default
        page.get_by_role("button", name="Run the sweep").click()
        page.wait_for_function(f"() => /sweep: \\d of 7 runs done/.test({STATUS})")
        if viewport == "phone":  # the pause control while it runs
            page.get_by_text("Pause live updates").first.scroll_into_view_if_needed()
            screenshot(page, "a11y-experiments-sweep-running-phone")
        page.wait_for_function(f"() => /sweep finished: 7 of 7/.test({STATUS})", timeout=300_000)
        wait_for_idle(page)
        page.get_by_text("The data as a table").first.click()  # the sweep's numbers, unfolded
        table = page.locator('[data-testid="stExpander"]').filter(has_text="The data as a table")
        table.locator('[data-testid="stDataFrame"]').first.wait_for()
        wait_for_idle(page)
        no_course_violations(page, f"experiments, a finished sweep, {viewport}")
        screenshot(page, f"a11y-experiments-swept-{viewport}")
        assert exceptions_on(page) == []
