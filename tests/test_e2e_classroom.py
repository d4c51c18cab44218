"""A class in real Chromium tabs against one server: closed tabs give their places back, a queued learner is
told how long to wait, and a stalled network hangs no page."""

import socket
import time

from e2e.browser import (
    chromium,
    exceptions_on,
    screenshot,
    set_slider,
    streamlit_server,
    wait_for_idle,
)


def learner(browser, url: str, query: str = ""):
    """A learner of their own: a separate browser context is a separate visitor (their own cookies)."""
    context = browser.new_context(viewport={"width": 1280, "height": 1600})
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto(f"{url}/train{query}")
    wait_for_idle(page)
    return context, page


def progress(page) -> str:
    bar = page.locator('[data-testid="stProgress"]')
    return bar.first.inner_text() if bar.count() else ""


def test_closed_tabs_free_their_places_and_a_queued_learner_sees_the_wait():
    # Two runs in progress at most (they take turns on the trainers; a third waits in line to start).
    with chromium() as browser, streamlit_server({"COURSE_ORPHAN_SECONDS": "10", "COURSE_MAX_ACTIVE_RUNS": "2"}) as url:
        heavy = []
        for seed in (1, 2):  # two different runs (identical ones would be trained once, for both)
            context, page = learner(browser, url, f"?train_seed={seed}")
            set_slider(page, "Hidden neurons", "End", 0, "ArrowRight")  # 512
            set_slider(page, "Batch size", "Home", 0, "ArrowRight")  # 8
            set_slider(page, "Epochs", "End", 0, "ArrowRight")  # 20: minutes of training
            page.get_by_role("button", name="Start training").click()
            page.wait_for_function(
                "() => (document.querySelector('[data-testid=stProgress]')?.innerText || '').includes('running on')"
            )
            heavy.append(context)
        context, page = learner(browser, url)
        page.get_by_role("button", name="Start training").click()
        queued = page.locator('[data-testid="stAlert"]').filter(has_text="Queued")
        queued.wait_for(timeout=30_000)
        assert "number 1 in line" in queued.inner_text() and "in about" in queued.inner_text()
        screenshot(page, "classroom-queued")
        for tab in heavy:  # both heavy learners close their tabs mid-run
            tab.close()
        closed = time.time()
        # Started: running, or already finished (a default run takes seconds; a queued page looks every 3 s).
        page.wait_for_function(
            "() => /(running|finished) on/.test(document.querySelector('[data-testid=stProgress]')?.innerText || '')",
            timeout=60_000,
        )
        print(f"\nplace freed and the queued run started {time.time() - closed:.1f} s after the tabs closed")
        assert exceptions_on(page) == []
        context.close()


def test_four_learners_pressing_start_on_the_defaults_share_one_training():
    with chromium() as browser, streamlit_server() as url:
        learners = [learner(browser, url) for _ in range(4)]
        started = time.time()
        for _, page in learners:
            page.get_by_role("button", name="Start training").click()
        accuracies, shared_notes = [], 0
        for _, page in learners:
            page.locator('[data-testid="stAlert"]').filter(has_text="Training finished").wait_for(timeout=300_000)
            wait_for_idle(page)
            metric = page.locator('[data-testid="stMetric"]').filter(has_text="Test accuracy")
            accuracies.append(metric.locator('[data-testid="stMetricValue"]').inner_text())
            shared_notes += page.get_by_text("This exact run — same settings, same seed").count()
            assert exceptions_on(page) == []
        print(f"\nfour learners on the defaults: all results {time.time() - started:.1f} s after the first Start")
        assert len(set(accuracies)) == 1, accuracies  # one training, the same results for all four
        assert shared_notes == 3  # the first trained it; the other three were told they share it
        screenshot(learners[-1][1], "classroom-shared-run")
        for context, _ in learners:
            context.close()


def test_a_stalled_download_hangs_no_page(tmp_path):
    stalled = socket.socket()  # accepts connections and never answers
    stalled.bind(("127.0.0.1", 0))
    stalled.listen(16)
    env = {
        "COURSE_MNIST_PATH": str(tmp_path / "absent.npz"),
        "COURSE_MNIST_URL": f"http://127.0.0.1:{stalled.getsockname()[1]}/mnist.npz",
    }
    try:
        with chromium() as browser, streamlit_server(env) as url:
            page = browser.new_page(viewport={"width": 1280, "height": 1600})
            page.goto(f"{url}/train")  # the first learner asks for MNIST: the download starts and stalls
            for lesson in ("activations", "losses", "descent", "network", "backprop"):
                started = time.time()
                page.goto(f"{url}/{lesson}")
                wait_for_idle(page, timeout_s=60)
                assert page.locator("h1").first.inner_text().strip() and exceptions_on(page) == []
                print(f"\n{lesson}: loaded in {time.time() - started:.1f} s with the download stalled")
            started = time.time()
            page.goto(f"{url}/train")
            page.get_by_text("MNIST is not available").first.wait_for(timeout=40_000)
            waited = time.time() - started
            print(f"train: clear message after {waited:.1f} s")
            message = page.locator('[data-testid="stAlert"]').filter(has_text="MNIST is not available").first
            assert waited < 30 and "git checkout" in message.inner_text()
            screenshot(page, "train-no-data")
    finally:
        stalled.close()
