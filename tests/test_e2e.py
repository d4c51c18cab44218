"""End to end: `streamlit run` on localhost, every page opened and used in headless Chromium."""

import re
import time

import pytest

from e2e.browser import (
    chart_sizes,
    chromium,
    click_nav,
    exceptions_on,
    screenshot,
    set_slider,
    streamlit_server,
    wait_for_idle,
)
from ui.nav import all_pages


@pytest.fixture(scope="module")
def browser_page():

    with chromium() as browser, streamlit_server() as url:
        page = browser.new_page(viewport={"width": 1400, "height": 2400})
        page.set_default_timeout(90_000)
        yield url, page


@pytest.mark.parametrize("spec", all_pages(), ids=lambda spec: spec.url_path)
def test_page_opens_in_chromium_without_exception(browser_page, spec):
    url, page = browser_page
    page.goto(f"{url}/{spec.url_path}")
    wait_for_idle(page)
    assert exceptions_on(page) == []
    assert page.locator("h1").first.inner_text().strip()
    # The router ran (even on a first visit straight to a page URL): sections and the shared sidebar are there.
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert "Lessons" in sidebar.inner_text() and "Compute device" in sidebar.inner_text()
    charts = chart_sizes(page)  # waits until every chart has drawn
    assert all(c["width"] > 150 and c["height"] > 100 for c in charts), charts  # every chart drawn, none a sliver
    screenshot(page, spec.url_path)
    if spec.url_path in MAIN_SLIDER:  # the lesson's main control, used once as a learner would
        move_slider_and_wait(page, MAIN_SLIDER[spec.url_path])
        assert exceptions_on(page) == []
        screenshot(page, f"{spec.url_path}-after-control")


MAIN_SLIDER = {"activations": "logit z0", "losses": "logit of 3", "descent": "Learning rate"}


def move_slider_and_wait(page, label: str) -> None:
    """Three steps right with the keyboard; wait until the slider shows a new value and the rerun is done."""
    slider = page.locator('[data-testid="stSlider"]').filter(has_text=label).first
    before = slider.inner_text()
    slider.locator("input").first.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "([label, before]) => [...document.querySelectorAll('[data-testid=stSlider]')]"
        ".some(s => s.innerText.includes(label) && s.innerText !== before)",
        arg=[label, before],
    )
    wait_for_idle(page)


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


def running(page) -> bool:
    progress = page.locator('[data-testid="stProgress"]')
    return progress.count() > 0 and "running on" in progress.first.inner_text()


def pictures_of_the_live_chart(page, count: int, timeout_s: float = 60) -> list[bytes]:
    """Pictures of the live chart, each taken while the run is still going and each different from the last."""
    chart = page.locator('[data-testid="stVegaLiteChart"]')
    pictures: list[bytes] = []
    deadline = time.time() + timeout_s
    while len(pictures) < count and time.time() < deadline:
        if chart.count() and running(page):
            picture = chart.first.screenshot()
            if running(page) and (not pictures or picture != pictures[-1]):
                pictures.append(picture)
        time.sleep(0.2)
    return pictures


