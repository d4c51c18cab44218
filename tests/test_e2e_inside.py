"""Inside the network in real Chromium: a stroke drawn with the mouse gets a prediction and the weight grids; every
section that depends on the drawing follows it (drawn, made into another digit, cleared, drawn again); the page has
its Next link before anything is drawn; on a phone the pad's Clear button is there to tap."""

import time

from e2e.browser import (
    chromium,
    draw_stroke,
    exceptions_on,
    screenshot,
    streamlit_server,
    wait_for_idle,
)

NO_DIGIT = "Draw a digit in section 1"


def test_a_stroke_drawn_with_the_mouse_gets_a_prediction_and_every_section_follows_the_pad():
    from playwright.sync_api import expect

    expect.set_options(timeout=30_000)  # a loaded machine: the page may still be drawing its last part
    with chromium() as browser, streamlit_server() as url:
        page = browser.new_page(viewport={"width": 1280, "height": 2400})
        page.set_default_timeout(120_000)
        page.goto(f"{url}/inside")
        page.get_by_text("Draw one digit").first.wait_for(timeout=400_000)  # after the shared network trained
        wait_for_idle(page)
        for number in (1, 2, 3, 4):
            expect(page.get_by_role("heading", name=f"{number}.")).to_have_count(1)
        next_link = page.get_by_role("link").filter(has_text="Next:")
        expect(next_link).to_be_visible()  # before any drawing: the page is whole and counted as seen
        expect(page.get_by_text(NO_DIGIT)).to_have_count(2)  # sections 2 and 3 wait for a digit

        released = draw_stroke(page)
        page.get_by_text("It reads").first.wait_for()
        print(f"\nprediction shown {time.perf_counter() - released:.2f} s after the stroke")
        wait_for_idle(page)
        expect(page.get_by_text(NO_DIGIT)).to_have_count(0)  # section 3 follows the drawing too
        assert page.locator('[data-testid="stImage"]').count() >= 4  # the digit, saliency, both weight grids
        make = page.get_by_role("button", name="Make the network read a")
        make.click()
        page.get_by_text("small steps").first.wait_for()
        wait_for_idle(page)
        screenshot(page, "inside-drawn")

        page.get_by_role("button", name="Clear the pad").click()
        expect(page.get_by_text(NO_DIGIT)).to_have_count(2)
        expect(page.get_by_text("small steps")).to_have_count(0)  # the old change is gone with the old digit
        wait_for_idle(page)
        draw_stroke(page, offset=-0.15)
        page.get_by_text("It reads").first.wait_for()
        wait_for_idle(page)
        expect(page.get_by_text(NO_DIGIT)).to_have_count(0)
        expect(page.get_by_text("small steps")).to_have_count(0)
        expect(next_link).to_be_visible()
        assert exceptions_on(page) == []

        phone = browser.new_page(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
        phone.set_default_timeout(120_000)
        phone.goto(f"{url}/inside")
        phone.get_by_text("Draw one digit").first.wait_for()
        wait_for_idle(phone)
        clear = phone.get_by_role("button", name="Clear the pad")
        expect(clear).to_be_visible()  # no hover needed
        clear.scroll_into_view_if_needed()
        box = clear.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        screenshot(phone, "inside-phone")
        assert exceptions_on(phone) == []
