"""In AppTest, with the controls moved: each caption states what the computation beside it found."""

import json

import pytest

from lib.descent import descent_1d
from tests.test_pages import answer_gate, losses_table, open_page


def texts(at) -> str:
    parts = [e.value for kind in ("markdown", "caption", "error", "warning", "info", "success") for e in at.get(kind)]
    return "\n".join(str(p) for p in parts)


def chart_rows(at, title_part: str) -> list[dict]:
    """Every data row a chart sends to the browser (Streamlit ships an Altair chart's datasets as Arrow)."""
    import pyarrow as pa

    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        if title_part in json.dumps(spec.get("title", "")):
            tables = [pa.ipc.open_stream(d.data.data).read_all() for d in chart.proto.datasets]
            return [row for table in tables for row in table.to_pylist()]
    raise AssertionError(f"no chart titled {title_part!r}")


def test_descent_1d_chart_and_sentence_follow_the_steps():
    at = open_page("pages/descent.py")
    at.select_slider(key="descent_lr").set_value(1.05).run()
    assert any("Diverging" in e.value and "one side of the minimum to the other" in e.value for e in at.error)
    rows = descent_1d("bowl: (w − 2)² + 1", -1.0, 1.05, 15)
    shown = [row for row in chart_rows(at, "one parameter") if "shown_w" in row]
    assert {row["step"] for row in shown} == {row["step"] for row in rows}  # every visited point is on the chart
    assert any(row["off_chart"] for row in shown)  # one beyond the range, drawn at the edge and marked
    at.selectbox(key="descent_curve").set_value("two valleys: w⁴/4 − w² + w/2 + 2")
    at.slider(key="descent_start").set_value(2.0)
    at.select_slider(key="descent_lr").set_value(0.05)
    at.slider(key="descent_steps").set_value(60).run()
    assert any("Stuck in a local minimum" in w.value for w in at.warning)
    assert "w ≈ −1.526" in texts(at) and "1.267" in texts(at)
    assert "Orange: every point" in texts(at)
    assert not at.exception


def test_descent_2d_names_the_diverging_optimizer_and_shows_one_at_a_time():
    at = open_page("pages/descent.py")
    at.select_slider(key="descent_lr2").set_value(0.3).run()
    assert "SGD diverged" in texts(at)
    assert not at.exception


@pytest.mark.parametrize("dataset,linear_unsure", [("circles", True), ("moons", False)])
def test_activation_boundary_caption_follows_the_data(dataset, linear_unsure):
    at = answer_gate(open_page("pages/activations.py"), "activations_boundary")
    at.selectbox(key="activations_dataset").set_value(dataset).run()
    answer_gate(at, "activations_boundary")  # a new question for the new data
    caption = next(c.value for c in at.caption if "Both networks" in c.value)
    linear_part = caption.split("With ReLU")[0]
    assert ("unsure" in linear_part) == linear_unsure
    assert "is a straight line" in linear_part
    assert not at.exception


def test_losses_every_digit_has_a_logit_and_the_caption_quotes_the_curve():
    at = open_page("pages/losses.py")
    at.selectbox(key="losses_true_digit").set_value(1).run()
    before = losses_table(answer_gate(at, "losses_over_one"))["keras.losses"][0]
    at.slider(key="losses_logit1").set_value(8.0).run()
    after = losses_table(answer_gate(at, "losses_over_one"))["keras.losses"][0]
    assert after < before  # raising the true digit's logit lowers its cross-entropy
    assert "never exceeds 0.111" in texts(at) or "never exceeds 0.11" in texts(at)
    assert "stays below 0.1" not in texts(at)
    assert not at.exception


def test_backprop_first_view_has_no_empty_charts_and_columns_are_not_repeated():
    at = open_page("pages/backprop.py")
    assert not at.get("arrow_vega_lite_chart") and not at.get("vega_lite_chart")
    at.button(key="backprop_train_button").click().run()
    columns = list(at.dataframe[0].value.columns)
    assert columns.count("after 1 epoch") == 1 and len(columns) == len(set(columns))
    assert "Adam at learning rate 0.001" in texts(at)
    assert not at.exception


def test_backprop_sgd_at_1_warns_that_it_diverges_and_the_caption_names_sgd():
    at = open_page("pages/backprop.py")
    at.selectbox(key="backprop_optimizer").set_value("sgd").run()
    at.select_slider(key="backprop_lr").set_value(1.0).run()
    at.number_input(key="backprop_epochs").set_value(2000).run()
    at.button(key="backprop_train_button").click().run()
    assert any("Diverging" in e.value for e in at.error)
    assert "SGD at learning rate 1" in texts(at) and "Adam" not in texts(at).split("SGD at learning rate")[1][:60]
    assert not at.exception


def test_train_page_says_what_sigmoid_with_cross_entropy_computes():
    at = open_page("pages/train.py")
    at.selectbox(key="train_output_activation").set_value("sigmoid").run()
    assert "binary cross-entropy" in texts(at)
    at.selectbox(key="train_output_activation").set_value("softmax").run()
    assert "binary cross-entropy scores every one" not in texts(at)


def test_network_table_says_bias_not_biases_for_one_neuron():
    at = open_page("pages/network.py")
    at.slider(key="network_width").set_value(1).run()
    formulas = " ".join(at.dataframe[0].value["Formula"])
    assert "1 bias " in formulas and "1 biases" not in formulas
    at.slider(key="network_width").set_value(64).run()
    assert "Optimizer params: 101,782" in texts(at) and "152,672" in texts(at)  # Keras 3's summary after fit
    assert not at.exception


@pytest.mark.parametrize(
    "path,phrase",
    [
        ("pages/network.py", "12k dimensions"),
        ("pages/activations.py", "ReLU is not, at 0"),
        ("pages/descent.py", "deterministic"),
        ("pages/descent.py", "Local minima do exist"),
        ("pages/descent.py", "necessary for a minimum but not enough"),
        ("pages/backprop.py", "during the forward pass"),
        ("pages/backprop.py", "Keras was not “the first” framework"),
    ],
)
def test_each_notebook_mistake_is_corrected_where_it_is_taught(path, phrase):
    at = open_page(path)
    assert any(phrase in i.value for i in at.info), phrase
