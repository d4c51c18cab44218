"""What a page's URL remembers of a learner's work, so that after a server restart the page can say what was lost.

A learner's runs live in their session, in server memory: a restart (an update, or the server running out of
memory with a whole class training) loses them, and the browser reconnects to a fresh session with the same URL.
So the URL carries a small token, rewritten after every script run (a run or a sweep is recorded when it STARTS):

    runs=<server id>.<finished runs>.<in flight>.<signature>

The signature (HMAC with a key kept on the server's disk) means a server believes only tokens it wrote itself:
a hand-made "runs=deadbeef.3" is no restart, and no token names more runs than a session can hold.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

MAX_RUNS = 999  # a token never names more finished runs than this
_TOKEN = re.compile(r"([0-9a-f]{8})\.(\d{1,3})\.([rst]?)(e?)\.([0-9a-f]{16})", re.ASCII)


@dataclass(frozen=True)
class Work:
    """What a session had: finished runs in its table, what was in flight, whether an experiment had results."""

    server: str
    finished: int = 0
    in_flight: str = ""  # "": nothing, "r": a run, "s": a learning-rate sweep, "t": twin runs
    experiment_done: bool = False

    @property
    def anything(self) -> bool:
        return bool(self.finished or self.in_flight or self.experiment_done)


def _signature(body: str, key: bytes) -> str:
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()[:16]


def make_token(work: Work, key: bytes) -> str:
    body = f"{work.server}.{min(work.finished, MAX_RUNS)}.{work.in_flight}{'e' * work.experiment_done}"
    return f"{body}.{_signature(body, key)}"


def read_token(text: object, key: bytes) -> Work | None:
    """The work a token this server signed describes, else None (anything else, however odd: never raises)."""
    if not isinstance(text, str) or len(text) > 64:
        return None
    match = _TOKEN.fullmatch(text)
    if match is None:
        return None
    server, finished, in_flight, done, signature = match.groups()
    body = f"{server}.{finished}.{in_flight}{done}"
    if not hmac.compare_digest(signature, _signature(body, key)):
        return None
    return Work(server, int(finished), in_flight, bool(done))


def lost_message(work: Work) -> str:
    """What a learner is told after a restart: what was lost, and what to do about it."""
    lost, todo = [], []
    if work.in_flight == "r":
        lost.append(f"your run {work.finished + 1}, which was training")
        todo.append("press **Start training** on Train MNIST to run it again")
    elif work.in_flight == "s":
        lost.append("your learning-rate sweep, which was running")
    elif work.in_flight == "t":
        lost.append("your twin runs, which were running")
    if work.in_flight in ("s", "t"):
        button = "Run the sweep" if work.in_flight == "s" else "Run the twins"
        todo.append(f"press **{button}** on Experiments to run it again")
    if work.finished:
        runs = "run 1" if work.finished == 1 else f"runs 1 to {work.finished}"
        lost.append(f"your finished {runs}")
    if work.experiment_done:
        lost.append("your experiment's results")
        if work.in_flight not in ("s", "t"):
            todo.append("run the experiment again on Experiments")
    if work.finished and work.in_flight != "r":
        todo.insert(0, "start a new run on Train MNIST")
    if work.finished or work.in_flight == "r":
        todo.append("download the run table after each run to keep a copy")
    what = lost[0] if len(lost) == 1 else ", ".join(lost[:-1]) + " and " + lost[-1]
    return (
        "**The server restarted** (it was updated, or ran out of memory with a whole class training at once), and "
        f"every session's work was lost with it: {what}. To carry on, " + "; ".join(todo) + "."
    )
