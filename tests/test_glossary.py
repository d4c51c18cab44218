"""The glossary: its definitions say what Keras does, its order is the one it claims, and every technical word the
course's pages show is defined in it (the pages are rendered in AppTest and their text scanned)."""

import re

import pytest

from lib.glossary import ALIASES, TERMS, defines, slug
from tests.course_text import course_text
from tests.test_pages import open_page

# Technical words a learner meets on the pages and needs defined, listed here independently of the glossary.
TECHNICAL = """accuracy; activation function; Adagrad; Adam; autodiff; automatic differentiation; backprop;
backpropagation; backward pass; batch; mini-batch; full-batch; bias; chain rule; computation graph; confusion matrix;
cross-entropy; binary cross-entropy; derivative; partial derivative; diverge; ELU; epoch; finite difference; flatten;
float32; forward pass; GELU; gradient; gradient descent; gradient norm; GradientTape; hidden layer; Keras; kernel;
label; layer; Dense layer; leaky ReLU; learning rate; linear; non-linear; local minimum; minima; logit; loss;
mean squared error; MNIST; momentum; MSE; neuron; one-hot; optimizer; overfitting; parameter; perceptron; ReLU;
RMSprop; saddle; saddle point; saliency; saliency map; seed; SGD; sigmoid; softmax; step; stochastic gradient descent;
tanh; temperature; TensorFlow; test set; validation; vanishing gradient; weight"""
WORDS = [w.strip() for w in TECHNICAL.split(";")]
NAMED_IN_THE_ISSUE = ["ReLU", "sigmoid", "tanh", "MSE", "one-hot", "RMSprop", "saddle point", "saliency", "confusion "
                      "matrix", "seed", "temperature", "neuron", "layer", "gradient norm"]  # fmt: skip


def used(word: str, text: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(word)}(?:s|es|d)?(?![\w-])", text, flags=re.IGNORECASE) is not None


@pytest.fixture(scope="module")
def texts():
    return {path: text for path, text in course_text().items() if path != "pages/glossary.py"}


def test_every_technical_word_on_the_pages_is_defined(texts):
    missing = {
        word: [path for path, text in texts.items() if used(word, text)]
        for word in WORDS
        if not defines(word) and any(used(word, text) for text in texts.values())
    }
    assert not missing, f"used on the pages but not in the glossary: {missing}"
    found = [word for word in WORDS if any(used(word, text) for text in texts.values())]
    assert len(found) >= 40  # the scan reads the pages' text (and is not silently empty)


def test_the_words_the_course_was_missing_are_defined():
    assert all(defines(word) for word in NAMED_IN_THE_ISSUE), [w for w in NAMED_IN_THE_ISSUE if not defines(w)]
    assert all(target in TERMS for target in ALIASES.values())


def test_every_glossary_link_on_the_pages_points_at_an_entry(texts):
    slugs = {slug(term) for term in TERMS}
    for path, text in texts.items():
        for target in re.findall(r"\(/glossary#([\w-]+)\)", text):
            assert target in slugs, (path, target)


def test_momentum_and_learning_rate_say_what_keras_computes():
    momentum, lr = TERMS["momentum"], TERMS["learning rate"]
    assert "running average" not in momentum and "v ← 0.9·v − lr·g" in momentum and "10×" in momentum
    assert "how far each step moves" not in lr.lower() and "lr·|g|" in lr


def test_the_glossary_is_in_the_order_it_claims():
    at = open_page("pages/glossary.py")
    assert any("alphabetical order" in m.value for m in at.markdown)
    headings = [h.value for h in at.subheader]
    assert headings == sorted(TERMS, key=str.casefold) == list(TERMS)
