"""A text alternative for every chart and picture: every chart a page draws carries a `description` (Vega's
accessible name) that states what its data shows, and changes when the data does; every image has alt text."""

import json
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib import chart_text
from lib.charts import make_softmax_chart
from lib.lab.charts import make_confusion_chart, make_per_class_chart
from tests.test_pages import answer_gate, open_page
from ui.nav import all_pages

GENERIC = {"", "vega visualization", "chart"}


def descriptions(at) -> list[str]:
    """The top-level description of every chart on the page, as the browser's Vega will announce it."""
    return [json.loads(el.proto.spec).get("description") or "" for el in at.get("vega_lite_chart")]


def image_alts(at) -> list[str]:
    return [img.alt for el in at.get("image") for img in el.proto.imgs]


def assert_described(at, where: str) -> list[str]:
    texts = descriptions(at)
    for text in texts:
        assert text.strip().lower() not in GENERIC and len(text) > 40, (where, text)
        assert any(ch.isdigit() for ch in text), (where, "states no computed number", text)
    return texts


@pytest.mark.parametrize("path", [spec.path for spec in all_pages()])
def test_every_chart_and_image_on_every_page_is_described(path):
    at = open_page(path)
    assert not at.exception
    assert_described(at, path)
    assert all(alt.strip() for alt in image_alts(at)), (path, image_alts(at))
    if path in ("pages/home.py", "pages/learning.py"):
        assert image_alts(at), f"{path} shows its digits"


def test_charts_behind_a_prediction_and_after_training_are_described():
    at = open_page("pages/activations.py")
    answer_gate(at, "activations_boundary")
    assert len(assert_described(at, "activations, revealed")) >= 9  # 6 curves, softmax, 2 boundaries
    at = open_page("pages/backprop.py")
    at.button(key="backprop_train_button").click().run()
    assert len(assert_described(at, "backprop, trained")) >= 2


def test_descriptions_follow_the_data():
    at = open_page("pages/activations.py")
    before = descriptions(at)
    at.slider(key="activations_logit0").set_value(-5.0).run()
    after = descriptions(at)
    changed = [b for b, a in zip(before, after, strict=True) if a != b]
    assert len(changed) == 1 and "class 0 is the most probable" in changed[0]  # only the softmax chart changed
    at = open_page("pages/descent.py")
    before = descriptions(at)
    at.select_slider(key="descent_lr").set_value(0.01).run()
    assert descriptions(at)[0] != before[0]
    at = open_page("pages/losses.py")
    before = descriptions(at)
    at.selectbox(key="losses_true_digit").set_value(7).run()
    assert "The true class, 7," in descriptions(at)[1] and descriptions(at)[1] != before[1]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.0, 1.0), min_size=2, max_size=10), st.booleans())
def test_softmax_description_names_the_most_probable_classes(weights, with_true):
    p = np.asarray(weights) + 1e-9
    p = p / p.sum()
    true_class = len(p) - 1 if with_true else None
    text = make_softmax_chart(p, true_class).to_dict()["description"]
    best = [i for i, v in enumerate(p) if abs(v - p.max()) <= 1e-12]  # oracle: every class at the maximum
    if len(best) == 1:
        assert f"class {best[0]} is the most probable, at {p.max():.1%}" in text
    else:
        assert "tie" in text
    for i, v in enumerate(p):
        assert f"{i}: {v:.1%}" in text
    if with_true:
        assert f"The true class, {true_class}, gets {p[true_class]:.1%}" in text


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 50), min_size=100, max_size=100))
def test_confusion_description_counts_right_answers_and_the_most_common_mistake(counts):
    confusion = np.asarray(counts).reshape(10, 10)
    text = make_confusion_chart(confusion).to_dict()["description"]
    assert (
        f"{int(confusion.sum()):,} test images" in text
        and f"{int(sum(confusion[i, i] for i in range(10))):,} right" in text
    )
    mistakes = {(t, g): int(confusion[t, g]) for t in range(10) for g in range(10) if t != g}
    worst = max(mistakes.values())
    if worst:
        named = [(t, g) for (t, g), n in mistakes.items() if n == worst]
        assert any(f"a {t} read as {g}, {worst:,} times" in text for t, g in named)
    else:
        assert "mistake" not in text


def test_per_class_description_names_best_and_worst_digit():
    accuracy = np.array([0.99, 0.98, 0.95, 0.96, 0.97, 0.93, 0.985, 0.96, 0.94, 0.95])
    text = make_per_class_chart(accuracy).to_dict()["description"]
    assert "best 0 at 99.0%" in text and "worst 5 at 93.0%" in text


def test_digit_alt_text_lists_every_label_row_by_row():
    text = chart_text.digits_alt([5, 0, 4, 1, 9, 2], columns=3)
    assert text.startswith("6 handwritten MNIST digits") and "2 rows of 3" in text and "5 0 4; 1 9 2" in text


def status_line(at) -> str:
    lines = [m.value for m in at.markdown if 'role="status"' in m.value]
    assert len(lines) == 1, lines
    return lines[0]


