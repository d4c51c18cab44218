"""The 2-D gradient-descent lesson's controls, and its paths kept per setting."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from lib.choices import OPTIMIZERS
from lib.descent import descent_1d
from lib.descent2d import SURFACES, TWO_D_OPTIMIZERS, paths_with_and_without_noise, surface_grid
from ui.links import BOUND

LEARNING_RATES_2D = [0.001, 0.003, 0.01, 0.03, 0.05, 0.1, 0.15, 0.2, 0.3]


@dataclass(frozen=True)
class TwoDSettings:
    surface: str
    learning_rate: float
    steps: int
    noise: float
    shown: tuple[str, ...]  # the labels of the optimizers the learner chose to see

    @property
    def start(self) -> tuple[float, float]:
        return SURFACES[self.surface].start


def two_d_settings() -> TwoDSettings:
    """The surface, learning rate, steps and gradient-noise pickers, and which optimizers to show."""
    surface_col, lr_col, steps_col, noise_col = st.columns(4)
    surface = surface_col.selectbox("Loss surface", list(SURFACES), key="descent_surface", **BOUND)
    learning_rate = lr_col.select_slider("Learning rate", LEARNING_RATES_2D, 0.05, key="descent_lr2", **BOUND)
    steps = steps_col.slider("Steps", 5, 300, 80, 5, key="descent_steps2", **BOUND)
    noise = noise_col.slider(
        "Gradient noise (stochastic)",
        0.0,
        3.0,
        0.0,
        0.1,
        key="descent_noise",
        **BOUND,
        help="Adds random noise to each gradient, like the differences between mini-batches.",
    )
    labels = [OPTIMIZERS[k].label for k in TWO_D_OPTIMIZERS]
    shown = st.pills("Show", labels, selection_mode="multi", default=labels, key="descent_shown", **BOUND)
    return TwoDSettings(surface, learning_rate, steps, noise, tuple(shown or ()))


@st.cache_data(max_entries=64, show_spinner=False)
def one_d(curve: str, start: float, learning_rate: float, steps: int) -> list[dict]:
    """The 1-D descent's rows, computed once per setting (the page reruns for every control on it)."""
    return descent_1d(curve, start, learning_rate, steps)


@st.cache_data(max_entries=64, show_spinner="Running the optimizers…")
def _paths(surface, start, learning_rate, steps, noise):
    return paths_with_and_without_noise(surface, start, learning_rate, steps, noise), surface_grid(surface)


def two_d_paths(settings: TwoDSettings) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray] | None, dict]:
    """(the shown optimizers' paths, the same paths at noise 0 when there is noise, the surface's grid)."""
    s = settings
    (every_path, without_noise), grid = _paths(s.surface, s.start, s.learning_rate, s.steps, s.noise)
    paths = {name: path for name, path in every_path.items() if name in s.shown}
    return paths, (without_noise if s.noise else None), grid  # noise 0: what the noise did, and what it did not
