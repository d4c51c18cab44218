"""Predict, then reveal: every prediction the course asks for, by key, and the page it belongs to.

A prediction is a question about one exact state: its `state` holds every setting that decides the answer, and
(key, state) is its identity. Once the learner locks an answer for that identity, its score never changes; other
settings make another question, and the earlier answer stays in the learner's record with its own state.
Options are shuffled by a seed drawn from the identity, so the same settings (a link) show the same order.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field

import numpy as np

GATES = {
    "network_width": "pages/network.py",
    "learning_step": "pages/learning.py",
    "learning_epoch": "pages/learning.py",
    "netprop_negative": "pages/backprop_network.py",
    "netprop_off": "pages/backprop_network.py",
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
MAX_ANSWERS = 8  # answers kept per prediction, the most recent: a progress file stays small


def canonical(value):
    """A state value as JSON keeps it: numbers to 12 significant digits (a slider's 0.1 stays 0.1), lists too."""
    if isinstance(value, bool | str) or value is None:
        return value
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(f"{float(value):.12g}") if math.isfinite(value) else str(value)
    return [canonical(v) for v in value]


@dataclass(frozen=True)
class Prediction:
    key: str
    question: str
    options: tuple[str, ...]
    answer: int  # index of the right option, computed for the state
    reveal: str  # what the computation found, shown only after the learner has committed
    state: dict = field(default_factory=dict)  # every setting that decides the answer, by name

    def __post_init__(self):
        if self.key not in GATES:
            raise KeyError(f"unknown prediction {self.key!r}")
        if not 0 <= self.answer < len(self.options):
            raise ValueError("the answer must be one of the options")
        object.__setattr__(self, "state", {name: canonical(v) for name, v in self.state.items()})

    @property
    def identity(self) -> str:
        return json.dumps([self.key, self.state], sort_keys=True, ensure_ascii=True)

    @property
    def right(self) -> str:
        return self.options[self.answer]


def shuffle(options, answer: int, identity: str) -> tuple[tuple[str, ...], int]:
    """(options in an order drawn from the question's identity, the right one's new index): the position of the
    right answer gives nothing away, and the same question is always shown the same way."""
    seed = int.from_bytes(hashlib.sha256(identity.encode()).digest()[:8], "big")
    order = np.random.default_rng(seed).permutation(len(options))
    return tuple(options[i] for i in order), int(np.flatnonzero(order == answer)[0])


def ask(key: str, state: dict, question: str, options, answer: int, reveal: str) -> Prediction:
    """A Prediction whose options are shuffled by a seed drawn from its key and state (a link reproduces it)."""
    plain = Prediction(key, question, tuple(options), answer, reveal, state)
    shuffled, answer = shuffle(plain.options, answer, plain.identity)
    return Prediction(key, question, shuffled, answer, reveal, plain.state)


# --- the learner's record: progress["gates"][key] = {"answers": [{"state", "choice", "correct"}, ...]} -----------
def answers(gates: dict, key: str) -> list[dict]:
    return gates.get(key, {}).get("answers", [])


def find_answer(gates: dict, prediction: Prediction) -> dict | None:
    """The learner's locked answer to exactly this question (same key, same state, a choice it offers), if any."""
    for answer in answers(gates, prediction.key):
        if answer["state"] == prediction.state and answer["choice"] in prediction.options:
            return answer
    return None


def lock(gates: dict, prediction: Prediction, choice: str) -> dict:
    """Record the learner's answer to this question, scored now and never again; keep the earlier ones."""
    found = find_answer(gates, prediction)
    if found is not None:
        return found  # locked already: its score stays
    answer = {"state": prediction.state, "choice": choice, "correct": choice == prediction.right}
    record = gates.setdefault(prediction.key, {"answers": []})
    record["answers"] = [*record["answers"], answer][-MAX_ANSWERS:]
    return answer


def describe_state(state: dict | None) -> str:
    """'data moons, hidden neurons 16, steps 400', as the learner set them."""
    if not state:
        return "settings an older progress file did not record"

    def show(value):
        if isinstance(value, list):
            return ", ".join(show(v) for v in value)
        return f"{value:g}".replace("-", "−") if isinstance(value, float) else str(value)

    return "; ".join(f"{name} {show(value)}" for name, value in state.items())
