"""Experiments that teach: a learning-rate sweep whose zones agree with its points, and fair twin runs."""

import numpy as np

from lib.lab.config import TrainConfig
from lib.lab.experiments import (
    SeriesOfRuns,
    describe_zones,
    name_zones,
    point_zone,
    sweep_configs,
    sweep_rates,
    twin_configs,
    twin_verdict,
)

SMALL = TrainConfig(data_fraction=0.02, epochs=1)


def run_all(configs, mnist):
    series = SeriesOfRuns(configs, mnist).start()
    series.join(600)
    return series.outcomes


def test_a_sweep_on_a_small_subset_finds_its_zones(mnist):
    rates = sweep_rates(-5, 1, 7)
    assert rates[0] == 1e-5 and rates[-1] == 10 and len(rates) == 7
    outcomes = run_all(sweep_configs(SMALL, "sgd", rates), mnist)
    assert len(outcomes) == 7
    lowest, highest = outcomes[0], outcomes[-1]
    assert abs(lowest.final_loss - lowest.initial_loss) < 0.05 * lowest.initial_loss  # barely moved
    assert highest.state == "diverged"
    zones = name_zones(outcomes)
    assert zones[0][0] == "too small" and zones[-1][0] == "diverges" and any(z[0] == "good" for z in zones)
    for outcome in outcomes:  # every point sits in the zone named for its rate
        zone = next(z for z, low, high in zones if low <= outcome.config.learning_rate <= high)
        assert zone == point_zone(outcome)
    text = describe_zones(outcomes)
    assert "too small: 1e-05" in text and "diverges" in text and "Keras's default for SGD is 0.01" in text


def test_twins_differing_only_in_seed_are_indistinguishable(mnist):
    outcomes = run_all(twin_configs(SMALL, "seed", None, [0, 1, 2]), mnist)
    verdict = twin_verdict(outcomes)
    assert not verdict.different and "Indistinguishable at 3 seeds" in verdict.sentence


def test_twins_sgd_at_0_001_vs_0_1_are_different_and_each_pair_starts_equal(mnist):
    base = TrainConfig(data_fraction=0.02, epochs=1, optimizer="sgd", learning_rate=0.001)
    outcomes = run_all(twin_configs(base, "learning_rate", 0.1, [0, 1, 2]), mnist)
    for a, b in zip(outcomes[::2], outcomes[1::2], strict=True):
        np.testing.assert_array_equal(a.initial_hidden, b.initial_hidden)  # the same initial weights
        assert a.config.seed == b.config.seed and a.config.learning_rate != b.config.learning_rate
    verdict = twin_verdict(outcomes)
    assert verdict.different and verdict.mean > 0 and "larger than seed-to-seed noise" in verdict.sentence


def test_the_experiments_page_runs_a_sweep_and_names_its_zones():
    import time

    from tests.test_pages import open_page

    at = open_page("pages/experiments.py")
    at.button(key="experiments_sweep_button").click().run()
    series = at.session_state["experiments_series"]
    series.join(300)
    time.sleep(0.2)
    at.run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "too small" in text and "Keras's default for Adam is 0.001" in text
    assert at.get("vega_lite_chart")
