"""A learner's progress: lessons seen, backprop worksheets finished and predictions made, each answer with the
exact settings it was about. It lives in the session (shared with the
browser's other sessions by lib/learners.py) and travels as a small JSON file; an uploaded file is checked
before anything is changed.

Version 2 keeps every locked answer (lib.gates); a version-1 file (one right/wrong per prediction) still loads.
"""

from __future__ import annotations

import json
import math
import re

from lib.gates import MAX_ANSWERS
from lib.untrusted import literal

VERSION = 2
MAX_BYTES = 64_000
MAX_WORKSHEETS = 100_000
MAX_STATE_ITEMS, MAX_TEXT = 16, 300
WORDS = re.compile(r"[\w .,'()/+−-]{0,80}")  # a state's names and words: nothing Markdown would act on
MAX_DEPTH = 10  # brackets and braces inside one another: a version-2 file needs 7
MAX_NUMBER_CHARS = 20  # a number in a progress file is a version, a count or a setting
KEYS = {"version", "seen", "gates", "worksheets"}  # what a progress file holds; anything else is named and refused


class ProgressError(ValueError):
    """An uploaded progress file was refused; the message says why. Nothing was changed."""


def empty() -> dict:
    return {"version": VERSION, "seen": [], "gates": {}, "worksheets": 0}


def to_json(progress: dict) -> str:
    return json.dumps(
        {
            "version": VERSION,
            "seen": sorted(progress["seen"]),
            "gates": progress["gates"],
            "worksheets": progress.get("worksheets", 0),
        },
        indent=1,
        sort_keys=True,
    )


