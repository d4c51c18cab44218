"""What each browser has done, kept on the server between its sessions.

Streamlit's session state lives as long as one websocket: a reload, a new tab or a deep link starts empty. This
store keeps a small dict per browser (its progress, its runs, its experiment series) so that a new session of the
same browser picks them up. It is bounded: a browser unseen for IDLE_SECONDS is forgotten, and past MAX_BROWSERS
the browser seen longest ago goes first. Nothing here is ever handed to another browser's key.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, MutableMapping


def _env_number(name: str, default: float, smallest: float) -> float:
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        return default
    return value if math.isfinite(value) and value >= smallest else default  # nan, inf and nonsense fall back


# A browser's state is forgotten after this long without a page run (env COURSE_LEARNER_IDLE_SECONDS; 2 hours).
IDLE_SECONDS = _env_number("COURSE_LEARNER_IDLE_SECONDS", 7200.0, 1.0)
# At most this many browsers are kept; the one seen longest ago goes first (env COURSE_LEARNERS_KEPT).
MAX_BROWSERS = int(_env_number("COURSE_LEARNERS_KEPT", 50, 1))

# What a session shares with the other sessions of its browser (session-state keys). Widget values are not
# here: the settings travel in the page's URL.
KEPT_KEYS = ("progress", "train_job", "train_shared", "train_runs", "experiments_series", "experiments_meta")


class LearnerStore:
    """browser id -> that browser's dict, bounded by idle time and by count (least recently seen first)."""

    def __init__(
        self,
        idle_seconds: float = IDLE_SECONDS,
        max_browsers: int = MAX_BROWSERS,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.idle_seconds, self.max_browsers, self._clock = idle_seconds, max_browsers, clock
        self._lock = threading.Lock()
        self._kept: OrderedDict[str, tuple[float, dict]] = OrderedDict()  # oldest use first

    def state(self, browser: str) -> dict:
        """This browser's dict (a new, empty one if it had none or it expired); counts as a use."""
        with self._lock:
            now = self._clock()
            self._expire(now)
            _, state = self._kept.pop(browser, (now, {}))
            self._kept[browser] = (now, state)
            while len(self._kept) > self.max_browsers:
                self._kept.popitem(last=False)
            return state

    def __len__(self) -> int:
        with self._lock:
            self._expire(self._clock())
            return len(self._kept)

    def __contains__(self, browser: str) -> bool:
        with self._lock:
            self._expire(self._clock())
            return browser in self._kept

    def _expire(self, now: float) -> None:
        while self._kept:
            browser, (last_use, _) = next(iter(self._kept.items()))
            if now - last_use <= self.idle_seconds:
                return
            del self._kept[browser]


STORE = LearnerStore()


def duration(seconds: float) -> str:
    """'2 hours', '90 minutes', '45 seconds': a stated lifetime in the largest unit that keeps it whole."""
    for unit, size in (("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = int(seconds // size)
            return f"{count} {unit}{'s' * (count != 1)}"
    count = round(seconds)
    if count >= 60:
        return f"{count / 60:.1f} minutes"
    return f"{count} second{'s' * (count != 1)}"


_MISSING = object()


def sync(session: MutableMapping, kept: dict, keys: Iterable[str], synced: dict) -> None:
    """Exchange `keys` between one session and its browser's kept dict.

    `synced` remembers, per key, the object this session last exchanged. A key the session has changed since then
    (assigned a new object: a new run, an uploaded progress file) is written to `kept`; otherwise the session
    takes what `kept` holds, which another tab may have changed. Objects are shared, not copied, so a change made
    inside one (a prediction added to the progress) is seen by every tab at once. If `kept` lost the key (it
    expired while this tab stayed open), the session's copy is kept again.
    """
    for key in keys:
        local = session.get(key, _MISSING)
        if local is not synced.get(key, _MISSING) or key not in kept:
            if local is not _MISSING:
                kept[key] = local
            else:  # this session deleted it
                kept.pop(key, None)
        else:
            session[key] = local = kept[key]
        synced[key] = local
