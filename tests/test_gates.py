"""Every prediction's right answer, swept over its page's controls against an oracle written here, and the record
of answers: bound to the exact state asked about, scored once, shuffled the same way for the same state."""

import math
import re
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.backprop import NeuronExperiment
from lib.descent import BEHAVIOURS, HORIZON, LEARNING_RATES_1D, describe_descent, fates, long_run
from lib.descent2d import escape_table
from lib.gates import find_answer, lock
from lib.models import build_mlp, param_rows
from lib.predictions import (
    activations_boundary,
    activations_temperature,
    backprop_sign,
    descent_learning_rate,
    descent_saddle,
    losses_over_one,
    losses_shift,
    network_width,
    question_learning_rate,
)
from lib.quiz import activation_quiz, network_quiz

BOWL, VALLEYS = "bowl: (w − 2)² + 1", "two valleys: w⁴/4 − w² + w/2 + 2"
STARTS = [round(-3.0 + 0.1 * i, 1) for i in range(71)]  # the start slider: −3 to 4 in steps of 0.1
SLOPE = {BOWL: lambda w: 2 * (w - 2), VALLEYS: lambda w: w**3 - 2 * w + 0.5}
LOSS = {BOWL: lambda w: (w - 2) ** 2 + 1, VALLEYS: lambda w: w**4 / 4 - w**2 + w / 2 + 2}
RULES, LABELS = ("sgd", "momentum", "rmsprop", "adam"), ("SGD", "SGD with momentum 0.9", "RMSprop", "Adam")
logit = st.integers(-50, 50).map(lambda k: k / 10)  # a logit slider: −5 to 5 in steps of 0.1


# --- gradient descent: the "double the learning rate" question and the 1-D verdict -------------------------------
def bowl_oracle(start: float, learning_rate: float) -> str:
    """Exact: w − 2 is multiplied by r = 1 − 2·lr at every step (decimal slider values, as fractions)."""
    distance, r = Fraction(str(start)) - 2, 1 - 2 * Fraction(str(learning_rate))
    if distance == 0:
        return "stays"
    if abs(r) > 1:
        return "diverges"
    if r == -1:
        return "two-point bounce"
    return "jumps over, settling" if r < 0 else "steady"


def test_the_descent_question_is_right_at_every_start_and_rate_994_settings():
    settings_checked = 0
    for page_rate in LEARNING_RATES_1D:
        asked = question_learning_rate(page_rate)
        fates(BOWL, STARTS, asked)  # one long run for every start at once
        for start in STARTS:
            question = descent_learning_rate(start, page_rate)
            assert question.right == BEHAVIOURS[bowl_oracle(start, asked)], (start, page_rate)
            assert f"{asked:g}" in question.question
            settings_checked += 1
    assert settings_checked == 994


@pytest.mark.parametrize(
    "start,page_rate,expected",
    [
        (-1.0, 0.5, "bounces between two points forever"),  # −1, 5, −1, 5: not "closing in"
        (-1.0, 0.3, "jumps from side to side, closing in"),  # −1 → 2.6 → 1.88: it jumps over
        (-1.0, 0.4, "jumps from side to side, closing in"),
        (-1.0, 1.05, "jumps from side to side, closing in"),  # asked at 0.525
        (2.0, 0.4, "stays where it is"),  # the gradient is 0 at w = 2: it never moves
    ],
)
def test_the_cases_a_learner_found(start, page_rate, expected):
    assert descent_learning_rate(start, page_rate).right == expected


def oracle_run(curve: str, start: float, learning_rate: float, horizon: int = HORIZON) -> list[float]:
    """Plain Python floats and the derivative by hand, for as many steps as the lesson's claims are about."""
    slope, w, path = SLOPE[curve], start, [start]
    for _ in range(horizon):
        w = w - learning_rate * slope(w)
        if not abs(w) <= 1e6:
            return [*path, math.inf]
        path.append(w)
    return path


def settles_at(curve: str, path: list[float]) -> float | None:
    """Where the path rests for its last 100 steps (within 1e-6, on a flat point), else None."""
    end = path[-1]
    if not math.isfinite(end) or max(abs(w - end) for w in path[-100:]) > 1e-6 or abs(SLOPE[curve](end)) > 1e-5:
        return None
    return end


def rows_from(curve: str, path: np.ndarray, learning_rate: float, steps: int) -> list[dict]:
    ws = [float(w) for w in path[: steps + 1]]
    ws = ws[: next((i + 1 for i, w in enumerate(ws) if not math.isfinite(w)), len(ws))]
    slope, loss = SLOPE[curve], LOSS[curve]
    return [
        {"step": i, "w": w, "loss": loss(w), "gradient": slope(w), "update": -learning_rate * slope(w)}
        for i, w in enumerate(ws)
    ]


