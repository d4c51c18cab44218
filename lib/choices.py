"""One registry per choice the course offers: optimizers, losses, activations, and the bounds of every setting.

Each entry says everything the course needs about one choice: its label, the Keras object it builds, its
default learning rate, its rule as text, and how the generated Keras code spells it. Widgets, validation,
the lessons and the lab all read these tables; nothing else lists the choices.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import keras

from lib.fused_adam import FusedAdam
from lib.runtime import tf


class ConfigError(ValueError):
    """A setting is out of bounds or unknown; the message says which and what is allowed."""


# --- optimizers ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class OptimizerChoice:
    key: str
    label: str
    keras_class: str  # the class in keras.optimizers
    arguments: dict = field(default_factory=dict)  # besides the learning rate
    default_lr: float = 0.001  # Keras's own default for the class
    rule: str = ""  # the update rule, as Keras computes it (g: the gradient, lr: the learning rate)
    fused: type | None = None  # a subclass of the Keras class that does the same update in one kernel

    def build(self, learning_rate: float) -> keras.optimizers.Optimizer:
        cls = self.fused or getattr(keras.optimizers, self.keras_class)
        return cls(float(learning_rate), **self.arguments)

    def code(self, learning_rate: float) -> str:
        """How the generated Keras code spells this optimizer."""
        arguments = [f"learning_rate={learning_rate:g}"] + [f"{k}={v}" for k, v in self.arguments.items()]
        return f"keras.optimizers.{self.keras_class}({', '.join(arguments)})"


RULES = {  # each update rule exactly as Keras 3 computes it (read from keras/src/optimizers; tests/test_rules.py)
    "sgd": "w ← w − lr·g",
    "momentum": "v ← 0.9·v − lr·g, then w ← w + v (v starts at 0)",
    "rmsprop": "s ← 0.9·s + 0.1·g², then w ← w − lr·g / √(s + ε) (s starts at 0; ε = 10⁻⁷)",
    "adagrad": "s ← s + g², then w ← w − lr·g / √(s + ε) (s starts at 0.1; ε = 10⁻⁷)",
    "adam": "m ← 0.9·m + 0.1·g, v ← 0.999·v + 0.001·g², then w ← w − lr·m̂ / (√v̂ + ε̂) with the bias-corrected "
    "m̂ = m/(1 − 0.9ᵗ), v̂ = v/(1 − 0.999ᵗ) and ε̂ = ε/√(1 − 0.999ᵗ) (m, v start at 0; t counts steps from 1; ε = 10⁻⁷)",
}
OPTIMIZERS: dict[str, OptimizerChoice] = {
    choice.key: choice
    for choice in (
        OptimizerChoice("sgd", "SGD", "SGD", {}, 0.01, RULES["sgd"]),
        OptimizerChoice("momentum", "SGD with momentum 0.9", "SGD", {"momentum": 0.9}, 0.01, RULES["momentum"]),
        OptimizerChoice("rmsprop", "RMSprop", "RMSprop", {}, 0.001, RULES["rmsprop"]),
        OptimizerChoice("adagrad", "Adagrad", "Adagrad", {}, 0.001, RULES["adagrad"]),
        OptimizerChoice("adam", "Adam", "Adam", {}, 0.001, RULES["adam"], FusedAdam),
    )
}


def build_optimizer(key: str, learning_rate: float) -> keras.optimizers.Optimizer:
    if key not in OPTIMIZERS:
        raise ConfigError(f"Unknown optimizer {key!r}: choose one of {list(OPTIMIZERS)}.")
    return OPTIMIZERS[key].build(learning_rate)


# --- activations --------------------------------------------------------------------------------
@tf.custom_gradient
def step(x):
    """The threshold unit: 1 where x > 0, else 0. Its derivative is 0 wherever it exists."""
    y = tf.cast(x > 0, x.dtype)

    def grad(upstream):
        return tf.zeros_like(upstream)  # flat everywhere: nothing for gradient descent to follow

    return y, grad


STEP_CODE = (
    "@tf.custom_gradient\n"
    "def step(x):  # 1 where x > 0, else 0; its derivative is 0 everywhere\n"
    "    return tf.cast(x > 0, x.dtype), lambda upstream: tf.zeros_like(upstream)\n"
)


@dataclass(frozen=True)
class ActivationChoice:
    key: str
    label: str  # a short label for pickers
    function: Callable  # a function of a tensor
    keras: object  # what Dense(activation=...) takes
    code: str  # how the generated code spells it
    note: str  # what it is and where it is used
    in_lesson: bool = True  # plotted in the Activation functions lesson
    in_lab: bool = True  # offered as the hidden activation of the Train MNIST lab


ACTIVATIONS: dict[str, ActivationChoice] = {
    choice.key: choice
    for choice in (
        ActivationChoice(
            "relu",
            "ReLU — the notebook's choice",
            tf.nn.relu,
            "relu",
            "'relu'",
            "max(0, x). The usual choice between layers: simple, cheap, and its gradient is 1 for every positive "
            "input, so it does not fade. At exactly 0 it has no derivative; TensorFlow uses 0 there.",
        ),
        ActivationChoice(
            "sigmoid",
            "sigmoid — into (0, 1)",
            tf.sigmoid,
            "sigmoid",
            "'sigmoid'",
            "1 / (1 + e⁻ˣ), between 0 and 1: the output of a binary classifier (one probability). Its gradient is "
            "at most 0.25 and vanishes for large |x|.",
        ),
        ActivationChoice(
            "tanh",
            "tanh — into (−1, 1)",
            tf.tanh,
            "tanh",
            "'tanh'",
            "Between −1 and 1, centred on 0; once common in hidden layers. Vanishes for large |x| too.",
        ),
        ActivationChoice(
            "elu",
            "ELU — a smooth ReLU",
            tf.nn.elu,
            "elu",
            "'elu'",
            "x for x > 0, eˣ − 1 below: like ReLU, but smooth and negative for negative inputs.",
            in_lesson=False,
        ),
        ActivationChoice(
            "leaky_relu",
            "leaky ReLU — slope 0.1 below 0",
            lambda x: tf.nn.leaky_relu(x, alpha=0.1),
            keras.layers.LeakyReLU(negative_slope=0.1),
            "keras.layers.LeakyReLU(negative_slope=0.1)",
            "ReLU with a small slope (0.1) for x < 0, so no neuron's gradient is ever exactly 0.",
            in_lab=False,
        ),
        ActivationChoice(
            "gelu",
            "GELU — x·Φ(x)",
            tf.nn.gelu,
            "gelu",
            "'gelu'",
            "x·Φ(x), a smooth ReLU used in transformers such as GPT.",
            in_lab=False,
        ),
        ActivationChoice(
            "linear",
            "none (linear): one linear classifier",
            tf.identity,
            None,
            "None",
            "No activation: the layer stays linear, so two layers collapse into one.",
            in_lesson=False,
        ),
        ActivationChoice(
            "step",
            "step — zero gradient",
            step,
            step,
            "step",
            "The threshold unit of McCulloch–Pitts (1943) and the perceptron: 1 if the input passes 0, else 0. "
            "Its derivative is 0 everywhere it exists (and undefined at 0), so gradient descent gets no signal "
            "through it: it is not used to train networks.",
        ),
    )
}
LESSON_ACTIVATIONS = [key for key, choice in ACTIVATIONS.items() if choice.in_lesson]
HIDDEN_ACTIVATIONS = [key for key, choice in ACTIVATIONS.items() if choice.in_lab]


# --- output activations and losses --------------------------------------------------------------
@dataclass(frozen=True)
class OutputChoice:
    key: str
    label: str
    help: str


OUTPUTS: dict[str, OutputChoice] = {
    "softmax": OutputChoice(
        "softmax", "softmax", "10 probabilities that sum to 1: the digits compete for one share of belief."
    ),
    "sigmoid": OutputChoice(
        "sigmoid",
        "sigmoid",
        "10 separate yes/no probabilities, one per digit (they need not sum to 1): each digit is scored on its own.",
    ),
}
OUTPUT_ACTIVATIONS = list(OUTPUTS)


@dataclass(frozen=True)
class LossChoice:
    key: str
    label: str
    one_hot: bool  # trains on one-hot labels (else on the integer digit)
    keras_for: dict  # output activation -> (keras.losses class name, code spelling)
    help: str

    def build(self, output: str) -> keras.losses.Loss:
        return getattr(keras.losses, self.keras_for[output][0])()

    def code(self, output: str) -> str:
        return self.keras_for[output][1]

    def needs_one_hot(self, output: str) -> bool:
        return self.one_hot or self.keras_for[output][0] == "BinaryCrossentropy"


LOSSES: dict[str, LossChoice] = {
    "cross_entropy": LossChoice(
        "cross_entropy",
        "Cross-entropy",
        False,
        {
            "softmax": ("SparseCategoricalCrossentropy", "'sparse_categorical_crossentropy'"),
            "sigmoid": ("BinaryCrossentropy", "'binary_crossentropy'"),
        },
        "With softmax: −log of the true digit's probability (Keras's sparse categorical cross-entropy, the "
        "notebook's choice; its one-hot twin, categorical cross-entropy, is the same math). With sigmoid: binary "
        "cross-entropy for each of the 10 yes/no outputs against one-hot labels.",
    ),
    "mse": LossChoice(
        "mse",
        "Mean squared error",
        True,
        {"softmax": ("MeanSquaredError", "'mse'"), "sigmoid": ("MeanSquaredError", "'mse'")},
        "The mean of (one-hot label − output)² over the 10 outputs: a regression loss used for classification.",
    ),
}


def build_loss(loss: str, output: str) -> keras.losses.Loss:
    if loss not in LOSSES:
        raise ConfigError(f"Unknown loss {loss!r}: choose one of {list(LOSSES)}.")
    return LOSSES[loss].build(output)


def pairing_note(loss: str, output: str) -> str:
    """What the chosen output and loss compute together, in words."""
    if loss == "cross_entropy" and output == "sigmoid":
        return (
            "Sigmoid with cross-entropy is the *multi-label* view: each of the 10 outputs answers “is it this "
            "digit?” on its own, and binary cross-entropy scores every one against the one-hot label (1 for the "
            "true digit, 0 for the nine others). Categorical cross-entropy would not mean that: Keras would take "
            "the scores behind the sigmoid and apply softmax cross-entropy to them, the same math as softmax."
        )
    if loss == "cross_entropy":
        return "Softmax with cross-entropy, as in the notebook: −log of the probability given to the true digit."
    return (
        f"{output} outputs compared with one-hot labels by the mean squared error: every output is pulled "
        "towards 1 (the true digit) or 0 (the others)."
    )


# --- bounds of every setting --------------------------------------------------------------------
@dataclass(frozen=True)
class Bound:
    low: float
    high: float
    default: float
    label: str

    def check(self, value) -> str | None:
        """None if value is allowed, else what is wrong."""
        if not self.low <= value <= self.high:
            return f"{self.label} must be between {self.low:g} and {self.high:g} (got {value:g})"
        return None


LEARNING_RATES = [m * 10.0**e for e in range(-5, 2) for m in (1, 2, 5)] + [100.0]
BATCH_SIZES = [8, 16, 32, 64, 128, 256, 512, 1024]
BOUNDS: dict[str, Bound] = {
    "hidden_units": Bound(1, 512, 64, "the hidden layer's width"),
    "learning_rate": Bound(LEARNING_RATES[0], LEARNING_RATES[-1], 0.001, "the learning rate"),
    "batch_size": Bound(BATCH_SIZES[0], BATCH_SIZES[-1], 32, "the batch size"),
    "epochs": Bound(1, 20, 5, "the number of epochs"),
    "data_percent": Bound(1, 100, 100, "the share of training images (%)"),
    "validation_percent": Bound(0, 30, 5, "the share held out for validation (%)"),
    "seed": Bound(0, 2**31 - 1, 0, "the random seed"),
}
