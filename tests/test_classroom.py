"""A class on one server: abandoned runs give their place back, one active run per learner, honest waits,
and a cap on the work one run may ask for."""

import time

import pytest

from lib.lab.config import TrainConfig
from lib.lab.estimate import SpeedModel, estimated_wait, model_seconds, over_the_cap
from lib.lab.jobs import TrainingJob
from lib.lab.queue import JobQueue


def wait_until(predicate, timeout=60):
    deadline = time.time() + timeout
    while not predicate():
        assert time.time() < deadline, "timed out"
        time.sleep(0.05)


def test_a_run_nobody_watches_is_stopped_and_frees_its_place(mnist):
    queue = JobQueue(capacity=1)
    orphan = TrainingJob(TrainConfig(epochs=20), mnist, queue=queue, owner="a", orphan_after=1.0).start()
    wait_until(lambda: orphan.snapshot().state == "running")
    waiting = TrainingJob(TrainConfig(epochs=1, data_fraction=0.01), mnist, queue=queue, owner="b").start()
    started = time.time()
    while waiting.active:  # the second learner keeps watching their page; the first tab is gone
        waiting.touch()
        time.sleep(0.1)
        assert time.time() - started < 60
    assert orphan.snapshot().state == "stopped" and "Nobody had looked at it" in orphan.snapshot().message
    assert waiting.snapshot().state == "finished"


def test_a_queued_run_nobody_watches_is_cancelled(mnist):
    queue = JobQueue(capacity=1)
    holder = TrainingJob(TrainConfig(epochs=20), mnist, queue=queue, owner="a").start()
    wait_until(lambda: holder.snapshot().state == "running")
    queued = TrainingJob(TrainConfig(epochs=1), mnist, queue=queue, owner="b", orphan_after=0.5).start()
    queued.join(10)
    holder.stop()
    holder.join(30)
    snap = queued.snapshot()
    assert snap.state == "cancelled" and "nothing was trained" in snap.message and "Nobody" in snap.message


def test_one_active_run_per_learner(mnist):
    queue = JobQueue(capacity=2)
    first = TrainingJob(TrainConfig(epochs=20), mnist, queue=queue, owner="same browser").start()
    assert queue.owner_busy("same browser") and not queue.owner_busy("another browser")
    first.stop()
    first.join(30)
    assert not queue.owner_busy("same browser")


def test_the_wait_estimate_follows_the_places_and_the_runs_ahead():
    assert estimated_wait([], [], 2) == 0  # a free place: no wait
    assert estimated_wait([10, 30], [], 2) == 10  # the first place frees after 10 s
    assert estimated_wait([10, 30], [5], 2) == 15  # the run ahead takes it for 5 s
    assert estimated_wait([10, 30], [5, 40], 2) == 30  # then the other place frees at 30 s


def test_a_queued_learner_is_told_an_estimated_wait(mnist):
    queue = JobQueue(capacity=1)
    running = TrainingJob(TrainConfig(epochs=20), mnist, queue=queue, owner="a").start()
    wait_until(lambda: running.snapshot().state == "running" and running.snapshot().eta_s is not None)
    queued = TrainingJob(TrainConfig(epochs=1, data_fraction=0.1), mnist, queue=queue, owner="b").start()
    wait = queue.wait_estimate(queued.id)
    assert wait is not None and 0 < wait <= running.seconds_left() + 1
    running.stop()
    queued.join(60)
    assert queue.wait_estimate(queued.id) is None


def test_the_time_estimate_learns_the_machines_speed_and_the_cap_refuses_huge_runs(monkeypatch):
    config = TrainConfig(epochs=5)
    speed = SpeedModel()
    assert speed.predict(config, 57000) == pytest.approx(model_seconds(config, 57000))
    speed.observe(config, 57000, 2 * model_seconds(config, 57000), steps_done=5 * 1782)  # a machine twice as slow
    assert speed.predict(config, 57000) == pytest.approx(2 * model_seconds(config, 57000))
    heaviest = TrainConfig(hidden_units=512, batch_size=8, epochs=20)  # ~100 s on the 2-core CPU, ~200 s here
    monkeypatch.setenv("COURSE_MAX_RUN_SECONDS", "120")
    assert over_the_cap(heaviest, 57000, speed) is not None and "fewer epochs" in over_the_cap(heaviest, 57000, speed)
    assert over_the_cap(TrainConfig(), 57000, speed) is None  # the notebook's run is always allowed
    for _ in range(3):  # a very busy server (the model takes the median of what it saw)
        speed.observe(config, 57000, 200 * model_seconds(config, 57000), steps_done=5 * 1782)
    assert speed.predict(TrainConfig(), 57000) > 120  # the notebook's run now estimates over the cap…
    assert over_the_cap(TrainConfig(), 57000, speed) is None  # …and is still allowed
    assert over_the_cap(TrainConfig(epochs=4), 57000, speed) is None  # so is anything lighter
    assert over_the_cap(TrainConfig(epochs=6), 57000, speed) is not None  # heavier runs meet the cap


def test_a_short_computation_takes_a_place_in_the_same_queue():
    queue = JobQueue(capacity=1)
    with queue.place("a") as first:
        assert first and queue.running_count() == 1
        with queue.place("b", wait=0.3) as second:
            assert not second  # the only place is taken: refused after the wait, not blocked forever
    assert queue.running_count() == 0


def test_a_learner_queued_behind_a_backprop_place_is_told_a_wait_not_a_crash():
    """A Backprop "train N epochs" holds a place while a Train MNIST learner waits: the waiting learner's page asks
    for its estimated wait, which reads the time left of whatever holds the places."""
    import threading
    from types import SimpleNamespace

    queue = JobQueue(capacity=1)
    queued = SimpleNamespace(id=1, owner="train-learner", estimate_s=12.0)
    with queue.place("backprop-learner") as got:
        assert got
        queue.enter(queued)
        wait = queue.wait_estimate(queued.id)
        assert wait is not None and 0 <= wait <= 60  # a short computation: seconds, not a crash
    # And a place waiting in line ahead of a run counts its own expected time.
    running = SimpleNamespace(id=2, owner="c", estimate_s=5.0, seconds_left=lambda: 5.0)
    other = JobQueue(capacity=1)
    other.acquire(running, lambda: False)

    def hold_a_place():
        with other.place("backprop-learner", wait=2):
            pass

    waiting = threading.Thread(target=hold_a_place)
    waiting.start()
    wait_until(lambda: len(other._waiting) == 1)  # the place is in line behind the running run
    behind = SimpleNamespace(id=3, owner="d", estimate_s=7.0)
    other.enter(behind)
    assert other.wait_estimate(behind.id) >= 5.0
    waiting.join()


def test_the_backprop_history_stays_bounded_however_often_one_trains():
    from lib.backprop import MAX_HISTORY, NeuronExperiment

    experiment = NeuronExperiment("adam", 0.01)
    for _ in range(3):
        experiment.train(2000)
    assert len(experiment.history) <= MAX_HISTORY and experiment.history[-1]["epoch"] == 6000
    assert experiment.history[0]["epoch"] == 0  # the start is kept
