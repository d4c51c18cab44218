"""The Activation functions page's boundary verdict ("a straight line" or "bends, the best straight line found
matches only X%"), swept over the page's data, widths and training steps against a direction search written here."""

import re

import numpy as np
import pytest

from lib.boundary import DATASETS, describe_boundary, train_boundary

STRAIGHT = 0.995  # the page calls a boundary straight when a half-plane matches this share of its decisions
SLACK = 0.003  # the page's search and the oracle's try different directions: 0.3 points either way


def best_half_plane(result, directions: int = 360) -> float:
    """Every half degree, halfway between the page's own directions, and every cut between two cells along each:
    the most decisions one half-plane agrees with."""
    decided = (result.grid_probability > 0.5).astype(int)
    if decided.min() == decided.max():
        return 1.0
    xy = np.stack([result.grid_x, result.grid_y], axis=1)
    xy = (xy - xy.mean(axis=0)) / xy.std(axis=0)
    best = 0
    for angle in np.linspace(0, np.pi, directions, endpoint=False) + np.pi / directions / 2:
        along = np.round(xy @ np.array([np.cos(angle), np.sin(angle)]), 9)
        positions, first = np.unique(along, return_inverse=True)
        ones_at = np.bincount(first, weights=decided, minlength=len(positions))
        cells_at = np.bincount(first, minlength=len(positions))
        ones_below = np.concatenate([[0], np.cumsum(ones_at)])
        cells_below = np.concatenate([[0], np.cumsum(cells_at)])
        agree = (cells_below - ones_below) + (decided.sum() - ones_below)
        best = max(best, int(np.max(np.maximum(agree, len(decided) - agree))))
    return best / len(decided)


@pytest.mark.parametrize("dataset", list(DATASETS))
def test_the_boundary_verdict_agrees_with_a_direction_search_12_settings_each(dataset):
    """Widths 2, 4 and 64 (the slider's ends and a narrow one) × 50 and 1,000 steps × no activation and ReLU."""
    points, labels = DATASETS[dataset](400, 0.1, 0)
    for units in (2, 4, 64):
        for steps in (50, 1000):
            for activation in (None, "relu"):
                result = train_boundary(points, labels, activation, units, steps)
                text, oracle = describe_boundary(result), best_half_plane(result)
                where = (dataset, units, steps, activation, oracle, text)
                stated = float(re.search(r"matches (?:only )?(\d+\.\d)%", text)[1]) / 100
                assert stated >= oracle - SLACK, where  # no straight line does clearly better than the one named
                if oracle >= STRAIGHT + SLACK:
                    assert "is a straight line" in text, where
                if oracle <= STRAIGHT - SLACK:
                    assert "bends" in text, where
                if activation is None:
                    assert "is a straight line" in text, where  # no activation: one linear function
