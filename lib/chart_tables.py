"""The numbers behind a lesson chart as a table (shown beside the chart, folded): the same arrays the chart is drawn
from, every point kept, with the columns named as the chart's axes and legend name them."""

from __future__ import annotations

import numpy as np
import pandas as pd


def loss_curves_table(p: np.ndarray, curves: dict) -> pd.DataFrame:
    """One row per probability of the true class: both losses and their gradients (the Losses page's chart)."""
    return pd.DataFrame(
        {
            "p (true class)": p,
            "cross-entropy": curves["cross_entropy"],
            "MSE (one-hot)": curves["mse"],
            "cross-entropy: ∂loss/∂(true-class logit)": curves["cross_entropy_grad"],
            "MSE: ∂loss/∂(true-class logit)": curves["mse_grad"],
        }
    )


def path_points_table(paths: dict[str, np.ndarray]) -> pd.DataFrame:
    """Every point of every optimizer's path, in order, at its true position (the chart places a point beyond its
    range at the edge; here it keeps its real value)."""
    paths = {name: np.asarray(path, dtype=np.float64).reshape(-1, 2) for name, path in paths.items()}
    points = np.concatenate(list(paths.values())) if paths else np.zeros((0, 2))
    return pd.DataFrame(
        {
            "optimizer": np.repeat(list(paths), [len(path) for path in paths.values()]).astype(object),
            "step": np.concatenate([np.arange(len(path)) for path in paths.values()]) if paths else [],
            "parameter 1": points[:, 0],
            "parameter 2": points[:, 1],
        }
    )


def neuron_history_table(history: list[dict]) -> pd.DataFrame:
    """The one-neuron experiment's kept epochs: w1, w2, b and the loss, every row the charts are drawn from (they
    thin a long run further to draw it; a very long run's history is itself thinned, to bound memory)."""
    return pd.DataFrame(history)
