"""The Train MNIST page in AppTest: a short run starts, shows live progress, ends with results."""

import time

from tests.test_pages import open_page


def run_until_idle(at, timeout=120):
    deadline = time.time() + timeout
    while True:
        job = at.session_state["train_job"] if "train_job" in at.session_state else None
        at.run()
        if job is None or not job.active:
            at.run()  # the fragment asks for a full rerun once the job has ended
            return at
        assert time.time() < deadline, "training did not finish"
        time.sleep(0.3)


def test_short_run_shows_progress_results_and_run_table():
    at = open_page("pages/train.py")
    assert not at.exception
    at.slider(key="train_data_percent").set_value(3)
    at.slider(key="train_epochs").set_value(1).run()
    at.button(key="train_start_button").click().run()
    assert at.session_state["train_job"].config.data_fraction == 0.03
    run_until_idle(at)
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    accuracy = float(metrics["Test accuracy"].rstrip("%")) / 100
    assert accuracy > 0.6
    assert at.get("vega_lite_chart"), "no charts drawn"
    assert len(at.session_state["train_runs"]) == 1
    assert any("Run 1: Training finished" in s.value for s in at.success)


def test_optimizer_change_resets_the_learning_rate_and_sgd_at_10_diverges():
    at = open_page("pages/train.py")
    at.selectbox(key="train_optimizer").set_value("sgd").run()
    assert at.select_slider(key="train_lr").value == 0.01
    at.select_slider(key="train_lr").set_value(10.0)
    at.slider(key="train_data_percent").set_value(10).run()
    at.button(key="train_start_button").click().run()
    run_until_idle(at)
    assert not at.exception
    assert any("training diverged" in e.value and "too high for SGD" in e.value for e in at.error)
    assert at.get("vega_lite_chart"), "the partial curves are not shown"


def test_page_switch_and_other_widgets_neither_stop_nor_restart_a_run_and_stop_keeps_the_model():
    at = open_page("pages/train.py")
    at.slider(key="train_epochs").set_value(20).run()
    at.button(key="train_start_button").click().run()
    job = at.session_state["train_job"]
    # Elsewhere in the course: another page, another widget, then back.
    at.switch_page("pages/network.py").run()
    at.slider(key="network_width").set_value(80).run()
    at.switch_page("pages/train.py").run()
    assert at.session_state["train_job"] is job and job.active  # the same run, still going
    assert at.slider(key="train_epochs").value == 20  # and the learner's settings are still there
    deadline = time.time() + 60
    while len(job.snapshot().history.batch_loss) < 100:
        assert time.time() < deadline
        time.sleep(0.1)
    at.button(key="train_stop_button").click().run()
    run_until_idle(at)
    assert job.snapshot().state == "stopped"
    assert any("Run 1: Stopped" in s.value for s in at.success)
    metrics = {m.label: m.value for m in at.metric}
    assert float(metrics["Test accuracy"].rstrip("%")) > 50  # what was learned so far is kept and scored


def test_app_runs_leave_keras_and_tensorflow_state_alone_while_a_model_trains():
    """Streamlit 1.67 calls keras.backend.clear_session() after every script run (fragment runs too).

    That resets Keras's global state and empties TensorFlow's kernel cache under a training thread,
    2.5 times a second on the train page; ui/common.py switches it off. Keras's layer-name counter is
    part of that global state, so it shows whether a reset happened.
    """
    import keras

    at = open_page("pages/train.py")
    first = keras.layers.Dense(1).name
    for _ in range(3):
        at.run()
    second = keras.layers.Dense(1).name
    assert first.startswith("dense")
    assert second != "dense", "Keras's global state was reset by a script run"
    assert second != first


def test_after_a_server_restart_the_page_says_which_runs_were_lost():
    from streamlit.testing.v1 import AppTest

    from lib.restart import Work, make_token
    from tests.test_pages import ROOT, TIMEOUT
    from ui.restart import KEY

    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=TIMEOUT)
    at.query_params["runs"] = make_token(Work("0bad0bad", 3), KEY)  # what the URL held before the restart
    at.run()
    at.switch_page("pages/train.py").run()
    assert any("The server restarted" in w.value and "runs 1 to 3" in w.value for w in at.warning)
    assert "runs" not in at.query_params


def test_the_run_table_can_be_downloaded():
    at = open_page("pages/train.py")
    at.slider(key="train_data_percent").set_value(2)
    at.slider(key="train_epochs").set_value(1).run()
    at.button(key="train_start_button").click().run()
    run_until_idle(at)
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download the table (CSV)" in labels and "Download the table (JSON)" in labels
    from lib.restart import read_token
    from ui.restart import KEY

    assert read_token(at.query_params["runs"], KEY).finished == 1  # the URL remembers this session's one run


def test_reset_to_the_notebooks_settings():
    at = open_page("pages/train.py")
    at.selectbox(key="train_optimizer").set_value("sgd")
    at.slider(key="train_epochs").set_value(12).run()
    at.button(key="train_reset_button").click().run()
    assert at.selectbox(key="train_optimizer").value == "adam" and at.slider(key="train_epochs").value == 5
    assert at.select_slider(key="train_lr").value == 0.001
