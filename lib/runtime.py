"""One place that configures TensorFlow before anything touches a device.

Every lib module that needs TensorFlow imports it from here, so GPU memory growth is
set once, before first use (TensorFlow refuses to change it afterwards).
"""

from __future__ import annotations

import tensorflow as tf

tf.get_logger().setLevel("ERROR")  # one tf.function per training job is by design: no retracing warnings

_GPUS = tf.config.list_physical_devices("GPU")
for _gpu in _GPUS:
    try:
        # Grow GPU memory on demand, so two learners (or the app and a test) can share a card.
        tf.config.experimental.set_memory_growth(_gpu, True)
    except RuntimeError:  # already initialised by someone else: nothing left to set
        pass


def compute_device() -> str:
    """A short human label for where TensorFlow will run: 'GPU (name)' or 'CPU'."""
    if _GPUS:
        details = tf.config.experimental.get_device_details(_GPUS[0])
        name = details.get("device_name", _GPUS[0].name)
        extra = f" ×{len(_GPUS)}" if len(_GPUS) > 1 else ""
        return f"GPU ({name}){extra}"
    return "CPU"


def device_of(variable) -> str:
    """'GPU' or 'CPU': where TensorFlow placed a tensor or a Keras variable (read from its device string)."""
    tensor = getattr(variable, "value", variable)  # a Keras 3 variable wraps the tf.Variable in .value
    return "GPU" if ":GPU:" in str(getattr(tensor, "device", "")).upper() else "CPU"
