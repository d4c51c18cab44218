"""Text a learner, a link or a file supplied, shown literally: whatever it holds, a Markdown element prints it as
typed (no link, no image, no colour, icon or formula) and at a bounded length. One definition for the whole app."""

from __future__ import annotations

import re
import unicodedata

LIMIT = 60  # characters of a supplied value shown; the rest is cut with "…"

_PUNCTUATION = re.compile(r"([!-/;-@\[-`{-~])")  # every ASCII punctuation mark but ":" (CommonMark escapes them)
WORD_JOINER = "\u2060"  # invisible; after ":" and before "." and "@", no ":red[", "http://", "www." or a@b.c forms


def literal(value: object, limit: int = LIMIT) -> str:
    """`value` as text that st.markdown, st.caption, st.warning… show exactly as written, cut to `limit` characters.

    Line breaks and other control characters become spaces (a new line could start a heading or a list); every
    ASCII punctuation mark is backslash-escaped, so brackets, parentheses, "!", "$", "*", "_", "<", "`" and "|"
    stay characters. Streamlit reads ":colour[…]", ":material/…:", emoji short codes and bare web addresses
    after the escapes are gone, so an invisible word joiner follows each ":" and precedes each "." and "@".
    """
    text = str(value)
    cut = len(text) > limit
    text = text[:limit]
    text = "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in text)
    text = text.replace(":", ":" + WORD_JOINER).replace(".", WORD_JOINER + ".").replace("@", WORD_JOINER + "@")
    text = _PUNCTUATION.sub(r"\\\1", text)
    return text + "…" if cut else text


def shown(value: object, limit: int = LIMIT) -> str:
    """`value` as literal() shows it, between quotation marks: “value”."""
    return f"“{literal(value, limit)}”"


MAX_URL_VALUE = 100  # characters: no setting of the course is spelled longer; a longer value is refused unread
MAX_MAGNITUDE = 1e15  # no number the course takes from a link is larger
_PLAIN_NUMBER = re.compile(r"[+-]?(\d{1,20}(\.\d{0,20})?|\.\d{1,20})([eE][+-]?\d{1,3})?", re.ASCII)


def plain_number(text: str) -> float | None:
    """The number `text` spells in ASCII digits (finite, at most MAX_MAGNITUDE), else None. Never raises: "nan",
    "inf", "1e999", 5,000 digits, "²" or "٣" (which Python's float() reads as 3) are all None."""
    if not isinstance(text, str) or len(text) > 50 or not _PLAIN_NUMBER.fullmatch(text):
        return None
    value = float(text)
    return value if abs(value) <= MAX_MAGNITUDE else None


def refused_url_value(text: str) -> bool:
    """Whether a URL value must not reach a widget: too long to be a setting, or number-like (Python's float()
    would read it) without being a plain_number."""
    if not isinstance(text, str) or len(text) > MAX_URL_VALUE:
        return True
    try:
        float(text)
    except (ValueError, OverflowError):
        return False  # a word (an option's name): the widget matches it against its options
    return plain_number(text.strip()) is None
