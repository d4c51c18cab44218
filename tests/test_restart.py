"""A server restart loses every session's work: the page the browser reconnects to says what, and what to do."""

import re

import pytest
from streamlit.testing.v1 import AppTest

from lib.restart import Work, lost_message, make_token, read_token
from tests.test_pages import ROOT, TIMEOUT, open_page
from ui.restart import KEY, SERVER_ID

OLD = "0bad0bad"  # an earlier start of this server


def reconnect(path: str, runs: str) -> AppTest:
    """A fresh session (as after a restart) whose URL still holds the token the old server wrote."""
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=TIMEOUT)
    at.query_params["runs"] = runs
    at.run()
    at.switch_page(path).run()
    return at


def notices(at) -> str:
    return " ".join(w.value for w in at.warning if "server restarted" in w.value)


@pytest.mark.parametrize(
    "path, work, told",
    [
        ("pages/train.py", Work(OLD, 0, "r"), ["your run 1, which was training", "Start training"]),
        ("pages/train.py", Work(OLD, 1, "r"), ["your run 2, which was training", "finished run 1"]),
        ("pages/home.py", Work(OLD, 2), ["finished runs 1 to 2", "download the run table"]),
        ("pages/experiments.py", Work(OLD, 0, "s"), ["your learning-rate sweep, which was running", "Run the sweep"]),
        (
            "pages/experiments.py",
            Work(OLD, 3, "t", True),
            ["your twin runs, which were running", "runs 1 to 3", "experiment's results", "Run the twins"],
        ),
    ],
)
def test_a_restart_is_told_with_what_was_in_flight_and_what_to_do(path, work, told):
    at = reconnect(path, make_token(work, KEY))
    assert not at.exception
    note = notices(at)
    for words in told:
        assert words in note, (words, note)
    assert "runs" not in at.query_params  # told once per session; this session's own token replaces it


@pytest.mark.parametrize("runs", ["deadbeef.3", "abc.99999999999999999999", "abc.²", "abc." + "7" * 5000])
def test_a_token_this_server_never_wrote_is_no_restart(runs):
    at = reconnect("pages/train.py", runs)
    assert not at.exception and not notices(at)


def test_the_same_server_is_no_restart():
    at = reconnect("pages/train.py", make_token(Work(SERVER_ID, 2), KEY))
    assert not notices(at)


def test_the_url_records_a_run_when_it_starts_not_when_it_ends():
    at = open_page("pages/train.py")  # the notebook's run: seconds long, so still training when looked at
    at.button(key="train_start_button").click().run()
    job = at.session_state["train_job"]
    try:
        assert job.active
        assert read_token(at.query_params["runs"], KEY) == Work(SERVER_ID, 0, "r")
        at.switch_page("pages/losses.py").run()  # every page keeps it in its URL
        assert read_token(at.query_params["runs"], KEY) == Work(SERVER_ID, 0, "r")
    finally:
        job.stop()
        job.join(60)


def test_the_url_records_a_sweep_when_it_starts():
    at = open_page("pages/experiments.py")
    at.button(key="experiments_sweep_button").click().run()
    series = at.session_state["experiments_series"]
    try:
        assert read_token(at.query_params["runs"], KEY) == Work(SERVER_ID, 0, "s")
    finally:
        series.stop()
        series.join(60)


def test_every_kind_of_lost_work_is_named_with_a_way_on():
    for finished in (0, 1, 2, 999):
        for in_flight in ("", "r", "s", "t"):
            for done in (False, True):
                work = Work(OLD, finished, in_flight, done)
                if not work.anything:
                    continue
                message = lost_message(work)
                assert bool(re.search(r"\brun 1\b", message)) == (finished == 1 or (finished == 0 and in_flight == "r"))
                assert (f"runs 1 to {finished}" in message) == (finished > 1)
                assert ("which was" in message or "which were" in message) == bool(in_flight)
                assert ("download the run table" in message) == bool(finished or in_flight == "r")
                assert ("experiment's results" in message) == done
                assert (
                    "To carry on, press" in message or "To carry on, start" in message or "To carry on, run" in message
                )
