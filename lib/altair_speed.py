"""Altair, with its table of schema classes built once per process instead of once per encoding.

Altair 6 turns every shorthand encoding (`x="step:Q"`) into a channel object through `from_dict`, and each call
first builds a table of all its ~6,000 schema classes keyed by a JSON dump of each class's schema, then reads
one entry of it. On a busy 2-core server that made building one lesson chart cost 0.3–1.5 s, on every rerun of
every page. The table depends only on the classes, which are fixed once Altair is imported, and is only read
afterwards, so one table per set of classes gives the same objects (upstream: vega/altair#3547). Chart modules
import `alt` from here, so the table is shared from their first chart on.
"""

from __future__ import annotations

import threading

import altair as alt
from altair.utils import schemapi

__all__ = ["alt", "share_class_tables"]


def share_class_tables() -> bool:
    """Make Altair's `from_dict` reuse one class table per set of classes; True if this call switched it on.

    Checked against the installed Altair: nothing is changed unless its `_FromDict` is the class it replaces."""
    built = getattr(schemapi, "_FromDict", None)
    if built is None or getattr(built, "_course_shared", False) or not hasattr(built, "hash_schema"):
        return False
    tables: dict[tuple, object] = {}
    lock = threading.Lock()

    def shared(wrapper_classes):
        key = tuple(wrapper_classes)
        with lock:
            if key not in tables:
                tables[key] = built(key)
            return tables[key]

    shared._course_shared = True
    shared.hash_schema = built.hash_schema
    schemapi._FromDict = shared
    return True


share_class_tables()
