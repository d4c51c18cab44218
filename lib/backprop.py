"""The notebook's one-neuron experiment in Keras: train f(x1, x2) = w1·x1 + w2·x2 + b to learn 2·x1 + x2 + 1,
and compute every gradient three ways: the chain rule by hand, GradientTape, and finite differences."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lib.choices import build_optimizer
from lib.models import build_single_neuron
from lib.runtime import forget_compiled, tf
from lib.series import thin

TARGET = {"w1": 2.0, "w2": 1.0, "b": 1.0}
PARAMS = ("w1", "w2", "b")
MAX_EPOCHS_PER_CALL = 20_000  # one click trains at most this many (a few seconds on one core)
MAX_HISTORY = 4_000  # rows kept for the charts; longer histories are thinned evenly (first and last kept)
LEARNING_RATES = [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0]  # the page's slider
REACHED = 0.01  # a parameter this close to its target has reached it
EXPLOSION_FACTOR = 100.0  # a loss this many times the untrained one means the steps are diverging


def make_data(num_points: int = 1000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """x ~ N(0, 1)², y = 2·x1 + x2 + 1, as in the seed."""
    x = np.random.default_rng(seed).standard_normal((num_points, 2))
    return x, 2 * x[:, 0] + x[:, 1] + 1


def mse(params: np.ndarray, x: np.ndarray, y: np.ndarray) -> float:
    """L = mean((w1·x1 + w2·x2 + b − y)²), in float64 NumPy: the independent reference."""
    w1, w2, b = np.asarray(params, dtype=np.float64)
    return float(np.mean((w1 * x[:, 0] + w2 * x[:, 1] + b - y) ** 2))


def manual_gradient(params: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The chain rule by hand. With lᵢ = (fᵢ − yᵢ)² and L = mean lᵢ: ∂lᵢ/∂fᵢ = 2(fᵢ − yᵢ) (not 2·fᵢ, as the
    notebook says), ∂fᵢ/∂w₁ = x₁ᵢ, so ∂L/∂w₁ = mean(2(fᵢ − yᵢ)·x₁ᵢ); likewise for w₂ (x₂ᵢ) and b (1)."""
    w1, w2, b = params
    dl_df = 2 * (w1 * x[:, 0] + w2 * x[:, 1] + b - y)
    return np.array([np.mean(dl_df * x[:, 0]), np.mean(dl_df * x[:, 1]), np.mean(dl_df * 1.0)])


