"""What a learner reads after a run is what the run did: sigmoid vs softmax, divergence, training accuracy,
the frozen hidden layer, and the Keras code that rebuilds the same network."""

import numpy as np
import pytest

from lib.lab.config import TrainConfig
from lib.lab.jobs import TrainingJob
from lib.lab.keras_code import keras_code
from tests.test_training import small_trainer


def batch_losses(mnist, **settings):
    job = TrainingJob(TrainConfig(data_fraction=0.02, epochs=1, **settings), mnist).start()
    job.join(120)
    return np.array(job.snapshot().history.batch_loss)


def test_a_sigmoid_output_trains_differently_from_softmax(mnist):
    """Keras's categorical cross-entropy would train a sigmoid output exactly like softmax; the lab pairs sigmoid
    with binary cross-entropy per digit, so the two runs really differ."""
    softmax = batch_losses(mnist, output_activation="softmax")
    sigmoid = batch_losses(mnist, output_activation="sigmoid")
    assert len(softmax) == len(sigmoid) and not np.allclose(softmax, sigmoid)


def test_sigmoid_cross_entropy_is_binary_cross_entropy_on_one_hot_labels(mnist):
    trainer = small_trainer(mnist, TrainConfig(output_activation="sigmoid", data_fraction=0.01), count=32)
    x, y = trainer._batch(trainer.images, trainer.labels, np.arange(32, dtype=np.int32))
    loss, _ = trainer.loss_and_accuracy(x, y)
    p = np.clip(trainer.model(x).numpy().astype(np.float64), 1e-7, 1 - 1e-7)
    one_hot = np.eye(10)[y.numpy()]
    reference = -np.mean(one_hot * np.log(p) + (1 - one_hot) * np.log(1 - p))
    assert float(loss) == pytest.approx(reference, rel=1e-4)


def test_a_diverged_run_shows_its_real_batches_on_a_batch_axis_and_the_peak_the_message_quotes(mnist):
    from lib.lab.charts import make_training_chart

    job = TrainingJob(TrainConfig(optimizer="sgd", learning_rate=10, data_fraction=0.2, epochs=2), mnist).start()
    job.join(120)
    snap = job.snapshot()
    spec = make_training_chart(snap.history, snap.steps_per_epoch, None, raw=True)
    frame = spec["datasets"]["training"]
    losses = frame[(frame.metric == "loss") & (frame.series == "training (each batch)")]
    assert spec["vconcat"][0]["layer"][0]["encoding"]["x"]["title"] == "batch"
    assert losses.value.max() == pytest.approx(max(snap.history.batch_loss))
    if "exploded" in snap.message:
        assert f"{max(snap.history.batch_loss):,.4g}" in snap.message


def test_training_accuracy_is_measured_after_training_and_the_note_says_how_it_differs(mnist):
    from lib.lab.reading import training_accuracy_note

    job = TrainingJob(TrainConfig(data_fraction=0.05, epochs=1, batch_size=1024), mnist).start()
    job.join(120)
    snap = job.snapshot()
    from lib.lab.config import split_indices

    train_indices, _ = split_indices(job.config, len(mnist.y_train))
    predicted = job.model(mnist.x_train[train_indices] / 255.0).numpy().argmax(axis=1)
    assert snap.training_accuracy == pytest.approx(np.mean(predicted == mnist.y_train[train_indices]))
    mean_while_learning = snap.history.epochs[-1].accuracy
    assert snap.training_accuracy > mean_while_learning + 0.05  # batch 1024, 1 epoch: it learned a lot during it
    note = training_accuracy_note(snap.training_accuracy, mean_while_learning)
    assert f"{snap.training_accuracy:.2%}" in note and f"{mean_while_learning:.2%}" in note and "above" in note


def test_the_frozen_layer_note_names_the_runs_own_width(mnist):
    from lib.lab.reading import frozen_layer_note, weight_rows

    job = TrainingJob(TrainConfig(hidden_activation="step", hidden_units=37, data_fraction=0.02, epochs=1), mnist)
    job.start().join(60)
    change = job.snapshot().history.epochs[-1].weight_change
    assert "37 frozen random on/off features" in frozen_layer_note(change, 37)
    assert frozen_layer_note({"hidden/kernel": 0.1, "output/kernel": 0.2}, 64) is None
    names = [row["parameters"] for row in weight_rows(change, 37)]
    assert names[0] == "hidden layer's weights (its kernel)" and len(names) == 4


def test_the_keras_code_builds_the_labs_network_with_the_same_initial_weights():
    import keras

    from lib.lab.keras_code import model_code
    from lib.models import build_mlp

    for config in (TrainConfig(seed=3), TrainConfig(hidden_activation="step", hidden_units=20, seed=7)):
        namespace = {"keras": keras, "tf": __import__("tensorflow")}
        exec(model_code(config), namespace)
        theirs = namespace["model"]
        ours = build_mlp(config.hidden_units, config.hidden_activation, config.output_activation, config.seed)
        for a, b in zip(theirs.get_weights(), ours.get_weights(), strict=True):
            np.testing.assert_array_equal(a, b)
    code = keras_code(TrainConfig())
    assert "input_shape" not in code and "keras.Input(shape=(28, 28))" in code
