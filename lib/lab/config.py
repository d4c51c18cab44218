"""The lab's settings as one frozen dataclass, checked against the bounds in lib.choices, and the data split."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lib.choices import BOUNDS, HIDDEN_ACTIVATIONS, LOSSES, OPTIMIZERS, OUTPUTS, ConfigError

__all__ = ["ConfigError", "TrainConfig", "split_indices"]


@dataclass(frozen=True)
class TrainConfig:
    """Every choice of the lab. The defaults are the notebook's exact setup."""

    hidden_activation: str = "relu"
    hidden_units: int = 64
    output_activation: str = "softmax"
    loss: str = "cross_entropy"
    optimizer: str = "adam"
    learning_rate: float = 0.001
    batch_size: int = 32
    epochs: int = 5
    data_fraction: float = 1.0  # share of the 60,000 training images to use
    validation_fraction: float = 0.0  # share of those held out to validate on
    seed: int = 0

    def validated(self) -> TrainConfig:
        problems = [
            None
            if self.hidden_activation in HIDDEN_ACTIVATIONS
            else f"hidden activation must be one of {HIDDEN_ACTIVATIONS}",
            None if self.output_activation in OUTPUTS else f"output activation must be one of {list(OUTPUTS)}",
            None if self.loss in LOSSES else f"loss must be one of {list(LOSSES)}",
            None if self.optimizer in OPTIMIZERS else f"optimizer must be one of {list(OPTIMIZERS)}",
            BOUNDS["hidden_units"].check(self.hidden_units),
            BOUNDS["learning_rate"].check(self.learning_rate),
            BOUNDS["batch_size"].check(self.batch_size),
            BOUNDS["epochs"].check(self.epochs),
            BOUNDS["data_percent"].check(round(self.data_fraction * 100, 6)),
            BOUNDS["validation_percent"].check(round(self.validation_fraction * 100, 6)),
            BOUNDS["seed"].check(self.seed),
        ]
        for problem in problems:
            if problem:
                raise ConfigError(f"Invalid setting: {problem}.")
        return self


def split_indices(config: TrainConfig, num_images: int) -> tuple[np.ndarray, np.ndarray]:
    """Training and validation indices into the training set: a seeded subset, the last part held out."""
    count = max(2, round(num_images * config.data_fraction))
    chosen = (
        np.arange(num_images)
        if count == num_images
        else np.random.default_rng(config.seed).choice(num_images, size=count, replace=False)
    )
    held_out = round(count * config.validation_fraction)
    return chosen[: count - held_out], chosen[count - held_out :]
