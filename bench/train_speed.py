"""Time the notebook's `model.fit` against the lab's trainer, side by side in one process.

    python bench/train_speed.py            # the notebook's experiment: 60,000 images, 5 epochs
    python bench/train_speed.py --quick    # 6,000 images, 1 epoch (a smoke run for CI)

It also times what a learner feels, each side in a fresh process: the notebook's build + compile + fit +
evaluate (TensorFlow's default threads) against the lab's Start → results (build, trace, train, test):
"start_to_results_ratio" in the JSON.

Both train the same network (784-64-10, relu/softmax) with Adam(0.001), sparse categorical
cross-entropy, batch 32 and a fresh shuffle every epoch. A third run repeats the lab's training while
another thread polls its progress and rebuilds the live chart every REFRESH_SECONDS, as the page does, to
measure what the live view costs. Seed and lab runs are interleaved (--repeats, default 3) and the best
time of each is compared, as timeit does: this machine's noise only ever adds time. The last line printed
is one JSON object. Both sides run under the same TensorFlow settings (lib/runtime.py: on a CPU-only machine,
one thread per core but one; "device" in the JSON says what was used).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import keras  # noqa: E402
import numpy as np  # noqa: E402
from streamlit.dataframe_util import convert_anything_to_arrow_bytes  # noqa: E402

from lib.data import load_mnist  # noqa: E402
from lib.lab.charts import make_training_chart  # noqa: E402
from lib.lab.config import TrainConfig  # noqa: E402
from lib.lab.jobs import REFRESH_SECONDS, TrainingJob  # noqa: E402
from lib.lab.trainer import evaluate_on_test  # noqa: E402
from lib.models import build_mlp  # noqa: E402
from lib.runtime import compute_device  # noqa: E402


def seed_fit(x_train, y_train, x_test, y_test, epochs: int) -> tuple[float, float]:
    """The notebook's cell, verbatim in spirit: compile with 'adam', fit with the defaults."""
    keras.utils.set_random_seed(0)
    neural_net = build_mlp()
    neural_net.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    started = time.perf_counter()
    neural_net.fit(x_train / 255.0, y_train, epochs=epochs, verbose=0)
    seconds = time.perf_counter() - started
    return seconds, evaluate_on_test(neural_net, x_test, y_test).accuracy


def lab_fit(mnist, config: TrainConfig, poll: bool) -> tuple[float, float, int]:
    job = TrainingJob(config, mnist)
    redraws = 0
    done = threading.Event()

    def poller():  # what the page's fragment does every REFRESH_SECONDS
        nonlocal redraws
        next_redraw = time.perf_counter()
        while not done.wait(max(0.0, next_redraw - time.perf_counter())):
            next_redraw += REFRESH_SECONDS
            snapshot = job.snapshot()
            spec = make_training_chart(snapshot.history, snapshot.steps_per_epoch, config.epochs)
            json.dumps({**spec, "datasets": {}})  # what the page sends: the spec as JSON, the data as Arrow
            convert_anything_to_arrow_bytes(spec["datasets"]["training"])
            redraws += 1

    thread = threading.Thread(target=poller, daemon=True)
    if poll:
        thread.start()
    job.start()
    job.join()
    done.set()
    snapshot = job.snapshot()
    assert snapshot.state == "finished", snapshot.message
    return snapshot.elapsed_s, job.result.accuracy, redraws


def one_fresh_run(side: str, quick: bool) -> dict:
    """In this (fresh) process: the notebook's build + compile + fit + evaluate, or the lab's Start → results
    (build, trace, train, test) exactly as the page's Start button runs it."""
    mnist = load_mnist()
    fraction, epochs = (0.1, 1) if quick else (1.0, 5)
    count = round(60000 * fraction)
    started = time.perf_counter()
    if side == "notebook":
        keras.utils.set_random_seed(0)
        model = build_mlp()
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        model.fit(mnist.x_train[:count] / 255.0, mnist.y_train[:count], epochs=epochs, verbose=0)
        _, accuracy = model.evaluate(mnist.x_test / 255.0, mnist.y_test, verbose=0)
    else:
        job = TrainingJob(TrainConfig(epochs=epochs, data_fraction=fraction), mnist).start()
        while job.active:  # results are on the page as soon as the run's state says so (the tidying-up after,
            time.sleep(0.005)  # giving memory back, happens while the learner already reads them)
        seconds = time.perf_counter() - started
        job.join()
        return {"side": side, "seconds": seconds, "accuracy": float(job.result.accuracy)}
    return {"side": side, "seconds": time.perf_counter() - started, "accuracy": float(accuracy)}


