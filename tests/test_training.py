"""The training lab's logic on small subsets: it learns, stops, diverges cleanly and queues."""

import itertools
import time
from types import SimpleNamespace

import numpy as np
import pytest

from lib.choices import HIDDEN_ACTIVATIONS, LOSSES, OPTIMIZERS, OUTPUT_ACTIVATIONS
from lib.lab.config import ConfigError, TrainConfig, split_indices
from lib.lab.jobs import EpochRecord, History, TrainingJob
from lib.lab.keras_code import keras_code
from lib.lab.queue import JobQueue
from lib.lab.trainer import Trainer


def wait_until(predicate, timeout=60):
    deadline = time.time() + timeout
    while not predicate():
        assert time.time() < deadline, "timed out"
        time.sleep(0.05)


def test_defaults_are_the_seeds_setup():
    config = TrainConfig()
    assert (config.hidden_activation, config.hidden_units, config.output_activation) == ("relu", 64, "softmax")
    assert (config.loss, config.optimizer, config.learning_rate) == ("cross_entropy", "adam", 0.001)
    assert (config.batch_size, config.epochs, config.data_fraction) == (32, 5, 1.0)


@pytest.mark.parametrize(
    "change",
    [
        {"learning_rate": 0.0},
        {"learning_rate": 1e3},
        {"epochs": 0},
        {"batch_size": 0},
        {"hidden_units": 0},
        {"data_fraction": 0.0},
        {"validation_fraction": 0.9},
        {"optimizer": "newton"},
        {"loss": "hinge"},
    ],
)
def test_bounds_are_enforced_in_lib(change):
    with pytest.raises(ConfigError, match="Invalid setting"):
        TrainConfig(**change).validated()


def test_split_is_disjoint_and_sized():
    train, val = split_indices(TrainConfig(data_fraction=0.1, validation_fraction=0.2), 60000)
    assert len(train) == 4800 and len(val) == 1200
    assert not set(train) & set(val)


