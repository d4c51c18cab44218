"""Twin runs: A and B from the same initial weights and batch order, differing in one setting, over k seeds, and
a verdict a statistician would sign: a paired 95% interval of B − A, read against a difference that matters."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from lib.choices import OPTIMIZERS
from lib.fmt import num

MATTERS = 0.01  # a difference in test accuracy below 1 percentage point is not one this course calls a real effect
MOST_SEEDS = 1000  # "about n seeds would decide" looks no further than this
_T_975 = [  # two-sided 95% Student t critical values for 1 to 30 degrees of freedom (published tables)
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
]  # fmt: skip
_Z_975 = 1.959964


def t_critical(df: int) -> float:
    """The two-sided 95% Student t critical value: the table to 30 degrees of freedom, then the Cornish-Fisher
    expansion around the normal's 1.96 (off by less than 0.001 beyond 30)."""
    if df <= len(_T_975):
        return _T_975[df - 1]
    z = _Z_975
    return (
        z
        + (z**3 + z) / (4 * df)
        + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)
        + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * df**3)
    )


def twin_configs(base, setting: str, value, seeds: list[int]) -> list:
    """A and B for each seed: the same seed (so the same initial weights and batch order), differing only in
    `setting` (when the setting is the seed itself, B takes seed + 1000)."""
    configs = []
    for seed in seeds:
        a = replace(base, seed=seed)
        b = replace(a, seed=seed + 1000) if setting == "seed" else replace(a, **{setting: value})
        configs += [a, b.validated()]
    return configs


def twin_table(outcomes: list) -> pd.DataFrame:
    """One row per seed: A's and B's test accuracy (a word where a run has none), and whether the pair started
    from the same weights."""

    def shown(o) -> object:
        return o.test_accuracy if o.test_accuracy is not None else f"none ({o.state})"

    pairs = list(zip(outcomes[::2], outcomes[1::2], strict=False))
    return pd.DataFrame(
        {
            "seed": [a.config.seed for a, _ in pairs],
            "A test accuracy": [shown(a) for a, _ in pairs],
            "B test accuracy": [shown(b) for _, b in pairs],
            "same start": [np.array_equal(a.initial_hidden, b.initial_hidden) for a, b in pairs],
        }
    )


def seeds_needed(mean: float, spread: float, matters: float = MATTERS) -> int | None:
    """About how many seeds would decide, if the mean difference and its spread stayed as observed: the fewest n
    whose 95% half-width leaves out 0 (half < |mean|) or fits the interval inside ±matters (half ≤ matters −
    |mean|). None beyond MOST_SEEDS."""
    for n in range(2, MOST_SEEDS + 1):
        half = t_critical(n - 1) * spread / math.sqrt(n)
        if half < abs(mean) or half <= matters - abs(mean):
            return n
    return None


@dataclass(frozen=True)
class Verdict:
    kind: str  # "same run" | "too few" | "different" | "indistinguishable" | "can't tell"
    differences: list[float]  # B − A test accuracy, per seed whose A and B both finished
    mean: float
    half_width: float  # of the 95% interval of the mean paired difference (Student t)
    sentence: str

    @property
    def different(self) -> bool:
        return self.kind == "different"


def _points(value: float) -> str:
    return num(100 * value, "+.2f")