def test_the_1d_verdict_agrees_with_a_long_simulation_on_both_curves_5964_settings():
    """'Diverging' only when it really runs off; 'settling', 'converged', 'on its way' only when it settles (and
    the distance really shrinks over the next steps); 'not settling' only when it never does."""
    checked = 0
    for curve in (BOWL, VALLEYS):
        for rate in LEARNING_RATES_1D:
            fates(curve, STARTS, rate)
            paths = long_run(curve, STARTS, rate, 60)
            for column, start in enumerate(STARTS):
                truth = oracle_run(curve, start, rate)
                end = settles_at(curve, truth)
                for steps in (1, 15, 60):
                    rows = rows_from(curve, paths[:, column], rate, steps)
                    kind, sentence = describe_descent(rows, curve, rate)
                    where = (curve, start, rate, steps, sentence)
                    assert (kind == "diverged") == (not math.isfinite(truth[-1])), where
                    if kind in ("converged", "local minimum", "on its way") or "so it is settling" in sentence:
                        assert end is not None, where
                    if "so it is settling" in sentence:
                        n = len(rows) - 1
                        assert abs(truth[n + 20] - end) < abs(truth[n] - end), where  # it really closes in
                    if "not settling" in sentence:
                        assert end is None and math.isfinite(truth[-1]), where
                    checked += 1
    assert checked == 5964


# --- activations -------------------------------------------------------------------------------------------
def test_about_the_same_means_within_two_points_of_400_points_10025_settings():
    """Accuracies on the 400 points are k/400: 'within 2 points' is a difference of at most 8 points right."""
    checked = 0
    for linear_right in range(401):
        for difference in range(-12, 13):
            relu_right = linear_right + difference
            if not 0 <= relu_right <= 400:
                relu_right = linear_right - difference
            question = activations_boundary("moons", 2, 400, linear_right / 400, relu_right / 400)
            gap = relu_right - linear_right
            expected = "about the same (within 2 points)" if abs(gap) <= 8 else ("ReLU" if gap > 0 else "no activation")
            assert question.right == expected, (linear_right, relu_right)
            shown = [float(x) for x in re.findall(r"(\d+\.\d\d)%", question.reveal)]
            assert shown == [linear_right / 4, relu_right / 4]  # exact: a point is 0.25%
            assert f"{abs(gap) / 4:.2f} points apart" in question.reveal
            checked += 1
    assert checked == 10025
    assert activations_boundary("moons", 2, 400, 0.88, 0.90).right == "about the same (within 2 points)"
    reveal = activations_boundary("moons", 2, 400, 0.86, 0.884).reveal
    assert "86.00%" in reveal and "88.40%" in reveal and "2.40 points apart, more than 2" in reveal


@settings(max_examples=300, deadline=None)
@given(st.lists(logit, min_size=5, max_size=5), st.integers(1, 50).map(lambda k: k / 10))
def test_the_temperature_question_against_numpy(logits, temperature):
    def top(t):
        z = np.array(logits) / t
        return float(np.max(np.exp(z - z.max()) / np.exp(z - z.max()).sum()))

    target = 5.0 if temperature < 5.0 else 0.5
    question = activations_temperature(logits, temperature)
    change = top(target) - top(temperature)
    if abs(change) > 1e-7:
        assert question.right == ("it rises" if change > 0 else "it falls")
    elif max(logits) == min(logits):
        assert question.right == "it stays the same"


# --- losses ------------------------------------------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(st.integers(0, 9), st.lists(st.integers(-50, 80).map(lambda k: k / 10), min_size=10, max_size=10))
def test_the_loss_questions_against_numpy(true_digit, logits):
    z = np.array(logits)
    cross_entropy = float(np.log(np.exp(z - z.max()).sum()) + z.max() - z[true_digit])
    over = losses_over_one(true_digit, logits)
    if abs(cross_entropy - 1) > 1e-5:  # float32 inside Keras
        assert over.right == ("yes" if cross_entropy > 1 else "no")
    assert "0.0000 probability" not in over.reveal
    assert losses_shift(true_digit, logits).right == "it stays the same"  # softmax sees only differences


def test_a_tiny_probability_is_shown_as_a_number_not_zero():
    logits = [8.0] * 10
    logits[3] = -5.0
    reveal = losses_over_one(3, logits).reveal
    assert re.search(r"−log of the \d\.\d\de−0\d probability", reveal), reveal


# --- the network: the width prediction and the quiz ------------------------------------------------------------
def test_the_width_question_counts_right_at_every_width_and_its_answer_moves_512_settings():
    positions = set()
    for width in range(1, 513):
        question = network_width(width)
        other = width * 2 if width <= 256 else width // 2
        assert question.right == f"{(784 + 1) * other + (other + 1) * 10:,}"
        positions.add(question.answer)
    assert positions == {0, 1, 2}  # not always first


