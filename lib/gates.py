"""Predict, then reveal: every prediction the course asks for, by key, and the page it belongs to.

Each page builds its question from what is on screen and scores it against a fresh computation for the current
settings; this table only names them, so progress files can be checked.
"""

from __future__ import annotations

from dataclasses import dataclass

GATES = {
    "network_width": "pages/network.py",
    "learning_step": "pages/learning.py",
    "learning_epoch": "pages/learning.py",
    "activations_boundary": "pages/activations.py",
    "activations_temperature": "pages/activations.py",
    "losses_over_one": "pages/losses.py",
    "losses_shift": "pages/losses.py",
    "descent_learning_rate": "pages/descent.py",
    "descent_saddle": "pages/descent.py",
    "backprop_sign": "pages/backprop.py",
    "backprop_bias": "pages/backprop.py",
    "train_step_frozen": "pages/train.py",
}


@dataclass(frozen=True)
class Prediction:
    key: str
    question: str
    options: tuple[str, ...]
    answer: int  # index of the right option, computed for the current settings
    reveal: str  # what the computation found, shown only after the learner has committed

    def __post_init__(self):
        if self.key not in GATES:
            raise KeyError(f"unknown prediction {self.key!r}")
        if not 0 <= self.answer < len(self.options):
            raise ValueError("the answer must be one of the options")