def test_short_run_learns_well_above_chance(mnist):
    job = TrainingJob(TrainConfig(data_fraction=0.05, epochs=1, validation_fraction=0.1), mnist).start()
    job.join(120)
    snap = job.snapshot()
    assert snap.state == "finished", snap.message
    assert job.result.accuracy > 0.6  # chance is 0.1
    assert len(snap.history.batch_loss) == snap.steps_per_epoch == -(-2700 // 32)
    assert snap.history.epochs[0].val_accuracy > 0.5
    assert job.result.confusion.sum() == 10000
    np.testing.assert_allclose(job.result.accuracy, np.trace(job.result.confusion) / 10000)


def test_huge_learning_rate_diverges_with_curves_kept_and_a_clear_message(mnist):
    job = TrainingJob(TrainConfig(optimizer="sgd", learning_rate=10, data_fraction=0.2, epochs=2), mnist).start()
    job.join(120)
    snap = job.snapshot()
    assert snap.state == "diverged"
    assert 0 < len(snap.history.batch_loss) < snap.steps_per_epoch  # stopped at once, curve so far kept
    assert all(np.isfinite(snap.history.batch_loss))
    assert "too high for SGD" in snap.message and "learning rate" in snap.message
    assert job.result is None


def small_trainer(mnist, config=None, count=64):
    return Trainer(config or TrainConfig(data_fraction=0.01), mnist.x_train, mnist.y_train, np.arange(count))


def test_non_finite_losses_count_as_divergence(mnist):
    trainer = small_trainer(mnist)
    assert trainer.diverged(np.array([2.3, np.nan]))
    assert trainer.diverged(np.array([2.3, np.inf]))
    assert trainer.diverged(np.array([2.3, 1000 * trainer.initial_loss]))
    assert not trainer.diverged(np.array([2.3, 1.0]))


def test_stop_keeps_what_was_learned(mnist):
    job = TrainingJob(TrainConfig(epochs=20), mnist).start()
    wait_until(lambda: len(job.snapshot().history.batch_loss) > 200)
    job.stop()
    job.join(60)
    snap = job.snapshot()
    assert snap.state == "stopped"
    assert snap.epoch < 19
    assert job.result is not None and job.result.accuracy > 0.5  # the partly trained model is kept and scored


def test_queue_caps_simultaneous_jobs(mnist):
    queue = JobQueue(capacity=1)
    first = TrainingJob(TrainConfig(epochs=20), mnist, queue=queue).start()
    wait_until(lambda: first.snapshot().state == "running")
    second = TrainingJob(TrainConfig(data_fraction=0.01, epochs=1), mnist, queue=queue).start()
    time.sleep(0.5)
    assert second.snapshot().state == "queued" and second.snapshot().queue_position == 1
    assert queue.running_count() == 1
    first.stop()
    second.join(60)
    assert second.snapshot().state == "finished"


def test_cancelled_while_queued_never_runs(mnist):
    queue = JobQueue(capacity=1)
    holder = SimpleNamespace(id=-1, owner="someone else")
    queue.acquire(holder, lambda: False)  # someone else holds the only place
    waiting = TrainingJob(TrainConfig(data_fraction=0.01, epochs=1), mnist, queue=queue).start()
    wait_until(lambda: queue.position(waiting.id) == 1)
    waiting.stop()
    waiting.join(10)
    snap = waiting.snapshot()
    assert snap.state == "cancelled" and waiting.trainer is None and snap.history.batch_loss == []
    assert "nothing was trained" in snap.message
    queue.release(holder)


def test_step_activation_freezes_the_hidden_layer(mnist):
    job = TrainingJob(TrainConfig(hidden_activation="step", data_fraction=0.02, epochs=1), mnist).start()
    job.join(60)
    change = job.snapshot().history.epochs[-1].weight_change
    hidden = [v for k, v in change.items() if "hidden" in k]
    output = [v for k, v in change.items() if "output" in k]
    assert hidden == [0.0, 0.0]
    assert min(output) > 0


COMBINATIONS = list(
    itertools.product(sorted(HIDDEN_ACTIVATIONS), OUTPUT_ACTIVATIONS, sorted(LOSSES), sorted(OPTIMIZERS))
)


@pytest.mark.parametrize("activation,output,loss,optimizer", COMBINATIONS)
def test_every_combination_builds_and_trains_one_step(mnist, activation, output, loss, optimizer):
    config = TrainConfig(activation, 16, output, loss, optimizer, OPTIMIZERS[optimizer].default_lr, batch_size=32)
    trainer = small_trainer(mnist, config)
    before = trainer.model.layers[-1].kernel.numpy().copy()
    x, y = trainer._batch(trainer.images, trainer.labels, trainer.new_epoch_order()[:32])
    losses, accuracies = trainer.train_step(x, y)  # eagerly: no tracing per combination
    losses, accuracies = losses[None], accuracies[None]
    assert losses.shape == (1,) and np.isfinite(losses.numpy()).all()
    assert 0 <= float(accuracies[0]) <= 1
    assert not np.array_equal(before, trainer.model.layers[-1].kernel.numpy())  # the output layer learned


def test_keras_code_is_valid_python_with_the_settings():
    config = TrainConfig(
        hidden_activation="step",
        loss="mse",
        optimizer="momentum",
        learning_rate=0.05,
        batch_size=64,
        epochs=3,
        data_fraction=0.5,
        validation_fraction=0.1,
    )
    code = keras_code(config)
    compile(code, "keras_code", "exec")
    for fragment in (
        "momentum=0.9",
        "learning_rate=0.05",
        "batch_size=64",
        "epochs=3",
        "loss='mse'",
        "to_categorical",
        "validation_data=",
        "tf.custom_gradient",
        "size=30000",
    ):
        assert fragment in code


def test_live_chart_spec_carries_the_curves(mnist):
    from lib.lab.charts import make_training_chart

    history = History([2.3, 1.0, 0.5, 0.4], [0.1, 0.5, 0.8, 0.9], [EpochRecord(1, 1.05, 0.575, 0.6, 0.85, 1.0, {})])
    spec = make_training_chart(history, steps_per_epoch=4)
    rows = spec["datasets"]["training"].to_dict("records")
    assert {row["series"] for row in rows} == {"training (smoothed)", "training (epoch mean)", "validation"}
    assert {row["metric"] for row in rows} == {"loss", "accuracy"}
    assert max(row["x"] for row in rows) == 1.0
    assert '"name": "training"' in __import__("json").dumps(spec["vconcat"])
    # The epoch axis spans the whole run from its first redraw when the run's length is known.
    panels = make_training_chart(history, steps_per_epoch=4, epochs=3)["vconcat"]
    assert [panel["layer"][0]["encoding"]["x"]["scale"]["domain"] for panel in panels] == [[0, 3], [0, 3]]
    assert "scale" not in spec["vconcat"][0]["layer"][0]["encoding"]["x"]


def test_smoothing_matches_the_plain_moving_average_over_long_histories():
    """The live chart's smoothing, computed in blocks, equals TensorBoard's loop written out plainly."""
    from lib.series import smooth

    def reference(values, weight=0.98):
        out, average = [], 0.0
        for i, value in enumerate(values):
            average = weight * average + (1 - weight) * value
            out.append(average / (1 - weight ** (i + 1)))
        return np.array(out)

    rng = np.random.default_rng(1)
    for length in (1, 2, 127, 128, 129, 1000, 50_000):  # block edges, and a 30-epoch full run's worth
        values = rng.lognormal(size=length) * np.linspace(3, 0.01, length)
        np.testing.assert_allclose(smooth(values), reference(values), rtol=1e-10, atol=1e-12)
    assert smooth([5.0])[0] == 5.0  # bias correction: the first point is the value itself
    np.testing.assert_allclose(smooth(np.full(500, 0.3)), 0.3)  # a constant stays constant
    assert len(smooth([])) == 0


def test_live_chart_rows_follow_the_history():
    from lib.lab.charts import training_frame

    epochs = [EpochRecord(1, 1.0, 0.6, None, None, 1.0, {}), EpochRecord(2, 0.5, 0.8, 0.55, 0.79, 2.0, {})]
    frame = training_frame(History([2.0] * 1000, [0.5] * 1000, epochs), steps_per_epoch=500, max_points=100)
    smoothed = frame[frame.series == "training (smoothed)"]
    assert len(smoothed) == 200 and smoothed.x.max() == 2.0  # thinned, and reaching the last batch
    means = frame[frame.series == "training (epoch mean)"]
    assert means.set_index(["metric", "x"]).value.to_dict() == {
        ("loss", 1): 1.0,
        ("loss", 2): 0.5,
        ("accuracy", 1): 0.6,
        ("accuracy", 2): 0.8,
    }
    validation = frame[frame.series == "validation"]
    assert validation[["metric", "x", "value"]].values.tolist() == [["loss", 2.0, 0.55], ["accuracy", 2.0, 0.79]]
