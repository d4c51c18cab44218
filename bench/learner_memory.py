"""What one kept browser costs the server: a learner who ran RUNS trainings of the notebook's network (5 epochs,
so five epoch snapshots each) and made some progress, kept in the learner store after their tab closed.

Measured two ways in this process: the server's memory (RSS) given back when BROWSERS such learners are forgotten,
divided by BROWSERS; and the bytes of the arrays a learner's entry holds (weights, optimizer slots, snapshots,
histories, results). The last line printed is one JSON object.

    python bench/learner_memory.py           # 3 browsers × 5 runs on 5% of the images
    python bench/learner_memory.py --quick   # 1 browser × 2 runs
"""

from __future__ import annotations

import gc
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from lib.data import load_mnist  # noqa: E402
from lib.lab.config import TrainConfig  # noqa: E402
from lib.lab.jobs import TrainingJob  # noqa: E402
from lib.learners import LearnerStore  # noqa: E402
from lib.progress import empty  # noqa: E402
from lib.runtime import give_back_freed_memory  # noqa: E402


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    return float("nan")


def settle() -> float:
    gc.collect()
    give_back_freed_memory()
    return rss_mb()


def array_bytes(job: TrainingJob) -> int:
    """The arrays one finished run keeps: weights with Adam's two slots, epoch snapshots, history, results."""
    weights = sum(int(np.prod(w.shape)) * 4 for w in job.model.weights) * 3 if job.model is not None else 0
    snaps = sum(h.nbytes + o.nbytes for _, h, o in job.snapshots)
    history = job.snapshot().history.compact()
    result = 0 if job.result is None else sum(np.asarray(v).nbytes for v in vars(job.result).values())
    return weights + snaps + history.batch_loss.nbytes + history.batch_accuracy.nbytes + result


def learner(mnist, runs: int, seed: int) -> dict:
    """One browser's kept state, as the Train page leaves it (runs recorded with their jobs, the last one current)."""
    progress = empty()
    progress["seen"] = ["pages/home.py", "pages/train.py"]
    jobs = []
    for i in range(runs):
        job = TrainingJob(TrainConfig(data_fraction=0.05, seed=seed * 100 + i), mnist).start()
        job.join()
        jobs.append(job)
    kept = [
        {"id": job.id, "job": job, "config": job.config, "history": job.snapshot().history.compact()} for job in jobs
    ]
    return {"progress": progress, "train_job": jobs[-1], "train_runs": kept}


def main(browsers: int, runs: int) -> dict:
    mnist = load_mnist()
    warm = learner(mnist, 1, 999)  # TensorFlow's one-off costs (tracing, kernels) are not a learner's
    del warm
    store = LearnerStore()
    before = settle()
    for b in range(browsers):
        store.state(f"browser-{b}").update(learner(mnist, runs, b))
    held = settle()
    kept = [store.state(f"browser-{b}")["train_runs"] for b in range(browsers)]
    arrays = [sum(array_bytes(run["job"]) for run in runs) for runs in kept]
    del kept
    store = None  # every browser forgotten
    after = settle()
    return {
        "browsers": browsers,
        "runs_each": runs,
        "rss_before_mb": round(before, 1),
        "rss_held_mb": round(held, 1),
        "rss_after_forgetting_mb": round(after, 1),
        "rss_per_browser_mb": round((held - after) / browsers, 2),
        "array_mb_per_browser": round(float(np.mean(arrays)) / 2**20, 2),
    }


if __name__ == "__main__":
    quick = "--quick" in sys.argv
    print(json.dumps(main(1 if quick else 3, 2 if quick else 5)))
