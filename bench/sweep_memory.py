"""Do learning-rate sweeps give their memory back like single runs? In one process: a few single runs, then
repeated sweeps of the Experiments page's default size (7 rates, 1 epoch, 2% of the images, through the queue),
each sweep dropped as the page drops it when the next one starts. RSS is read after each sweep.

    python bench/sweep_memory.py            # 8 sweeps of 7 rates
    python bench/sweep_memory.py --quick    # 3 sweeps of 3 rates

The last line is one JSON object: RSS (MB) at the start, after each sweep, and the growth from the second sweep
to the last (the first one sets up process-wide things once: traced functions, the shared images).
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import keras  # noqa: E402

from lib.data import load_mnist  # noqa: E402
from lib.lab.config import TrainConfig  # noqa: E402
from lib.lab.experiments import sweep_configs, sweep_rates  # noqa: E402
from lib.lab.series import SeriesOfRuns  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    sweeps, points = (3, 3) if args.quick else (8, 7)
    mnist = load_mnist()
    base = TrainConfig(epochs=1, data_fraction=0.02)
    configs = sweep_configs(base, "adam", sweep_rates(-5, 1, points))
    start = rss_mb()
    after, models, kept = [], [], None
    for number in range(sweeps):
        series = SeriesOfRuns(configs, mnist, orphan_after=float("inf")).start()
        series.join()
        kept = series  # the page keeps the last finished series to draw it, and lets go of the one before
        del series  # no gc.collect() here: the server runs none after a page's run either
        after.append(round(rss_mb(), 1))
        gc.collect()  # only to count what is still reachable: a leak, not garbage waiting for a collection
        models.append(sum(1 for o in gc.get_objects() if isinstance(o, keras.Model)))
        print(f"sweep {number + 1}: {after[-1]} MB, {models[-1]} models alive, {len(kept.outcomes)} runs", flush=True)
    growth = round(after[-1] - after[1], 1) if len(after) > 1 else None
    print(
        json.dumps(
            {
                "sweeps": sweeps,
                "points": points,
                "rss_start_mb": round(start, 1),
                "rss_after_mb": after,
                "growth_from_second_to_last_mb": growth,
            }
        )
    )


if __name__ == "__main__":
    main()
