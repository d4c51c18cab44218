"""Links that restore an experiment: every setting of a page lives in its URL (widgets bound to query parameters),
the link carries a format version, and a value a link gets wrong is replaced by the default with a visible note."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import streamlit as st

from lib.choices import OPTIMIZERS
from lib.lab.runs import SETTING_NAMES

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
    """The query parameters the page was opened with, read before any widget (Streamlit drops invalid ones).
    A repeated parameter (a range slider's two ends) comes back as its values joined by commas."""
    return {key: ",".join(st.query_params.get_all(key)) for key in st.query_params}


def _plain(spelled) -> str:
    return ",".join(spelled) if isinstance(spelled, list) else spelled


def _same(incoming: str, shown: str) -> bool:
    asked, got = incoming.split(","), shown.split(",")
    if len(asked) != len(got):
        return False
    for a, b in zip(asked, got, strict=True):
        try:
            if abs(float(a) - float(b)) > 1e-12 * max(1.0, abs(float(b))):
                return False
        except ValueError:
            if a != b:
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
        shown = _plain(spell(st.session_state[key]))
        if not _same(incoming[key], shown):
            problems.append(f"{name}: “{incoming[key][:40]}” is not allowed here, so it is {shown}")
    if incoming.get("v", LINK_VERSION) != LINK_VERSION:
        problems.append(
            f"the link was made for version {incoming['v'][:10]} of the course's links (this is {LINK_VERSION})"
        )
    if problems:
        st.warning(
            "**This link had settings that could not be used:** " + "; ".join(problems) + ".",
            icon=":material/link_off:",
        )
    st.query_params["v"] = LINK_VERSION
    base = st.context.url
    if base:
        settings = {key: spell(st.session_state[key]) for key, (_, spell) in forms.items() if key in st.session_state}
        with st.expander("Copy a link to this experiment", icon=":material/link:"):
            st.caption("It opens this page with these settings (not the results): send it to a learner or a class.")
            query = urlencode({**settings, "v": LINK_VERSION}, doseq=True)
            st.code(f"{base}?{query}", language=None, wrap_lines=True)
