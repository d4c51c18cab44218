"""The Backprop page's sentences (progress, divergence warning, agreement of the three gradients) swept over the page's
controls: every optimizer × every learning rate on its slider, seeds, and epoch counts past the point where the
history is thinned. The oracles are written here: the full, unthinned trajectory recorded chunk by chunk from a
twin neuron, the data's own curvature in NumPy (SGD diverges exactly when lr·λ_max(H) > 2), and float64 NumPy
losses and gradients."""

import math
import re

import numpy as np
import pytest

from lib.backprop import LEARNING_RATES as BACKPROP_RATES
from lib.backprop import MAX_HISTORY, NeuronExperiment, make_data
from lib.backprop_text import agreement_sentence, divergence_warning, progress_sentence
from lib.choices import OPTIMIZERS

TARGET = np.array([2.0, 1.0, 1.0])
CHECKPOINTS = (1, 37, 500)  # cumulative epochs at which every sentence is read
CHUNK = 1_000  # the twin trains in chunks this long and keeps every row, so it never thins its history


def curvature(seed: int) -> float:
    """λ_max of the Hessian of L = mean((w·z − y)²), z = (x₁, x₂, 1): H = 2·mean(z zᵀ)."""
    x, _ = make_data(seed=seed)
    z = np.c_[x, np.ones(len(x))]
    return float(np.linalg.eigvalsh(2 * z.T @ z / len(z)).max())


def first_within(rows, tolerance=0.01):
    for epoch, params in rows:
        if np.all(np.abs(params - TARGET) <= tolerance):
            return epoch
    return None


def numpy_loss(params, seed):
    x, y = make_data(seed=seed)
    with np.errstate(all="ignore"):
        return float(np.mean((params[0] * x[:, 0] + params[1] * x[:, 1] + params[2] - y) ** 2))


def check_progress(sentence, experiment, rows):
    """The sentence against the full trajectory `rows` [(epoch, params)] and the parameters now."""
    now = experiment.params()
    reached = first_within(rows)
    if not np.all(np.isfinite(now)):
        assert "nan" not in sentence and "inf" not in sentence, sentence
        assert "not numbers" in sentence, sentence
        return
    gap = float(np.max(np.abs(now - TARGET)))
    if reached is None:
        match = re.search(r"furthest parameter is still ([0-9.e+-]+) from", sentence)
        assert match, sentence
        assert math.isclose(float(match.group(1)), gap, rel_tol=5e-3), (sentence, gap)
        return
    assert f"within 0.01 of its target after {reached:,} epoch" in sentence, (sentence, reached)
    if gap > 0.01:  # it got there and left again: the sentence must not leave the learner thinking it is there
        assert "now" in sentence and f"{gap:.3g}" in sentence, (sentence, gap)
    else:
        assert "now" not in sentence, sentence


def check_warning(warning, experiment, seed):
    loss = experiment.history[-1]["loss"]
    if warning is None:
        assert np.isfinite(loss) and loss <= 100 * experiment.initial_loss, loss
        return
    # diverging means more overshoot at every step: only SGD past the data's curvature can do that at these rates
    assert experiment.optimizer_name == "sgd" and experiment.learning_rate * curvature(seed) > 2, warning
    if math.isnan(loss):
        assert "not a number" in warning, warning
    elif math.isinf(loss):
        assert "not a number" not in warning and "too large" in warning, warning
    else:
        shown = float(re.search(r"loss is now ([0-9.e+-]+),", warning).group(1))
        assert math.isclose(shown, numpy_loss(experiment.params(), seed), rel_tol=5e-3), (warning, loss)
    smaller = [r for r in BACKPROP_RATES if r < experiment.learning_rate]
    assert any(r * curvature(seed) < 2 for r in smaller)  # "pick a smaller learning rate" has an answer


