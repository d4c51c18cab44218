"""Runs give their memory back: after a finished run nothing of its model, optimizer or compiled loop stays
registered with TensorFlow, however many runs a class makes."""

import gc
import weakref

from lib.lab.config import TrainConfig
from lib.lab.jobs import TrainingJob


def live_state():
    from tensorflow.python.eager import context

    resources = sum(1 for o in gc.get_objects() if type(o).__name__ == "EagerTensor" and o.dtype.name == "resource")
    return len(context.context().list_function_names()), resources


def run_once(mnist) -> weakref.ref:
    job = TrainingJob(TrainConfig(epochs=1, data_fraction=0.01, validation_fraction=0.1), mnist).start()
    job.join(120)
    assert job.snapshot().state == "finished"
    trainer = weakref.ref(job.trainer)
    del job
    gc.collect()
    return trainer


def test_finished_runs_leave_no_functions_variables_or_trainers_behind(mnist):
    run_once(mnist)  # the first run may set up process-wide things once
    before = live_state()
    trainers = [run_once(mnist) for _ in range(4)]
    assert live_state() == before  # no registered loop bodies, no captured variables left over
    assert all(trainer() is None for trainer in trainers)  # each run's trainer (and so its model) is gone


def test_a_finished_job_keeps_its_model_and_results_but_not_its_compiled_loop(mnist):
    job = TrainingJob(TrainConfig(epochs=1, data_fraction=0.01), mnist).start()
    job.join(120)
    assert job.result is not None and job.model is not None
    assert job.trainer._run_chunk is None and job.trainer.images is None


def test_lesson_computations_leave_nothing_behind_either():
    from lib.backprop import NeuronExperiment
    from lib.boundary import make_moons, train_boundary
    from lib.descent2d import optimizer_path

    def lesson_work():
        optimizer_path("elongated bowl", "adam", (-3.5, 1.5), 0.05, 10)
        points, labels = make_moons(40)
        train_boundary(points, labels, "relu", 4, 5)
        experiment = NeuronExperiment("adam", 0.01)
        experiment.train(3)
        del experiment
        gc.collect()

    lesson_work()
    before = live_state()
    for _ in range(3):
        lesson_work()
    assert live_state() == before


def sweep_once(mnist, monkeypatch) -> list[weakref.ref]:
    import lib.lab.experiments as experiments
    import lib.lab.series as series_module

    started = []

    class Recorded(TrainingJob):  # the series' jobs, seen through weak references only
        def start(self):
            started.append(weakref.ref(self))
            return super().start()

    monkeypatch.setattr(series_module, "TrainingJob", Recorded)
    base = TrainConfig(epochs=1, data_fraction=0.01)
    configs = experiments.sweep_configs(base, "sgd", [0.001, 0.1, 100.0])
    series = series_module.SeriesOfRuns(configs, mnist, orphan_after=float("inf")).start()
    series.join(300)
    assert [o.state for o in series.outcomes] == ["finished", "finished", "diverged"]
    gc.collect()
    assert all(job() is None for job in started)  # the page still holds the series to draw it: only numbers
    del series
    gc.collect()
    return started


def test_sweeps_and_twins_give_their_memory_back_like_single_runs(mnist, monkeypatch):
    """A finished series keeps its outcomes (numbers), not its runs: while the page holds it to draw it, none of
    its jobs (and so no model) is alive; no registered function or variable of it stays behind, sweep after
    sweep."""
    sweep_once(mnist, monkeypatch)
    before = live_state()
    jobs = [ref for _ in range(3) for ref in sweep_once(mnist, monkeypatch)]
    assert live_state() == before
    assert all(job() is None for job in jobs)
