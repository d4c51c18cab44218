"""Every sentence agrees with the computation behind it: the lib functions that build captions, checked against
the numbers they describe, over several settings."""

import re

import numpy as np
import pytest

from lib.boundary import DATASETS, confidence, describe_boundary, halfplane_agreement, train_boundary
from lib.choices import LOSSES, OUTPUTS, pairing_note
from lib.descent import CURVES_1D, curve_minima, descent_1d, descent_view, describe_descent
from lib.descent2d import all_paths, describe_path
from lib.descent2d_text import describe_paths
from lib.fmt import and_list, constant, operand, prob, term, tied_max
from lib.models import build_mlp, param_rows
from lib.quiz import network_quiz

BOWL, VALLEYS = "bowl: (w − 2)² + 1", "two valleys: w⁴/4 − w² + w/2 + 2"


# --- gradient descent, one parameter ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "curve,start,lr,steps", [(BOWL, -1.0, 1.05, 15), (BOWL, -1.0, 1.2, 15), (VALLEYS, 4.0, 0.1, 5)]
)
def test_the_1d_chart_keeps_every_visited_point(curve, start, lr, steps):
    rows = descent_1d(curve, start, lr, steps)
    view = descent_view(curve, rows)
    assert len(view["points"]) == len(rows)  # nothing dropped
    for point in view["points"]:
        assert view["low"] <= point["shown_w"] <= view["high"]
        if not point["off_chart"]:
            assert point["shown_w"] == point["w"]  # drawn where it really is
    assert view["off_chart"] == sum(p["off_chart"] for p in view["points"])


def test_lr_1_05_on_the_bowl_alternates_sides_and_is_called_diverging():
    rows = descent_1d(BOWL, -1.0, 1.05, 15)
    ws = [row["w"] for row in rows]
    assert ws[1] == pytest.approx(5.3) and ws[2] == pytest.approx(-1.63)  # the real steps jump across w = 2
    view = descent_view(BOWL, rows)
    assert view["low"] <= -1.63 and view["high"] >= 6.0  # the axis grew to show them
    kind, sentence = describe_descent(rows, BOWL)
    assert kind == "diverged" and "one side of the minimum to the other" in sentence


def test_the_two_valleys_minima_are_computed_not_typed():
    minima = curve_minima(VALLEYS)
    f = CURVES_1D[VALLEYS].function
    assert [round(m["w"], 3) for m in minima] == [-1.526, 1.267]  # global first
    for m in minima:  # f'(w) = w³ − 2w + 1/2 = 0 there, and f'' > 0
        assert m["w"] ** 3 - 2 * m["w"] + 0.5 == pytest.approx(0, abs=1e-9)
        assert 3 * m["w"] ** 2 - 2 > 0
        assert f(m["w"]) == pytest.approx(m["loss"])
    low, high = CURVES_1D[VALLEYS].view
    w = np.linspace(low, high, 200)
    assert f(w).max() < 10  # the default view shows the valleys, not loss 90


def test_a_run_that_settles_in_the_local_minimum_is_called_so():
    kind, sentence = describe_descent(descent_1d(VALLEYS, 2.0, 0.05, 60), VALLEYS)
    assert kind == "local minimum" and "1.267" in sentence.replace("−", "-") and "−1.526" in sentence
    kind, sentence = describe_descent(descent_1d(VALLEYS, -1.0, 0.1, 15), VALLEYS)
    assert kind == "converged" and "lowest point" in sentence
    kind, _ = describe_descent(descent_1d(BOWL, -1.0, 0.01, 15), BOWL)
    assert kind == "on its way"


# --- gradient descent, two parameters ---------------------------------------------------------------------
def facts(lr, steps=80, surface="elongated bowl"):
    paths = all_paths(surface, (-3.5, 1.5), lr, steps)
    return paths, {name: describe_path(surface, path, steps) for name, path in paths.items()}


def test_zigzag_and_overshoot_sentences_follow_the_paths():
    paths, found = facts(0.05)
    sentences = " ".join(describe_paths("elongated bowl", paths, 80))
    assert found["SGD"]["reversals"] == 0 and "Never reversed direction: SGD" in sentences
    assert found["SGD with momentum 0.9"]["reversals"] > 0 and found["SGD with momentum 0.9"]["loss_rises"] > 0
    assert "Overshot" in sentences and "SGD with momentum 0.9" in sentences.split("Overshot")[1]
    for name, f in found.items():  # every reversal count is what the path shows
        moves = np.diff(paths[name], axis=0)
        assert f["reversals"] == int(np.sum((moves[1:] * moves[:-1]).sum(axis=1) < 0))


def test_a_diverging_optimizer_is_reported_not_dropped():
    from lib.charts import make_contour_chart
    from lib.descent2d import surface_grid

    paths, found = facts(0.3)
    assert found["SGD"]["diverged"]
    assert any(s.startswith("SGD diverged") for s in describe_paths("elongated bowl", paths, 80))
    spec = make_contour_chart(surface_grid("elongated bowl", 10), paths, "t").to_dict()
    rows = [row for data in spec["datasets"].values() for row in data if "optimizer" in row]
    sgd = [row for row in rows if row["optimizer"] == "SGD"]
    assert len(sgd) >= len(paths["SGD"]) and any(row["off chart"] for row in sgd)  # kept, at the edge, marked


