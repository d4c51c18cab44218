"""Identical runs trained once: a twin that is training is joined, a finished twin's results are reused, anything
that could change a number makes a new run, and the kept runs are bounded."""

from dataclasses import replace
from types import SimpleNamespace

from lib.lab.config import TrainConfig
from lib.lab.shared_runs import SharedRuns, run_identity
from tests.test_pages import open_page
from tests.test_train_page import run_until_idle

MNIST = SimpleNamespace(x_train=object())


class FakeJob:
    """What SharedRuns reads of a TrainingJob: its state and whether someone asked it to stop."""

    made = 0

    def __init__(self, state="running"):
        FakeJob.made += 1
        self.state, self.stop_requested = state, False

    @property
    def active(self):
        return self.state in ("queued", "starting", "running")

    def snapshot(self):
        return SimpleNamespace(state=self.state)


def test_a_twin_in_training_is_joined_and_a_finished_one_is_reused():
    runs, config = SharedRuns(), TrainConfig(epochs=1, data_fraction=0.05)
    first = runs.start(config, MNIST, "ann", FakeJob)
    second = runs.start(replace(config), MNIST, "bob", FakeJob)
    assert (first.how, second.how) == ("new", "joined") and second.job is first.job
    assert runs.watchers(first.job) == 2
    first.job.state = "finished"
    third = runs.start(config, MNIST, "cy", FakeJob)
    assert third.how == "recorded" and third.job is first.job


def test_anything_that_decides_the_numbers_makes_a_new_run():
    runs, config = SharedRuns(), TrainConfig(epochs=1, data_fraction=0.05)
    base = runs.start(config, MNIST, "ann", FakeJob).job
    for changed in (replace(config, seed=1), replace(config, learning_rate=0.01), replace(config, epochs=2)):
        assert runs.start(changed, MNIST, "bob", FakeJob).job is not base
    other_data = SimpleNamespace(x_train=object())
    assert runs.start(config, other_data, "bob", FakeJob).job is not base
    assert run_identity(config, MNIST) != run_identity(replace(config, seed=1), MNIST)


def test_stopped_runs_and_runs_asked_to_stop_are_never_reused():
    runs, config = SharedRuns(), TrainConfig(epochs=1, data_fraction=0.05)
    stopped = runs.start(config, MNIST, "ann", FakeJob).job
    stopped.stop_requested = True
    assert runs.start(config, MNIST, "bob", FakeJob).job is not stopped  # stopping: not the same run any more
    again = runs.start(replace(config, seed=3), MNIST, "ann", FakeJob).job
    again.state = "stopped"  # stopped at a moment someone chose
    assert runs.start(replace(config, seed=3), MNIST, "bob", FakeJob).how == "new"


def test_a_run_stops_only_when_its_last_watcher_leaves():
    runs, config = SharedRuns(), TrainConfig(epochs=1, data_fraction=0.05)
    job = runs.start(config, MNIST, "ann", FakeJob).job
    runs.start(config, MNIST, "bob", FakeJob)
    assert runs.leave(job, "ann") is False  # bob still watches: it goes on
    assert runs.leave(job, "bob") is True


def test_kept_runs_are_bounded_least_recently_used_first_and_by_age():
    runs = SharedRuns(keep=2)
    configs = [TrainConfig(seed=seed) for seed in range(4)]
    jobs = [runs.start(config, MNIST, "ann", lambda: FakeJob("finished")).job for config in configs]
    assert runs.start(configs[3], MNIST, "bob", FakeJob).job is jobs[3]  # kept
    assert runs.start(configs[0], MNIST, "bob", FakeJob).job is not jobs[0]  # dropped: the oldest
    aged = SharedRuns(max_age_s=0.0)
    old = aged.start(configs[0], MNIST, "ann", lambda: FakeJob("finished")).job
    assert aged.start(configs[0], MNIST, "bob", FakeJob).job is not old


def test_two_learners_pressing_start_on_the_same_settings_share_one_training(monkeypatch):
    import ui.lab.shared
    from lib.lab.jobs import TrainingJob

    made = []

    class CountedJob(TrainingJob):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(ui.lab.shared, "TrainingJob", CountedJob)
    first, second = open_page("pages/train.py"), open_page("pages/train.py")
    for at in (first, second):
        at.slider(key="train_data_percent").set_value(2)
        at.slider(key="train_epochs").set_value(1)
        at.number_input(key="train_seed").set_value(4242).run()
    first.button(key="train_start_button").click().run()
    second.button(key="train_start_button").click().run()
    job = first.session_state["train_job"]
    assert second.session_state["train_job"] is job and len(made) == 1
    assert any("This exact run — same settings, same seed" in info.value for info in second.info)
    run_until_idle(first)
    run_until_idle(second)
    assert not first.exception and not second.exception
    accuracy = {at: next(m.value for m in at.metric if m.label == "Test accuracy") for at in (first, second)}
    assert accuracy[first] == accuracy[second]  # the same results, trained once
    third = open_page("pages/train.py")  # a third learner after it finished: the recorded results at once
    third.slider(key="train_data_percent").set_value(2)
    third.slider(key="train_epochs").set_value(1)
    third.number_input(key="train_seed").set_value(4242).run()
    third.button(key="train_start_button").click().run()
    run_until_idle(third)
    assert third.session_state["train_job"] is job and len(made) == 1
    assert any("was trained here" in info.value for info in third.info)
    third.button(key="train_own_copy").click().run()  # and a copy of one's own on request
    assert third.session_state["train_job"] is not job and len(made) == 2
    run_until_idle(third)
