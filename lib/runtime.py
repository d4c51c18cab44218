"""One place that configures TensorFlow before anything touches a device.

Every lib module that needs TensorFlow imports it from here, so GPU memory growth and, on a
CPU-only machine, the number of threads are set once, before first use (TensorFlow refuses to
change either afterwards).
"""

from __future__ import annotations

import contextlib
import ctypes
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


def lean_executor():
    """Where a compiled training loop runs: on a CPU-only machine, TensorFlow's single-threaded executor.

    A step of the notebook's network is some 150 small operations, and TensorFlow's default executor spends
    more time scheduling them across its thread pools than computing most of them. The single-threaded one
    runs them in order on the calling thread (each operation still uses the intra-op threads set above), and
    keeps a loop as one `While` operation instead of rewriting it into the dataflow graph, which also traces
    faster. Measured with bench/train_speed.py. GPUs keep TensorFlow's default. A context manager: both the
    first call (which traces) and every later call must run inside it.
    """
    if _GPUS:
        return contextlib.nullcontext()
    return tf.experimental.function_executor_type("SINGLE_THREADED_EXECUTOR")


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


def _inside(graph, roots: set[int]) -> bool:
    """Whether a graph is one of roots or nested in one of them (a loop body inside a tf.function)."""
    while graph is not None:
        if id(graph) in roots:
            return True
        graph = getattr(graph, "outer_graph", None)
    return False


def _closure_values(function, depth: int = 3) -> list:
    """What a function's closure holds, looking through the closures of the functions in it."""
    values = []
    for cell in getattr(function, "__closure__", None) or ():
        try:
            value = cell.cell_contents
        except ValueError:  # an empty cell
            continue
        values.append(value)
        if depth and callable(value):
            values.extend(_closure_values(value, depth - 1))
    return values


def forget_compiled(function) -> int:
    """Remove the custom gradients that tracing a tf.function registered process-wide; returns how many.

    Tracing the optimizer's update inside the compiled loop registers a custom gradient ("CustomGradient-N",
    from the distribution strategy's all-reduce) in TensorFlow's global gradient registry, and TensorFlow never
    removes it. Its closure holds the traced loop body, which holds the model's variables, the optimizer's slots
    and the loop functions registered with the eager context: without this every finished run would leave all
    of that behind for the life of the process. Once the entry is gone, TensorFlow frees the rest itself.
    Uses TensorFlow internals, so it does nothing if they change (tests/test_memory.py would then fail).
    """
    from tensorflow.python.framework import ops

    removed = 0
    try:
        roots = {id(concrete.graph) for concrete in function._list_all_concrete_functions()}
        registry = ops._gradient_registry._registry
        for name in [key for key in list(registry) if key.startswith("CustomGradient-")]:
            cells = _closure_values(registry.get(name, {}).get("type"))
            tensors = [t for value in cells if isinstance(value, list) for t in value if hasattr(t, "graph")]
            if tensors and all(_inside(t.graph, roots) for t in tensors):
                del registry[name]
                removed += 1
    except (AttributeError, TypeError, KeyError):
        pass
    return removed


def give_back_freed_memory() -> None:
    """Return freed heap pages to the operating system (glibc keeps them otherwise, per thread arena, and the
    server's memory would look as if it grew with every run). A no-op where there is no glibc."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