def finite_difference_gradient(params: np.ndarray, x: np.ndarray, y: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Central differences (L(p + h) − L(p − h)) / 2h, one parameter at a time."""
    params = np.asarray(params, dtype=np.float64)
    grad = np.zeros(3)
    for i in range(3):
        step = np.zeros(3)
        step[i] = h
        grad[i] = (mse(params + step, x, y) - mse(params - step, x, y)) / (2 * h)
    return grad


@dataclass(frozen=True)
class StepDetail:
    """What one optimizer step did to each parameter (arrays ordered w1, w2, b)."""

    optimizer: str
    learning_rate: float
    before: np.ndarray
    gradient: np.ndarray
    after: np.ndarray
    moments: dict  # the optimizer's state after the step and its constants (SGD: none); see NeuronExperiment.step


class NeuronExperiment:
    """One Dense(1) neuron, MSE, a Keras optimizer; one epoch = one step on the whole batch (the seed's train())."""

    def __init__(self, optimizer: str = "adam", learning_rate: float = 0.001, seed: int = 0, dtype: str = "float32"):
        self.optimizer_name, self.learning_rate, self.dtype = optimizer, float(learning_rate), dtype
        self.seed = seed
        self.x, self.y = make_data(seed=seed)
        self.model = build_single_neuron(seed=seed, dtype=dtype)
        self.optimizer = build_optimizer(optimizer, learning_rate)
        self.optimizer.build(self.model.trainable_variables)
        self._x = tf.constant(self.x, dtype=dtype)
        self._y = tf.constant(self.y.reshape(-1, 1), dtype=dtype)
        self.epoch = 0
        self.history = [self._record()]
        self.reached: int | None = None  # the first epoch with every parameter within REACHED of its target
        self._note_reached(self.history[0])
        self.initial_loss = self.history[0]["loss"]
        self._train_steps = tf.function(self._steps)  # traced once per experiment, reused by every train()

    def __del__(self):
        forget_compiled(self._train_steps)  # the compiled loop's graph goes with the experiment

    # --- reading the neuron -------------------------------------------------------------------
    def params(self) -> np.ndarray:
        kernel, bias = self.model.layers[0].kernel.numpy(), self.model.layers[0].bias.numpy()
        return np.array([kernel[0, 0], kernel[1, 0], bias[0]], dtype=np.float64)

    def loss(self) -> float:
        return float(self._loss())

    def _loss(self):
        return tf.reduce_mean(tf.square(self.model(self._x) - self._y))

    def tape_gradient(self) -> np.ndarray:
        """∂L/∂(w1, w2, b) by TensorFlow's automatic differentiation."""
        with tf.GradientTape() as tape:
            loss = self._loss()
        kernel_grad, bias_grad = tape.gradient(loss, [self.model.layers[0].kernel, self.model.layers[0].bias])
        return np.array([kernel_grad[0, 0], kernel_grad[1, 0], bias_grad[0]], dtype=np.float64)

    def _record(self) -> dict:
        w1, w2, b = self.params()
        return {"epoch": self.epoch, "w1": w1, "w2": w2, "b": b, "loss": self.loss()}

    # --- training -----------------------------------------------------------------------------
    def _apply_step(self) -> np.ndarray:
        variables = [self.model.layers[0].kernel, self.model.layers[0].bias]
        with tf.GradientTape() as tape:
            loss = self._loss()
        gradients = tape.gradient(loss, variables)
        self.optimizer.apply_gradients(zip(gradients, variables, strict=True))
        self.epoch += 1
        self.history.append(self._record())
        self._note_reached(self.history[-1])
        return np.array([gradients[0][0, 0], gradients[0][1, 0], gradients[1][0]], dtype=np.float64)

    def _steps(self, num_steps):
        """num_steps full-batch steps in one compiled loop; returns (w1, w2, b, loss) after each."""
        kernel, bias = self.model.layers[0].kernel, self.model.layers[0].bias
        records = tf.TensorArray(self.dtype, size=num_steps)
        for i in tf.range(num_steps):
            with tf.GradientTape() as tape:
                loss = self._loss()
            gradients = tape.gradient(loss, [kernel, bias])
            self.optimizer.apply_gradients(zip(gradients, [kernel, bias], strict=True))
            records = records.write(i, tf.stack([kernel[0, 0], kernel[1, 0], bias[0], self._loss()]))
        return records.stack()

    def train(self, epochs: int) -> None:
        """Like re-running the notebook's cell: continue from where the neuron is now."""
        if not 1 <= int(epochs) <= MAX_EPOCHS_PER_CALL:
            raise ValueError(f"Train between 1 and {MAX_EPOCHS_PER_CALL:,} epochs at a time.")
        for w1, w2, b, loss in self._train_steps(tf.constant(int(epochs))).numpy():
            self.epoch += 1
            self.history.append({"epoch": self.epoch, "w1": w1, "w2": w2, "b": b, "loss": loss})
            self._note_reached(self.history[-1])
        if len(self.history) > MAX_HISTORY:  # keep memory bounded however often the learner clicks
            self.history = [self.history[i] for i in thin(len(self.history), MAX_HISTORY // 2)]

    @property
    def diverging(self) -> bool:
        """The loss is no longer a finite number, or has grown far past the untrained loss."""
        loss = self.history[-1]["loss"]
        return not np.isfinite(loss) or loss > EXPLOSION_FACTOR * max(self.initial_loss, 1e-12)

    def _note_reached(self, row: dict) -> None:
        """Kept as each epoch is recorded: the history the charts keep is thinned, so it may miss that epoch."""
        if self.reached is None and all(abs(float(row[name]) - TARGET[name]) <= REACHED for name in PARAMS):
            self.reached = int(row["epoch"])

    def next_params(self) -> np.ndarray:
        """(w1, w2, b) as the next step will leave them: computed by this experiment's own optimizer (its momentum
        or moments included), then undone, so nothing changes."""
        variables = [self.model.layers[0].kernel, self.model.layers[0].bias]
        saved = [(variable, variable.numpy()) for variable in [*variables, *self.optimizer.variables]]
        with tf.GradientTape() as tape:
            loss = self._loss()
        self.optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables, strict=True))
        after = self.params()
        for variable, value in saved:
            variable.assign(value)
        return after

    def step(self) -> StepDetail:
        """One step, with what the optimizer computed along the way: its state after the step, read from Keras."""
        before = self.params()
        gradient = self._apply_step()
        opt, state = self.optimizer, {}
        if self.optimizer_name == "momentum":
            state = {"v": self._optimizer_slots("momentum"), "momentum": float(opt.momentum)}
        elif self.optimizer_name == "rmsprop":
            state = {"s": self._optimizer_slots("velocity"), "rho": float(opt.rho), "epsilon": float(opt.epsilon)}
        elif self.optimizer_name == "adagrad":
            state = {
                "s": self._optimizer_slots("accumulator"),
                "initial": float(opt.initial_accumulator_value),
                "epsilon": float(opt.epsilon),
            }
        elif self.optimizer_name == "adam":
            t = int(opt.iterations.numpy())
            m, v = self._optimizer_slots("momentum"), self._optimizer_slots("velocity")
            beta_1, beta_2 = float(opt.beta_1), float(opt.beta_2)
            state = {
                "t": t,
                "m": m,
                "v": v,
                "m_hat": m / (1 - beta_1**t),
                "v_hat": v / (1 - beta_2**t),
                "beta_1": beta_1,
                "beta_2": beta_2,
                "epsilon": float(opt.epsilon),
            }
        return StepDetail(self.optimizer_name, self.learning_rate, before, gradient, self.params(), state)

    def _optimizer_slots(self, kind: str) -> np.ndarray:
        """One of the optimizer's per-parameter slots (Adam's m "momentum" and v "velocity", RMSprop's s "velocity",
        Adagrad's s "accumulator", momentum's v "momentum") for w1, w2, b, read from its public variables."""
        slots = [v for v in self.optimizer.variables if v.name.endswith(f"_{kind}")]
        kernel, bias = (s for s in slots if "kernel" in s.name), (s for s in slots if "bias" in s.name)
        return np.concatenate([next(kernel).numpy().ravel(), next(bias).numpy().ravel()]).astype(np.float64)

    # --- the chain rule, three ways -------------------------------------------------------------
    def chain_rule_rows(self) -> list[dict]:
        """For w1, w2, b: the local derivatives on the path, their product by hand, the tape, finite differences."""
        params = self.params()
        manual = manual_gradient(params, self.x, self.y)
        tape = self.tape_gradient()
        finite = finite_difference_gradient(params, self.x, self.y)
        paths = ("mean(2(f − y) · x1)", "mean(2(f − y) · x2)", "mean(2(f − y) · 1)")
        return [
            {
                "parameter": name,
                "chain rule": path,
                "by hand (NumPy)": manual[i],
                "GradientTape": tape[i],
                "finite difference": finite[i],
                "|hand − tape|": abs(manual[i] - tape[i]),
                "|hand − finite diff.|": abs(manual[i] - finite[i]),
            }
            for i, (name, path) in enumerate(zip(PARAMS, paths, strict=True))
        ]

    def point_values(self, index: int) -> dict:
        """Forward values for one data point i, the local derivatives on its path, and the gradient of its own
        loss lᵢ = (fᵢ − yᵢ)² with respect to each parameter (the batch gradient is the mean of these)."""
        w1, w2, b = self.params()
        x1, x2 = self.x[index]
        y = self.y[index]
        f = w1 * x1 + w2 * x2 + b
        return {
            "x1": x1,
            "x2": x2,
            "y": y,
            "w1": w1,
            "w2": w2,
            "b": b,
            "w1x1": w1 * x1,
            "w2x2": w2 * x2,
            "f": f,
            "r": f - y,
            "s": (f - y) ** 2,
            "L": self.loss(),
            "dL_df": 2 * (f - y),
            "n": len(self.y),
            "point_gradient": np.array([2 * (f - y) * x1, 2 * (f - y) * x2, 2 * (f - y)]),
        }
