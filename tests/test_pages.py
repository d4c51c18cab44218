"""Every page registered in the navigation renders in AppTest without an exception."""

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from lib.models import build_mlp, param_rows
from lib.quiz import network_quiz
from tests.conftest import ROOT
from ui.nav import all_pages

TIMEOUT = 60


def route_like_a_server():
    """Run pages as a server does, not as AppTest does by default:
    - AppTest resets Streamlit's "pages/ folder" mode before every run, as if each run were the first visit to a
      fresh server; a real server leaves that mode after its first run for good. Do as the server does, so that
      switch_page runs the router (sidebar, gates, next links) like a browser.
    - AppTest compiles every script again on every run; a server compiles each once and keeps the bytecode (its
      ScriptCache lives as long as it does). Share one cache, so a rerun's time is the server's.
    Returns the undo."""
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    original, original_cache = PagesManager.__init__, local_script_runner.ScriptCache
    shared = ScriptCache()

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init
    local_script_runner.ScriptCache = app_test.ScriptCache = lambda: shared

    def undo():
        PagesManager.__init__ = original
        local_script_runner.ScriptCache = app_test.ScriptCache = original_cache

    return undo


def answer_gate(at: AppTest, key: str, option: int | str = 0) -> AppTest:
    """Lock in a prediction (the option-th answer, or the one with this text), as a learner does before the result
    is shown."""
    if any(b.key == f"gate_{key}_again" for b in at.button):
        at.button(key=f"gate_{key}_again").click().run()  # a new question offered while exploring: take it
    if not any(r.key == f"gate_{key}_choice" for r in at.radio):
        return at  # already answered for these settings
    radio = at.radio(key=f"gate_{key}_choice")
    radio.set_value(option if isinstance(option, str) else radio.options[option]).run()
    at.button(key=f"gate_{key}_lock").click().run()
    return at


def open_page(path: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=TIMEOUT)
    at.run()
    at.switch_page(path).run()
    return at


@pytest.mark.parametrize("path", [spec.path for spec in all_pages()])
def test_every_page_renders_without_exception(path):
    at = open_page(path)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, f"{path} shows no title"


def test_network_page_counts_follow_the_width_slider():
    at = open_page("pages/network.py")
    table = at.dataframe[0].value
    assert list(table["Parameters"]) == [0, 50240, 650]
    assert at.metric[0].value == "50,890"
    at.slider(key="network_width").set_value(100).run()
    table = at.dataframe[0].value
    assert list(table["Parameters"]) == [0, 784 * 100 + 100, 100 * 10 + 10]
    assert at.metric[0].value == f"{784 * 100 + 100 + 1010:,}"


def test_network_quiz_scores_the_right_answers():
    at = open_page("pages/network.py")
    for i, question in enumerate(network_quiz(param_rows(build_mlp(hidden_units=64)))):
        at.radio(key=f"network_q{i}").set_value(question.options[question.answer])
    at.button(key="network_q_check_button").click().run()
    assert any("Score: 3 / 3" in h.value for h in at.subheader)


def test_backprop_page_training_updates_charts_and_graph():
    at = answer_gate(open_page("pages/backprop.py"), "backprop_bias")  # the graph shows the gradients it asks about
    graph_before = at.get("graphviz_chart")[0].proto.spec
    at.select_slider(key="backprop_lr").set_value(0.1).run()
    at.number_input(key="backprop_epochs").set_value(5000).run()  # long histories must still chart
    at.button(key="backprop_train_button").click().run()
    assert not at.exception
    experiment = at.session_state["backprop_exp"]
    assert experiment.epoch == 5000
    np.testing.assert_allclose(experiment.params(), [2, 1, 1], atol=0.05)
    assert at.get("graphviz_chart")[0].proto.spec != graph_before
    assert len(at.get("vega_lite_chart")) == 2
    at.button(key="backprop_step_button").click().run()
    assert any("What step 5001 did" in h.value for h in at.subheader)


def chart_specs(at) -> list[bytes]:
    return [chart.proto.SerializeToString() for chart in at.get("vega_lite_chart")]


def changed_charts(before, after) -> int:
    return sum(a != b for a, b in zip(before, after, strict=True))


def test_activation_page_controls_change_the_charts():
    at = answer_gate(open_page("pages/activations.py"), "activations_boundary")
    assert float(at.metric[0].value) < 1e-5  # the collapsed layer reproduces the stack
    assert float(at.metric[1].value) > 1e-2  # ReLU breaks the equality
    before = chart_specs(at)
    at.slider(key="activations_logit0").set_value(4.5).run()
    assert changed_charts(before, chart_specs(at)) == 1  # only the softmax chart
    before = chart_specs(at)
    at.slider(key="activations_range").set_value(2.0).run()
    assert changed_charts(before, chart_specs(at)) == 6  # every activation curve
    before = chart_specs(at)
    at.selectbox(key="activations_dataset").set_value("moons").run()
    answer_gate(at, "activations_boundary")  # new data, a new prediction, then the boundaries
    assert changed_charts(before, chart_specs(at)) == 2  # both decision boundaries
    assert not at.exception


def losses_table(at):
    """Keras's losses against the formulas (the page's other table is the loss curves' data, folded)."""
    return next(d.value for d in at.dataframe if "keras.losses" in d.value.columns)


def test_losses_page_controls_change_chart_and_numbers():
    at = answer_gate(open_page("pages/losses.py"), "losses_over_one")
    before, table = chart_specs(at), losses_table(at).copy()
    at.slider(key="losses_logit3").set_value(-2.0).run()
    assert changed_charts(before, chart_specs(at)) == 1
    at.selectbox(key="losses_true_digit").set_value(5).run()
    new_table = losses_table(answer_gate(at, "losses_over_one"))
    assert not new_table["keras.losses"].equals(table["keras.losses"])
    np.testing.assert_allclose(new_table["keras.losses"], new_table["formula in NumPy"], rtol=1e-5)
    assert not at.exception


def test_descent_page_controls_change_the_charts():
    at = open_page("pages/descent.py")
    before = chart_specs(at)
    at.select_slider(key="descent_lr").set_value(1.2).run()
    assert changed_charts(before, chart_specs(at)) == 1
    assert any("Diverging" in e.value for e in at.error)
    before = chart_specs(at)
    at.selectbox(key="descent_surface").set_value("fitting a line (real MSE)").run()
    assert changed_charts(before, chart_specs(at)) == 1
    before = chart_specs(at)
    at.slider(key="descent_noise").set_value(1.0).run()
    assert changed_charts(before, chart_specs(at)) == 1
    assert not at.exception


def test_missing_data_gives_a_friendly_message_not_a_traceback(tmp_path, monkeypatch):
    from lib.data import MNIST

    monkeypatch.setenv("COURSE_MNIST_PATH", str(tmp_path / "absent.npz"))
    monkeypatch.setenv("COURSE_MNIST_URL", "http://127.0.0.1:9/mnist.npz")  # nothing listens there: offline
    MNIST.reset()
    try:
        for path in ("pages/train.py", "pages/home.py"):
            at = open_page(path)
            assert not at.exception
            assert any("MNIST is not available" in e.value and "git checkout" in e.value for e in at.error)
        for path in ("pages/activations.py", "pages/losses.py", "pages/descent.py", "pages/network.py"):
            at = open_page(path)  # lessons that need no MNIST work whatever the data's state
            assert not at.exception and not at.error
    finally:
        MNIST.reset()
