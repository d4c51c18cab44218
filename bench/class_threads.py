"""A class without browsers: N learners press Start at about the same moment on the Train page's own path (the
shared runs, the queue, the turns, real Keras training), each as a thread that watches its run until the results.
Lighter than bench/classroom.py (30 Chromium pages do not fit a small shared machine); it leaves out what the
server spends drawing pages.

    python bench/class_threads.py                          # 30 learners on the defaults (the notebook's run)
    python bench/class_threads.py --varied --light         # 30 learners, a seed each, 1 epoch on 10% of the images
    python bench/class_threads.py --replicas 2             # two processes, learners dealt between them in turn

One learner trains alone (the yardstick), then the class starts, then one learner trains alone again on settings
nobody trained. The last line printed is one JSON object: both alone times, p50/p95 seconds from Start to results
and the p95's ratio to the mean alone time, the longest queue wait, the share
of learners served by coalescing (another learner's identical run, joined or recorded), and the peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lib.data import load_mnist  # noqa: E402
from lib.lab.config import TrainConfig  # noqa: E402
from lib.lab.jobs import TrainingJob  # noqa: E402
from lib.lab.shared_runs import SHARED_RUNS  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def learner(config: TrainConfig, mnist, visitor: str, records: list) -> None:
    """Press Start as the Train page does (ui/lab/shared.py), then watch the run until it ends."""
    clicked = time.perf_counter()
    shared = SHARED_RUNS.start(config, mnist, visitor, lambda: TrainingJob(config, mnist, owner=visitor).start())
    job, started = shared.job, None
    while job.active:
        job.touch()
        if started is None and job.snapshot().state != "queued":
            started = time.perf_counter()
        time.sleep(0.1)
    ended = time.perf_counter()
    records.append(
        {
            "to_results": ended - clicked,
            "wait": (started or ended) - clicked,
            "how": shared.how,
            "state": job.snapshot().state,
        }
    )


def class_config(base: TrainConfig, varied: bool, i: int) -> TrainConfig:
    return replace(base, seed=i + 1) if varied else base


def run_class(base: TrainConfig, varied: bool, indices: list[int], mnist) -> list[dict]:
    records: list[dict] = []
    threads = [
        threading.Thread(target=learner, args=(class_config(base, varied, i), mnist, f"learner-{i}", records))
        for i in indices
    ]
    for thread in threads:  # Start, one learner after another
        thread.start()
        time.sleep(0.05)
    for thread in threads:
        thread.join()
    return records


def percentile(values: list[float], share: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(share * (len(values) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=30)
    parser.add_argument("--varied", action="store_true", help="each learner a different seed (no two runs alike)")
    parser.add_argument("--light", action="store_true", help="1 epoch on 10%% of the images (a small machine)")
    parser.add_argument("--replicas", type=int, choices=(1, 2), default=1)
    parser.add_argument("--worker", type=int, default=None, help=argparse.SUPPRESS)  # a replica's learners
    args = parser.parse_args()
    base = TrainConfig(epochs=1, data_fraction=0.1) if args.light else TrainConfig()
    mnist = load_mnist()
    if args.worker is not None:  # one replica: every args.replicas-th learner, as the balancer deals them
        records = run_class(base, args.varied, list(range(args.worker, args.learners, args.replicas)), mnist)
        print(json.dumps({"records": records, "rss_peak_mb": peak_rss_mb()}))
        return
    alone = run_class(base, False, [-1], mnist)[0]["to_results"]  # seed 0, alone on the server
    SHARED_RUNS.clear()  # the class starts on a server that has trained nothing
    if args.replicas == 1:
        records, rss = run_class(base, args.varied, list(range(args.learners)), mnist), peak_rss_mb()
    else:
        command = [sys.executable, __file__, *sys.argv[1:]]
        workers = [subprocess.Popen([*command, "--worker", str(k)], stdout=subprocess.PIPE) for k in range(2)]
        results = [json.loads(worker.communicate()[0].decode().strip().splitlines()[-1]) for worker in workers]
        records = [record for result in results for record in result["records"]]
        rss = sum(result["rss_peak_mb"] for result in results)
    # Alone again after the class, on settings nobody trained (a shared machine's load drifts: both are reported)
    after = run_class(replace(base, seed=10_000), False, [-1], mnist)[0]["to_results"]
    times = [r["to_results"] for r in records if r["state"] == "finished"]
    p50, p95 = percentile(times, 0.5), percentile(times, 0.95)
    print(
        json.dumps(
            {
                "learners": args.learners,
                "replicas": args.replicas,
                "settings": ("a seed each" if args.varied else "the defaults") + (" (1 epoch, 10%)" * args.light),
                "finished": len(times),
                "alone_s": round(alone, 1),
                "alone_after_s": round(after, 1),
                "p50_to_results_s": round(p50, 1),
                "p95_to_results_s": round(p95, 1),
                "p95_over_alone": round(p95 / ((alone + after) / 2), 2),  # against the mean of the two
                "longest_queue_wait_s": round(max(r["wait"] for r in records), 1),
                "coalesced_share": round(sum(r["how"] != "new" for r in records) / len(records), 3),
                "rss_peak_mb": round(rss),
            }
        )
    )


if __name__ == "__main__":
    main()
