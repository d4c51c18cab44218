from pathlib import Path

import pytest

import lib.runtime  # noqa: F401  (import TensorFlow once, before any AppTest's short timeout starts)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def mnist():
    from lib.data import load_mnist

    return load_mnist()


@pytest.fixture(autouse=True)
def no_shared_runs_from_earlier_tests():
    """Each test starts as on a fresh server: no finished or running twin of its runs to reuse (identical runs are
    trained once; tests/test_shared_runs.py checks that on purpose)."""
    from lib.lab.shared_runs import SHARED_RUNS

    SHARED_RUNS.clear()
    yield


@pytest.fixture(autouse=True, scope="session")
def pages_go_through_the_router():
    """AppTest resets Streamlit's "pages/ folder" mode before every run, as if each run were the first visit to a
    fresh server; a real server leaves that mode after its first run for good. Do as the server does, so that
    switch_page runs the router (sidebar, next links) like a browser. The first-visit case itself is checked in
    real Chromium (tests/test_e2e_start.py). And each script is compiled once, as a server does."""
    from tests.test_pages import route_like_a_server

    restore = route_like_a_server()
    yield
    restore()