def test_table_and_legend_use_the_same_names():
    from lib.descent2d import escape_table

    paths, _ = facts(0.05, 5)
    assert set(paths) == {row["optimizer"] for row in escape_table(1e-2, steps=5)}


# --- activations: the decision boundaries -------------------------------------------------------------------
@pytest.fixture(scope="module")
def boundaries():
    out = {}
    for dataset in DATASETS:
        points, labels = DATASETS[dataset](400, 0.1, 0)
        for activation, units in ((None, 16), ("relu", 16), ("relu", 2)):
            out[dataset, activation, units] = train_boundary(points, labels, activation, units, 400)
    return out


def test_boundary_captions_follow_the_trained_networks(boundaries):
    circles_linear, moons_linear = boundaries["circles", None, 16], boundaries["moons", None, 16]
    assert "unsure" in describe_boundary(circles_linear) and confidence(circles_linear) < 0.65
    assert moons_linear.accuracy > 0.8 and "unsure" not in describe_boundary(moons_linear)  # moons: a line does well
    for result in boundaries.values():
        text = describe_boundary(result)
        assert f"accuracy {result.accuracy:.0%}" in text
        assert ("is a straight line" in text) == (halfplane_agreement(result) >= 0.995)
    assert "is a straight line" in describe_boundary(circles_linear)  # no activation: always straight
    assert "bends" in describe_boundary(boundaries["circles", "relu", 16])


# --- the network quiz ---------------------------------------------------------------------------------------
def stated(option: str) -> int:
    """The number an option claims: the first number after its last '='."""
    return int(re.search(r"\d[\d,]*\d|\d", option.rsplit("=", 1)[-1]).group().replace(",", ""))


def test_quiz_distractors_never_equal_the_right_answer_at_any_width_up_to_512():
    for width in range(1, 513):
        rows = param_rows(build_mlp(hidden_units=width))
        for question in network_quiz(rows)[1:]:  # the two counting questions
            right = stated(question.options[question.answer])
            assert right == (rows[1].params if question.prompt.startswith("2.") else rows[2].params)
            wrong = [stated(o) for i, o in enumerate(question.options) if i != question.answer]
            assert right not in wrong and len(set(wrong)) == len(wrong), (width, question.options)


# --- losses, sigmoid output, numbers ------------------------------------------------------------------------
def test_every_output_and_loss_pair_says_what_it_computes():
    for loss in LOSSES:
        for output in OUTPUTS:
            assert pairing_note(loss, output)
    assert "binary cross-entropy" in pairing_note("cross_entropy", "sigmoid")
    assert LOSSES["cross_entropy"].needs_one_hot("sigmoid") and not LOSSES["cross_entropy"].needs_one_hot("softmax")


def test_numbers_read_as_a_learner_expects():
    assert term(-0.045, "x₂") == "− 0.045·x₂" and term(0.5, "x₁") == "+ 0.500·x₁"
    assert constant(-0.2) == "− 0.200"
    assert operand(-0.2052) == "(−0.2052)" and operand(3.0) == "3.0000"
    assert prob(2.2e-6) == "2.20e−06" and prob(0.25) == "0.2500" and prob(0.0) == "0"
    assert tied_max([0.4, 0.4, 0.2]) == [0, 1] and tied_max([0.1, 0.5]) == [1]
    assert and_list([3, 5]) == "3 and 5" and and_list([1, 2, 3]) == "1, 2 and 3"


def test_the_live_charts_legend_and_caption_name_only_the_series_it_draws():
    from lib.lab.charts import make_training_chart, series_caption
    from lib.lab.jobs import EpochRecord, History

    diverged = make_training_chart(History([2.3, 40.0, 6889.0], [0.06, 0.09, 0.03]), 1782, None, raw=True)
    series = list(diverged["datasets"]["training"]["series"].unique())
    assert series == ["training (each batch)"]
    legend = diverged["vconcat"][0]["layer"][0]["encoding"]["color"]["scale"]["domain"]
    assert legend == series
    caption = series_caption(series)
    assert caption.startswith("Grey:") and "unsmoothed" in caption and "Blue" not in caption and "Orange" not in caption
    full = History([1.0] * 10, [0.5] * 10, [EpochRecord(1, 1.0, 0.5, 0.9, 0.6, 1.0, {})])
    series = list(make_training_chart(full, 10, 5)["datasets"]["training"]["series"].unique())
    assert "Orange: the held-out validation images" in series_caption(series)


def test_a_runs_reading_names_what_differs_from_the_closest_earlier_run():
    from lib.lab.config import TrainConfig
    from lib.lab.reading import compare_with_earlier, run_reading

    relu, linear = TrainConfig(), TrainConfig(hidden_activation="linear")
    text = compare_with_earlier(
        [(relu, 0.9724), (TrainConfig(optimizer="sgd", learning_rate=0.01), 0.95), (linear, 0.9205)]
    )
    assert "differs from run 1 only in hidden activation relu → none" in text and "5.19 points lower" in text
    assert "same settings and seed as run 1" in compare_with_earlier([(relu, 0.97), (relu, 0.9712)])
    assert compare_with_earlier([(relu, 0.97)]) is None
    notes = run_reading(linear, 0.9205, 0.925)
    assert "single linear classifier" in notes[0] and "92.05%" in notes[0]
    assert any("overfitting" in n for n in run_reading(relu, 0.95, 0.99))
    assert not any("overfitting" in n for n in run_reading(relu, 0.97, 0.98))
