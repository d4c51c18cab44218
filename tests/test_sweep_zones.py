"""A sweep's zones and words are right for every sweep, not only a clean one: runs that did not finish are named
as such and judge nothing, the best is over finished runs, the budget is stated, the slider stays in bounds."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from lib.choices import BOUNDS
from lib.lab.config import TrainConfig
from lib.lab.experiment_charts import make_sweep_chart
from lib.lab.experiments import (
    BARELY,
    describe_zones,
    experiments_ending,
    point_zones,
    sweep_configs,
    sweep_exponents,
    sweep_rates,
)
from lib.lab.series import RunOutcome, SeriesOfRuns

INITIAL = 2.3
UNFINISHED = ("stopped", "cancelled", "failed", "invalid")


def run(rate, state="finished", ratio=0.5, accuracy=0.8):
    """A sweep point: its final loss is ratio × the untrained loss; runs that never trained have no numbers."""
    config = TrainConfig(learning_rate=rate, epochs=1, data_fraction=0.02)
    if state in ("cancelled", "failed", "invalid"):
        return RunOutcome(config, state, None, None, None, [], None)
    if state == "diverged":
        return RunOutcome(config, state, float("nan"), INITIAL, None, [1.0], None, 38)
    return RunOutcome(config, state, ratio * INITIAL, INITIAL, accuracy, [1.0], None, 38)


def zones_oracle(points):
    """Zones written from the definition: unfinished runs keep their state's name; a finished run learned when its
    loss is at most BARELY × the untrained loss; one that did not is too small below the lowest rate that
    learned, too large above the highest, else barely learns."""
    learned_rates = sorted(
        p.config.learning_rate for p in points if p.state == "finished" and p.final_loss <= BARELY * p.initial_loss
    )
    answer = []
    for p in points:
        if p.state in UNFINISHED:
            answer.append(p.state)
        elif p.state == "diverged":
            answer.append("diverges")
        elif p.final_loss <= BARELY * p.initial_loss:
            answer.append("good")
        elif learned_rates and p.config.learning_rate < learned_rates[0]:
            answer.append("too small")
        elif learned_rates and p.config.learning_rate > learned_rates[-1]:
            answer.append("too large")
        else:
            answer.append("barely learns")
    return answer


point = st.tuples(
    st.sampled_from(["finished", "finished", "finished", "diverged", *UNFINISHED]),
    st.floats(0.05, 1.2),
    st.floats(0.0, 1.0),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(point, min_size=1, max_size=13), st.integers(0, 4), st.booleans())
def test_zones_and_words_agree_with_the_oracle_for_any_sweep(points, never_ran, stopped):
    rates = sweep_rates(-5, 2, len(points))
    outcomes = [run(rate, state, ratio, accuracy) for rate, (state, ratio, accuracy) in zip(rates, points, strict=True)]
    zones = point_zones(outcomes)
    assert zones == zones_oracle(outcomes)
    for outcome, zone in zip(outcomes, zones, strict=True):  # never "diverges" or "barely learns" for a cut run
        assert (zone == "diverges") == (outcome.state == "diverged")
    text = describe_zones(outcomes, len(outcomes) + never_ran, stopped)
    finished = [o for o in outcomes if o.state == "finished"]
    best = re.search(r"best test accuracy of the (\d+) finished runs?, ([\d.]+)%, came at ([\de.+-]+)\.", text)
    if finished:
        top = max(o.test_accuracy for o in finished)
        assert best and int(best[1]) == len(finished)
        assert abs(float(best[2]) - 100 * top) <= 0.005 + 1e-9
        assert any(abs(o.config.learning_rate - float(best[3])) <= 1e-12 and o.test_accuracy == top for o in finished)
    else:
        assert best is None and "best test accuracy" not in text
    assert ("The sweep was stopped after" in text) == (stopped or never_ran > 0)
    if never_ran:
        assert f"({never_ran} rate{'s' * (never_ran != 1)} never ran)" in text
    trained = any(o.steps_per_epoch for o in outcomes)
    assert f"1 epoch on 2% of the training images, {'38 steps of ' if trained else ''}batch 32" in text
    assert "This budget decides the zones" in text


def test_a_cancelled_point_is_named_cancelled_not_diverges():
    """The issue's sweep: its learner away, the first point was cancelled in the queue and drawn as 'diverges'."""
    outcomes = [run(1e-5, "cancelled"), run(1e-3, ratio=0.3), run(1e-1, ratio=0.4), run(10, "diverged")]
    assert point_zones(outcomes) == ["cancelled", "good", "good", "diverges"]
    text = describe_zones(outcomes)
    assert "cancelled: 1e-05" in text and "diverges: 1e-05" not in text
    spec = make_sweep_chart(outcomes, 0.001).to_dict()
    rows = next(iter(spec["datasets"].values()))
    cancelled = next(r for r in rows if r["learning rate"] == 1e-5)
    assert cancelled["zone"] == "cancelled" and cancelled["tested"] == "not trained (cancelled)"
    assert not cancelled["joined"]  # the line joins finished runs only
    titles = spec["vconcat"][0]["title"]["text"]
    assert "cancelled: never trained, drawn at the bottom" in titles


