"""Every word a learner can read on the course's pages, collected by rendering each page in AppTest (with every
prediction on it answered, so that the revealed text is read too)."""

from __future__ import annotations

from tests.test_pages import open_page
from ui.nav import all_pages

FIELDS = ("body", "label", "help", "placeholder", "caption", "value")


def _walk(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def element_text(at) -> list[str]:
    """Text of every element: markdown, captions, alerts, headings, widget labels, help and options, table columns."""
    parts = []
    for node in _walk(at._tree):
        proto = getattr(node, "proto", None)
        for field in FIELDS:
            value = getattr(proto, field, None)
            if isinstance(value, str) and value:
                parts.append(value)
        for option in getattr(proto, "options", None) or ():
            if isinstance(option, str):
                parts.append(option)
        if type(node).__name__ == "Dataframe":
            try:
                parts.extend(str(c) for c in node.value.columns)
            except Exception:  # a table AppTest cannot decode adds no words
                pass
    return parts


def answer_every_gate(at, rounds: int = 6):
    """Lock in the first option of every prediction on the page, until none is left (a reveal can ask another)."""
    for _ in range(rounds):
        open_gates = [r.key for r in at.radio if r.key and r.key.startswith("gate_") and r.key.endswith("_choice")]
        if not open_gates:
            return at
        key = open_gates[0].removeprefix("gate_").removesuffix("_choice")
        radio = at.radio(key=f"gate_{key}_choice")
        radio.set_value(radio.options[0]).run()
        buttons = [b for b in at.button if b.key == f"gate_{key}_lock"]
        if not buttons:
            return at
        buttons[0].click().run()
    return at


def course_text(paths=None) -> dict[str, str]:
    """{page path: all its text}, for every page of the course (or the given ones)."""
    texts = {}
    for path in paths or [spec.path for spec in all_pages()]:
        at = answer_every_gate(open_page(path))
        texts[path] = "\n".join(element_text(at))
    return texts
