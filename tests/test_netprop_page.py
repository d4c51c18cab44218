"""Backprop through the network in AppTest: predictions before the backward pass, controls that change what it
shows, and a worksheet that scores, names a mistake and counts in the progress."""

import pytest

from lib.netsheet import make_sheet
from tests.test_pages import answer_gate, chart_specs, open_page

PAGE = "pages/backprop_network.py"


@pytest.fixture(scope="module")
def page():
    at = open_page(PAGE)
    assert not at.exception, [e.value for e in at.exception]
    return at


def headers(at) -> list[str]:
    return [h.value for h in at.header]


def captions(at) -> list[str]:
    return [c.value for c in at.caption]


def test_the_backward_pass_stays_hidden_until_both_predictions_are_locked_in(page):
    at = page
    assert headers(at) == ["1. The forward pass as matrices", "2. The backward pass, line by line"]
    assert len(at.get("vega_lite_chart")) == 1  # the probabilities only: no gradient is on screen yet
    shapes = dict(zip(at.dataframe[0].value["matrix"], at.dataframe[0].value["shape"], strict=True))
    assert shapes["Z₁ = X·W₁ + b₁"] == "32 × 64" and shapes["Z₂ = H·W₂ + b₂"] == "32 × 10"
    answer_gate(at, "netprop_negative", "only the true digit's")
    assert len(headers(at)) == 2
    answer_gate(at, "netprop_off", "exactly 0: nothing flows back through it")
    assert not at.exception
    assert headers(at)[2:] == ["3. Other hidden activations", "4. What it costs", "5. Backprop by hand, checked"]
    gates = at.session_state["progress"]["gates"]
    assert gates["netprop_negative"]["answers"][-1]["correct"]  # untrained ReLU: only the true digit's is negative
    assert gates["netprop_off"]["answers"][-1]["correct"]  # and a ReLU neuron that is off passes back exactly 0
    assert any("agree to within 1e-05" in c for c in captions(at))
    assert [link.proto.page for link in at.get("page_link")] == ["backprop", "activations"]  # one neuron; Next


def test_batch_network_and_activation_change_what_the_page_shows(page):
    at = page
    loss = next(c for c in captions(at) if c.startswith("L = "))
    before = chart_specs(at)
    at.number_input(key="netprop_batch").set_value(7).run()
    assert next(c for c in captions(at) if c.startswith("L = ")) != loss
    assert sum(a != b for a, b in zip(before, chart_specs(at), strict=True)) >= 3  # probabilities, ∂L/∂Z₂, mask
    loss = next(c for c in captions(at) if c.startswith("L = "))
    at.number_input(key="netprop_seed").set_value(5).run()  # another untrained network
    assert next(c for c in captions(at) if c.startswith("L = ")) != loss
    at.select_slider(key="netprop_batch_size").set_value(128).run()
    assert "128 × 64" in list(at.dataframe[0].value["shape"])
    assert any("of the 128 images" in c for c in captions(at))
    assert any(c.startswith("With sigmoid, f′(Z₁) is non-zero for all 64") for c in captions(at))  # swapped in
    at.selectbox(key="netprop_activation").set_value("relu").run()
    assert any(c.startswith("That is this network's own activation") for c in captions(at))
    at.selectbox(key="netprop_activation").set_value("step").run()
    assert any("f′(Z₁) is 0 for all 64 hidden neurons" in c for c in captions(at))
    assert not at.exception
    assert at.selectbox(key="netprop_network").options[:2] == [
        "untrained: seeded random weights",
        "the notebook's network, trained (ReLU, Adam, 5 epochs)",
    ]


def test_the_worksheet_scores_names_a_mistake_and_counts_when_finished(page):
    at = page
    sheet = make_sheet(0)
    q1, q2, q3, q4 = sheet.questions
    at.number_input(key="netsheet_0_dz2").set_value(round(q1.answer, 4))
    at.number_input(key="netsheet_0_dw2").set_value(round(q2.answer, 4))
    at.button_group(key="netsheet_0_mask").set_value(list(q3.answer))
    at.number_input(key="netsheet_0_dw1").set_value(round(q4.mistakes[0][1], 4))  # the mask dropped
    at.button[[b.label for b in at.button].index("Check my answers")].click().run()
    assert any("a dropped mask" in e.value for e in at.error)
    assert at.session_state["progress"]["worksheets"] == 0
    at.number_input(key="netsheet_0_dw1").set_value(round(q4.answer, 4))
    at.button[[b.label for b in at.button].index("Check my answers")].click().run()
    assert not at.error and any("Worksheet finished" in s.value for s in at.success)
    assert at.session_state["progress"]["worksheets"] == 1
    at.button(key="netsheet_new").click().run()
    assert at.session_state["netsheet_number"] == 1
    assert any(n.key == "netsheet_1_dz2" and n.value is None for n in at.number_input)
    assert not at.exception