def _nesting(text: str) -> int:
    """How deep brackets and braces nest in JSON text (outside strings), read without parsing it."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            escaped, in_string = (False, True) if escaped else (ch == "\\", ch != '"')
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def _number(text: str) -> int | float:
    if len(text) > MAX_NUMBER_CHARS:
        raise ProgressError(f"The file holds a number {len(text):,} digits long; a progress file has none.")
    return float(text) if any(ch in text for ch in ".eE") else int(text)


def _no_constant(name: str):
    raise ProgressError(f"The file holds {literal(name)}, which is not a number a progress file has.")


def _parse(payload: bytes):
    """JSON from an upload, bounded before it is parsed: size, nesting depth and every number's length."""
    if len(payload) > MAX_BYTES:
        raise ProgressError(f"The file is {len(payload):,} bytes; a progress file is at most {MAX_BYTES:,}.")
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        raise ProgressError("The file is not a progress file of this course (not UTF-8 text).") from None
    if _nesting(text) > MAX_DEPTH:
        raise ProgressError(f"The file nests more than {MAX_DEPTH} levels deep; a progress file nests at most 7.")
    try:
        return json.loads(text, parse_int=_number, parse_float=_number, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise ProgressError(
            f"The file is not a progress file of this course (not JSON: {literal(error.msg)}, "
            f"line {error.lineno}, column {error.colno})."
        ) from None
    except RecursionError:  # not reached within MAX_DEPTH; kept so that no file can raise it
        raise ProgressError("The file nests too deep.") from None


def _names(items) -> str:
    return ", ".join(literal(item, 40) for item in list(items)[:5])


def from_json(payload: bytes, known_pages: set[str], known_gates: set[str]) -> dict:
    """A progress dict from an uploaded file, or ProgressError (never another exception): too big, too deep, not
    JSON, or not this course's file. Every name from the file in a message is shown literally."""
    data = _parse(payload)
    version = data.get("version") if isinstance(data, dict) else None
    if type(version) is not int or version not in (1, VERSION):
        raise ProgressError("The file is not a progress file of this course (no version 1 or 2 marker).")
    extra = sorted(str(key) for key in data if key not in KEYS)
    if extra:
        raise ProgressError(f"The file has entries a progress file does not have: {_names(extra)}.")
    seen, gates = data.get("seen"), data.get("gates")
    if not isinstance(seen, list) or not all(isinstance(page, str) for page in seen):
        raise ProgressError("The file's list of lessons seen is malformed.")
    if not isinstance(gates, dict):
        raise ProgressError("The file's predictions are malformed.")
    unknown = [page for page in seen if page not in known_pages] + [key for key in gates if key not in known_gates]
    if unknown:
        raise ProgressError(f"The file names things this course does not have: {_names(unknown)}.")
    read = _gate_v1 if data["version"] == 1 else _gate_v2
    restored = {}
    for key, record in gates.items():
        answers = read(record)
        if answers is None:
            raise ProgressError(f"The prediction {literal(key, 40)} is malformed.")
        restored[key] = {"answers": answers}
    worksheets = data.get("worksheets", 0)  # files saved before worksheets existed have none
    if type(worksheets) is not int or not 0 <= worksheets <= MAX_WORKSHEETS:
        raise ProgressError("The file's count of worksheets finished is malformed.")
    return {"version": VERSION, "seen": sorted(set(seen)), "gates": restored, "worksheets": worksheets}


def _gate_v1(record) -> list | None:
    """Version 1 kept one right/wrong per prediction and not what it was about: an answer with no state."""
    if not isinstance(record, dict) or set(record) != {"correct"} or not isinstance(record["correct"], bool):
        return None
    return [{"state": None, "choice": None, "correct": record["correct"]}]


def _value(value) -> bool:
    if isinstance(value, bool):
        return True
    if isinstance(value, str):
        return WORDS.fullmatch(value) is not None
    if isinstance(value, int):
        return abs(value) < 10**15
    if isinstance(value, float):
        return math.isfinite(value)
    return (
        isinstance(value, list)
        and len(value) <= MAX_STATE_ITEMS
        and all(not isinstance(v, list) and _value(v) for v in value)
    )


def _gate_v2(record) -> list | None:
    """Each answer: its state (names to numbers, words or short lists), the option chosen, and its score."""
    if not isinstance(record, dict) or set(record) != {"answers"} or not isinstance(record["answers"], list):
        return None
    answers = record["answers"]
    if not 1 <= len(answers) <= MAX_ANSWERS:
        return None
    for answer in answers:
        if not isinstance(answer, dict) or set(answer) != {"state", "choice", "correct"}:
            return None
        state, choice = answer["state"], answer["choice"]
        if not isinstance(answer["correct"], bool) or not (
            choice is None or (isinstance(choice, str) and len(choice) <= MAX_TEXT)
        ):
            return None
        if state is not None and not (
            isinstance(state, dict)
            and len(state) <= MAX_STATE_ITEMS
            and all(isinstance(k, str) and WORDS.fullmatch(k) and _value(v) for k, v in state.items())
        ):
            return None
    return [dict(answer) for answer in answers]


def summary(progress: dict, lessons: int, gates: int) -> str:
    """'3 of 11 pages seen · 2 of 12 predictions made (4 answers, 3 right)': a prediction counts as made once it
    has an answer; each answer keeps the score it got when it was locked."""
    locked = [answer for record in progress["gates"].values() for answer in record["answers"]]
    made = sum(bool(record["answers"]) for record in progress["gates"].values())
    right = sum(answer["correct"] for answer in locked)
    scores = f" ({right} right)" if len(locked) == made else f" ({len(locked)} answers, {right} right)"
    sheets = progress.get("worksheets", 0)
    return (
        f"{len(progress['seen'])} of {lessons} pages seen · {made} of {gates} predictions made"
        + (scores if made else "")
        + (f" · {sheets:,} backprop worksheet{'' if sheets == 1 else 's'} finished" if sheets else "")
    )


def restore(current: dict, payload: bytes, known_pages: set[str], known_gates: set[str]) -> tuple[dict, str, str]:
    """(progress to keep, "success" or "error", message): an uploaded file replaces the progress only if valid."""
    try:
        return from_json(payload, known_pages, known_gates), "success", "Progress restored."
    except ProgressError as error:
        return current, "error", f"{error} Your progress is unchanged."
