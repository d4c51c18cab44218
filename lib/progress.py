"""A learner's progress: lessons seen and predictions made. It lives in the session (shared with the browser's other
sessions by lib/learners.py) and travels as a small JSON file; an uploaded file is checked before anything is
changed."""

from __future__ import annotations

import json

VERSION = 1
MAX_BYTES = 20_000


class ProgressError(ValueError):
    """An uploaded progress file was refused; the message says why. Nothing was changed."""


def empty() -> dict:
    return {"version": VERSION, "seen": [], "gates": {}}


def to_json(progress: dict) -> str:
    return json.dumps(
        {"version": VERSION, "seen": sorted(progress["seen"]), "gates": progress["gates"]}, indent=1, sort_keys=True
    )


def from_json(payload: bytes, known_pages: set[str], known_gates: set[str]) -> dict:
    """A progress dict from an uploaded file, or ProgressError: too big, not JSON, or not this course's file."""
    if len(payload) > MAX_BYTES:
        raise ProgressError(f"The file is {len(payload):,} bytes; a progress file is at most {MAX_BYTES:,}.")
    try:
        data = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ProgressError(f"The file is not a progress file of this course (not JSON: {error}).") from None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise ProgressError("The file is not a progress file of this course (no version 1 marker).")
    seen, gates = data.get("seen"), data.get("gates")
    if not isinstance(seen, list) or not all(isinstance(page, str) for page in seen):
        raise ProgressError("The file's list of lessons seen is malformed.")
    if not isinstance(gates, dict):
        raise ProgressError("The file's predictions are malformed.")
    unknown = [page for page in seen if page not in known_pages] + [key for key in gates if key not in known_gates]
    if unknown:
        raise ProgressError(f"The file names things this course does not have: {', '.join(map(str, unknown[:5]))}.")
    for key, record in gates.items():
        if not isinstance(record, dict) or set(record) != {"correct"} or not isinstance(record["correct"], bool):
            raise ProgressError(f"The prediction {key!r} is malformed.")
    return {
        "version": VERSION,
        "seen": sorted(set(seen)),
        "gates": {k: {"correct": v["correct"]} for k, v in gates.items()},
    }


def summary(progress: dict, lessons: int, gates: int) -> str:
    right = sum(record["correct"] for record in progress["gates"].values())
    made = len(progress["gates"])
    return f"{len(progress['seen'])} of {lessons} pages seen · {made} of {gates} predictions made" + (
        f" ({right} right)" if made else ""
    )


def restore(current: dict, payload: bytes, known_pages: set[str], known_gates: set[str]) -> tuple[dict, str, str]:
    """(progress to keep, "success" or "error", message): an uploaded file replaces the progress only if valid."""
    try:
        return from_json(payload, known_pages, known_gates), "success", "Progress restored."
    except ProgressError as error:
        return current, "error", f"{error} Your progress is unchanged."
