"""The course's Adam (TensorFlow's one-kernel update) against Keras's Adam and a NumPy reference."""

import keras
import numpy as np

from lib.choices import OPTIMIZERS, build_optimizer
from lib.fused_adam import FusedAdam
from lib.lab.config import TrainConfig
from lib.lab.jobs import shared_training_tensors
from lib.lab.trainer import Trainer
from lib.runtime import tf


def run_steps(optimizer, dtype, steps=25, seed=3):
    """Apply the same random gradients to the same start with this optimizer; returns weights, m, v per step."""
    rng = np.random.default_rng(seed)
    variables = [tf.Variable(rng.normal(size=shape).astype(dtype)) for shape in ((7, 5), (5,))]
    optimizer.build(variables)
    history = []
    for _ in range(steps):
        gradients = [tf.constant(rng.normal(size=v.shape).astype(dtype)) for v in variables]
        optimizer.apply_gradients(zip(gradients, variables, strict=True))
        history.append(
            [v.numpy().copy() for v in variables]
            + [m.numpy().copy() for m in optimizer._momentums]
            + [s.numpy().copy() for s in optimizer._velocities]
        )
    return history


def numpy_adam(dtype, steps=25, seed=3, lr=0.01, b1=0.9, b2=0.999, eps=1e-7):
    """Adam as TensorFlow's kernel computes it, every operation in `dtype` (1 − β rounded in that precision)."""
    rng = np.random.default_rng(seed)
    t = np.dtype(dtype).type
    weights = [rng.normal(size=shape).astype(dtype) for shape in ((7, 5), (5,))]
    m = [np.zeros_like(w) for w in weights]
    v = [np.zeros_like(w) for w in weights]
    for step in range(1, steps + 1):
        gradients = [rng.normal(size=w.shape).astype(dtype) for w in weights]
        b1_power, b2_power = t(b1) ** t(step), t(b2) ** t(step)
        alpha = t(lr) * np.sqrt(t(1) - b2_power) / (t(1) - b1_power)
        for i, g in enumerate(gradients):
            m[i] += (g - m[i]) * (t(1) - t(b1))
            v[i] += (g * g - v[i]) * (t(1) - t(b2))
            weights[i] -= m[i] * alpha / (np.sqrt(v[i]) + t(eps))
    return weights


def test_the_registry_builds_the_fused_kernel_as_a_keras_adam():
    optimizer = build_optimizer("adam", 0.001)
    assert isinstance(optimizer, FusedAdam) and isinstance(optimizer, keras.optimizers.Adam)
    ours, keras_own = optimizer.get_config(), keras.optimizers.Adam(0.001).get_config()
    assert ours.pop("name").startswith("adam") and keras_own.pop("name").startswith("adam") and ours == keras_own
    assert OPTIMIZERS["adam"].code(0.001) == "keras.optimizers.Adam(learning_rate=0.001)"


def test_the_update_is_the_one_kernel():
    variable = tf.Variable(np.ones(3, np.float32))
    optimizer = build_optimizer("adam", 0.01)
    optimizer.build([variable])
    step = tf.function(lambda g: optimizer.apply_gradients([(g, variable)]))
    graph = step.get_concrete_function(tf.TensorSpec([3], tf.float32)).graph
    operations = {op.type for op in graph.get_operations()} | {
        node.op for function in graph.as_graph_def().library.function for node in function.node_def
    }
    assert "ResourceApplyAdam" in operations and "Sqrt" not in operations


def test_in_float64_it_is_keras_adam_to_the_last_bit():
    fused = run_steps(FusedAdam(0.01), "float64")
    plain = run_steps(keras.optimizers.Adam(0.01), "float64")
    for ours, theirs in zip(fused, plain, strict=True):  # weights, m and v after every step
        for a, b in zip(ours, theirs, strict=True):
            np.testing.assert_array_equal(a, b)


def test_in_float32_it_follows_the_rule_and_stays_within_rounding_of_keras():
    fused = run_steps(FusedAdam(0.01), "float32")
    plain = run_steps(keras.optimizers.Adam(0.01), "float32")
    exact = numpy_adam("float64")
    emulated = numpy_adam("float32")
    for ours, reference in zip(fused[-1][:2], emulated, strict=True):
        np.testing.assert_allclose(ours, reference, rtol=0, atol=2e-6)  # the kernel's own float32 arithmetic
    for ours, theirs, truth in zip(fused[-1][:2], plain[-1][:2], exact, strict=True):
        # 25 steps of about lr = 0.01 each: both are within a few millionths of exact Adam, and of each other
        assert np.abs(ours - truth).max() < 1e-5 and np.abs(theirs - truth).max() < 1e-5
        assert np.abs(ours - theirs).max() < 1e-5


def test_amsgrad_falls_back_to_keras_own_update():
    fused = run_steps(FusedAdam(0.01, amsgrad=True), "float64", steps=5)
    plain = run_steps(keras.optimizers.Adam(0.01, amsgrad=True), "float64", steps=5)
    np.testing.assert_array_equal(fused[-1][0], plain[-1][0])


def test_the_lab_trains_the_same_with_either(mnist):
    """The lab's first 40 batches with the fused kernel and with Keras's Adam, from the same weights."""
    images, labels = shared_training_tensors(mnist)

    def losses(cls):
        trainer = Trainer(TrainConfig(data_fraction=0.05), images, labels, np.arange(3000))
        trainer.optimizer = cls(0.001)
        trainer.optimizer.build(trainer.model.trainable_variables)
        order = trainer.new_epoch_order()
        return trainer.train_chunk(order, 0, 40)[0]

    reference = losses(keras.optimizers.Adam)
    ours = losses(FusedAdam)
    assert reference[-1] < reference[0] - 0.5  # it learned something in 40 batches
    np.testing.assert_allclose(ours, reference, rtol=1e-4)