def test_a_long_run_redraws_live_survives_a_page_switch_and_stop_keeps_the_model(browser_page):
    url, page = browser_page
    page.goto(f"{url}/train")
    wait_for_idle(page)
    set_slider(page, "Epochs", "End", 0, "ArrowRight")  # the longest run the page allows: it gets stopped below
    page.get_by_role("button", name="Start training").click()
    pictures = pictures_of_the_live_chart(page, 2)
    assert len(pictures) == 2, "the chart did not appear and change while the run was going"
    screenshot(page, "train-running")
    # Switch pages mid-run (in the same session, through the sidebar) and come back: the same run goes on.
    click_nav(page, "Home", "The course map")
    click_nav(page, "Train MNIST", "2. Train")
    page.wait_for_function(
        "() => (document.querySelector('[data-testid=stProgress]')?.innerText || '').includes('running on')"
    )
    assert "of 20" in page.locator('[data-testid="stProgress"]').first.inner_text()  # the settings survived too
    assert len(pictures_of_the_live_chart(page, 1)) == 1, "the chart stopped updating after the page switch"
    page.get_by_role("button", name="Stop").click()
    stopped = page.locator('[data-testid="stAlert"]').filter(has_text="Stopped")
    stopped.wait_for(timeout=60_000)
    page.get_by_role("heading", name="3. Results on the 10,000 test images").wait_for(timeout=60_000)
    wait_for_idle(page)
    # One run, neither killed nor restarted by the page switch; Stop kept what it had learned. (Its number counts
    # this browser's runs, which the server keeps across page loads.)
    assert re.search(r"Run \d+: Stopped: the model keeps what it learned so far", stopped.inner_text())
    accuracy = page.locator('[data-testid="stMetric"]').filter(has_text="Test accuracy")
    assert float(accuracy.locator('[data-testid="stMetricValue"]').inner_text().strip().rstrip("%")) > 90
    assert exceptions_on(page) == []
    screenshot(page, "train-stopped")


def test_the_default_run_reaches_97_percent_with_its_chart_in_the_browser(browser_page):
    """The notebook's experiment as the page sets it up by default: 60,000 images (5% held out), 5 epochs."""
    url, page = browser_page
    page.goto(f"{url}/train")  # a new page load: the page's defaults
    wait_for_idle(page)
    page.get_by_role("button", name="Start training").click()
    finished = page.locator('[data-testid="stAlert"]').filter(has_text="Training finished")
    finished.wait_for(timeout=180_000)
    page.get_by_role("heading", name="4. Compare your runs").wait_for(timeout=60_000)
    wait_for_idle(page)
    assert exceptions_on(page) == []
    accuracy = page.locator('[data-testid="stMetric"]').filter(has_text="Test accuracy")
    value = float(accuracy.locator('[data-testid="stMetricValue"]').inner_text().strip().rstrip("%")) / 100
    assert value >= 0.97
    assert re.search(r"Run \d+: Training finished", finished.inner_text())  # numbered among this browser's runs
    assert "Epoch 5 of 5 · batch 1,782 of 1,782" in page.locator('[data-testid="stProgress"]').first.inner_text()
    assert page.locator('[data-testid="stVegaLiteChart"]').count() >= 2  # the training curves and the run overlay
    screenshot(page, "train-finished-full")


def test_backprop_training_updates_in_the_browser(browser_page):
    url, page = browser_page
    page.goto(f"{url}/backprop")
    wait_for_idle(page)
    page.get_by_role("button", name="Train 1 more epoch").click()
    page.get_by_text("after 1 epoch", exact=True).first.wait_for(state="attached")
    wait_for_idle(page)
    assert exceptions_on(page) == []
    page.get_by_role("button", name="One step, explained").click()
    page.get_by_text("What step 2 did").wait_for()
    wait_for_idle(page)
    assert exceptions_on(page) == []
    screenshot(page, "backprop-after-training")


def test_sgd_at_learning_rate_10_diverges_with_a_message_and_the_partial_curves(browser_page):
    url, page = browser_page
    page.goto(f"{url}/train")
    wait_for_idle(page)
    page.locator('[data-testid="stSelectbox"]').filter(has_text="Optimizer").first.click()
    page.get_by_role("option", name="SGD", exact=True).click()
    wait_for_idle(page)
    set_slider(page, "Learning rate", "End", 3, "ArrowLeft")  # 100 → 50 → 20 → 10
    lr = page.locator('[data-testid="stSlider"]').filter(has_text="Learning rate").first
    assert lr.locator('[data-testid="stSliderThumbValue"]').inner_text().strip() == "10"
    page.get_by_role("button", name="Start training").click()
    alert = page.locator('[data-testid="stAlert"]').filter(has_text="training diverged")
    alert.wait_for(timeout=60_000)
    assert "too high for SGD" in alert.inner_text()
    # The ended run is redrawn with the whole page: the run table under its heading, and its overlay chart.
    page.get_by_role("heading", name="4. Compare your runs").wait_for(timeout=30_000)
    wait_for_idle(page)
    assert page.locator('[data-testid="stVegaLiteChart"]').count() >= 2  # the curves so far, and the run overlay
    assert exceptions_on(page) == []
    screenshot(page, "train-diverged")


