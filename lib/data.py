"""Load the real MNIST digits: the bundled, checksummed copy first, Keras's download second."""

from __future__ import annotations

import hashlib
import io
import os
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MNIST_PATH = Path(__file__).resolve().parent.parent / "data" / "mnist.npz"
MNIST_SHA256 = "06af5dfe73b70e3bc1c36439982b18a8d76803db9b544f6fdf838a37fbb01b64"
EXPECTED_SHAPES = {
    "x_train": (60000, 28, 28),
    "y_train": (60000,),
    "x_test": (10000, 28, 28),
    "y_test": (10000,),
}


class DataError(RuntimeError):
    """MNIST could not be loaded; the message says what happened and what to do."""


@dataclass(frozen=True)
class Mnist:
    """The four MNIST arrays (read-only uint8) and where they came from."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str

    def as_keras_tuple(self):
        """Keras's layout: ((x_train, y_train), (x_test, y_test))."""
        return (self.x_train, self.y_train), (self.x_test, self.y_test)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _freeze(arrays: dict[str, np.ndarray], source: str) -> Mnist:
    for name, shape in EXPECTED_SHAPES.items():
        if arrays[name].shape != shape:
            raise DataError(f"MNIST array {name} has shape {arrays[name].shape}, expected {shape}.")
    frozen = {}
    for name, array in arrays.items():
        array = np.ascontiguousarray(array, dtype=np.uint8)
        array.setflags(write=False)  # shared by every learner: nobody may change it
        frozen[name] = array
    return Mnist(source=source, **frozen)


KERAS_MNIST_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
KERAS_MNIST_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"  # Keras's own check
DOWNLOAD_TIMEOUT_S = 20.0  # a stalled network gives up after this long without an answer


def _download(url: str | None = None, timeout: float | None = None) -> Mnist:
    """Download Keras's copy of MNIST (env COURSE_MNIST_URL overrides where from), checked like Keras checks it."""
    url = url or os.environ.get("COURSE_MNIST_URL", KERAS_MNIST_URL)
    try:
        with urllib.request.urlopen(url, timeout=timeout or DOWNLOAD_TIMEOUT_S) as response:
            payload = response.read()
        if hashlib.sha256(payload).hexdigest() != KERAS_MNIST_SHA256:
            raise OSError("the downloaded file does not match Keras's checksum")
        with np.load(io.BytesIO(payload), allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in EXPECTED_SHAPES}
    except Exception as error:  # no internet, a stalled or blocked network, a broken file...
        raise DataError(
            f"The bundled file {MNIST_PATH.name} is missing and downloading MNIST failed "
            f"({type(error).__name__}: {error}). Restore data/mnist.npz from the repository "
            "(for example `git checkout -- data/mnist.npz`) or connect to the internet once."
        ) from error
    return _freeze(arrays, source="downloaded (Keras's copy, SHA-256 verified)")


def load_mnist(path: Path | None = None, *, allow_download: bool = True) -> Mnist:
    """Return MNIST as read-only uint8 arrays.

    Reads the bundled `data/mnist.npz` (env COURSE_MNIST_PATH overrides it) after checking its SHA-256. If the
    file is missing, downloads Keras's copy (needs the internet; gives up after DOWNLOAD_TIMEOUT_S without an
    answer). A corrupt file is never used: it raises DataError with what to do.
    """
    path = Path(os.environ.get("COURSE_MNIST_PATH", MNIST_PATH)) if path is None else Path(path)
    if not path.exists():
        if allow_download:
            return _download()
        raise DataError(f"MNIST file {path} is missing. Restore data/mnist.npz from the repository.")
    actual = sha256_of(path)
    if actual != MNIST_SHA256:
        raise DataError(
            f"MNIST file {path} is corrupt: its SHA-256 is {actual[:12]}…, expected "
            f"{MNIST_SHA256[:12]}…. Restore it with `git checkout -- data/mnist.npz`, "
            "or delete it to let Keras download a fresh copy."
        )
    with np.load(path) as archive:
        arrays = {name: archive[name] for name in EXPECTED_SHAPES}
    return _freeze(arrays, source=f"bundled {path.name} (SHA-256 verified)")


class MnistLoader:
    """Loads MNIST once per process, in the background, for every learner at once.

    A page asks with a wait of its choice and never blocks longer; lesson pages that need no MNIST never ask.
    A failure is remembered for retry_after seconds (every learner sees the message at once instead of each
    waiting for the same stalled download), then the next request tries again.
    """

    def __init__(self, load=load_mnist, retry_after: float = 60.0):
        self._load, self.retry_after = load, retry_after
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._thread: threading.Thread | None = None
        self._mnist: Mnist | None = None
        self._error: str | None = None
        self._failed_at = 0.0

    def _run(self) -> None:
        try:
            mnist, error = self._load(), None
        except DataError as problem:
            mnist, error = None, str(problem)
        with self._lock:
            self._mnist, self._error, self._failed_at = mnist, error, time.monotonic()
            self._thread = None
        self._done.set()

    def _start_if_needed(self) -> None:
        with self._lock:
            if self._mnist is not None or self._thread is not None:
                return
            if self._error is not None and time.monotonic() - self._failed_at < self.retry_after:
                return
            self._error = None
            self._done.clear()
            self._thread = threading.Thread(target=self._run, name="mnist-loader", daemon=True)
            self._thread.start()

    def get(self, wait: float = 0.0) -> tuple[Mnist | None, str | None]:
        """(dataset, None) once loaded; (None, message) after a failure; (None, None) while still loading."""
        self._start_if_needed()
        self._done.wait(wait)
        with self._lock:
            return self._mnist, self._error

    def peek(self) -> tuple[Mnist | None, str | None, bool]:
        """(dataset, message, loading) without starting anything or waiting."""
        with self._lock:
            return self._mnist, self._error, self._thread is not None

    def reset(self) -> None:
        """Forget the dataset and any failure (tests, or after the file was restored)."""
        with self._lock:
            self._mnist, self._error, self._thread = None, None, None
            self._done.clear()


MNIST = MnistLoader()
