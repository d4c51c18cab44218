"""Helpers for long series: smoothing a noisy curve and thinning it to a drawable number of points."""

from __future__ import annotations

import numpy as np
import pandas as pd


def smooth(values, weight: float = 0.98, block: int = 128) -> np.ndarray:
    """Exponential moving average with bias correction, as TensorBoard smooths a noisy curve.

    average_i = weight * average_(i-1) + (1 - weight) * value_i, shown as average_i / (1 - weight^(i+1)).
    Computed a block at a time in closed form (the live chart smooths the whole history 2.5 times a second);
    within a block, weight^-j stays below weight^-block, so nothing overflows or loses precision.
    """
    if not 0 < weight < 1:
        raise ValueError("weight must be between 0 and 1")
    values = np.asarray(values, dtype=float)
    out, average = np.empty_like(values), 0.0
    k = np.arange(block, dtype=float)
    shrink, grow = weight**k, weight**-k  # weight^k and weight^-k for the k-th value of a block
    for start in range(0, len(values), block):
        chunk = values[start : start + block]
        n = len(chunk)
        averages = shrink[:n] * (weight * average + (1 - weight) * np.cumsum(chunk * grow[:n]))
        out[start : start + n] = averages
        average = averages[-1]
    return out / (1 - weight ** np.arange(1, len(values) + 1))


def thin(length: int, max_points: int) -> np.ndarray:
    """At most max_points evenly spaced indices into a series of this length, first and last kept."""
    return np.unique(np.linspace(0, length - 1, min(length, max_points)).astype(int)) if length else np.array([], int)


def thin_frame(frame: pd.DataFrame, max_rows: int = 600) -> pd.DataFrame:
    """At most max_rows evenly spaced rows, first and last kept: long histories stay quick to draw."""
    return frame.iloc[thin(len(frame), max_rows)]


def digit_grid(images: np.ndarray, columns: int = 10, gap: int = 2) -> np.ndarray:
    """Tile equally sized grey images into one image, `columns` per row, with a grey gap between them."""
    count, height, width = images.shape
    rows = -(-count // columns)
    grid = np.full((rows * (height + gap) - gap, columns * (width + gap) - gap), 96, dtype=np.uint8)  # grey gaps
    for i, image in enumerate(images):
        r, c = divmod(i, columns)
        grid[r * (height + gap) : r * (height + gap) + height, c * (width + gap) : c * (width + gap) + width] = image
    return grid
