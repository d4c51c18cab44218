"""TensorFlow's set-up: on a CPU-only machine it leaves a core to the web server and the browser."""

import os
import subprocess
import sys

import pytest
import tensorflow as tf

from lib import runtime
from tests.conftest import ROOT


def test_thread_policy_leaves_one_core_and_honours_the_setting():
    assert runtime.cpu_threads(1, None) == 1
    assert runtime.cpu_threads(2, None) == 1
    assert runtime.cpu_threads(16, None) == 15
    assert runtime.cpu_threads(2, "3") == 3
    assert runtime.cpu_threads(2, "0") == 0  # 0: TensorFlow's own default
    assert runtime.cpu_threads(4, "many") == 3  # a typo falls back to the course's choice
    assert runtime.cpu_threads(4, " ") == 3


@pytest.mark.skipif(bool(tf.config.list_physical_devices("GPU")), reason="GPU machines keep TensorFlow's defaults")
def test_tensorflow_runs_with_the_chosen_threads_and_the_sidebar_says_so():
    assert runtime.TF_THREADS == runtime.cpu_threads(runtime.available_cores(), os.environ.get("COURSE_TF_THREADS"))
    if runtime.TF_THREADS:
        assert tf.config.threading.get_intra_op_parallelism_threads() == runtime.TF_THREADS
        assert tf.config.threading.get_inter_op_parallelism_threads() == runtime.TF_THREADS
        assert f"{runtime.TF_THREADS} TensorFlow thread" in runtime.compute_device()
    assert runtime.compute_device().startswith("CPU (")


@pytest.mark.skipif(bool(tf.config.list_physical_devices("GPU")), reason="GPU machines keep TensorFlow's defaults")
def test_the_environment_setting_reaches_tensorflow():
    code = (
        "import lib.runtime, tensorflow as tf; "
        "print(tf.config.threading.get_intra_op_parallelism_threads(), "
        "tf.config.threading.get_inter_op_parallelism_threads())"
    )
    env = {**os.environ, "COURSE_TF_THREADS": "3", "TF_CPP_MIN_LOG_LEVEL": "3"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["3", "3"]
