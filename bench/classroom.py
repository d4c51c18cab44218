"""A class on one server: N learners in headless Chromium start the default run at about the same moment, and
some close their tab mid-run. Everything stays on 127.0.0.1.

    python bench/classroom.py            # 8 learners
    python bench/classroom.py --class    # 30 learners
    python bench/classroom.py --learners 4 --close 1
    python bench/classroom.py --class --varied       # 30 learners, each with a seed of their own
    python bench/classroom.py --class --varied --light   # the same, each run 1 epoch on 10% of the images
    python bench/classroom.py --class --replicas 2   # through HAProxy to two replicas (deploy/haproxy.cfg)

Then the learners who kept their tab train once more. The last line printed is one JSON object: the share of
runs that ended with results or a clear message, p50/p95 seconds from Start to results (over both rounds, and over
the first alone), the share of learners served by coalescing (another learner's identical run, joined while it
trained or recorded once it had finished: the page's "This exact run" note), the longest queue wait,
how long a closed tab's place took to free up, and the server's memory (RSS): at the start, after the first
round, at its peak and at the end, and its growth per run over the second round (after the one-time costs).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from e2e.browser import chromium, streamlit_server, wait_for_idle  # noqa: E402
from e2e.replicas import replicas  # noqa: E402

OUTCOMES = ("Training finished", "training diverged", "Stopped", "Cancelled", "Training failed")
LIGHT = "train_epochs=1&train_data_percent=10"  # --light: a run of a few seconds instead of the notebook's
COALESCED = "This exact run"  # the note of a learner served by another's identical run (joined or recorded)


def rss_mb(pids: list[int]) -> float:
    """The servers' resident memory together (one server, or every replica)."""
    total = 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as status:
                total += next((int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS")), 0.0)
        except OSError:  # a replica that is gone holds nothing
            pass
    return total


class RssSampler(threading.Thread):
    def __init__(self, pids: list[int]):
        super().__init__(daemon=True)
        self.pids, self.peak, self.done = pids, 0.0, threading.Event()

    def run(self):
        while not self.done.wait(0.25):
            self.peak = max(self.peak, rss_mb(self.pids))


def page_state(page) -> tuple[str, str]:
    """(progress text, the outcome message if the run has ended) as the learner sees them."""
    return page.evaluate(
        """() => {
          const bar = document.querySelector('[data-testid=stProgress]');
          const alerts = [...document.querySelectorAll('[data-testid=stAlert]')].map(a => a.innerText);
          return [bar ? bar.innerText : '', alerts.join(' | ')];
        }"""
    )


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, round(share * (len(values) - 1)))]


