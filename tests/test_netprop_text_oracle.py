"""The network-backprop page's sentences about the hand-vs-tape check, one neuron's ∂L/∂W₁ column and one entry of
it, swept by Hypothesis over the shapes the page allows (batch 1–256, hidden 1–512 kept small here) and over the
values that occur (zeros from ReLU and step, NaN from an overflow), against oracles written here."""

import math
import re
from types import SimpleNamespace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lib.netprop_text import CHECK_TOLERANCE, check_sentence, column_sentence, entry_sentence

GAPS = st.sampled_from([0.0, 1e-9, 3e-7, CHECK_TOLERANCE, 2e-5, 0.3, math.nan]) | st.floats(0, 1e-3)


@settings(max_examples=300, deadline=None)
@given(st.lists(GAPS, min_size=1, max_size=8))
def test_the_check_sentence_agrees_only_when_every_line_does(gaps):
    rows = [{"gradient": f"line {i}", "max |hand − GradientTape|": g} for i, g in enumerate(gaps)]
    sentence = check_sentence(rows)
    agree = all(g <= CHECK_TOLERANCE for g in gaps)  # NaN is not within any tolerance
    assert ("do NOT agree" not in sentence) == agree, (gaps, sentence)
    assert ("(float32 rounding)" in sentence) == agree, (gaps, sentence)  # rounding explains agreement only
    worst = max(range(len(gaps)), key=lambda i: math.inf if math.isnan(gaps[i]) else gaps[i])
    assert f"in line {worst}" in sentence, (gaps, sentence)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 16),
    st.integers(1, 6),
    st.sampled_from(["dense", "relu-like", "all zero"]),
    st.integers(0, 2**32 - 1),
)
def test_the_column_sentence_counts_and_ranks_against_numpy(batch, hidden, kind, seed):
    rng = np.random.default_rng(seed)
    x = rng.random((batch, 784)) * (rng.random((batch, 784)) < 0.2)
    d_z1 = rng.normal(size=(batch, hidden))
    if kind == "relu-like":
        d_z1 *= rng.random((batch, hidden)) < 0.5
    elif kind == "all zero":
        d_z1[:] = 0.0  # the step activation: no gradient reaches W₁
    hand = SimpleNamespace(y=np.zeros(batch), grads={"dZ1": d_z1, "dW1": x.T @ d_z1})
    neuron = int(rng.integers(hidden))
    sentence = column_sentence(hand, neuron)
    on = sum(1 for b in range(batch) if d_z1[b, neuron] != 0)
    assert f"{on} of the {batch} images" in sentence, sentence
    columns = [sum(x[b] * d_z1[b, j] for b in range(batch)) for j in range(hidden)]  # image by image, no matmul
    sizes = [math.sqrt(float(np.sum(column**2))) for column in columns]
    biggest = max(sizes)
    if biggest == 0:
        assert "largest column" not in sentence and "every column is 0" in sentence, sentence
    else:
        top = re.search(r"largest column is neuron (\d+)'s", sentence)
        assert top and math.isclose(sizes[int(top.group(1))], biggest, rel_tol=1e-9), (sentence, sizes)


@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, st.integers(1, 64), elements=st.sampled_from([0.0, -0.0, 1e-30, 0.25, -3.0])))
def test_the_entry_sentence_counts_the_non_zero_products(terms):
    sentence = entry_sentence(terms, float(terms.sum()), float(terms.sum()), 5, 2)
    assert f"{sum(1 for t in terms if t != 0)} of the {len(terms)} products are non-zero" in sentence, sentence
