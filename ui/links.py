"""Links that restore an experiment: every setting of a page lives in its URL (widgets bound to query parameters),
the link carries a format version, and a value a link gets wrong is replaced by the default with a visible note."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import streamlit as st

from lib.choices import OPTIMIZERS
from lib.lab.runs import SETTING_NAMES
from lib.untrusted import MAX_URL_VALUE, literal, plain_number, shown

LINK_VERSION = "1"
BOUND = {"persist_state": "session", "bind": "query-params"}  # a widget kept across pages and in the URL


def number(value) -> str:
    return f"{value:g}"


def optimizer_label(key: str) -> str:
    return OPTIMIZERS[key].label


# The lessons' bound widgets: key -> (what the learner calls it, how the URL spells its value).
DESCENT_LINK = {
    "descent_curve": ("loss curve", str),
    "descent_start": ("start", number),
    "descent_lr": ("learning rate", number),
    "descent_steps": ("steps", str),
    "descent_surface": ("loss surface", str),
    "descent_lr2": ("learning rate (two parameters)", number),
    "descent_steps2": ("steps (two parameters)", str),
    "descent_noise": ("gradient noise", number),
    "descent_offset": ("saddle start", number),
}
EXPERIMENTS_LINK = {
    "experiments_optimizer": ("optimizer", optimizer_label),
    "experiments_range": ("learning rates from … to", lambda v: [str(v[0]), str(v[1])]),
    "experiments_points": ("points", str),
    "experiments_share": ("share of the images", str),
    "experiments_setting": ("the one difference", SETTING_NAMES.get),
    "experiments_seeds": ("seeds", str),
    "experiments_twin_share": ("share of the images (twin runs)", str),
}
BACKPROP_LINK = {
    "backprop_optimizer": ("optimizer", optimizer_label),
    "backprop_lr": ("learning rate", number),
    "backprop_seed": ("random seed", str),
    "backprop_epochs": ("epochs per click", str),
}


def lesson_link(prefix: str) -> dict:
    """The bound widgets of a lesson whose values a URL spells plainly (numbers, digits, names), as link_end
    expects them: every key in the session that starts with `prefix`."""
    return {
        key: (key.removeprefix(prefix).replace("_", " ").strip(), number if isinstance(value, float) else str)
        for key, value in st.session_state.items()
        if isinstance(key, str)
        and key.startswith(prefix)
        and isinstance(value, (int, float, str))
        and not isinstance(value, bool)  # buttons
        and not re.search(r"_q\d+$", key)  # quiz answers are not settings
    }


def link_start() -> dict[str, str]:
    """The query parameters that open this page's widgets, read before any widget (Streamlit drops invalid ones).
    A repeated parameter (a range slider's two ends) comes back as its values joined by commas.

    A link is read once, when it opens a widget: a setting already in the session is the learner's own, and on
    a rerun the URL may still hold the value before their last few key presses (the page writes the URL after
    each run, the browser sends the URL with the next one), which is no link at all. Values are cut to a bound."""
    return {
        key: ",".join(value[: MAX_URL_VALUE + 1] for value in st.query_params.get_all(key)[:20])
        for key in list(st.query_params)[:100]
        if key not in st.session_state
    }


def _plain(spelled) -> str:
    return ",".join(spelled) if isinstance(spelled, list) else spelled


def _same(incoming: str, shown: str) -> bool:
    """Whether the URL asked for what the widget shows: the same words, or the same plain finite numbers (a link's
    "nan", "inf" or "٣" never equals a number shown)."""
    asked, got = incoming.split(","), shown.split(",")
    if len(asked) != len(got):
        return False
    for a, b in zip(asked, got, strict=True):
        x, y = plain_number(a), plain_number(b)
        if x is not None and y is not None:
            if abs(x - y) > 1e-12 * max(1.0, abs(y)):
                return False
        elif a != b:
            return False
    return True


def link_end(incoming: dict[str, str], forms: dict) -> None:
    """After the widgets: note every setting the link asked for and did not get, stamp the version, and offer a
    link to the experiment as it now stands. forms: widget key -> (name, how the URL spells its value: a string,
    or a list of strings for a repeated parameter)."""
    problems = []
    for key, (name, spell) in forms.items():
        if key not in incoming or key not in st.session_state:
            continue
        got = _plain(spell(st.session_state[key]))
        if not _same(incoming[key], got):
            problems.append(f"{name}: {shown(incoming[key], 40)} is not allowed here, so it is {got}")
    if incoming.get("v", LINK_VERSION) != LINK_VERSION:
        problems.append(
            f"the link was made for version {literal(incoming['v'], 10)} of the course's links (this is {LINK_VERSION})"
        )
    if problems:
        st.warning(
            "**This link had settings that could not be used:** " + "; ".join(problems) + ".",
            icon=":material/link_off:",
        )
    if st.query_params.get("v") != LINK_VERSION:  # written once: each write sends the server's copy of the whole
        st.query_params["v"] = LINK_VERSION  # URL, which lags behind a learner's fast key presses
    base = st.context.url
    if base:
        settings = {key: spell(st.session_state[key]) for key, (_, spell) in forms.items() if key in st.session_state}
        with st.expander("Copy a link to this experiment", icon=":material/link:"):
            st.caption("It opens this page with these settings (not the results): send it to a learner or a class.")
            query = urlencode({**settings, "v": LINK_VERSION}, doseq=True)
            st.code(f"{base}?{query}", language=None, wrap_lines=True)