def fresh_process_times(quick: bool, repeats: int) -> dict:
    """Start → results, each side in its own fresh process (the notebook's with TensorFlow's default threads)."""
    runs = {"notebook": [], "lab": []}
    for _ in range(repeats):
        for side in runs:
            env = {**os.environ, **({"COURSE_TF_THREADS": "0"} if side == "notebook" else {})}
            command = [sys.executable, __file__, "--fresh-one", side] + (["--quick"] if quick else [])
            out = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
            runs[side].append(json.loads(out.strip().splitlines()[-1]))
            run = runs[side][-1]
            print(f"fresh process, {side:8s}: {run['seconds']:6.2f} s  accuracy {run['accuracy']:.4f}")
    best = {side: min(run["seconds"] for run in found) for side, found in runs.items()}
    return {
        "notebook_fit_evaluate_s": round(best["notebook"], 3),
        "lab_start_to_results_s": round(best["lab"], 3),
        "start_to_results_ratio": round(best["lab"] / best["notebook"], 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="6,000 images and 1 epoch")
    parser.add_argument("--repeats", type=int, default=3, help="interleaved runs of each; the best is reported")
    parser.add_argument("--fresh-one", choices=["notebook", "lab"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fresh_one:
        print(json.dumps(one_fresh_run(args.fresh_one, args.quick)))
        return
    fresh = fresh_process_times(args.quick, max(1, args.repeats))
    mnist = load_mnist()
    fraction, epochs = (0.1, 1) if args.quick else (1.0, 5)
    count = round(60000 * fraction)
    x_train, y_train = np.asarray(mnist.x_train[:count]), np.asarray(mnist.y_train[:count])
    config = TrainConfig(epochs=epochs, data_fraction=fraction, validation_fraction=0.0)

    lab_fit(mnist, TrainConfig(epochs=1, data_fraction=0.01), poll=False)  # warm up TensorFlow once
    # Interleave the two so that a noisy moment on the machine hits both; keep each one's best time.
    seed_runs, lab_runs = [], []
    for _ in range(max(1, args.repeats)):
        seed_runs.append(seed_fit(x_train, y_train, mnist.x_test, mnist.y_test, epochs))
        print(f"seed model.fit:          {seed_runs[-1][0]:6.2f} s   test accuracy {seed_runs[-1][1]:.4f}")
        lab_runs.append(lab_fit(mnist, config, poll=False)[:2])
        print(f"lab trainer:             {lab_runs[-1][0]:6.2f} s   test accuracy {lab_runs[-1][1]:.4f}")
    seed_s, seed_acc = min(seed_runs)
    lab_s, lab_acc = min(lab_runs)
    live_s, live_acc, redraws = lab_fit(mnist, config, poll=True)
    print(f"lab trainer, live chart: {live_s:6.2f} s   test accuracy {live_acc:.4f}   ({redraws} redraws)")
    print(
        json.dumps(
            {
                "device": compute_device(),
                "images": count,
                "epochs": epochs,
                "seed_fit_s": round(seed_s, 3),
                "lab_s": round(lab_s, 3),
                "ratio": round(lab_s / seed_s, 3),
                "seed_test_accuracy": round(seed_acc, 4),
                "lab_test_accuracy": round(lab_acc, 4),
                "lab_live_chart_s": round(live_s, 3),
                "live_chart_overhead": round(live_s / lab_s - 1, 3),
                "live_redraws_per_s": round(redraws / live_s, 2),
                "seed_fit_runs_s": [round(run[0], 3) for run in seed_runs],
                "lab_runs_s": [round(run[0], 3) for run in lab_runs],
                **fresh,
            }
        )
    )


if __name__ == "__main__":
    main()
