"""The notebook-style Keras code for a run's settings: the same model, initial weights, loss, optimizer and data."""

from __future__ import annotations

from lib.choices import ACTIVATIONS, LOSSES, OPTIMIZERS, STEP_CODE
from lib.lab.config import TrainConfig


def model_code(config: TrainConfig) -> str:
    """The model, built exactly as the lab builds it (same layers, same seeded initial weights)."""
    hidden = ACTIVATIONS[config.hidden_activation].code
    init = "keras.initializers.GlorotUniform"
    return (
        (STEP_CODE + "\n\n" if config.hidden_activation == "step" else "")
        + "model = keras.Sequential([\n"
        + "    keras.Input(shape=(28, 28)),\n"
        + '    keras.layers.Flatten(name="input"),  # 28×28 image → 784 numbers\n'
        + f"    keras.layers.Dense({config.hidden_units}, activation={hidden}, "
        + f'kernel_initializer={init}(seed={config.seed}), name="hidden"),\n'
        + f"    keras.layers.Dense(10, activation={config.output_activation!r}, "
        + f'kernel_initializer={init}(seed={config.seed + 1}), name="output"),\n'
        + "])"
    )


def keras_code(config: TrainConfig) -> str:
    """Code for a notebook: the same settings, data split and initial weights as the lab's run."""
    loss = LOSSES[config.loss]
    one_hot = loss.needs_one_hot(config.output_activation)
    labels = "keras.utils.to_categorical({}, 10)" if one_hot else "{}"
    count = max(2, round(60000 * config.data_fraction))
    choose = (
        "np.arange(60000)"
        if count == 60000
        else f"np.random.default_rng({config.seed}).choice(60000, size={count}, replace=False)"
    )
    lines = [
        *(["import tensorflow as tf"] if config.hidden_activation == "step" else []),
        "import keras",
        "import numpy as np",
        "",
        "(train_images, train_labels), (test_images, test_labels) = keras.datasets.mnist.load_data()",
        "train_images, test_images = train_images / 255.0, test_images / 255.0",
        f"chosen = {choose}  # the lab's share of the training images",
        f"held_out = {round(count * config.validation_fraction)}  # the last ones are kept for validation",
        "train_idx, val_idx = chosen[: len(chosen) - held_out], chosen[len(chosen) - held_out :]",
        "",
        model_code(config),
        f"model.compile(optimizer={OPTIMIZERS[config.optimizer].code(config.learning_rate)}, "
        f"loss={loss.code(config.output_activation)}, metrics=['accuracy'])",
        "model.fit(",
        f"    train_images[train_idx], {labels.format('train_labels[train_idx]')},",
        f"    epochs={config.epochs}, batch_size={config.batch_size},",
        *(
            [f"    validation_data=(train_images[val_idx], {labels.format('train_labels[val_idx]')}),"]
            if config.validation_fraction
            else []
        ),
        ")",
        f"model.evaluate(test_images, {labels.format('test_labels')})",
    ]
    return "\n".join(lines)
