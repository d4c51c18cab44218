"""The boundary demo's network, 2 → hidden → 1 (sigmoid), trained with Adam on the full batch: compiled once per
activation, and each run's progress kept, so more training steps continue it and fewer look back into it."""

from __future__ import annotations

import functools
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass

import keras
import numpy as np

from lib.runtime import lean_executor, tf

MAX_HIDDEN_UNITS = 64  # the widest network the lesson trains; narrower ones are this one with units switched off
MAX_STEPS = 1000  # the most training steps the lesson asks for
KEEP_EVERY = 50  # the steps slider's step: the weights are kept after every this many steps
RUNS_KEPT = 64  # runs kept per activation (a few tens of kB each)


@dataclass
class _Progress:
    """One run so far: every variable after `steps` steps (weights and Adam's state), its losses, and the weights
    after every KEEP_EVERY steps."""

    steps: int
    state: list[np.ndarray]
    losses: np.ndarray
    weights: dict[int, np.ndarray]  # steps → the weights, flattened


class _CompiledBoundary:
    """One Keras network of the widest size and one Adam, with the training loop traced once per activation.

    A narrower network is this one with its extra hidden units switched off by a mask on the hidden layer's output:
    those units then add nothing to the output and get zero gradients, so Adam never moves them, and the units that
    are on learn exactly as in a network of that width (the same initial weights, drawn for that width). The loop
    starts from a state given as its argument (every variable: the weights and Adam's; a fresh network is a state
    too), and the width, the number of steps, the learning rate and the data are arguments as well: compiled once
    by XLA into one program (the same arithmetic, several times faster than running its small operations one by
    one), a new setting never compiles again. `warm_up` compiles it in the background before a learner needs it."""

    def __init__(self, activation: str | None):
        self.activation = keras.activations.get(activation)
        self.hidden = keras.layers.Dense(MAX_HIDDEN_UNITS)
        self.output = keras.layers.Dense(1, activation="sigmoid")
        self.hidden.build((None, 2))
        self.output.build((None, MAX_HIDDEN_UNITS))
        self.variables = [*self.hidden.trainable_variables, *self.output.trainable_variables]
        self.optimizer = keras.optimizers.Adam(0.05)
        self.optimizer.build(self.variables)
        self.state = [*self.variables, *self.optimizer.variables]  # includes the step count and the learning rate
        self.loss_fn = keras.losses.BinaryCrossentropy()
        self.lock = threading.Lock()  # one training at a time on these variables
        self.runs: OrderedDict = OrderedDict()  # (data, width, learning rate, seed) → _Progress
        data = [tf.TensorSpec([None, 2], tf.float32), tf.TensorSpec([None, 1], tf.float32)]  # the data, its labels
        mask = tf.TensorSpec([MAX_HIDDEN_UNITS], tf.float32)  # which hidden units are on
        state = [tf.TensorSpec(v.shape, v.dtype) for v in self.state]
        self.run = tf.function(
            self._run, jit_compile=True, input_signature=[*data, mask, state, tf.TensorSpec([], tf.int32)]
        )
        self.predict = tf.function(self._predict, input_signature=[data[0], data[0], mask])

    def forward(self, x, mask):
        return self.output(self.activation(self.hidden(x)) * mask)

    def _run(self, x, y, mask, state, num_steps):
        """From `state`, `num_steps` steps of training: the losses, the weights after each step that ends a block of
        KEEP_EVERY (by the run's own step count), and the state at the end."""
        for variable, value in zip(self.state, state, strict=True):
            variable.assign(value)
        # Fixed-size records and a plain while loop: XLA would compile again for every new number of steps if it
        # were a size (a TensorArray's) or a loop's maximum (`for i in tf.range(num_steps)` sets one).
        losses, i = tf.zeros([MAX_STEPS]), tf.constant(0)
        kept = tf.zeros([MAX_STEPS // KEEP_EVERY, sum(int(np.prod(v.shape)) for v in self.variables)])
        while i < num_steps:
            with tf.GradientTape() as tape:
                loss = self.loss_fn(y, self.forward(x, mask))
            grads = tape.gradient(loss, self.variables)
            self.optimizer.apply_gradients(zip(grads, self.variables, strict=True))
            losses = tf.tensor_scatter_nd_update(losses, [[i]], [loss])
            block = tf.cast((self.optimizer.iterations - 1) // KEEP_EVERY, tf.int32)  # its last write stays
            weights = tf.concat([tf.reshape(variable, [-1]) for variable in self.variables], 0)
            kept = tf.tensor_scatter_nd_update(kept, [[block]], [weights])
            i += 1
        return losses, kept, [tf.identity(variable) for variable in self.state]

    def _predict(self, x, grid, mask):
        # A graph but not XLA: XLA's sigmoid differs from TensorFlow's in the last bit, and a cell at 0.5 could flip.
        return self.forward(x, mask)[:, 0], self.forward(grid, mask)[:, 0]

    def fresh(self, hidden_units: int, learning_rate: float, seed: int) -> _Progress:
        """A network drawn for `hidden_units` (Glorot-uniform weights, zero biases) and a fresh Adam, 0 steps in."""
        kernel, output = initial_weights(hidden_units, seed)
        state = [kernel, np.zeros(MAX_HIDDEN_UNITS, np.float32), output, np.zeros(1, np.float32)]
        for variable in self.optimizer.variables:
            start = learning_rate if variable.name == "learning_rate" else 0  # the rest of Adam starts at zero
            state.append(np.full(variable.shape, start, variable.dtype))
        return _Progress(0, state, np.zeros(0, np.float32), {})

    def train(self, x, y, mask, progress: _Progress, steps: int) -> _Progress:
        """`progress` continued to `steps` steps."""
        losses, kept, state = self.run(x, y, mask, progress.state, tf.constant(steps - progress.steps))
        weights = dict(progress.weights)
        kept = kept.numpy()
        for done in range(progress.steps + 1, steps + 1):
            if done % KEEP_EVERY == 0:
                weights[done] = kept[done // KEEP_EVERY - 1]
        state = [tensor.numpy() for tensor in state]
        weights[steps] = np.concatenate([a.ravel() for a in state[:4]])
        losses = np.concatenate([progress.losses, losses.numpy()[: steps - progress.steps]])
        return _Progress(steps, state, losses, weights)

    def set_weights(self, flat: np.ndarray) -> None:
        start = 0
        for variable in self.variables:
            size = int(np.prod(variable.shape))
            variable.assign(flat[start : start + size].reshape(variable.shape))
            start += size


@functools.lru_cache(maxsize=2 * MAX_HIDDEN_UNITS)
def initial_weights(hidden_units: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Glorot-uniform weights drawn for a network `hidden_units` wide, padded with zeros to the widest. Kept: they
    depend on the width and the seed alone."""
    kernel = np.zeros((2, MAX_HIDDEN_UNITS), np.float32)
    kernel[:, :hidden_units] = keras.initializers.GlorotUniform(seed=seed)((2, hidden_units))
    output = np.zeros((MAX_HIDDEN_UNITS, 1), np.float32)
    output[:hidden_units] = keras.initializers.GlorotUniform(seed=seed + 1)((hidden_units, 1))
    for array in (kernel, output):
        array.flags.writeable = False
    return kernel, output


_compiled: dict = {}
_compiled_lock = threading.Lock()


def _compiled_for(activation: str | None) -> _CompiledBoundary:
    with _compiled_lock:
        if activation not in _compiled:
            _compiled[activation] = _CompiledBoundary(activation)
        return _compiled[activation]


def forget_runs() -> None:
    """Drop every kept run: the next training of any setting starts from the start."""
    for net in list(_compiled.values()):
        with net.lock:
            net.runs.clear()


def trained(points, labels, activation, hidden_units: int, steps: int, learning_rate: float, seed: int, grid):
    """(losses, P(class 1) on the points, P(class 1) on the grid) after `steps` steps.

    A run is kept per data, width, learning rate and seed: asking for more steps continues it from where it stopped
    (the same steps, in the same compiled loop, as training from the start), and asking for fewer reads the weights
    kept after that many steps; any other number of steps trains from the start."""
    if not (1 <= hidden_units <= MAX_HIDDEN_UNITS and 1 <= steps <= MAX_STEPS):
        raise ValueError(f"at most {MAX_HIDDEN_UNITS} hidden units and {MAX_STEPS} steps")
    net = _compiled_for(activation)
    x, y = tf.constant(points, tf.float32), tf.constant(labels.reshape(-1, 1), tf.float32)
    mask = (np.arange(MAX_HIDDEN_UNITS) < hidden_units).astype(np.float32)
    data = hashlib.sha256(np.ascontiguousarray(points, np.float32).tobytes() + np.asarray(labels).tobytes())
    key = (data.hexdigest(), hidden_units, float(learning_rate), seed)
    with net.lock, lean_executor():
        progress = net.runs.get(key)
        if progress is None or (steps < progress.steps and steps not in progress.weights):
            progress = net.fresh(hidden_units, learning_rate, seed)
        if steps > progress.steps:
            progress = net.train(x, y, mask, progress, steps)
        net.runs[key] = progress
        net.runs.move_to_end(key)
        if len(net.runs) > RUNS_KEPT:
            net.runs.popitem(last=False)
        net.set_weights(progress.weights[steps])
        predicted, on_grid = (tensor.numpy() for tensor in net.predict(x, tf.constant(grid, tf.float32), mask))
    return progress.losses[:steps], predicted, on_grid
