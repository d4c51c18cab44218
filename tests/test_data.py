import shutil

import numpy as np
import pytest

from lib import data
from lib.data import MNIST_PATH, DataError, load_mnist


@pytest.fixture(scope="module")
def mnist():
    return load_mnist()


def test_bundled_mnist_has_keras_layout_and_real_statistics(mnist):
    (x_train, y_train), (x_test, y_test) = mnist.as_keras_tuple()
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert x_train.dtype == np.uint8 and y_train.dtype == np.uint8
    # Published MNIST facts: first labels, class counts, pixel mean after scaling to [0, 1].
    assert list(y_train[:10]) == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert list(y_test[:10]) == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert list(np.bincount(y_test)) == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert abs(x_train.mean() / 255 - 0.1307) < 1e-3


def test_arrays_are_read_only_so_learners_cannot_corrupt_the_shared_copy(mnist):
    with pytest.raises(ValueError):
        mnist.x_train[0, 0, 0] = 1


def test_corrupt_file_is_refused_with_a_clear_message(tmp_path):
    bad = tmp_path / "mnist.npz"
    shutil.copy(MNIST_PATH, bad)
    with open(bad, "r+b") as handle:
        handle.seek(1000)
        handle.write(b"\x00\x01\x02\x03")
    with pytest.raises(DataError, match="corrupt.*git checkout"):
        load_mnist(bad)


def test_missing_file_falls_back_to_the_download(tmp_path, monkeypatch):
    calls = []

    def fake_download():
        calls.append(1)
        return "downloaded"

    monkeypatch.setattr(data, "_download", fake_download)
    assert load_mnist(tmp_path / "absent.npz") == "downloaded"
    assert calls == [1]


def test_failed_download_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_MNIST_URL", "http://127.0.0.1:9/mnist.npz")  # nothing listens on port 9
    with pytest.raises(DataError, match="missing.*URLError.*git checkout"):
        load_mnist(tmp_path / "absent.npz")


def stalled_server():
    """A socket that accepts connections and never answers: a stalled network."""
    import socket

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    return server


def test_a_stalled_download_gives_up_with_a_message_and_the_loader_remembers_it(tmp_path, monkeypatch):
    import time

    server = stalled_server()
    monkeypatch.setenv("COURSE_MNIST_URL", f"http://127.0.0.1:{server.getsockname()[1]}/mnist.npz")
    monkeypatch.setattr(data, "DOWNLOAD_TIMEOUT_S", 1.0)
    loader = data.MnistLoader(lambda: load_mnist(tmp_path / "absent.npz"), retry_after=60)
    started = time.monotonic()
    assert loader.get(wait=0.1) == (None, None)  # still loading: the caller is not kept waiting
    mnist, problem = loader.get(wait=10)
    assert mnist is None and "timed out" in problem and time.monotonic() - started < 5
    started = time.monotonic()
    assert loader.get(wait=10)[1] == problem and time.monotonic() - started < 0.5  # remembered, not retried
    server.close()


def test_the_loader_loads_once_for_everyone():
    calls = []

    def load():
        calls.append(1)
        return "mnist"

    loader = data.MnistLoader(load)
    assert [loader.get(wait=5)[0] for _ in range(5)] == ["mnist"] * 5 and calls == [1]
