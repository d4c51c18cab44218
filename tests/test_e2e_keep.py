"""In Chromium: a learner's progress and runs survive a reload, a new tab and a deep link; another browser sees none."""

import re

from e2e.browser import chromium, exceptions_on, screenshot, streamlit_server, wait_for_idle

SEEN = re.compile(r"(\d+) of \d+ pages seen")
QUICK_RUN = "train?train_data_percent=20&train_epochs=3&train_val_percent=0"


def pages_seen(page) -> int:
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text(SEEN).first.wait_for()
    return int(SEEN.search(sidebar.inner_text()).group(1))


def network_choices(page) -> list[str]:
    """The networks Inside the network offers (the options of its "Network" picker)."""
    page.locator('[data-testid="stSelectbox"]').filter(has_text="Network").first.locator("[role=combobox]").click()
    options = page.get_by_role("option")
    options.first.wait_for()
    texts = options.all_inner_texts()
    page.keyboard.press("Escape")
    return texts


def test_a_reload_a_new_tab_and_a_deep_link_keep_the_learners_work_and_no_other_browser_sees_it():
    with chromium() as browser, streamlit_server() as url:
        learner = browser.new_context(viewport={"width": 1280, "height": 1600})
        learner.set_default_timeout(90_000)
        page = learner.new_page()
        for path in ("home", "losses", "descent"):
            page.goto(f"{url}/{path}")
            wait_for_idle(page)
        assert pages_seen(page) == 3
        assert "Kept on this server for this browser" in page.locator('[data-testid="stSidebar"]').inner_text()

        page.goto(f"{url}/{QUICK_RUN}")
        wait_for_idle(page)
        page.get_by_role("button", name="Start training").click()
        page.wait_for_function(
            "() => /running on|Training finished/.test(document.querySelector('[data-testid=stMain]').innerText)"
        )
        page.reload()  # mid-run: the run is re-attached, not lost and not stopped as an orphan
        wait_for_idle(page)
        main = page.locator('[data-testid="stMain"]')
        main.get_by_text(re.compile("running on|Training finished")).first.wait_for()
        finished = main.locator('[data-testid="stAlert"]').filter(has_text="Training finished")
        finished.wait_for(timeout=180_000)
        assert "Run 1: Training finished" in finished.inner_text()
        page.get_by_role("heading", name="4. Compare your runs").wait_for(timeout=60_000)
        assert pages_seen(page) == 4  # home, losses, descent, train
        page.reload()  # after it ended: the finished run, its results and its row in the table are still there
        wait_for_idle(page)
        page.get_by_role("heading", name="3. Results on the 10,000 test images").wait_for(timeout=60_000)
        page.get_by_role("heading", name="4. Compare your runs").wait_for()
        assert pages_seen(page) == 4
        assert exceptions_on(page) == []
        screenshot(page, "keep-train-after-reload")

        tab = learner.new_page()  # a new tab on another page: the same progress, and the run to look inside
        tab.goto(f"{url}/network")
        wait_for_idle(tab)
        assert pages_seen(tab) == 5
        tab.goto(f"{url}/inside")
        wait_for_idle(tab)
        assert any(choice.startswith("run 1") for choice in network_choices(tab))
        assert exceptions_on(tab) == []

        deep = learner.new_page()  # a deep link with settings, as from a bookmark or a shared link
        deep.goto(f"{url}/train?train_epochs=2&train_optimizer=sgd")
        wait_for_idle(deep)
        assert pages_seen(deep) >= 5
        deep.get_by_role("heading", name="4. Compare your runs").wait_for()
        assert exceptions_on(deep) == []

        stranger = browser.new_context(viewport={"width": 1280, "height": 1600}).new_page()
        stranger.set_default_timeout(90_000)
        stranger.goto(f"{url}/train")
        wait_for_idle(stranger)
        assert pages_seen(stranger) == 1
        assert stranger.get_by_role("heading", name="4. Compare your runs").count() == 0
        assert stranger.get_by_text("Training finished").count() == 0
        stranger.goto(f"{url}/inside")
        wait_for_idle(stranger)
        assert not any(choice.startswith("run") for choice in network_choices(stranger))
