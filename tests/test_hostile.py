"""Hostile input from a link or a file: shown literally, never raising, always named in a note."""

import json
import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib.progress import ProgressError, from_json, restore
from lib.restart import Work, make_token, read_token
from lib.untrusted import WORD_JOINER, literal, plain_number, refused_url_value
from tests.test_links import open_with

MARKUP = [  # what a curious student put in a class's link
    "[Log in again](http://127.0.0.1:9/x)",
    "![i](http://127.0.0.1:9/i.png)",
    "http://127.0.0.1:9/bare",
    ":red[x]",
    ":material/home:",
    "$x^2$",
]
NUMBERS = ["nan", "inf", "-inf", "1e999", "9" * 5000, "²", "٣", "1_0", "0x10", " ", ""]
PROBES = MARKUP + NUMBERS + ["deadbeef.3", "abc.99999999999999999999", "abc.²", "abc." + "7" * 5000, "[" * 10_000]

# Every page that reads its settings from the URL, and some of its parameters (words, sliders, number inputs).
LINKED = {
    "pages/train.py": ["train_optimizer", "train_lr", "train_epochs", "train_seed"],
    "pages/experiments.py": ["experiments_optimizer", "experiments_points", "experiments_setting", "experiments_share"],
    "pages/backprop.py": ["backprop_optimizer", "backprop_lr", "backprop_seed", "backprop_epochs"],
    "pages/descent.py": ["descent_curve", "descent_start", "descent_lr", "descent_steps"],
    "pages/activations.py": [
        "activations_dataset",
        "activations_temperature",
        "activations_depth",
        "activations_units",
    ],
    "pages/losses.py": ["losses_true_digit", "losses_logit5", "losses_logit7"],
    "pages/network.py": ["network_width"],
}
MARKDOWN_ELEMENTS = ("title", "header", "subheader", "markdown", "caption", "warning", "error", "info", "success")


def shown_as_markdown(at) -> list[str]:
    return [element.value for kind in MARKDOWN_ELEMENTS for element in getattr(at, kind)]


def unescaped(value: str, payload: str) -> bool:
    """Whether Markdown would read any part of the payload as markup: the payload appears as typed, or with only
    its letters and digits left unescaped (an independent check of the escaping: every ASCII punctuation mark of
    the payload must be preceded by a backslash, every ":" followed by an invisible word joiner)."""
    if payload in value:
        return True
    plain = value.replace(WORD_JOINER, "")
    spelled = "".join("\\" + ch if re.match(r"[!-/;-@\[-`{-~]", ch) else ch for ch in payload)
    return spelled not in plain or (":" in payload and ":" + WORD_JOINER not in value)


def assignments(params: list[str], payloads: list[str]) -> list[dict]:
    """Links that put every payload into the page's parameters, round robin."""
    rounds = -(-len(payloads) // len(params))
    return [
        {key: payloads[(r * len(params) + i) % len(payloads)] for i, key in enumerate(params)} for r in range(rounds)
    ]


@pytest.mark.parametrize("path", LINKED)
def test_markup_in_a_link_is_shown_literally_and_named_on_every_page(path):
    for link in assignments(LINKED[path], MARKUP):
        at = open_with(path, link)
        assert not at.exception, [e.value for e in at.exception]
        values = shown_as_markdown(at)
        note = " ".join(w.value for w in at.warning if "could not be used" in w.value)
        for key, payload in link.items():
            assert not any(payload in value for value in values), (key, payload)
            assert not unescaped(note, payload), (key, payload, note)


@pytest.mark.parametrize("path", LINKED)
def test_odd_numbers_in_a_link_never_raise_and_get_the_note(path):
    for link in assignments(LINKED[path], NUMBERS[:7]):
        at = open_with(path, link)
        assert not at.exception, (link, [e.value for e in at.exception])
        note = " ".join(w.value for w in at.warning if "could not be used" in w.value)
        for key, value in link.items():
            assert literal(value, 40)[:20] in note, (key, value, note)  # "nan" too: the promised note


def progress_file(**fields) -> bytes:
    return json.dumps({"version": 1, "seen": [], "gates": {}, **fields}).encode()


@pytest.mark.parametrize("payload", MARKUP)
def test_the_progress_loader_shows_names_from_the_file_literally(payload):
    for upload in (progress_file(seen=[payload]), progress_file(gates={payload: {"correct": True}})):
        kept, kind, message = restore({"seen": []}, upload, {"pages/home.py"}, set())
        assert kind == "error" and kept == {"seen": []}
        assert not unescaped(message, payload), message


@pytest.mark.parametrize(
    "upload, why",
    [
        (b"[" * 10_000, "nests more than"),
        (b'{"version": ' + b"9" * 5001 + b', "seen": [], "gates": {}}', "5,001 digits"),
        (b'{"version": true, "seen": [], "gates": {}}', "no version 1"),
        (b'{"version": 1.0, "seen": [], "gates": {}}', "no version 1"),
        (b'{"version": NaN, "seen": [], "gates": {}}', "NaN"),
        (progress_file(teacher="yes"), "entries a progress file does not have: teacher"),
        (b'{"version": 1, "seen": [], "gates": {"losses_shift": {"correct": true, "x": 1}}}', "malformed"),
        (b"\xff\xfe", "not UTF-8"),
        (b"{" * 70_000, "70,000 bytes"),
    ],
)
def test_a_hostile_progress_file_is_refused_with_its_reason(upload, why):
    with pytest.raises(ProgressError, match=re.escape(why)):
        from_json(upload, {"pages/home.py"}, {"losses_shift"})


KEY = b"k" * 64


def parsers():
    """Every parser of outside input, as a function of one string."""
    yield "url value", lambda s: (refused_url_value(s), plain_number(s))
    yield "runs token", lambda s: read_token(s, KEY)
    yield "progress file", lambda s: restore({}, s.encode("utf-8", "surrogatepass"), set(), set())
    yield "progress value", lambda s: restore({}, progress_file(seen=[s], version=s), set(), set())
    yield "literal", lambda s: literal(s)


@pytest.mark.parametrize("probe", PROBES, ids=lambda p: p[:12])
@pytest.mark.parametrize("name, parse", list(parsers()), ids=[name for name, _ in parsers()])
def test_every_probe_through_every_parser_never_raises(name, parse, probe):
    parse(probe)


@given(st.text(max_size=300))
def test_any_text_through_every_parser_never_raises_and_literal_is_bounded(text):
    for _, parse in parsers():
        parse(text)
    assert len(literal(text, 60).replace(WORD_JOINER, "").replace("\\", "")) <= 61


def test_a_plain_number_is_ascii_finite_and_bounded():
    assert plain_number("0.001") == 0.001 and plain_number("-3") == -3 and plain_number("1e-4") == 1e-4
    for odd in NUMBERS + ["1e16", "١٢", "3\n"]:
        assert plain_number(odd) is None, odd
    assert math.isfinite(plain_number("1e15"))


def test_only_a_token_this_server_signed_is_read():
    token = make_token(Work("0bad0bad", 3, "r"), KEY)
    assert read_token(token, KEY) == Work("0bad0bad", 3, "r")
    for forged in ["deadbeef.3", "abc.99999999999999999999", "abc.²", token.replace(".3.", ".9."), token[:-1] + "0"]:
        assert read_token(forged, KEY) is None, forged
    assert read_token(make_token(Work("0bad0bad", 10**20), KEY), KEY).finished == 999  # never names runs 1..huge


def test_errors_show_no_traceback_outside_development():
    import tomllib

    from tests.conftest import ROOT

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] in ("type", "none")  # values Streamlit 1.67 accepts, no trace