def check_agreement(sentence, rows, params, seed):
    values = np.array([[r["by hand (NumPy)"], r["GradientTape"], r["finite difference"]] for r in rows])
    if not np.all(np.isfinite(values)):
        assert "nan" not in sentence and "inf" not in sentence, sentence
        assert "nothing to compare" in sentence, sentence
        return
    tape_gap = float(np.max(np.abs(values[:, 0] - values[:, 1])))
    finite_gap = float(np.max(np.abs(values[:, 0] - values[:, 2])))
    said = [float(s) for s in re.findall(r"at most ([0-9.e+-]+):", sentence)]
    assert len(said) == 2 and math.isclose(said[0], tape_gap, rel_tol=0.06, abs_tol=1e-300), (sentence, tape_gap)
    assert math.isclose(said[1], finite_gap, rel_tol=0.06, abs_tol=1e-300), (sentence, finite_gap)
    loss = numpy_loss(params, seed)
    scale = 1 + float(np.max(np.abs(values[:, 0]))) + 5 * math.sqrt(loss)  # sizes of the terms 2(fᵢ − yᵢ)·xᵢ
    assert tape_gap <= 1e-5 * scale, (sentence, scale)  # float32 rounding, as said, not a wrong gradient
    # a quadratic: the central difference errs by float64 rounding of L (2.2e-16·L) divided by 2h = 2e-6 only
    assert finite_gap <= 1e-9 * (1 + loss) + 1e-8 * scale, (sentence, loss)


def sweep(optimizer, rate, seed, checkpoints):
    experiment, twin, rows = NeuronExperiment(optimizer, rate, seed), NeuronExperiment(optimizer, rate, seed), []
    rows.append((0, twin.params()))
    for epochs in checkpoints:
        experiment.train(epochs - experiment.epoch)
        while twin.epoch < epochs:
            twin.train(min(CHUNK, epochs - twin.epoch))
            rows += [(r["epoch"], np.array([r["w1"], r["w2"], r["b"]])) for r in twin.history[-CHUNK:]]
        rows = list(dict(rows).items())  # one row per epoch, in order
        assert np.array_equal(twin.params(), experiment.params(), equal_nan=True)  # the twin is the same neuron
        where = (optimizer, rate, seed, epochs)
        with np.errstate(all="ignore"):
            check_progress(progress_sentence(experiment), experiment, rows)
            check_warning(divergence_warning(experiment), experiment, seed)
            rows_now = experiment.chain_rule_rows()
            check_agreement(agreement_sentence(rows_now), rows_now, experiment.params(), seed)
        del where


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_backprop_sentences_at_every_learning_rate_27_settings_each(optimizer):
    """9 learning rates × 3 epoch counts (1, 37, 500) at seed 0: every sentence against its oracle."""
    for rate in BACKPROP_RATES:
        sweep(optimizer, rate, 0, CHECKPOINTS)


@pytest.mark.parametrize("optimizer", ["sgd", "adam", "rmsprop"])
def test_backprop_sentences_past_the_thinned_history(optimizer):
    """Past MAX_HISTORY epochs the history kept for the charts is thinned; the sentences must still be exact. The
    seed whose curvature is nearest SGD's edge at lr 1 (λ_max = 2.0001: it diverges, slowly) and a slow rate."""
    edge = 1220
    assert 2 < curvature(edge) < 2.001
    for rate, seed in ((1.0, edge), (0.0003, 7)):
        sweep(optimizer, rate, seed, (1, MAX_HISTORY + 500, 2 * MAX_HISTORY + 300))


def test_a_neuron_whose_numbers_overflowed_says_so():
    """SGD at lr 1 (seed 0: λ_max = 2.13) overflows to NaN by 5,000 epochs: no sentence may print 'nan'."""
    sweep("sgd", 1.0, 0, (5_000,))
    experiment = NeuronExperiment("sgd", 1.0, 0)
    experiment.train(5_000)
    assert np.isnan(experiment.params()).all()
    assert "not numbers any more" in progress_sentence(experiment)
    assert "nothing to compare" in agreement_sentence(experiment.chain_rule_rows())


def test_a_neuron_that_reached_its_target_and_left_says_where_it_is_now():
    """Adam at lr 1 gets within 0.01 at epoch 86 and overshoots again: at epoch 89 w₁ is 0.0203 away."""
    sweep("adam", 1.0, 0, (89,))
    experiment = NeuronExperiment("adam", 1.0, 0)
    experiment.train(89)
    assert "after 86 epochs, and has moved away since: now the furthest is 0.0203" in progress_sentence(experiment)