def test_pause_freezes_the_live_view_without_stopping_the_run_and_the_status_line_tells():
    from tests.test_train_page import run_until_idle

    at = open_page("pages/train.py")
    assert "No run yet." in status_line(at)
    at.slider(key="train_epochs").set_value(20).run()
    at.button(key="train_start_button").click().run()
    job = at.session_state["train_job"]
    assert any(word in status_line(at) for word in ("Run 1 is waiting", "Run 1 started", "Run 1 is training"))
    deadline = time.time() + 90
    while len(job.snapshot().history.batch_loss) < 50:  # some batches drawn
        assert time.time() < deadline
        time.sleep(0.1)
    at.toggle(key="train_pause_live").set_value(True).run()
    frozen = descriptions(at)[0]
    drawn = len(at.session_state["train_frozen_snapshot"].history.batch_loss)
    while len(job.snapshot().history.batch_loss) < drawn + 200:  # the run goes on while the view is paused
        assert time.time() < deadline and job.active
        time.sleep(0.1)
    at.run()
    assert job.active and descriptions(at)[0] == frozen  # the chart did not move
    assert "Run 1 is training." in status_line(at)
    at.toggle(key="train_pause_live").set_value(False).run()
    assert descriptions(at)[0] != frozen  # caught up
    at.button(key="train_stop_button").click().run()
    run_until_idle(at)
    assert job.snapshot().state == "stopped"
    assert "Run 1 stopped on request: test accuracy" in status_line(at)
    assert len(assert_described(at, "train, a stopped run")) >= 4  # live curves, confusion, per digit, comparison


def test_status_sentences_escape_and_cover_every_state():
    from lib.lab.announce import SENTENCES, status_html, status_sentence

    for state in SENTENCES:
        assert status_sentence(state, 3, 0.9712)
    assert status_sentence("finished", 3, 0.9712) == "Run 3 finished: test accuracy 97.12%."
    assert status_sentence("diverged", 2) == "Run 2 diverged: the loss blew up, so training stopped."
    assert "&lt;b&gt;" in status_html("<b>x</b>") and 'aria-live="polite"' in status_html("x")


def progress_texts(at) -> list[str]:
    return [el.proto.text for el in at.get("progress")]


def expander_labels(at) -> list[str]:
    return [e.label for e in at.expander]


def test_experiments_pause_freezes_the_progress_while_the_runs_go_on_and_the_status_line_tells():
    at = open_page("pages/experiments.py")
    assert "No experiment yet." in status_line(at)
    assert not at.get("toggle")  # nothing updates by itself: nothing to pause
    at.slider(key="experiments_points").set_value(13)
    at.slider(key="experiments_share").set_value(5).run()
    at.button(key="experiments_sweep_button").click().run()
    series = at.session_state["experiments_series"]
    at.toggle(key="experiments_pause_live").set_value(True).run()
    frozen, done_at_pause = progress_texts(at), len(series.outcomes)
    deadline = time.time() + 240
    while len(series.outcomes) < done_at_pause + 2:  # the series goes on while its view is paused
        assert time.time() < deadline and series.active
        time.sleep(0.2)
    at.run()
    assert series.active and progress_texts(at) == frozen  # the bar did not move
    done = len(series.outcomes)
    assert f"The learning-rate sweep: {done} of 13 runs done." in status_line(at)  # the status line did
    at.toggle(key="experiments_pause_live").set_value(False).run()
    assert progress_texts(at) != frozen  # caught up
    at.button(key="experiments_stop_button").click().run()
    series.join(120)
    time.sleep(0.2)
    at.run()
    assert "The learning-rate sweep stopped on request:" in status_line(at)
    assert len(assert_described(at, "experiments, sweep stopped")) >= 1
    assert "The data as a table" in expander_labels(at)


def test_series_sentences_follow_the_series_state():
    from lib.lab.announce import series_sentence, shared_network_sentence

    assert series_sentence(None, 0, 0, False, False) == "No experiment yet."
    for kind, name in (("sweep", "The learning-rate sweep"), ("twins", "The twin runs")):
        for total in (2, 7, 13):
            for done in range(total + 1):
                assert series_sentence(kind, done, total, True, False) == f"{name}: {done} of {total} runs done."
                ended = series_sentence(kind, done, total, False, done < total)
                assert ended.startswith(f"{name} {'stopped on request' if done < total else 'finished'}:")
                assert ended.endswith(f": {done} of {total} runs done.")
    assert shared_network_sentence("running", 4, 5) == (
        "The notebook's network is training for this server: epoch 5 of 5."
    )
    assert "waiting" in shared_network_sentence("queued", 0, 5)


def test_the_charts_behind_a_digit_on_inside_the_network_are_described(mnist):
    from tests.test_inside_page import page_with, small_run

    at = page_with([small_run(mnist)])
    at.segmented_control(key="inside_source").set_value("a test image").run()
    assert len(assert_described(at, "inside, a test image")) >= 2  # its probabilities, its hidden layer
