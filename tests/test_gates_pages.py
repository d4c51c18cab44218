"""Predictions in the pages: a locked answer keeps its score when a setting changes, exploring keeps what was
revealed, the question comes before what answers it, and an uploaded progress file brings the answers back."""

from lib.gates import GATES
from lib.predictions import losses_over_one, network_width
from lib.progress import from_json, to_json
from tests.test_pages import answer_gate, open_page
from ui.nav import all_pages

DEFAULT_LOGITS = [0.0, 0.0, 0.0, 2.0, 0.0, 1.5, 0.0, 0.0, 0.5, 0.0]


def verdicts(at) -> list[str]:
    return [e.value for e in [*at.success, *at.error] if "You predicted" in e.value]


def test_a_locked_loss_answer_stays_right_when_a_logit_moves():
    at = open_page("pages/losses.py")
    question = losses_over_one(3, DEFAULT_LOGITS)
    assert question.options[question.answer] == "yes"  # cross-entropy 1.02 at the defaults
    answer_gate(at, "losses_over_one", "yes")
    assert any("right" in v for v in verdicts(at))
    at.slider(key="losses_logit3").set_value(5.7).run()  # the question is now another one
    assert not any("the computation says" in e.value for e in at.error)  # the old answer is not re-scored
    [answer] = at.session_state["progress"]["gates"]["losses_over_one"]["answers"]
    assert answer["correct"] is True and answer["state"]["logits"][3] == 2.0
    assert at.dataframe, "exploring keeps the revealed table"
    answer_gate(at, "losses_over_one", "yes")  # the new question, answered wrong
    scores = [a["correct"] for a in at.session_state["progress"]["gates"]["losses_over_one"]["answers"]]
    assert scores == [True, False]
    assert "2 answers, 1 right" in " ".join(m.value for m in at.sidebar.markdown)


def boundary_charts(at) -> int:
    return sum("accuracy" in str(chart.proto.spec) for chart in at.get("vega_lite_chart"))


def test_exploring_after_the_boundary_reveal_keeps_the_boundaries():
    at = open_page("pages/activations.py")
    assert boundary_charts(at) == 0  # hidden before the prediction
    answer_gate(at, "activations_boundary", "ReLU")
    assert boundary_charts(at) == 2
    at.slider(key="activations_units").set_value(17).run()
    assert boundary_charts(at) == 2, "16 → 17 hidden neurons must not hide the boundaries"
    at.slider(key="activations_temperature").set_value(1.5).run()
    assert boundary_charts(at) == 2, "T 1 → 1.5 must not hide the boundaries"
    assert any(b.key == "gate_activations_boundary_again" for b in at.button)  # the new question, offered


def test_the_temperature_question_comes_before_the_temperature_slider():
    at = open_page("pages/activations.py")
    keys = [getattr(node, "key", None) for node in at.main]
    order = [k for k in keys if k in ("gate_activations_temperature_choice", "activations_temperature")]
    assert order == ["gate_activations_temperature_choice", "activations_temperature"]


def test_the_descent_question_comes_before_the_chart_and_slider_it_asks_about():
    at = open_page("pages/descent.py")
    keys = [getattr(node, "key", None) for node in at.main]
    order = [k for k in keys if k in ("gate_descent_learning_rate_choice", "descent_lr")]
    assert order == ["gate_descent_learning_rate_choice", "descent_lr"]


def test_backprop_hides_the_gradients_until_the_bias_question_is_answered():
    at = open_page("pages/backprop.py")
    assert not at.get("graphviz_chart"), "the graph shows ∂L/∂w₁ and ∂L/∂b: not before the prediction"
    assert not any("GradientTape" in str(df.value.columns.tolist()) for df in at.dataframe)
    answer_gate(at, "backprop_bias", 0)
    assert at.get("graphviz_chart")
    at.button(key="backprop_train_button").click().run()  # epoch 1: a new question
    assert at.get("graphviz_chart"), "exploring keeps the graph"
    assert not any("∂L/∂b =" in v for v in verdicts(at) if "epoch 1" in v)  # not revealed unasked
    assert any(b.key == "gate_backprop_bias_again" for b in at.button)


def test_the_sign_question_follows_the_neuron_and_never_states_the_rule():
    at = open_page("pages/backprop.py")
    options = at.radio(key="gate_backprop_sign_choice").options
    assert not any("∂" in option for option in options)
    answer_gate(at, "backprop_sign", 0)
    at.button(key="backprop_train_button").click().run()
    assert any(r.key == "gate_backprop_sign_choice" for r in at.radio)  # epoch 1: asked afresh, not revealed


def test_an_uploaded_progress_file_brings_back_the_answers():
    at = open_page("pages/network.py")
    question = network_width(64)
    right = question.options[question.answer]
    answer_gate(at, "network_width", right)
    payload = to_json(at.session_state["progress"]).encode()
    fresh = open_page("pages/home.py")
    fresh.session_state["progress"] = from_json(payload, {s.path for s in all_pages()}, set(GATES))
    fresh.switch_page("pages/network.py").run()
    assert not any(r.key == "gate_network_width_choice" for r in fresh.radio)  # not asked again
    assert any(right in v and ": right" in v for v in verdicts(fresh))


def test_the_step_activation_question_comes_before_the_results():
    at = open_page("pages/train.py")
    keys = [getattr(node, "key", None) for node in at.main]
    assert keys.index("gate_train_step_frozen_choice") < keys.index("train_start_button")