def test_the_quiz_answer_is_not_always_in_the_same_place():
    seen = {i: set() for i in range(3)}
    for width in (1, 2, 3, 10, 32, 64, 100, 128, 300, 512):
        for i, question in enumerate(network_quiz(param_rows(build_mlp(hidden_units=width)))):
            seen[i].add(question.answer)
    assert len(seen[1]) > 1 and len(seen[2]) > 1  # the counting questions move with the width
    at_64 = [q.answer for q in network_quiz(param_rows(build_mlp(hidden_units=64))) + activation_quiz()]
    assert len(set(at_64)) > 1  # the five questions are not all answered by the same position


# --- backprop: the sign of the page's own next step ------------------------------------------------------------
STAYS = "neither: w₁ stays the same, or is not a number"


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "rmsprop", "adam", "adagrad"])
def test_the_sign_question_is_answered_by_the_next_real_step_12_settings_each(optimizer):
    """At 0, 1, 37 and 200 epochs (the step taken in between moves on by one)."""
    for rate in (0.001, 0.1, 1.0):
        experiment = NeuronExperiment(optimizer, rate, 0)
        for epochs in (0, 1, 37, 200):
            if epochs > experiment.epoch:
                experiment.train(epochs - experiment.epoch)
            question = backprop_sign(experiment, experiment.tape_gradient())
            again = backprop_sign(experiment, experiment.tape_gradient())
            step = experiment.step()  # the oracle: take the step and look
            change = step.after[0] - step.before[0]
            expected = "larger" if change > 0 else ("smaller" if change < 0 else STAYS)
            assert question.right == expected == again.right, (optimizer, rate, epochs)
            assert not any("∂" in option or "gradient" in option for option in question.options)


def test_adam_after_37_epochs_moves_w1_against_the_sign_rule():
    experiment = NeuronExperiment("adam", 0.1, 0)
    experiment.train(37)
    gradient = experiment.tape_gradient()
    assert gradient[0] > 0  # the rule would say "smaller"
    assert backprop_sign(experiment, gradient).right == "larger"  # the real step: 2.0217 → 2.0512


# --- the record -----------------------------------------------------------------------------------------------
def test_a_locked_answer_keeps_its_score_and_its_state():
    gates = {}
    first = losses_over_one(3, [0, 0, 0, 2.0, 0, 1.5, 0, 0, 0.5, 0])
    lock(gates, first, "yes")
    changed = losses_over_one(3, [0, 0, 0, 5.7, 0, 1.5, 0, 0, 0.5, 0])
    assert find_answer(gates, changed) is None  # another question
    lock(gates, changed, "yes")  # wrong there
    assert lock(gates, first, "no")["correct"] is True  # locked: the score stays
    answers = gates["losses_over_one"]["answers"]
    assert [(a["state"]["logits"][3], a["correct"]) for a in answers] == [(2.0, True), (5.7, False)]


def test_the_same_state_shows_the_same_order_and_other_states_other_orders():
    assert network_width(64) == network_width(64)
    orders = {network_width(width).options.index(network_width(width).right) for width in range(1, 40)}
    assert len(orders) == 3


# --- the saddle: which optimizer leaves the ridge first -----------------------------------------------------------
def saddle_escape(rule: str, offset: float, lr: float = 0.05, steps: int = 200) -> int | None:
    """Keras 3's rules in NumPy (hyper-parameters as float32), on x² − y² + y⁴/4 from (1.5, offset)."""
    f32 = lambda v: float(np.float32(v))  # noqa: E731
    p, m, v, velocity, rate = np.array([1.5, offset]), np.zeros(2), np.zeros(2), np.zeros(2), f32(lr)
    for t in range(1, steps + 1):
        g = np.array([2 * p[0], -2 * p[1] + p[1] ** 3])
        if rule == "sgd":
            p = p - rate * g
        elif rule == "momentum":
            velocity = f32(0.9) * velocity - rate * g
            p = p + velocity
        elif rule == "rmsprop":
            v = f32(0.9) * v + (1 - f32(0.9)) * g**2
            p = p - rate * g / np.sqrt(v + 1e-7)
        else:
            m, v = f32(0.9) * m + (1 - f32(0.9)) * g, f32(0.999) * v + (1 - f32(0.999)) * g**2
            alpha = rate * np.sqrt(1 - f32(0.999) ** t) / (1 - f32(0.9) ** t)
            p = p - alpha * m / (np.sqrt(v) + 1e-7)
        if abs(p[1]) > 1.0:
            return t
    return None


@pytest.mark.parametrize("offset", [1e-6, 1e-4, 1e-2, 0.1])  # the page's four starts
def test_the_saddle_question_names_the_first_to_leave_by_numpy(offset):
    steps = {name: saddle_escape(rule, offset) for name, rule in zip(LABELS, RULES, strict=True)}
    first = min((n, name) for name, n in steps.items() if n is not None)[1]
    assert descent_saddle(escape_table(offset), offset).right == first, steps
