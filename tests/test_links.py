"""Links that restore an experiment, and runs that repeat exactly."""

import numpy as np
from streamlit.testing.v1 import AppTest

from lib.lab.config import TrainConfig
from lib.lab.jobs import TrainingJob
from tests.test_pages import ROOT, TIMEOUT


def open_with(path: str, params: dict) -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=TIMEOUT)
    at.query_params.update(params)
    at.run()
    at.switch_page(path).run()
    return at


def test_a_link_opens_the_train_page_with_exactly_its_settings():
    at = open_with(
        "pages/train.py",
        {
            "train_optimizer": "SGD",
            "train_lr": "0.1",
            "train_hidden_units": "100",
            "train_batch": "128",
            "train_epochs": "3",
            "train_data_percent": "20",
            "train_hidden_activation": "tanh — into (−1, 1)",
            "v": "1",
        },
    )
    assert not at.exception and not at.warning
    assert at.selectbox(key="train_optimizer").value == "sgd"
    assert at.select_slider(key="train_lr").value == 0.1
    assert at.slider(key="train_hidden_units").value == 100
    assert at.select_slider(key="train_batch").value == 128
    assert at.slider(key="train_epochs").value == 3 and at.slider(key="train_data_percent").value == 20
    assert at.selectbox(key="train_hidden_activation").value == "tanh"


def test_a_link_with_junk_opens_with_defaults_and_a_note():
    at = open_with("pages/train.py", {"train_epochs": "banana", "train_lr": "7e99", "v": "9"})
    assert not at.exception
    note = " ".join(w.value for w in at.warning)
    assert "epochs" in note and "banana" in note and "learning rate" in note and "version 9" in note
    assert at.slider(key="train_epochs").value == 5 and at.select_slider(key="train_lr").value == 0.001


def test_lesson_links_restore_their_settings_too():
    at = open_with("pages/descent.py", {"descent_lr": "1.05", "descent_steps": "30"})
    assert at.select_slider(key="descent_lr").value == 1.05 and at.slider(key="descent_steps").value == 30
    assert any("Diverging" in e.value for e in at.error)
    at = open_with("pages/backprop.py", {"backprop_optimizer": "RMSprop", "backprop_lr": "0.1"})
    assert (
        at.selectbox(key="backprop_optimizer").value == "rmsprop" and at.select_slider(key="backprop_lr").value == 0.1
    )
    assert at.session_state["backprop_exp"].optimizer_name == "rmsprop"


def test_the_same_settings_and_seed_give_the_identical_loss_history(mnist):
    histories = []
    for _ in range(2):
        job = TrainingJob(TrainConfig(epochs=2, data_fraction=0.05, seed=11), mnist).start()
        job.join(120)
        histories.append(np.array(job.snapshot().history.batch_loss))
    assert len(histories[0]) == 2 * 94 and np.array_equal(histories[0], histories[1])  # every batch loss equal


def test_the_other_lessons_keep_their_settings_in_the_link_too():
    at = open_with("pages/activations.py", {"activations_temperature": "2.5", "activations_dataset": "moons"})
    assert (
        at.slider(key="activations_temperature").value == 2.5
        and at.selectbox(key="activations_dataset").value == "moons"
    )
    at = open_with("pages/losses.py", {"losses_true_digit": "7", "losses_logit7": "4.5"})
    assert at.selectbox(key="losses_true_digit").value == 7 and at.slider(key="losses_logit7").value == 4.5
    at = open_with("pages/network.py", {"network_width": "128"})
    assert at.slider(key="network_width").value == 128 and at.metric[0].value == f"{784 * 128 + 128 + 1290:,}"
    at = open_with("pages/network.py", {"network_width": "9999"})
    assert at.slider(key="network_width").value == 64
    assert any("width: “9999” is not allowed here, so it is 64" in w.value for w in at.warning)


def test_the_experiments_page_keeps_its_settings_in_the_link():
    at = open_with(
        "pages/experiments.py",
        {
            "experiments_optimizer": "SGD",
            "experiments_range": ["-4", "0"],
            "experiments_points": "9",
            "experiments_setting": "optimizer",
            "experiments_value_optimizer": "RMSprop",
            "experiments_seeds": "4",
            "v": "1",
        },
    )
    assert not at.exception and not at.warning
    assert at.selectbox(key="experiments_optimizer").value == "sgd"
    assert at.slider(key="experiments_range").value == (-4, 0) and at.slider(key="experiments_points").value == 9
    assert any("0.0001, " in c.value and ", 1. One epoch" in c.value for c in at.caption)  # the rates it will run
    assert at.selectbox(key="experiments_value_optimizer").value == "rmsprop"
    assert at.slider(key="experiments_seeds").value == 4


def test_an_experiments_link_with_junk_says_what_it_could_not_use():
    at = open_with("pages/experiments.py", {"experiments_range": ["-9", "7"], "experiments_points": "50"})
    assert not at.exception
    note = " ".join(w.value for w in at.warning)
    assert "learning rates from … to" in note and "points" in note
    assert at.slider(key="experiments_range").value == (-5, 1) and at.slider(key="experiments_points").value == 7


def test_the_pages_own_updates_are_never_taken_for_a_link():
    """A learner presses → ten times on a logit slider: each press reruns the page, and the URL the browser sends
    with a rerun can still hold the value of a few presses earlier (it is rewritten after each run). That is the
    page's own update, not a link: no "could not be used" note, and the slider keeps the learner's value."""
    from tests.test_pages import open_page

    at = open_page("pages/losses.py")
    at.selectbox(key="losses_true_digit").set_value(7).run()
    for press in range(1, 11):
        value = round(1.5 + 0.1 * press, 1)
        at.query_params["losses_logit5"] = f"{max(1.5, value - 0.6):.1f}"  # the URL lags behind the slider
        at.slider(key="losses_logit5").set_value(value).run()
        assert not [w.value for w in at.warning if "could not be used" in w.value], press
        assert at.slider(key="losses_logit5").value == value