def test_a_stopped_sweep_says_so_and_its_best_is_over_finished_runs():
    """'3 of 13 runs done': the stopped point was called 'barely learns' and the best came from the partial sweep."""
    outcomes = [
        run(1e-5, ratio=0.95, accuracy=0.2),
        run(3.16e-5, ratio=0.7, accuracy=0.561),
        run(1e-4, "stopped", 0.9, 0.6),
    ]
    assert point_zones(outcomes) == ["too small", "good", "stopped"]
    text = describe_zones(outcomes, 13, True)
    assert "The sweep was stopped after 3 of 13 runs (10 rates never ran)" in text
    assert "best test accuracy of the 2 finished runs, 56.10%, came at 3.16e-05" in text
    assert "barely learns" not in text


def test_the_sweep_slider_spans_the_labs_bounds_and_every_rate_it_offers_runs():
    from tests.test_pages import open_page

    at = open_page("pages/experiments.py")
    slider = at.slider(key="experiments_range")
    assert (slider.min, slider.max) == sweep_exponents() == (-5, 2)
    bound = BOUNDS["learning_rate"]
    combos = 0
    low_end, high_end = int(slider.min), int(slider.max)
    for low in range(low_end, high_end + 1):
        for high in range(low, high_end + 1):
            for points in range(7, 14):
                for config in sweep_configs(TrainConfig(epochs=1), "adam", sweep_rates(low, high, points)):
                    assert bound.low <= config.validated().learning_rate <= bound.high
                combos += 1
    assert combos == 36 * 7


def test_a_series_names_a_run_it_could_not_start_and_goes_on(mnist):
    """A rate outside the lab's bounds used to end the series silently at '0 of 7 runs done'."""
    small = TrainConfig(epochs=1, data_fraction=0.01)
    series = SeriesOfRuns(sweep_configs(small, "sgd", [1e-6, 0.1]), mnist, orphan_after=float("inf")).start()
    series.join(300)
    assert [o.state for o in series.outcomes] == ["invalid", "finished"]
    assert point_zones(series.outcomes)[0] == "invalid" and series.current is None


def test_a_link_to_twin_settings_opens_the_twins_tab_and_the_page_ends_with_what_next():
    from tests.test_links import open_with

    at = open_with("pages/experiments.py", {"experiments_setting": "optimizer", "v": "1"})
    assert not at.exception and at.session_state["experiments_tab"] == "Twin runs"
    assert "Adam" not in at.selectbox(key="experiments_value_optimizer").options  # A's own, as the picker spells it
    assert any(h.value == "What you did, and what to try next" for h in at.header)
    plain = open_with("pages/experiments.py", {"experiments_points": "9", "v": "1"})
    assert plain.session_state["experiments_tab"] == "Learning-rate sweep"
    did, follow = experiments_ending(None, [])
    assert did.startswith("Nothing yet")


def test_the_sweep_chart_keeps_the_learning_runs_readable_beside_a_huge_divergence():
    """A diverged run's last loss (millions) set the top of the log axis, squashing every other run onto one line;
    the x axis is labelled at powers of ten, in learning rates."""
    blown_up = RunOutcome(run(0.5).config, "diverged", 6.8e6, 2.3, None, [1.0], None, 38)
    outcomes = [run(1e-5, ratio=0.95), run(1e-3, ratio=0.3), blown_up]
    spec = make_sweep_chart(outcomes, 0.001).to_dict()
    rows = next(iter(spec["datasets"].values()))
    learning = [r["mean loss, last epoch"] for r in rows if r["zone"] != "diverges"]
    top = next(r["mean loss, last epoch"] for r in rows if r["zone"] == "diverges")
    assert abs(top - 1.5 * max(learning)) <= 1e-9
    axis = spec["vconcat"][0]["layer"][0]["encoding"]["x"]["axis"]
    assert axis["values"] == [1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0]


def test_a_sweep_stopped_after_one_rate_draws_a_real_axis_and_says_how_far_it_got():
    """Stopped after its first run, the sweep's axis had zero width and drew Keras's default at that one rate."""
    for rate in sweep_rates(-5, 2, 8):  # 8 single-rate sweeps × 2 default rates
        for default in (0.01, 0.001):
            spec = make_sweep_chart([run(rate, ratio=0.95)], default).to_dict()
            low, high = spec["vconcat"][0]["layer"][0]["encoding"]["x"]["scale"]["domain"]
            assert low < high and low <= min(rate, default) and high >= max(rate, default)
    did, _ = experiments_ending("sweep", [run(1e-5, ratio=0.95)], None, 7)
    assert did.startswith("You swept 1 of 7 planned learning rate for Adam")