EXTREMES = {  # page: [(slider label, key to press), ...], then what the page must say
    "descent": ([("Learning rate", "End")], "Diverging"),
    "network": ([("Hidden-layer width", "End")], f"{784 * 512 + 512 + 512 * 10 + 10:,}"),
    "losses": ([("logit of 3", "Home"), ("logit of 0", "End")], "The model predicts"),
    "activations": ([("temperature T", "End"), ("x range", "End")], "Predicted: class 0"),
    "backprop": ([("Learning rate", "End")], "Train the neuron"),
}


@pytest.mark.parametrize("url_path", list(EXTREMES))
def test_main_controls_at_their_extremes_keep_every_caption_true(browser_page, url_path):
    url, page = browser_page
    page.goto(f"{url}/{url_path}")
    wait_for_idle(page)
    sliders, expected = EXTREMES[url_path]
    for label, key in sliders:
        set_slider(page, label, key, 0, "ArrowRight")
    page.get_by_text(expected).first.wait_for()
    assert exceptions_on(page) == []
    screenshot(page, f"{url_path}-extremes")


def test_a_link_restores_the_experiment_in_the_browser_and_junk_gets_a_note(browser_page):
    url, page = browser_page
    page.goto(f"{url}/train?train_epochs=3&train_optimizer=SGD&train_lr=0.1&v=1")
    wait_for_idle(page)
    epochs = page.locator('[data-testid="stSlider"]').filter(has_text="Epochs").first
    assert epochs.locator('[data-testid="stSliderThumbValue"]').inner_text().strip() == "3"
    lr = page.locator('[data-testid="stSlider"]').filter(has_text="Learning rate").first
    assert lr.locator('[data-testid="stSliderThumbValue"]').inner_text().strip() == "0.1"
    optimizer = page.locator('[data-testid="stSelectbox"]').filter(has_text="Optimizer").first
    assert optimizer.locator("input").first.input_value() == "SGD"
    # A junk link opened by a learner new to this server (a browser of its own: the server keeps what a browser did).
    fresh = page.context.browser.new_page(viewport={"width": 1400, "height": 2400})
    fresh.goto(f"{url}/train?train_epochs=banana")
    wait_for_idle(fresh)
    assert fresh.get_by_text("This link had settings that could not be used").count() == 1
    screenshot(fresh, "train-junk-link")
    fresh.close()


def test_the_experiments_link_round_trips_a_range_in_the_browser(browser_page):
    url, page = browser_page
    page.goto(f"{url}/experiments?experiments_range=-4&experiments_range=0&experiments_points=9&v=1")
    wait_for_idle(page)
    thumbs = page.locator('[data-testid="stSlider"]').filter(has_text="10^ from").first
    values = thumbs.locator('[data-testid="stSliderThumbValue"]').all_inner_texts()
    assert [v.strip() for v in values] == ["-4", "0"]
    page.get_by_text("Copy a link to this experiment").click()
    link = page.locator('[data-testid="stCode"]').filter(has_text="experiments_range").first.inner_text().strip()
    assert "experiments_range=-4&experiments_range=0" in link and "experiments_points=9" in link
    page.goto(link)  # the copied link opens the same experiment
    wait_for_idle(page)
    values = page.locator('[data-testid="stSlider"]').filter(has_text="10^ from").first
    assert [v.strip() for v in values.locator('[data-testid="stSliderThumbValue"]').all_inner_texts()] == ["-4", "0"]
    assert page.get_by_text("This link had settings that could not be used").count() == 0
    screenshot(page, "experiments-link")