def one_round(pages, closing: list[int], timeout: float) -> dict:
    """Every learner presses Start; those in `closing` close their tab once their run trains. Returns timings."""
    clicked, started, ended, outcomes, coalesced = {}, {}, {}, {}, set()
    before = [page_state(page)[1] for page in pages]  # the last round's outcome is still on screen until it redraws
    for i, page in enumerate(pages):  # Start, one learner after another, as fast as the clicks go
        page.get_by_role("button", name="Start training").click()
        clicked[i] = time.perf_counter()
    closed_at: dict[int, float] = {}
    release_s: list[float] = []
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        now = time.perf_counter()
        for i, page in enumerate(pages):
            if i in closed_at or i in ended:
                continue
            progress, alerts = page_state(page)
            if alerts == before[i]:
                continue  # not redrawn since Start was pressed
            if "running on" in progress or "finished on" in progress:
                started.setdefault(i, now)
            if COALESCED in alerts:
                coalesced.add(i)
            outcome = next((o for o in OUTCOMES if o in alerts), None)
            if outcome:  # results, or a clear message
                ended[i], outcomes[i] = now, outcome
            elif i in closing and i in started:
                page.context.close()
                closed_at[i] = now
        for i, at in list(closed_at.items()):  # a closed tab's place is free once a later learner starts
            later = [t for j, t in started.items() if t > at and j not in closed_at]
            if later and at != float("inf"):
                release_s.append(min(later) - at)
                closed_at[i] = float("inf")
        if len(ended) + len(closed_at) >= len(pages):
            break
        time.sleep(0.25)
    finished = [i for i in ended if i not in closed_at]
    return {
        "watched": len(pages) - len(closing),
        "finished": len(finished),
        "outcomes": [outcomes[i] for i in finished],
        "to_results": [ended[i] - clicked[i] for i in finished if outcomes[i] == "Training finished"],
        "waits": [started[i] - clicked[i] for i in started],
        "release": release_s,
        "runs": len(ended) + len(closing),
        "coalesced": len(coalesced & set(finished)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=8)
    parser.add_argument("--class", dest="whole_class", action="store_true", help="30 learners")
    parser.add_argument("--close", type=int, default=None, help="tabs closed mid-run (default: a quarter)")
    parser.add_argument("--timeout", type=float, default=900, help="give up after this many seconds")
    parser.add_argument("--varied", action="store_true", help="each learner a different seed (no two runs alike)")
    parser.add_argument("--light", action="store_true", help="each run 1 epoch on 10%% of the images (a small machine)")
    parser.add_argument("--replicas", type=int, choices=(1, 2), default=1, help="2: through HAProxy to two servers")
    args = parser.parse_args()
    count = 30 if args.whole_class else args.learners
    to_close = count // 4 if args.close is None else args.close

    with chromium() as browser, replicas(2) if args.replicas == 2 else streamlit_server() as server:
        url = server.url if args.replicas == 2 else server
        pids = [replica.pid for replica in server.replicas.values()] if args.replicas == 2 else [server.pid]
        pages = []
        for i in range(count):  # each learner in a browser context of their own: separate visitors
            page = browser.new_context(viewport={"width": 1200, "height": 1400}).new_page()
            page.set_default_timeout(180_000)
            query = [f"train_seed={i + 1}"] * args.varied + [LIGHT] * args.light
            page.goto(f"{url}/train" + ("?" + "&".join(query) if query else ""))
            wait_for_idle(page, timeout_s=180)
            pages.append(page)
        baseline = rss_mb(pids)
        sampler = RssSampler(pids)
        sampler.start()
        first = one_round(pages, list(range(to_close)), args.timeout)
        after_first = rss_mb(pids)
        open_pages = [page for i, page in enumerate(pages) if i >= to_close]
        second = one_round(open_pages, [], args.timeout)  # the same learners train again: memory must not grow
        time.sleep(2)
        sampler.done.set()
        final = rss_mb(pids)
    both = [first, second]
    to_results = [t for r in both for t in r["to_results"]]
    waits = [w for r in both for w in r["waits"]]
    outcomes = [o for r in both for o in r["outcomes"]]
    seconds = lambda values, share: round(percentile(values, share), 1) if values else None  # noqa: E731
    print(
        json.dumps(
            {
                "learners": count,
                "replicas": args.replicas,
                "settings": ("a seed each" if args.varied else "the defaults") + (f" ({LIGHT})" if args.light else ""),
                "closed_mid_run": to_close,
                "rounds": 2,
                "completion_share": round(
                    sum(r["finished"] for r in both) / max(1, sum(r["watched"] for r in both)), 3
                ),
                "outcomes": {o: outcomes.count(o) for o in OUTCOMES if o in outcomes},
                "p50_to_results_s": seconds(to_results, 0.5),
                "p95_to_results_s": seconds(to_results, 0.95),
                "first_round_p50_to_results_s": seconds(first["to_results"], 0.5),
                "first_round_p95_to_results_s": seconds(first["to_results"], 0.95),
                "coalesced_share": round(sum(r["coalesced"] for r in both) / max(1, len(outcomes)), 3),
                "first_round_coalesced_share": round(first["coalesced"] / max(1, first["finished"]), 3),
                "longest_queue_wait_s": round(max(waits), 1) if waits else None,
                "slot_release_after_close_s": round(statistics.median(first["release"]), 1)
                if first["release"]
                else None,
                "rss_baseline_mb": round(baseline),
                "rss_after_first_round_mb": round(after_first),
                "rss_peak_mb": round(max(sampler.peak, final)),
                "rss_final_mb": round(final),
                "rss_growth_per_run_mb": round((final - after_first) / max(1, second["runs"]), 1),
            }
        )
    )


if __name__ == "__main__":
    main()
