"""A course a learner can follow: the order, the way on, the glossary, predictions before results, progress."""

import json
from pathlib import Path

import pytest

from lib.gates import GATES
from lib.glossary import TERMS, link
from lib.predictions import descent_learning_rate, network_width
from lib.progress import ProgressError, empty, from_json, to_json
from tests.test_pages import answer_gate, open_page
from ui.nav import all_pages, next_page

ORDER = [
    "home",
    "network",
    "learning",
    "backprop_network",
    "activations",
    "losses",
    "descent",
    "backprop",
    "train",
    "inside",
    "experiments",
    "glossary",
]


def test_the_order_follows_the_notebooks_argument_and_each_page_leads_to_the_next():
    assert [spec.url_path for spec in all_pages()] == ORDER
    for here, there in zip(ORDER[:-2], ORDER[1:-1], strict=True):
        spec = next(s for s in all_pages() if s.url_path == here)
        assert next_page(spec.path).url_path == there


def test_every_url_is_its_file_name_so_a_deep_link_to_a_fresh_server_finds_its_page():
    # Before the router's first run a fresh server knows the pages only by their file names (pages/ folder mode):
    # a URL that differs from the file name opens with a "Page not found" dialog.
    assert [spec.url_path for spec in all_pages()] == [Path(spec.path).stem for spec in all_pages()]


def test_every_page_ends_with_a_link_to_the_next_one():
    at = open_page("pages/network.py")
    links = [link.proto.label for link in at.get("page_link")]
    assert any(label.startswith("Next: **How a network learns**") for label in links)


def test_glossary_links_point_at_real_entries():
    at = open_page("pages/glossary.py")
    assert [h.value for h in at.subheader] == list(TERMS)
    assert link("batch") == "[batch](/glossary#batch)"
    with pytest.raises(KeyError):
        link("not a word")
    learning = open_page("pages/learning.py")
    text = " ".join(m.value for m in learning.markdown)
    for term in ("batch", "epoch", "logit", "step", "stochastic gradient descent"):
        assert f"/glossary#{term.replace(' ', '-')}" in text


def test_the_new_lesson_runs_one_real_step_and_hides_its_result_until_predicted():
    at = open_page("pages/learning.py")
    assert not at.exception
    shapes = dict(zip(at.dataframe[0].value["stage"], at.dataframe[0].value["shape"], strict=True))
    assert shapes["flattened"] == "32 × 784" and shapes["hidden layer output"] == "32 × 64"
    assert shapes["logits"] == "32 × 10"
    assert not any("after the step" in m.label for m in at.metric)  # hidden before the prediction
    report = at.session_state["learning_report"]
    answer_gate(at, "learning_step", "lower")
    assert any("after the step" in m.label for m in at.metric)
    right = report.loss_after < report.loss_before
    assert (len(at.success) > 0) == right  # scored against the step's real numbers
    at.button(key="learning_step_button").click().run()
    assert at.session_state["learning_report"].batch_index == 1
    assert any("after the step" in m.label for m in at.metric)  # exploring keeps what was revealed
    assert not any(r.key == "gate_learning_step_choice" for r in at.radio)  # not re-asked after every batch
    assert any(b.key == "gate_learning_step_again" for b in at.button)  # the new batch's question is offered


def test_a_prediction_is_scored_against_the_current_settings():
    small, large = descent_learning_rate(-1.0, 0.05), descent_learning_rate(-1.0, 0.6)  # asked at 0.1 and 1.2
    assert small.right == "moves steadily to the minimum"
    assert large.right == "runs away (diverges)"
    assert network_width(64).right == f"{784 * 128 + 128 + 1290:,}"
    assert network_width(300).right == f"{784 * 150 + 150 + 1510:,}"


