"""The predictions of "How a network learns" and the Train page's step-activation question, swept over what the
pages allow against oracles written here: NumPy forward passes, tf.data's own batching, and the lab's own training
steps read off the weight table a learner sees."""

import re

import numpy as np
import pytest

from lib.choices import BATCH_SIZES, HIDDEN_ACTIVATIONS, LOSSES, OPTIMIZERS, OUTPUTS
from lib.lab.config import TrainConfig
from lib.lab.trainer import Trainer
from lib.learning import OneBatchAtATime
from lib.models import build_mlp
from lib.predictions import learning_epoch, learning_step, train_step_frozen
from lib.runtime import tf

LOSS_TOLERANCE = 1e-4  # Keras computes in float32; the oracle in float64
PAGE_STEPS = 60  # the page's first 60 steps all lower the loss; a big SGD step below makes it rise


# --- "after this one step, will the loss on the same 32 images be lower or higher?" --------------------------------
def numpy_loss_and_accuracy(weights: list[np.ndarray], images: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """The 784-64-10 ReLU network and its mean cross-entropy, by hand in float64."""
    w1, b1, w2, b2 = (np.asarray(w, np.float64) for w in weights)
    x = images.reshape(len(images), -1).astype(np.float64) / 255.0
    z = np.maximum(x @ w1 + b1, 0.0) @ w2 + b2
    top = z.max(axis=1, keepdims=True)
    log_sum = np.log(np.exp(z - top).sum(axis=1)) + top[:, 0]
    return float(np.mean(log_sum - z[np.arange(len(labels)), labels])), float(np.mean(z.argmax(axis=1) == labels))


def sweep_steps(mnist, steps: int, optimizer: str = "adam", learning_rate: float = 0.001) -> dict:
    net = OneBatchAtATime(mnist.x_train, mnist.y_train, optimizer, learning_rate)
    order = np.random.default_rng(0).permutation(len(mnist.y_train))  # the lesson's one seeded epoch
    seen = {"lower": 0, "higher": 0}
    for step in range(1, steps + 1):
        rows = order[(step - 1) * 32 : step * 32]
        images, labels = mnist.x_train[rows], mnist.y_train[rows].astype(np.int64)
        before = numpy_loss_and_accuracy(net.model.get_weights(), images, labels)
        report = net.step()
        after = numpy_loss_and_accuracy(net.model.get_weights(), images, labels)
        question = learning_step(report, net.batches_done)
        where = (optimizer, learning_rate, step, before, after)
        assert np.array_equal(report.labels, labels), where
        assert abs(report.loss_before - before[0]) < LOSS_TOLERANCE and abs(report.loss_after - after[0]) < 1e-4, where
        assert abs(after[0] - before[0]) > 10 * LOSS_TOLERANCE, f"too close to call in float32: {where}"
        expected = "lower" if after[0] < before[0] else "higher"
        assert question.right == expected and question.state == {"step": step}, where
        shown = [float(v) for v in re.findall(r"from (\d+\.\d{4}) to (\d+\.\d{4})", question.reveal)[0]]
        assert abs(shown[0] - before[0]) < 2 * LOSS_TOLERANCE and abs(shown[1] - after[0]) < 2 * LOSS_TOLERANCE
        assert ("fell" if expected == "lower" else "rose") in question.reveal, where
        assert f"{before[1]:.0%} of its 32 images were classified right before the step and {after[1]:.0%}" in (
            question.reveal
        ), where
        seen[expected] += 1
    return seen


def test_the_step_question_is_right_at_each_of_the_pages_first_60_steps(mnist):
    """60 settings: the step number is the page's only control (the network and its batches are seeded). The first
    rise of the page's own network comes at step 189, beyond this sweep: the next test makes steps that rise."""
    assert sweep_steps(mnist, PAGE_STEPS) == {"lower": 60, "higher": 0}


def test_the_step_question_is_right_when_a_big_step_overshoots(mnist):
    """20 steps of plain SGD at learning rate 1: the loss on the same batch rises on several of them."""
    seen = sweep_steps(mnist, 20, "sgd", 1.0)
    assert seen["higher"] > 0 and seen["lower"] > 0


# --- "with batches of 128 instead of 32, how many steps make one epoch?" ------------------------------------------
def batches_a_loop_takes(num_images: int, batch_size: int) -> list[int]:
    """The size of every batch a data loader slices from one pass over the images, in order."""
    indices = np.arange(num_images)
    return [len(indices[start : start + batch_size]) for start in range(0, num_images, batch_size)]


def check_epoch_question(num_images: int, batch_size: int) -> None:
    question = learning_epoch(num_images, batch_size)
    batches = batches_a_loop_takes(num_images, batch_size)
    where = (num_images, batch_size, question.reveal)
    assert question.right == f"{len(batches):,}", where
    assert len(set(question.options)) == 3, where  # no option repeats the right one
    assert f"{len(batches):,} steps" in question.reveal, where
    if batches[-1] < batch_size:
        assert f"one more of {batches[-1]:,} image" in question.reveal, where
    else:
        assert "full batches" in question.reveal and "one more" not in question.reveal, where


def test_the_epoch_question_counts_the_batches_a_loader_takes_1722_settings():
    """Every batch size from 2 to 1,024 (not 32, the lesson's own) on the 60,000 images, and the lab's batch sizes
    on every share of the data the lab allows (1% to 100%)."""
    checked = 0
    for batch_size in range(2, 1025):
        if batch_size != 32:
            check_epoch_question(60_000, batch_size)
            checked += 1
    for percent in range(1, 101):
        for batch_size in BATCH_SIZES:
            if batch_size != 32:
                check_epoch_question(round(60_000 * percent / 100), batch_size)
                checked += 1
    assert checked == 1722
    assert learning_epoch(60_000, 128).right == "469"  # the page's question: 468 full batches and one of 96


@pytest.mark.parametrize("batch_size", BATCH_SIZES)
def test_the_loop_oracle_counts_as_tf_data_does(batch_size):
    """Keras's input pipeline batches the same way: tf.data's own count of one pass."""
    assert int(tf.data.Dataset.range(60_000).batch(batch_size).cardinality()) == len(
        batches_a_loop_takes(60_000, batch_size)
    )


# --- Train: "with the step activation, will training move the hidden layer's weights?" ---------------------------
def weight_table_after_two_steps(mnist, config: TrainConfig) -> dict[str, float]:
    """The lab's own trainer takes two real optimizer steps; the answer is read off the table the Train page shows."""
    count = 2 * config.batch_size
    trainer = Trainer(config, mnist.x_train[:count], mnist.y_train[:count], np.arange(count))
    for first in (0, config.batch_size):
        rows = tf.constant(np.arange(first, first + config.batch_size))
        trainer.train_step(*trainer._batch(trainer.images, trainer.labels, rows))
    return trainer.weight_change()


def train_settings():
    """Every optimizer × output × loss, each with an extreme or default width, learning rate, batch size and seed."""
    widths, rates, batches, seeds = (1, 64, 512), (1e-5, 0.001, 100.0), (8, 32, 1024), (0, 1, 2**31 - 1)
    combos = [(o, out, loss) for o in OPTIMIZERS for out in OUTPUTS for loss in LOSSES]
    for i, (optimizer, output, loss) in enumerate(combos):
        yield TrainConfig(
            hidden_activation="step",
            hidden_units=widths[i % 3],
            output_activation=output,
            loss=loss,
            optimizer=optimizer,
            learning_rate=rates[i // 3 % 3],
            batch_size=batches[(i + 1) % 3],
            seed=seeds[i // 9 % 3],
        )


def test_the_step_activation_answer_is_what_training_does_at_20_train_settings(mnist):
    assert "step" in HIDDEN_ACTIVATIONS
    answers = {train_step_frozen(mnist.x_train[k:], mnist.y_train[k:]).right for k in (0, 32, 5000)}
    checked = 0
    for config in train_settings():
        table = weight_table_after_two_steps(mnist, config)
        hidden_moved = table["mnist_mlp/hidden/kernel"] > 0 or table["mnist_mlp/hidden/bias"] > 0
        assert answers == {"yes, like any layer" if hidden_moved else "no, not at all"}, (config, table)
        assert table["mnist_mlp/output/kernel"] > 0, (config, table)  # training does run: the output layer moves
        checked += 1
    assert checked == len(OPTIMIZERS) * len(OUTPUTS) * len(LOSSES) == 20


def test_the_oracle_sees_a_hidden_layer_move_when_the_gradient_gets_through(mnist):
    table = weight_table_after_two_steps(mnist, TrainConfig("relu", 64, optimizer="sgd", learning_rate=0.01))
    assert table["mnist_mlp/hidden/kernel"] > 0


def test_the_step_reveal_states_the_output_gradient_numpy_computes(mnist):
    w1, b1, w2, b2 = (np.asarray(w, np.float64) for w in build_mlp(hidden_activation="step", seed=0).get_weights())
    x = mnist.x_train[:32].reshape(32, -1).astype(np.float64) / 255.0
    hidden = (x @ w1 + b1 > 0).astype(np.float64)  # the step: 1 where its input passes 0
    z = hidden @ w2 + b2
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(32), mnist.y_train[:32]] -= 1.0  # ∂(mean cross-entropy)/∂z, times 32
    expected = np.linalg.norm(hidden.T @ p / 32)
    shown = float(
        re.search(r"output layer's has (\d+\.\d{4})", train_step_frozen(mnist.x_train, mnist.y_train).reveal)[1]
    )
    assert shown == pytest.approx(expected, abs=1e-4)
