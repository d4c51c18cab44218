"""A sweep or a set of twin runs is one entry in the queue: it waits once, its runs train one after another in the
place it holds (never re-queued point by point behind later learners), and it gives that place back at once when
its page is closed."""

import itertools
import time
from dataclasses import replace
from types import SimpleNamespace

import pytest

from lib.lab.config import TrainConfig, split_indices
from lib.lab.estimate import SPEED
from lib.lab.experiments import sweep_configs
from lib.lab.jobs import TrainingJob
from lib.lab.queue import JobQueue, queued_message
from lib.lab.series import SeriesOfRuns

TINY = TrainConfig(epochs=1, data_fraction=0.01)


def wait_until(predicate, timeout=120, touching=()):
    deadline = time.time() + timeout
    while not predicate():
        assert time.time() < deadline, "timed out"
        for watched in touching:  # the pages still open keep looking at their runs
            watched.touch()
        time.sleep(0.02)


def test_a_single_run_counts_each_series_ahead_as_one_entry_and_waits_for_all_their_runs(mnist):
    queue = JobQueue(capacity=1)
    holder = SimpleNamespace(id=-1, owner="a", estimate_s=10.0, seconds_left=lambda: 10.0, touch=lambda: None)
    assert queue.acquire(holder, lambda: False)  # a run that trains for 10 s more holds the only place
    sweep_runs = sweep_configs(TINY, "sgd", [0.01, 0.1, 1.0])
    twin_runs = [replace(TINY, seed=seed) for seed in (0, 1)]
    sweep = SeriesOfRuns(sweep_runs, mnist, owner="b", queue=queue).start()
    twins = SeriesOfRuns(twin_runs, mnist, owner="c", queue=queue).start()
    single = TrainingJob(TINY, mnist, queue=queue, owner="d").start()
    everyone = (holder, sweep, twins, single)
    wait_until(lambda: single.snapshot().queue_position > 0, touching=everyone)

    # Three entries ahead of nobody but the running run: the sweep, the twins (one entry each), then the single run.
    assert (sweep.queue_position(), twins.queue_position(), single.snapshot().queue_position) == (1, 2, 3)
    # Its estimated wait holds every run of both series, not only their first.
    images = len(split_indices(TINY, len(mnist.y_train))[0])
    all_their_runs = sum(SPEED.predict(config, images) for config in sweep_runs + twin_runs)
    assert queue.wait_estimate(single.id) == pytest.approx(10.0 + all_their_runs, rel=1e-9)
    assert sweep.wait_estimate() is not None and twins.wait_estimate() >= sweep.wait_estimate()

    queue.release(holder)
    # The series train all their runs in their own places before the single run behind them starts.
    wait_until(lambda: single.snapshot().state != "queued", touching=everyone)
    assert (len(sweep.outcomes), len(twins.outcomes)) == (3, 2), (sweep.outcomes, twins.outcomes)
    wait_until(lambda: not sweep.active and not twins.active)
    wait_until(lambda: not single.active, touching=everyone)
    assert single.snapshot().state == "finished"
    assert [o.state for o in sweep.outcomes + twins.outcomes] == ["finished"] * 5


def test_a_running_sweep_whose_page_closed_gives_its_place_back_at_once(mnist):
    queue = JobQueue(capacity=1)
    long_first = [TrainConfig(epochs=20)] + sweep_configs(TINY, "sgd", [0.01, 0.1, 1.0])
    sweep = SeriesOfRuns(long_first, mnist, owner="b", queue=queue, orphan_after=2.0).start()
    wait_until(lambda: sweep.current is not None and sweep.current.snapshot().state == "running", touching=[sweep])
    # The tab closes now (nobody touches the sweep any more); a learner who keeps their page open queues behind it.
    single = TrainingJob(TINY, mnist, queue=queue, owner="c").start()
    positions = set()

    def single_started():
        positions.add(single.snapshot().queue_position)
        return single.snapshot().state != "queued"

    wait_until(single_started, touching=[single])
    # Its place was given back once: the points after the stopped run never ran, and never queued ahead of it.
    assert [o.state for o in sweep.outcomes] == ["stopped"], sweep.outcomes
    wait_until(lambda: not sweep.active)
    assert len(sweep.outcomes) == 1 and positions <= {0, 1}, positions
    assert not queue.owner_busy("b")
    wait_until(lambda: not single.active, touching=[single])
    assert single.snapshot().state == "finished"


def test_a_queued_sweep_whose_page_closed_leaves_the_line_without_training_anything(mnist):
    queue = JobQueue(capacity=1)
    holder = SimpleNamespace(id=-1, owner="a", estimate_s=10.0, seconds_left=lambda: 10.0)
    assert queue.acquire(holder, lambda: False)
    sweep = SeriesOfRuns(sweep_configs(TINY, "sgd", [0.01, 0.1]), mnist, owner="b", queue=queue, orphan_after=0.5)
    sweep.start()
    assert sweep.queue_position() == 1
    wait_until(lambda: not sweep.active)
    assert sweep.outcomes == [] and sweep.current is None and sweep.abandoned
    assert not queue.owner_busy("b") and queue.position(sweep.id) == 0
    queue.release(holder)


def test_the_queued_message_says_the_place_the_line_and_the_wait_at_every_count():
    for position, wait, taken, capacity, trainers, runs in itertools.product(
        (1, 2, 12), (None, 0.4, 7.0, 1234.6), (0, 1, 2, 6), (1, 6), (1, 2), (1, 2, 13)
    ):
        text = queued_message(position, wait, taken, capacity, trainers, runs)
        places = "place" if capacity == 1 else "places"
        verb = "is" if taken == 1 else "are"
        assert f"Queued: {taken} of the {capacity} {places} on this server {verb} taken" in text, text
        assert f"on its {trainers} trainer{'' if trainers == 1 else 's'};" in text, text
        assert f"number {position} in line" in text, text
        assert text.endswith("starts by itself." if wait is None else f"in about {round(wait):,} s."), text
        assert (f"Your {runs} runs are one entry in line" in text) == (runs > 1), text
        assert ("Yours is number" in text) == (runs == 1), text


def test_the_experiments_page_says_a_queued_sweep_is_one_entry_in_line_with_the_wait():
    from lib.lab.jobs import JOB_QUEUE
    from tests.test_pages import open_page

    every_place = range(JOB_QUEUE.capacity)  # other learners' runs hold every place on the server
    holders = [SimpleNamespace(id=-1000 - i, owner=f"x{i}", estimate_s=9, seconds_left=lambda: 9) for i in every_place]
    taken = [holder for holder in holders if JOB_QUEUE.acquire(holder, lambda: False)]
    series = None
    try:
        at = open_page("pages/experiments.py")
        at.button(key="experiments_sweep_button").click().run()
        series = at.session_state["experiments_series"]
        notes = [note.value for note in at.info if "in line" in note.value]
        assert len(notes) == 1, [note.value for note in at.info]
        assert "Your 7 runs are one entry in line" in notes[0] and "number 1 in line" in notes[0], notes[0]
        assert "in about" in notes[0] and not at.exception
    finally:
        for holder in taken:
            JOB_QUEUE.release(holder)
        if series is not None:
            series.stop()
            series.join(60)