def test_in_the_app_the_same_answer_is_right_for_one_setting_and_wrong_for_another():
    at = open_page("pages/descent.py")
    at.select_slider(key="descent_lr").set_value(0.05).run()  # the question asks about 0.1
    answer_gate(at, "descent_learning_rate", "moves steadily to the minimum")  # right at 0.1
    at.select_slider(key="descent_lr").set_value(0.6).run()  # the question now asks about 1.2
    answer_gate(at, "descent_learning_rate", "moves steadily to the minimum")  # the same answer: wrong at 1.2
    record = at.session_state["progress"]["gates"]["descent_learning_rate"]["answers"]
    assert [(a["state"]["learning rate"], a["correct"]) for a in record] == [(0.1, True), (1.2, False)]


def test_there_are_enough_predictions_across_the_course():
    assert len(GATES) >= 8
    per_page = {}
    for page in GATES.values():
        per_page[page] = per_page.get(page, 0) + 1
    assert all(1 <= n <= 4 for n in per_page.values())


def test_progress_survives_download_and_upload_in_a_fresh_session():
    at = open_page("pages/network.py")
    answer_gate(at, "network_width", 0)
    progress = at.session_state["progress"]
    payload = to_json(progress).encode()
    known_pages, known_gates = {s.path for s in all_pages()}, set(GATES)
    restored = from_json(payload, known_pages, known_gates)
    assert restored["gates"] == progress["gates"]
    [answer] = restored["gates"]["network_width"]["answers"]
    assert answer["state"] == {"hidden neurons": 64} and answer["choice"] == network_width(64).options[0]
    assert set(restored["seen"]) >= {"pages/home.py", "pages/network.py"}


@pytest.mark.parametrize(
    "junk",
    [
        b"\x89PNG\r\n\x1a\n not json at all",
        b"[1, 2, 3]",
        json.dumps({"version": 1, "seen": ["pages/../../etc/passwd"], "gates": {}}).encode(),
        json.dumps({"version": 1, "seen": [], "gates": {"network_width": {"correct": "yes"}}}).encode(),
        json.dumps({"version": 3, "seen": [], "gates": {}}).encode(),
        json.dumps({"version": True, "seen": [], "gates": {}}).encode(),
        json.dumps({"version": 2, "seen": [], "gates": {"network_width": {"correct": True}}}).encode(),
        json.dumps({"version": 2, "seen": [], "gates": {"network_width": {"answers": []}}}).encode(),
        json.dumps(
            {
                "version": 2,
                "seen": [],
                "gates": {"network_width": {"answers": [{"state": {"w": 10**400}, "choice": "x", "correct": True}]}},
            }
        ).encode(),
        json.dumps(
            {
                "version": 2,
                "seen": [],
                "gates": {
                    "network_width": {
                        "answers": [{"state": {"x": "[a](https://e.vil)"}, "choice": "yes", "correct": True}]
                    }
                },
            }
        ).encode(),
        b"{" + b'"a": 1,' * 10_000 + b"}",
    ],
)
def test_a_junk_progress_file_is_refused(junk):
    with pytest.raises(ProgressError):
        from_json(junk, {s.path for s in all_pages()}, set(GATES))


def test_a_junk_upload_changes_nothing_and_says_why():
    from lib.progress import restore

    answer = {"state": {"hidden neurons": 64}, "choice": "101,770", "correct": True}
    current = {"version": 2, "seen": ["pages/home.py"], "gates": {"network_width": {"answers": [answer]}}}
    pages, gates = {s.path for s in all_pages()}, set(GATES)
    kept, kind, message = restore(current, b"<script>alert(1)</script>", pages, gates)
    assert kept is current and kind == "error" and "unchanged" in message
    kept, kind, _ = restore(empty(), to_json(current).encode(), pages, gates)
    assert kind == "success" and kept["gates"] == current["gates"]


@pytest.mark.parametrize(
    "path,term",
    [
        ("pages/network.py", "parameter"),
        ("pages/activations.py", "activation-function"),
        ("pages/activations.py", "logit"),
        ("pages/losses.py", "loss"),
        ("pages/descent.py", "learning-rate"),
    ],
)
def test_lessons_link_their_words_to_the_glossary(path, term):
    at = open_page(path)
    assert any(f"/glossary#{term}" in m.value for m in at.markdown)
