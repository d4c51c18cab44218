"""When a lab run is called diverged and what its message says, swept by Hypothesis over batch-loss sequences
(split into the chunks the trainer reports), every optimizer and the lab's learning rates, against an oracle
written here: the batch at which the loss first left the finite numbers or passed 100 × the untrained loss."""

import math
import re
import threading
from types import SimpleNamespace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.choices import LEARNING_RATES, OPTIMIZERS
from lib.lab.announce import divergence_message
from lib.lab.config import TrainConfig
from lib.lab.jobs import History, TrainingJob

INITIAL = 2.3  # an untrained ten-class softmax: about ln 10
LIMIT = 100 * INITIAL


@st.composite
def runs(draw):
    """Batch losses that stay under the limit, then one trigger: NaN, ±inf or a finite loss past the limit."""
    calm = draw(st.lists(st.floats(0.01, LIMIT), max_size=40))
    trigger = draw(st.sampled_from([math.nan, math.inf, -math.inf]) | st.floats(LIMIT * 1.0001, 1e30))
    cuts = sorted(draw(st.lists(st.integers(0, len(calm) + 1), max_size=4)))
    return calm, trigger, cuts


def oracle(calm, trigger):
    """(the batch, counted from 1, at which the run diverged; what the loss did there)."""
    what = "NaN" if math.isnan(trigger) else "infinite" if math.isinf(trigger) else f"{trigger:,.4g}"
    return len(calm) + 1, what


def record(calm, trigger, cuts):
    """The batches go through the job's own recorder, in the chunks the trainer reports them in."""
    job = SimpleNamespace(_lock=threading.Lock(), _history=History(), _epoch=0, _step=0, _diverged_at=None)
    losses = np.array([*calm, trigger], dtype=np.float32)
    bounds = [0, *cuts, len(losses)]
    for start, end in zip(bounds, bounds[1:], strict=False):
        if end > start:
            TrainingJob._on_batches(job, 1, end, losses[start:end], np.zeros(end - start, np.float32))
    return job


@settings(max_examples=300, deadline=None)
@given(runs(), st.sampled_from(sorted(OPTIMIZERS)), st.sampled_from(LEARNING_RATES))
def test_the_divergence_message_names_the_batch_and_what_the_loss_did(run, optimizer, rate):
    calm, trigger, cuts = run
    trigger = float(np.float32(trigger))  # the trainer's losses are float32
    job = record(calm, trigger, cuts)
    config = TrainConfig(optimizer=optimizer, learning_rate=rate)
    message = divergence_message(config, job._history.batch_loss, INITIAL, job._diverged_at)
    batch, what = oracle(calm, trigger)
    assert f"at batch {batch:,}," in message, (message, batch)
    assert what in message, (message, what)
    overflowed = not math.isfinite(trigger)
    assert ("overflow" in message) == overflowed, message  # a loss stopped at 100× the start has not overflowed
    default = OPTIMIZERS[optimizer].default_lr
    said = re.search(r"default for .* is ([0-9.e-]+)", message)
    assert (said is not None) == (default < rate), message  # the default is offered only when it is smaller
