from pathlib import Path

import pytest

import lib.runtime  # noqa: F401  (import TensorFlow once, before any AppTest's short timeout starts)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def mnist():
    from lib.data import load_mnist

    return load_mnist()
