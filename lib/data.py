"""Load the real MNIST digits: the bundled, checksummed copy first, Keras's download second."""

from __future__ import annotations

import hashlib
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


def _download_with_keras() -> Mnist:
    try:
        import keras

        (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    except Exception as error:  # no internet, blocked proxy, disk full, ...
        raise DataError(
            f"The bundled file {MNIST_PATH} is missing and downloading MNIST with Keras failed "
            f"({type(error).__name__}: {error}). Restore data/mnist.npz from the repository "
            "(for example `git checkout -- data/mnist.npz`) or connect to the internet once."
        ) from error
    arrays = {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}
    return _freeze(arrays, source="downloaded by keras.datasets.mnist")


def load_mnist(path: Path | None = None, *, allow_download: bool = True) -> Mnist:
    """Return MNIST as read-only uint8 arrays.

    Reads the bundled `data/mnist.npz` after checking its SHA-256. If the file is missing,
    falls back to `keras.datasets.mnist.load_data()` (needs the internet). A corrupt file is
    never used: it raises DataError with what to do.
    """
    path = MNIST_PATH if path is None else Path(path)
    if not path.exists():
        if allow_download:
            return _download_with_keras()
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
