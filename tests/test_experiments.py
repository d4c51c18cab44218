"""Experiments that teach: a learning-rate sweep whose zones agree with its points, and fair twin runs."""

import numpy as np

from lib.lab.config import TrainConfig
from lib.lab.experiment_charts import make_sweep_chart
from lib.lab.experiments import (
    describe_zones,
    name_zones,
    point_zones,
    sweep_configs,
    sweep_rates,
)
from lib.lab.series import RunOutcome, SeriesOfRuns
from lib.lab.twins import twin_configs, twin_verdict

SMALL = TrainConfig(data_fraction=0.02, epochs=1)


def run_all(configs, mnist):
    series = SeriesOfRuns(configs, mnist, orphan_after=float("inf")).start()  # nobody's page: never abandoned
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
    for run, its_zone in zip(outcomes, point_zones(outcomes), strict=True):  # each point in the zone named for it
        zone = next(z for z, low, high in zones if low <= run.config.learning_rate <= high)
        assert zone == its_zone
    text = describe_zones(outcomes)
    assert "too small: 1e-05" in text and "diverges" in text and "Keras's default for SGD is 0.01" in text


def test_twins_differing_only_in_seed_show_no_difference(mnist):
    outcomes = run_all(twin_configs(SMALL, "seed", None, [0, 1, 2]), mnist)
    verdict = twin_verdict(outcomes)
    assert verdict.kind in ("indistinguishable", "can't tell"), verdict.sentence


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
    while series.active:  # the page's progress fragment looks at it every second in a browser
        series.touch()
        series.join(0.2)
    time.sleep(0.2)
    at.run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "too small" in text and "Keras's default for Adam is 0.001" in text
    assert at.get("vega_lite_chart")


def outcome(rate: float, final_loss: float | None, accuracy: float | None, state: str = "finished") -> RunOutcome:
    return RunOutcome(TrainConfig(learning_rate=rate), state, final_loss, 2.3, accuracy, [], None)


# A sweep as Adam gives it on 2% of the images: crawls, learns, stalls without blowing up, blows up.
SWEEP = [
    outcome(1e-5, 2.25, 0.09),
    outcome(1e-3, 1.6, 0.78),
    outcome(1e-2, 0.85, 0.86),
    outcome(1e-1, 2.3, 0.53),
    outcome(1.0, None, None, "diverged"),
]


def test_a_rate_that_stalls_above_the_rates_that_learn_is_too_large_not_too_small():
    assert point_zones(SWEEP) == ["too small", "good", "good", "too large", "diverges"]
    text = describe_zones(SWEEP)
    assert "too small: 1e-05;" in text and "too large: 0.1;" in text and "good: 0.001 to 0.01" in text
    assert point_zones([outcome(1e-5, 2.25, 0.09), outcome(1.0, None, None, "diverged")]) == [
        "barely learns",  # nothing learned: no rate to be smaller or larger than
        "diverges",
    ]


def _encodings(layer):
    for value in layer["encoding"].values():
        yield from (v for v in (value if isinstance(value, list) else [value]) if isinstance(v, dict) and "field" in v)


def test_the_sweep_chart_keeps_every_run_in_both_panels_on_one_axis():
    spec = make_sweep_chart(SWEEP, 0.001).to_dict()
    loss_panel, accuracy_panel = spec["vconcat"]
    datasets = spec["datasets"]

    def rows(panel, field):  # the rows each layer drawing `field` gets (its own data, its panel's, or the chart's)
        found = []
        for layer in panel["layer"]:
            if layer["encoding"].get("y", {}).get("field") == field and layer["mark"]["type"] == "point":
                name = layer.get("data", panel.get("data", spec.get("data")))["name"]
                found.append({r["learning rate"] for r in datasets[name] if r.get(field) is not None})
        return found

    assert rows(loss_panel, "mean loss, last epoch") == [{1e-5, 1e-3, 1e-2, 1e-1, 1.0}]  # every run
    assert rows(accuracy_panel, "test accuracy") == [{1e-5, 1e-3, 1e-2, 1e-1, 1.0}]  # the diverged run too
    fields = {e["field"] for p in (loss_panel, accuracy_panel) for layer in p["layer"] for e in _encodings(layer)}
    assert not any("'" in f or '"' in f for f in fields)  # a quote in a field name breaks the chart in the browser
    legend = loss_panel["layer"][1]["encoding"]["color"]["scale"]["domain"]
    assert legend == ["too small", "good", "too large", "diverges"]  # only the zones drawn
    domains = [
        layer["encoding"]["x"]["scale"]["domain"]
        for panel in (loss_panel, accuracy_panel)
        for layer in panel["layer"]
        if "scale" in layer["encoding"]["x"]
    ]
    assert domains and all(d == [1e-5, 1.0] for d in domains)  # in learning rates, on a log scale
    xs = [layer["encoding"]["x"] for panel in (loss_panel, accuracy_panel) for layer in panel["layer"]]
    assert all(x["field"] == "learning rate" and x["scale"]["type"] == "log" for x in xs)
    assert all(x["title"] == "learning rate (log scale)" for x in xs)
