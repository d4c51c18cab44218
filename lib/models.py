"""Keras builders for the course's networks, and the parameter table with its formulas."""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np

from lib.choices import ACTIVATIONS, BOUNDS, HIDDEN_ACTIVATIONS, OUTPUTS, ConfigError

IMAGE_SHAPE = (28, 28)
NUM_CLASSES = 10


def build_mlp(
    hidden_units: int = 64,
    hidden_activation: str = "relu",
    output_activation: str = "softmax",
    seed: int | None = None,
) -> keras.Sequential:
    """The notebook's network: Flatten 28×28 → Dense(hidden_units) → Dense(10). Uncompiled."""
    if hidden_activation not in HIDDEN_ACTIVATIONS:
        raise ConfigError(f"Unknown hidden activation {hidden_activation!r}.")
    if output_activation not in OUTPUTS:
        raise ConfigError(f"Unknown output activation {output_activation!r}.")
    problem = BOUNDS["hidden_units"].check(int(hidden_units))
    if problem:
        raise ConfigError(f"Invalid setting: {problem}.")
    init = keras.initializers.GlorotUniform
    return keras.Sequential(
        [
            keras.Input(shape=IMAGE_SHAPE),
            keras.layers.Flatten(name="input"),
            keras.layers.Dense(
                int(hidden_units),
                activation=ACTIVATIONS[hidden_activation].keras,
                kernel_initializer=init(seed=seed),
                name="hidden",
            ),
            keras.layers.Dense(
                NUM_CLASSES,
                activation=output_activation,
                kernel_initializer=init(seed=None if seed is None else seed + 1),
                name="output",
            ),
        ],
        name="mnist_mlp",
    )


def build_single_neuron(seed: int | None = None, dtype: str = "float32") -> keras.Sequential:
    """One neuron, two inputs, no activation: f(x1, x2) = w1·x1 + w2·x2 + b."""
    return keras.Sequential(
        [
            keras.Input(shape=(2,), dtype=dtype),
            keras.layers.Dense(
                1,
                kernel_initializer=keras.initializers.GlorotUniform(seed=seed),
                bias_initializer=keras.initializers.RandomUniform(-0.5, 0.5, seed=seed),
                dtype=dtype,
                name="neuron",
            ),
        ],
        name="one_neuron",
    )


def plural(count: int, suffix: str = "s") -> str:
    return "" if count == 1 else suffix


@dataclass(frozen=True)
class ParamRow:
    layer: str
    kind: str
    output_shape: str
    params: int
    formula: str


def param_rows(model: keras.Model) -> list[ParamRow]:
    """Per layer: name, type, output shape, trainable parameters and the formula behind them."""
    rows = []
    for layer in model.layers:
        shape = "(None, " + ", ".join(str(d) for d in layer.output.shape[1:]) + ")"
        count = layer.count_params()
        if isinstance(layer, keras.layers.Dense):
            n_in, n_out = layer.kernel.shape
            formula = (
                f"{n_in}×{n_out} weight{plural(n_in * n_out)} + {n_out} bias{plural(n_out, 'es')} "
                f"= {n_in * n_out + n_out:,}"
            )
        elif count == 0:
            formula = "no weights: it only reshapes its input"
        else:  # not used by this course's models; say what Keras says
            formula = f"{count:,} (from Keras)"
        rows.append(ParamRow(layer.name, type(layer).__name__, shape, count, formula))
    return rows


def total_params(model: keras.Model) -> int:
    return sum(row.params for row in param_rows(model))


def optimizer_state_size(model: keras.Model, optimizer: keras.optimizers.Optimizer) -> int:
    """How many numbers the optimizer keeps for this model (Adam: two per parameter, plus its step counter and
    learning rate): what Keras 3's summary() adds as "Optimizer params" once the model has been compiled and fit."""
    optimizer.build(model.trainable_variables)
    return int(sum(np.prod(v.shape) for v in optimizer.variables))
