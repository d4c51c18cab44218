"""One place that configures TensorFlow before anything touches a device.

Every lib module that needs TensorFlow imports it from here, so GPU memory growth and, on a
CPU-only machine, the number of threads are set once, before first use (TensorFlow refuses to
change either afterwards).
"""

from __future__ import annotations

import os

import tensorflow as tf

tf.get_logger().setLevel("ERROR")  # one tf.function per training job is by design: no retracing warnings

_GPUS = tf.config.list_physical_devices("GPU")
for _gpu in _GPUS:
    try:
        # Grow GPU memory on demand, so two learners (or the app and a test) can share a card.
        tf.config.experimental.set_memory_growth(_gpu, True)
    except RuntimeError:  # already initialised by someone else: nothing left to set
        pass


def available_cores() -> int:
    """CPU cores this process may run on (its affinity mask where the OS has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def cpu_threads(cores: int, setting: str | None) -> int:
    """TensorFlow's thread count on a CPU-only machine; 0 means TensorFlow's own default.

    All cores but one: the course trains while its web server and, often on the same machine, the learner's
    browser redraw the live chart. Measured on 2 cores (bench/served_speed.py), one TensorFlow thread trained
    the seed's network faster than TensorFlow's default of two, watched live or not, because its batches of 32
    are too small to gain from splitting. COURSE_TF_THREADS overrides it (0 = TensorFlow's default).
    """
    if setting is not None and setting.strip():
        try:
            return max(0, int(setting))
        except ValueError:
            pass  # a typo in the setting: fall back to the course's choice
    return max(1, cores - 1)


TF_THREADS = 0 if _GPUS else cpu_threads(available_cores(), os.environ.get("COURSE_TF_THREADS"))
if TF_THREADS:
    try:
        tf.config.threading.set_intra_op_parallelism_threads(TF_THREADS)
        tf.config.threading.set_inter_op_parallelism_threads(TF_THREADS)
    except RuntimeError:  # TensorFlow already started its thread pools: keep them
        pass


def compute_device() -> str:
    """A short human label for where TensorFlow will run: 'GPU (name)' or 'CPU'."""
    if _GPUS:
        details = tf.config.experimental.get_device_details(_GPUS[0])
        name = details.get("device_name", _GPUS[0].name)
        extra = f" ×{len(_GPUS)}" if len(_GPUS) > 1 else ""
        return f"GPU ({name}){extra}"
    threads = tf.config.threading.get_intra_op_parallelism_threads()
    if not threads:
        return f"CPU ({available_cores()} cores)"
    return f"CPU ({threads} TensorFlow thread{'s' * (threads > 1)}, {available_cores()} cores)"


def device_of(variable) -> str:
    """'GPU' or 'CPU': where TensorFlow placed a tensor or a Keras variable (read from its device string)."""
    tensor = getattr(variable, "value", variable)  # a Keras 3 variable wraps the tf.Variable in .value
    return "GPU" if ":GPU:" in str(getattr(tensor, "device", "")).upper() else "CPU"
