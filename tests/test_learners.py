"""Each browser's state kept between its sessions: expiry, the cap, isolation, and the exchange with a session."""

from __future__ import annotations

import importlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

import lib.learners
from lib.learners import LearnerStore, duration, sync
from tests.conftest import ROOT


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_an_idle_browser_is_forgotten_after_the_stated_time_and_not_before():
    clock = Clock()
    store = LearnerStore(idle_seconds=100, max_browsers=10, clock=clock)
    store.state("a")["progress"] = {"seen": ["pages/home.py"]}
    clock.now = 100.0
    assert store.state("a")["progress"] == {"seen": ["pages/home.py"]}  # exactly at the limit: kept, and used
    clock.now = 150.0
    assert "a" in store  # a use restarts the clock
    clock.now = 200.5
    assert "a" not in store and len(store) == 0
    assert store.state("a") == {}  # comes back empty


def test_past_the_cap_the_browser_seen_longest_ago_goes_first():
    clock = Clock()
    store = LearnerStore(idle_seconds=1e9, max_browsers=3, clock=clock)
    for t, browser in enumerate("abc"):
        clock.now = t
        store.state(browser)["mine"] = browser
    clock.now = 3
    store.state("a")  # a is used again: b is now the oldest
    clock.now = 4
    store.state("d")["mine"] = "d"
    assert "b" not in store and all(b in store for b in "acd")
    assert [store.state(b)["mine"] for b in "acd"] == ["a", "c", "d"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from("abcdef"), st.floats(0, 50), st.integers(0, 99)), max_size=40),
    st.integers(1, 4),
    st.floats(1, 60),
)
def test_every_browser_sees_only_its_own_state_within_the_bounds(ops, cap, idle):
    """A sequence of uses (browser, time step, value written) against a plain model of the rules written here."""
    clock = Clock()
    store = LearnerStore(idle_seconds=idle, max_browsers=cap, clock=clock)
    model: dict[str, tuple[float, list]] = {}  # browser -> (last use, values it wrote since it was last forgotten)
    for browser, step, value in ops:
        clock.now += step
        model = {b: (t, v) for b, (t, v) in model.items() if clock.now - t <= idle}  # expired ones go
        _, values = model.pop(browser, (clock.now, []))
        model[browser] = (clock.now, values + [value])
        while len(model) > cap:
            del model[min(model, key=lambda b: model[b][0])]
        state = store.state(browser)
        state.setdefault("values", []).append(value)
        assert state["values"] == model[browser][1], "a browser sees exactly what it wrote, nothing of another's"
        assert len(store) == len(model) <= cap


def test_the_limits_come_from_the_environment_and_nonsense_falls_back(monkeypatch):
    monkeypatch.setenv("COURSE_LEARNER_IDLE_SECONDS", "600")
    monkeypatch.setenv("COURSE_LEARNERS_KEPT", "7")
    module = importlib.reload(lib.learners)
    assert (module.IDLE_SECONDS, module.MAX_BROWSERS) == (600.0, 7)
    for junk in ("nan", "-5", "0", "abc", "inf"):
        monkeypatch.setenv("COURSE_LEARNER_IDLE_SECONDS", junk)
        monkeypatch.setenv("COURSE_LEARNERS_KEPT", junk)
        module = importlib.reload(lib.learners)
        assert module.IDLE_SECONDS == 7200.0 and module.MAX_BROWSERS == 50, junk
    monkeypatch.delenv("COURSE_LEARNER_IDLE_SECONDS")
    monkeypatch.delenv("COURSE_LEARNERS_KEPT")
    importlib.reload(lib.learners)


@pytest.mark.parametrize(
    "seconds, text",
    [(7200, "2 hours"), (3600, "1 hour"), (5400, "90 minutes"), (60, "1 minute"), (45, "45 seconds"), (1, "1 second"),
     (90.5, "1.5 minutes"), (3601, "60.0 minutes")],
)  # fmt: skip
def test_the_stated_lifetime_reads_as_the_setting(seconds, text):
    assert duration(seconds) == text


def test_a_new_session_takes_what_its_browser_kept_and_a_change_reaches_the_other_tabs():
    kept: dict = {}
    first, first_synced = {}, {}
    sync(first, kept, ["progress", "train_job"], first_synced)
    first["progress"] = {"seen": ["pages/home.py"]}  # the page made progress
    first["train_job"] = "run 1"
    sync(first, kept, ["progress", "train_job"], first_synced)
    reload, reload_synced = {}, {}  # a reload: a fresh, empty session
    sync(reload, kept, ["progress", "train_job"], reload_synced)
    assert reload == {"progress": {"seen": ["pages/home.py"]}, "train_job": "run 1"}
    reload["progress"]["seen"].append("pages/losses.py")  # a change inside the shared record: seen everywhere
    assert first["progress"]["seen"] == ["pages/home.py", "pages/losses.py"]
    reload["train_job"] = "run 2"  # a new run in the reloaded tab
    sync(reload, kept, ["progress", "train_job"], reload_synced)
    sync(first, kept, ["progress", "train_job"], first_synced)  # the old tab had not changed it: it takes run 2
    assert first["train_job"] == "run 2"


def test_a_tab_that_changed_nothing_never_overwrites_another_tabs_new_value():
    kept = {"train_runs": ["run 1"]}
    a, a_synced, b, b_synced = {}, {}, {}, {}
    sync(a, kept, ["train_runs"], a_synced)
    sync(b, kept, ["train_runs"], b_synced)
    a["train_runs"] = []  # A cleared its runs
    sync(a, kept, ["train_runs"], a_synced)
    sync(b, kept, ["train_runs"], b_synced)  # B's run ends: its unchanged old list must not come back
    assert kept["train_runs"] == [] and b["train_runs"] == []


def test_a_tab_left_open_past_the_expiry_keeps_its_state():
    kept: dict = {}
    tab, synced = {"progress": {"seen": ["pages/home.py"]}}, {}
    sync(tab, kept, ["progress"], synced)
    kept.clear()  # the store forgot the browser while the tab stayed open
    sync(tab, kept, ["progress"], synced)
    assert kept["progress"] == {"seen": ["pages/home.py"]} == tab["progress"]


def test_a_reload_in_the_app_keeps_the_pages_seen(monkeypatch):
    """Two AppTest sessions of one browser: the second (a reload) shows the first one's progress."""
    import ui.learner

    monkeypatch.setattr(ui.learner, "visitor_id", lambda: "one-browser")
    from ui.nav import all_pages

    total = len(all_pages())
    first = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    first.switch_page("pages/losses.py").run()
    first.switch_page("pages/glossary.py").run()
    assert f"3 of {total} pages seen" in "".join(m.value for m in first.sidebar.markdown)
    again = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    assert f"3 of {total} pages seen" in "".join(m.value for m in again.sidebar.markdown)
    monkeypatch.setattr(ui.learner, "visitor_id", lambda: "another-browser")
    other = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    assert f"1 of {total} pages seen" in "".join(m.value for m in other.sidebar.markdown)
