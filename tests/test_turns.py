"""Fair turns on the trainers: a person's runs share one turn, and a short run is never stuck behind long ones."""

import threading
import time

from lib.lab.config import TrainConfig
from lib.lab.queue import JobQueue
from lib.lab.turns import Turns


class LoggedTurns(Turns):
    """Turns that write down who held each one, in order."""

    def __init__(self, capacity):
        super().__init__(capacity)
        self.log = []

    def turn(self, person, waited=None):
        outer = super().turn(person, waited)
        log = self.log

        class Logged:
            def __enter__(self):
                outer.__enter__()
                log.append(person)

            def __exit__(self, *exc):
                return outer.__exit__(*exc)

        return Logged()


def worker(turns, person, chunks, seconds=0.003):
    def run():
        for _ in range(chunks):
            with turns.turn(person):
                time.sleep(seconds)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_two_runs_of_one_person_share_one_turn_with_another_persons_run():
    turns = LoggedTurns(capacity=1)
    threads = [worker(turns, "ann", 40), worker(turns, "ann", 40)]
    time.sleep(0.02)
    threads.append(worker(turns, "bob", 10))
    for thread in threads:
        thread.join(10)
    first, last = turns.log.index("bob"), len(turns.log) - 1 - turns.log[::-1].index("bob")
    during = turns.log[first : last + 1]
    # While bob trains, turns alternate by person: ann's two runs together get one turn for each of bob's (one
    # more where bob asked a moment late).
    assert during.count("ann") <= during.count("bob") + 1, during
    assert during.count("bob") == 10


def test_a_persons_runs_take_their_shared_turn_in_order():
    turns = LoggedTurns(capacity=2)
    threads = [worker(turns, person, 20) for person in ("ann", "bob", "cy")]
    for thread in threads:
        thread.join(10)
    assert sorted(set(turns.log)) == ["ann", "bob", "cy"] and len(turns.log) == 60


def test_a_short_run_finishes_while_two_long_runs_of_another_person_go_on(mnist, monkeypatch):
    """Two heavy runs from one browser and a default-sized short run from another: the short one trains in turns
    between their chunks (one of theirs for each of its own) instead of waiting for them to end."""
    import lib.lab.jobs as jobs

    turns = LoggedTurns(capacity=1)
    monkeypatch.setattr(jobs, "TURNS", turns)
    queue = JobQueue(capacity=3)
    heavy = TrainConfig(hidden_units=512, batch_size=8, epochs=20)
    long_runs = [jobs.TrainingJob(heavy, mnist, queue=queue, owner="two-windows").start() for _ in range(2)]
    deadline = time.time() + 120
    while not all(job.snapshot().state == "running" for job in long_runs):
        assert time.time() < deadline and all(job.active for job in long_runs), [j.snapshot() for j in long_runs]
        time.sleep(0.1)
    short = jobs.TrainingJob(TrainConfig(epochs=1, data_fraction=0.05), mnist, queue=queue, owner="third").start()
    short.join(300)
    assert short.snapshot().state == "finished"
    assert all(job.active for job in long_runs)  # it did not wait for them
    for job in long_runs:
        job.stop()
        job.join(60)
    first = turns.log.index("third")
    last = len(turns.log) - 1 - turns.log[::-1].index("third")
    during = turns.log[first : last + 1]
    assert during.count("two-windows") <= during.count("third") + 1, during  # one of theirs per chunk of its own


def test_the_time_spent_waiting_for_a_turn_is_reported_so_speed_estimates_leave_it_out():
    turns, waits = Turns(capacity=1), []
    with turns.turn("ann"):
        thread = threading.Thread(target=lambda: turns.turn("bob", waited=waits.append).__enter__())
        thread.start()
        time.sleep(0.3)  # bob waits while ann trains
    thread.join(5)
    assert len(waits) == 1 and waits[0] >= 0.25
