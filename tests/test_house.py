"""The shape of the code: one registry per choice (each entry complete and working), lessons that never import
the lab, small modules, thin pages, and the one Streamlit adjustment checked against the installed version."""

import ast

import numpy as np
import pytest
import streamlit

from lib.choices import (
    ACTIVATIONS,
    BATCH_SIZES,
    BOUNDS,
    HIDDEN_ACTIVATIONS,
    LEARNING_RATES,
    LOSSES,
    OPTIMIZERS,
    OUTPUTS,
    build_loss,
)
from lib.runtime import tf
from tests.conftest import ROOT

LESSON_MODULES = [p for p in (ROOT / "lib").glob("*.py") if p.name != "__init__.py"]


def imports_of(path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_lessons_never_import_the_lab():
    offenders = {p.name: sorted(i for i in imports_of(p) if i.startswith("lib.lab")) for p in LESSON_MODULES}
    assert {name: found for name, found in offenders.items() if found} == {}


@pytest.mark.parametrize("folder,limit", [("lib", 300), ("ui", 300), ("pages", 160), ("tests", 300), ("bench", 300)])
def test_no_module_is_too_long(folder, limit):
    long = {
        str(p.relative_to(ROOT)): n
        for p in (ROOT / folder).rglob("*.py")
        if (n := len(p.read_text().splitlines())) > limit
    }
    assert long == {}


@pytest.mark.parametrize("key", list(OPTIMIZERS))
def test_every_optimizer_entry_is_complete_and_takes_a_step_downhill(key):
    choice = OPTIMIZERS[key]
    assert choice.label and choice.rule and "w" in choice.rule and choice.default_lr > 0
    assert choice.code(0.01).startswith(f"keras.optimizers.{choice.keras_class}(learning_rate=0.01")
    point = tf.Variable([3.0, -2.0], dtype=tf.float64)
    optimizer = choice.build(0.1)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(point**2)
    optimizer.apply_gradients([(tape.gradient(loss, point), point)])
    assert float(tf.reduce_sum(point**2)) < float(loss)


@pytest.mark.parametrize("key", list(ACTIVATIONS))
def test_every_activation_entry_is_complete_and_computes(key):
    choice = ACTIVATIONS[key]
    assert choice.label and choice.note and choice.code
    x = tf.constant([-2.0, 0.5, 3.0])
    y = choice.function(x).numpy()
    assert y.shape == (3,) and np.isfinite(y).all()
    if choice.in_lab:
        from lib.models import build_mlp

        assert build_mlp(4, key).count_params() == 784 * 4 + 4 + 4 * 10 + 10


@pytest.mark.parametrize("loss", list(LOSSES))
@pytest.mark.parametrize("output", list(OUTPUTS))
def test_every_loss_builds_for_every_output_and_has_a_code_spelling(loss, output):
    choice = LOSSES[loss]
    assert choice.label and choice.help and choice.code(output).startswith("'")
    probabilities = tf.constant([[0.7, 0.2, 0.1]])
    targets = tf.constant([[1.0, 0.0, 0.0]]) if choice.needs_one_hot(output) else tf.constant([0])
    assert float(build_loss(loss, output)(targets, probabilities)) > 0


def test_the_bounds_and_the_option_lists_agree():
    assert BOUNDS["learning_rate"].low == LEARNING_RATES[0] and BOUNDS["learning_rate"].high == LEARNING_RATES[-1]
    assert BOUNDS["batch_size"].low == BATCH_SIZES[0] and BOUNDS["batch_size"].high == BATCH_SIZES[-1]
    assert BOUNDS["batch_size"].default in BATCH_SIZES and BOUNDS["learning_rate"].default in LEARNING_RATES


def test_every_widget_offers_exactly_the_registry():
    from tests.test_pages import open_page

    at = open_page("pages/train.py")
    assert at.selectbox(key="train_hidden_activation").options == [ACTIVATIONS[k].label for k in HIDDEN_ACTIVATIONS]
    assert at.selectbox(key="train_output_activation").options == [o.label for o in OUTPUTS.values()]
    assert at.selectbox(key="train_loss").options == [c.label for c in LOSSES.values()]
    assert at.selectbox(key="train_optimizer").options == [c.label for c in OPTIMIZERS.values()]
    assert [float(v) for v in at.select_slider(key="train_lr").options] == LEARNING_RATES
    assert [int(v) for v in at.select_slider(key="train_batch").options] == BATCH_SIZES
    for key, bound in (("train_hidden_units", "hidden_units"), ("train_epochs", "epochs")):
        slider = at.slider(key=key)
        assert (slider.min, slider.max, slider.value) == (BOUNDS[bound].low, BOUNDS[bound].high, BOUNDS[bound].default)
    at = open_page("pages/backprop.py")
    assert at.selectbox(key="backprop_optimizer").options == [c.label for c in OPTIMIZERS.values()]


def test_the_streamlit_adjustment_matches_the_installed_version():
    from streamlit.runtime.scriptrunner import script_runner

    from ui.patches import CHECKED_ON, keep_keras_state_between_runs

    assert streamlit.__version__.startswith(CHECKED_ON), "re-check ui/patches.py against this Streamlit"
    keep_keras_state_between_runs()
    assert keep_keras_state_between_runs() is False  # applied once, idempotent
    assert getattr(script_runner._clean_problem_modules, "_course_patched", False)


def test_chart_encodings_are_typed_channels():
    """Altair turns a plain string in .encode() (x="a:Q") or an alt.condition into a channel through a slow path
    (it rebuilds a table of its whole schema, tens of ms each): a lesson that redraws its charts on every slider
    move uses alt.X("a:Q") and scales instead."""
    slow = []
    for path in sorted((ROOT / "lib").rglob("*.py")) + sorted((ROOT / "ui").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "tooltip" for t in node.targets):
                node = ast.Call(ast.Attribute(ast.Name("chart"), "encode"), [], [ast.keyword("tooltip", node.value)])
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "encode":
                for keyword in node.keywords:
                    values = keyword.value.elts if isinstance(keyword.value, ast.List) else [keyword.value]
                    for value in values:
                        plain = isinstance(value, ast.Constant) and isinstance(value.value, str)
                        condition = isinstance(value, ast.Call) and ast.unparse(value.func) == "alt.condition"
                        if plain or condition:
                            slow.append(f"{path.relative_to(ROOT)}:{value.lineno} {keyword.arg}")
    assert slow == []
