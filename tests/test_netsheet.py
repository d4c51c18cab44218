"""The backprop worksheet: its answers are the gradients (checked against an independent NumPy backprop and finite
differences), its checker accepts them within the stated tolerance, refuses the typical mistakes and names them."""

import numpy as np
import pytest

from lib.netsheet import BATCH, check, make_sheet, tolerance
from lib.progress import ProgressError, empty, from_json, summary, to_json

SHEETS = range(25)


def loss(params, **override):
    """The worksheet network's batch loss in float64, written independently of lib.netsheet."""
    p = {**params, **override}
    h = np.maximum(p["x"] @ p["w1"] + p["b1"], 0)
    z = h @ p["w2"] + p["b2"]
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return -np.mean(log_p[np.arange(BATCH), p["y"]])


def numeric(params, name, index, h=1e-6):
    up, down = params[name].astype(float).copy(), params[name].astype(float).copy()
    up[index] += h
    down[index] -= h
    return (loss(params, **{name: up}) - loss(params, **{name: down})) / (2 * h)


def oracle(params):
    """The gradients and the typical mistakes, derived here from scratch."""
    x, y, w1, b1, w2, b2 = (params[k] for k in ("x", "y", "w1", "b1", "w2", "b2"))
    z1 = x @ w1 + b1
    h = np.maximum(z1, 0)
    z2 = h @ w2 + b2
    p = np.exp(z2) / np.exp(z2).sum(axis=1, keepdims=True)
    d_z2 = (p - np.eye(2)[y]) / BATCH
    d_h = d_z2 @ w2.T
    return {"z1": z1, "h": h, "p": p, "dZ2": d_z2, "dH": d_h, "mask": z1 > 0, "dZ1": d_h * (z1 > 0)}


def indices(prompt: str) -> tuple[int, int]:
    inside = prompt[prompt.index("[") + 1 : prompt.index("]")]
    a, b = (int(v) - 1 for v in inside.split(","))
    return a, b


@pytest.mark.parametrize("number", SHEETS)
def test_every_answer_is_the_gradient_and_the_checker_accepts_it_within_its_tolerance(number):
    sheet = make_sheet(number)
    params, o = sheet.params, oracle(sheet.params)
    q1, q2, q3, q4 = sheet.questions
    b, c = indices(q1.prompt)
    assert b == 0 and c == params["y"][0]
    assert q1.answer == pytest.approx(o["dZ2"][0, c], abs=1e-12) and q1.answer < 0
    j, k = indices(q2.prompt)
    assert q2.answer == pytest.approx(numeric(params, "w2", (j, k)), abs=1e-8)
    assert q3.answer == tuple(int(n) + 1 for n in np.flatnonzero(o["mask"][0]))
    i, j = indices(q4.prompt)
    assert q4.answer == pytest.approx(numeric(params, "w1", (i, j)), abs=1e-8)
    for q in (q1, q2, q4):
        assert check(q, q.answer).correct
        assert check(q, q.answer + 0.9 * tolerance(q.answer)).correct  # rounding on the way is forgiven
        assert not check(q, q.answer + 1.5 * tolerance(q.answer)).correct
        assert "autodiff" in check(q, q.answer + 1.0).text and q.chain in check(q, q.answer + 1.0).text
    assert check(q3, list(q3.answer)).correct and not check(q3, []).correct  # every sheet has a neuron on


@pytest.mark.parametrize("number", SHEETS)
def test_the_typical_mistakes_are_refused_and_named(number):
    sheet = make_sheet(number)
    params, o = sheet.params, oracle(sheet.params)
    q1, q2, q3, q4 = sheet.questions
    c = int(params["y"][0])
    missing_b = check(q1, o["p"][0, c] - 1)
    assert not missing_b.correct and missing_b.mistake == "a missing 1/B" and "1/B" in missing_b.text
    j, k = indices(q2.prompt)
    transposed = o["h"][:, k] @ o["dZ2"][:, j]
    assert check(q2, transposed).mistake == "a transposed product"
    assert check(q2, BATCH * q2.answer).mistake == "a missing 1/B"
    i, j = indices(q4.prompt)
    dropped = params["x"][:, i] @ o["dH"][:, j]
    assert not check(q4, dropped).correct and check(q4, dropped).mistake == "a dropped mask"
    assert "off" in check(q4, dropped).text
    assert check(q4, BATCH * q4.answer).mistake == "a missing 1/B"
    swapped = params["x"][:, i] @ ((o["dZ2"] @ params["w2"][:2, :])[:, j] * o["mask"][:, j])
    assert check(q4, swapped).mistake == "a transposed product"
    no_mask = check(q3, [1, 2, 3])
    assert not no_mask.correct and (no_mask.mistake is not None)


def test_new_numbers_give_a_different_worksheet_and_the_same_number_the_same_one():
    assert make_sheet(3).params["w1"].tolist() == make_sheet(3).params["w1"].tolist()
    assert make_sheet(3).params["w1"].tolist() != make_sheet(4).params["w1"].tolist()


def test_progress_counts_worksheets_and_old_files_still_load():
    progress = empty() | {"worksheets": 2}
    restored = from_json(to_json(progress).encode(), set(), set())
    assert restored["worksheets"] == 2
    assert "2 backprop worksheets finished" in summary(restored, 12, 14)
    assert "worksheet" not in summary(empty(), 12, 14)
    old = b'{"version": 1, "seen": [], "gates": {}}'
    assert from_json(old, set(), set())["worksheets"] == 0
    for junk in (
        b'{"version": 1, "seen": [], "gates": {}, "worksheets": -1}',
        b'{"version": 1, "seen": [], "gates": {}, "worksheets": "9"}',
        b'{"version": 1, "seen": [], "gates": {}, "worksheets": true}',
    ):
        with pytest.raises(ProgressError):
            from_json(junk, set(), set())
