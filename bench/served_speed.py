"""What watching a run live costs: the Train page in a real browser against the same run with no page at all.

    python bench/served_speed.py              # the default run (60,000 images, 5 epochs), 3 rounds
    python bench/served_speed.py --quick      # 10% of the images, 1 epoch, 1 round

Starts `streamlit run streamlit_app.py` and a headless Chromium (both from requirements-dev.txt; Chromium
from the system, as in the browser tests), presses Start training with the page's default settings and
watches the live view until the run ends. The training time is read off the page. Each round also trains
the same configuration twice more with nobody watching: on the server with the page frozen right after the
Start click (Chrome's page-lifecycle freeze: no timers run, so the page asks for no redraws), and in this
process. Rounds are interleaved and each side's best time is kept. Everything shares this machine's CPUs:
the server, the browser drawing the chart and this script. --quick is a smoke run: its runs are too short
for the ratios to mean anything. The last line printed is one JSON object:

    served_s                 training time on the server with the Train page open, redrawing live
    served_frozen_s          the same run on the same server with the page frozen: no live view
    unwatched_s              the same run in this process, no server involved
    live_view_overhead       served_s / served_frozen_s - 1: what watching live costs
    served_vs_in_process     served_s / unwatched_s - 1
    browser_updates_per_s    how often the progress text in the browser changed while the run went on
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from e2e.browser import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    set_slider,
    streamlit_server,
    wait_for_idle,
)
from lib.data import load_mnist  # noqa: E402
from lib.lab.config import TrainConfig  # noqa: E402
from lib.lab.jobs import TrainingJob  # noqa: E402
from lib.runtime import compute_device  # noqa: E402


def unwatched(mnist, config: TrainConfig) -> float:
    job = TrainingJob(config, mnist).start()
    job.join()
    snapshot = job.snapshot()
    assert snapshot.state == "finished", snapshot.message
    return snapshot.elapsed_s


# Recorded inside the page, so that measuring costs the browser next to nothing: the time of every change of
# the progress text while the run is going.
RECORD_UPDATES = """() => {
  window.progressUpdates = [];
  let last = "";
  new MutationObserver(() => {
    const bar = document.querySelector('[data-testid="stProgress"]');
    const text = bar ? bar.textContent : "";
    if (text.includes("running") && text !== last) {
      last = text;
      window.progressUpdates.push(performance.now());
    }
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""
FINISHED = """() => [...document.querySelectorAll('[data-testid="stAlert"]')]
  .some((alert) => alert.textContent.includes("Training finished"))"""


def served(page, url: str, quick: bool, watch: bool = True) -> tuple[float, float, float]:
    """One run on the Train page in a fresh session; (training seconds, test accuracy, updates per second).

    watch=False freezes the page right after Start and thaws it once the run has had time to end: the same
    server and run, with no live view redrawing it.
    """
    page.goto(f"{url}/train")
    wait_for_idle(page)
    if quick:  # 10% of the images, 1 epoch
        set_slider(page, "Share of the 60,000", "Home", 9, "ArrowRight")
        set_slider(page, "Epochs", "Home", 0, "ArrowRight")
    page.evaluate(RECORD_UPDATES)
    page.get_by_role("button", name="Start training").click()
    if not watch:  # freeze the page (no timers, so no redraws) until the run has ended, then read its results
        wait_for_idle(page)
        cdp = page.context.new_cdp_session(page)
        cdp.send("Page.setWebLifecycleState", {"state": "frozen"})
        time.sleep(3.0 if quick else 12.0)
        cdp.send("Page.setWebLifecycleState", {"state": "active"})
    page.wait_for_function(FINISHED, polling=500)  # checked in the page twice a second: no busy polling from here
    times = page.evaluate("window.progressUpdates")
    wait_for_idle(page)

    def metric(label: str) -> str:
        box = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
        return box.locator('[data-testid="stMetricValue"]').inner_text().strip()

    seconds = float(metric("Training time on").split()[0])
    accuracy = float(metric("Test accuracy").rstrip("%")) / 100
    updates = (len(times) - 1) / (times[-1] - times[0]) * 1000 if len(times) > 2 else 0.0
    return seconds, accuracy, updates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="10%% of the images and 1 epoch, one round")
    parser.add_argument("--rounds", type=int, default=None, help="interleaved rounds (default 3; 1 with --quick)")
    args = parser.parse_args()
    rounds = args.rounds or (1 if args.quick else 3)
    config = TrainConfig(data_fraction=0.1, epochs=1) if args.quick else TrainConfig()
    mnist = load_mnist()
    unwatched(mnist, TrainConfig(data_fraction=0.01, epochs=1))  # warm up TensorFlow in this process

    from playwright.sync_api import sync_playwright

    served_runs, frozen_runs, unwatched_runs = [], [], []
    with streamlit_server() as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1600})
        page.set_default_timeout(120_000)
        served(page, url, quick=True)  # warm up the server's TensorFlow and the browser
        for _ in range(rounds):
            served_runs.append(served(page, url, args.quick))
            seconds, accuracy, updates = served_runs[-1]
            print(f"served, watched live:  {seconds:6.2f} s  test accuracy {accuracy:.4f}  {updates:.1f} updates/s")
            frozen_runs.append(served(page, url, args.quick, watch=False)[0])
            print(f"served, page frozen:   {frozen_runs[-1]:6.2f} s")
            unwatched_runs.append(unwatched(mnist, config))
            print(f"unwatched, in process: {unwatched_runs[-1]:6.2f} s")
        browser.close()
    served_s = min(run[0] for run in served_runs)
    frozen_s = min(frozen_runs)
    unwatched_s = min(unwatched_runs)
    print(
        json.dumps(
            {
                "device": compute_device(),
                "images": round(60000 * config.data_fraction),
                "epochs": config.epochs,
                "served_s": round(served_s, 3),
                "served_frozen_s": round(frozen_s, 3),
                "unwatched_s": round(unwatched_s, 3),
                "live_view_overhead": round(served_s / frozen_s - 1, 3),
                "served_vs_in_process": round(served_s / unwatched_s - 1, 3),
                "browser_updates_per_s": round(min(run[2] for run in served_runs), 2),
                "served_test_accuracy": round(min(run[1] for run in served_runs), 4),
                "served_runs_s": [run[0] for run in served_runs],
                "served_frozen_runs_s": frozen_runs,
                "unwatched_runs_s": [round(s, 3) for s in unwatched_runs],
            }
        )
    )


if __name__ == "__main__":
    main()