def twin_verdict(outcomes: list, matters: float = MATTERS) -> Verdict:
    """Paired by seed (B − A on the same start and batches). 'different' when the 95% interval leaves out 0;
    'indistinguishable' only when it lies inside ±matters, which rules out a difference that matters;
    otherwise 'can't tell' with about how many seeds would decide, from the observed spread. Identical settings
    and seed are one deterministic run computed twice, not a comparison."""
    pairs = [(outcomes[i], outcomes[i + 1]) for i in range(0, len(outcomes) - 1, 2)]
    if pairs and all(a.config == b.config for a, b in pairs):
        return Verdict(
            "same run",
            [],
            float("nan"),
            float("nan"),
            "A and B have identical settings and the same seed: training here is deterministic, so each pair is one "
            "run computed twice, not a comparison (and its difference is not noise). Pick a B that differs.",
        )
    finished = [(a, b) for a, b in pairs if a.state == b.state == "finished"]
    differences = [b.test_accuracy - a.test_accuracy for a, b in finished]
    left_out = len(pairs) - len(finished)
    dropped = (
        f" {left_out} pair{'s' * (left_out != 1)} left out: a run that did not finish has no comparable accuracy."
        if left_out
        else ""
    )
    k = len(differences)
    if k < 2:
        return Verdict(
            "too few", differences, float("nan"), float("nan"), f"Twin runs need at least 2 finished seeds.{dropped}"
        )
    mean, spread = float(np.mean(differences)), float(np.std(differences, ddof=1))
    half = t_critical(k - 1) * spread / math.sqrt(k)
    numbers = (
        f"B − A = {_points(mean)} points on average over {k} seeds (each: "
        + ", ".join(_points(d) for d in differences)
        + f"); 95% interval [{_points(mean - half)}, {_points(mean + half)}] points."
    )
    counts = f"A difference of {100 * matters:g} point or more counts as one that matters."
    eps = 1e-12
    if abs(mean) > half + eps:
        small = " It is real, but smaller than one that matters." if abs(mean) + half <= matters + eps else ""
        kind, sentence = "different", f"The difference is larger than seed-to-seed noise.{small} {numbers}"
    elif abs(mean) + half <= matters + eps:
        kind = "indistinguishable"
        sentence = (
            f"Indistinguishable at {k} seeds: the interval rules out a difference that matters either way. "
            f"{numbers} {counts}"
        )
    else:
        n = seeds_needed(mean, spread, matters)
        about = f"about {n} would" if n is not None else f"more than {MOST_SEEDS:,} would"
        kind = "can't tell"
        sentence = (
            f"Can't tell yet with {k} seeds — {about}, if the spread stays as seen: the interval holds 0 and also "
            f"differences that matter. {numbers} {counts}"
        )
    return Verdict(kind, differences, mean, half, sentence + dropped)


TWIN_CHOICES = {  # the one difference -> the values B may take
    "learning_rate": [0.0001, 0.001, 0.01, 0.1],
    "optimizer": list(OPTIMIZERS),
    "hidden_activation": ["relu", "tanh", "sigmoid", "linear"],
    "seed": [None],  # B takes another seed
}


def b_choices(setting: str, a) -> list:
    """B's values for this setting, never A's own (B equal to A would be one deterministic run twice)."""
    return [v for v in TWIN_CHOICES[setting] if v is None or v != getattr(a, setting)]


def twin_labels(setting: str, value, a) -> tuple[str, str]:
    """How the chart names A and B: optimizer twins also say the learning rate each side runs at."""
    from lib.lab.runs import SETTING_NAMES, setting_text

    if setting == "seed":
        return "A: the notebook's", "B: another seed"
    if setting == "optimizer":
        rate = f"at learning rate {a.learning_rate:g}"
        return f"A: {setting_text('optimizer', a.optimizer)} {rate}", f"B: {setting_text('optimizer', value)} {rate}"
    return "A: the notebook's", f"B: {SETTING_NAMES[setting]} {setting_text(setting, value)}"


def rate_note(setting: str, value, a) -> str | None:
    """For optimizer twins: both sides run at A's learning rate, which may not be B's usual one."""
    if setting != "optimizer" or value is None:
        return None
    b = OPTIMIZERS[value]
    same = abs(b.default_lr - a.learning_rate) <= 1e-12
    usual = "its Keras default too" if same else f"not its Keras default ({b.default_lr:g})"
    return (
        f"Both sides run at learning rate {a.learning_rate:g} (A's), so only the optimizer differs; for {b.label} "
        f"that rate is {usual}. This compares the optimizers at one rate, not each at its best: a sweep finds that."
    )
