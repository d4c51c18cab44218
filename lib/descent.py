"""Gradient descent on one parameter: w ← w − lr·f'(w) on a loss curve, with f' from TensorFlow's autodiff.

Every sentence the lesson says about a run ("converged", "stuck in the local minimum", "zig-zags",
"diverged") is built here from the run's own numbers.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass
from functools import lru_cache, partial

import numpy as np
from tensorflow.python.eager import context as tf_context

from lib.fmt import num
from lib.runtime import tf


# --- one parameter ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Curve:
    function: object  # loss of w; works on floats, arrays and tf tensors
    view: tuple[float, float]  # the range of w drawn by default


CURVES_1D = {
    "bowl: (w − 2)² + 1": Curve(lambda w: (w - 2.0) ** 2 + 1.0, (-3.5, 4.5)),
    "two valleys: w⁴/4 − w² + w/2 + 2": Curve(lambda w: w**4 / 4 - w**2 + w / 2 + 2.0, (-2.6, 2.6)),
}
LEARNING_RATES_1D = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 0.9, 1.0, 1.05, 1.2]
CONVERGED_GRADIENT = 1e-3  # |f'(w)| below this counts as having arrived
HORIZON = 5000  # steps a run is continued to see what it does in the long run
SETTLED = 1e-6  # within this of a minimum for the last 50 of those steps: it settles there
BEHAVIOURS = {  # what a run does if it keeps going, and how the lesson says it
    "stays": "stays where it is",
    "steady": "moves steadily to the minimum",
    "jumps over, settling": "jumps from side to side, closing in",
    "two-point bounce": "bounces between two points forever",
    "never settles": "keeps bouncing without settling",
    "diverges": "runs away (diverges)",
}


def descent_1d(curve: str, start: float, learning_rate: float, steps: int) -> list[dict]:
    """Plain gradient descent w ← w − lr·f'(w); f' by autodiff. Stops early if w runs off to infinity."""
    args = tf.constant(float(start), tf.float64), tf.constant(float(learning_rate), tf.float64), tf.constant(steps)
    with _WALKS_LOCK:
        if curve not in _WALKS:  # one compiled loop per curve: a new start, rate or number of steps never retraces
            _WALKS[curve] = tf.function(partial(_walk, CURVES_1D[curve].function), input_signature=_WALK_SIGNATURE)
    with _as_written():
        record = _WALKS[curve](*args)
    return [
        {"step": i, "w": w, "loss": loss, "gradient": gradient, "update": -learning_rate * gradient}
        for i, (w, loss, gradient) in enumerate(record.numpy().tolist())
    ]


@contextlib.contextmanager
def _as_written():
    """TensorFlow's graph optimiser rewrites arithmetic (w**3 as w·w·w, …), which moves the last bit of a float64;
    where a descent bounces chaotically, that grows to a different path within 60 steps. The compiled loop runs
    without it, so it computes exactly what the step-by-step eager loop computed, bit for bit (tests/test_descent.py).
    The option is set for this thread only, and only while the loop runs."""
    ctx = tf_context.context()
    before = ctx.function_call_options
    config = ctx.config
    config.graph_options.rewrite_options.disable_meta_optimizer = True
    ctx.function_call_options = tf_context.FunctionCallOptions(config_proto=config)
    try:
        yield
    finally:
        ctx.function_call_options = before


def _walk(function, w, learning_rate, steps):
    """(w, loss, f'(w)) at each step, until `steps` steps or until w leaves ±1e6 (its row is the last)."""
    record = tf.TensorArray(tf.float64, size=0, dynamic_size=True)
    i = tf.constant(0)
    while i <= steps:
        with tf.GradientTape() as tape:
            tape.watch(w)
            loss = function(w)
        gradient = tape.gradient(loss, w)
        record = record.write(i, tf.stack([w, loss, gradient]))
        if not tf.math.is_finite(w) or tf.abs(w) > 1e6:
            break
        w = w - learning_rate * gradient
        i += 1
    return record.stack()


_WALKS: dict = {}
_WALKS_LOCK = threading.Lock()
_WALK_SIGNATURE = [tf.TensorSpec([], tf.float64), tf.TensorSpec([], tf.float64), tf.TensorSpec([], tf.int32)]


def _descend(function, w, learning_rate, horizon):
    path = tf.TensorArray(tf.float64, size=0, dynamic_size=True).write(0, w)
    for i in tf.range(horizon):
        with tf.GradientTape() as tape:
            tape.watch(w)
            loss = tf.reduce_sum(function(w))  # one independent run per start: each w gets its own f'(w)
        w = w - learning_rate * tape.gradient(loss, w)
        w = tf.where(tf.math.is_finite(w) & (tf.abs(w) <= 1e6), w, tf.constant(np.inf, tf.float64))
        path = path.write(i + 1, w)
        if i > 0:
            two_back = path.read(i - 1)
            repeats = tf.abs(w - two_back) <= 1e-13 * tf.maximum(tf.abs(w), 1.0)  # a fixed point or a 2-cycle
            if tf.reduce_all(repeats | ~tf.math.is_finite(w)):
                break
    return path.stack()


_LONG_RUNS: dict = {}


def long_run(curve: str, starts, learning_rate: float, horizon: int = HORIZON) -> np.ndarray:
    """w at each of `horizon` steps of the same descent from each start (column), f' by autodiff, in one
    compiled loop; a w that leaves ±1e6 is recorded as inf from there on. Once every run sits still or repeats
    every second step exactly, the loop stops and the repeat is written out to the horizon."""
    if curve not in _LONG_RUNS:
        _LONG_RUNS[curve] = tf.function(partial(_descend, CURVES_1D[curve].function), reduce_retracing=True)
    starts = tf.constant(np.atleast_1d(np.asarray(starts, dtype=np.float64)))
    path = _LONG_RUNS[curve](starts, tf.constant(float(learning_rate), tf.float64), horizon).numpy()
    missing = horizon + 1 - len(path)
    if missing > 0:
        cycle = path[-2:] if len(path) >= 2 else path[-1:]
        path = np.vstack([path, np.resize(cycle, (missing, path.shape[1]))])
    return path


@dataclass(frozen=True)
class Fate:
    """What a run does if it keeps going: kind (a key of BEHAVIOURS), the minimum it settles in, its first steps."""

    kind: str
    settles_at: float | None
    first: tuple[float, ...]


def _classify(ws: np.ndarray, minima: list[float]) -> tuple[str, float | None]:
    if not np.all(np.isfinite(ws)):
        return "diverges", None
    if ws[1] == ws[0]:
        return "stays", None
    target = min(minima, key=lambda m: abs(m - ws[-1]))
    offset = ws - target
    if np.all(np.abs(offset[-50:]) < SETTLED):
        sides = np.sign(offset[np.abs(offset) >= SETTLED])  # which side of the minimum, until it arrives
        return ("jumps over, settling" if np.any(sides[1:] != sides[:-1]) else "steady"), target
    period_two = np.abs(ws[-50:] - ws[-52:-2]).max() <= 1e-9 * max(1.0, np.abs(ws[-50:]).max())
    return ("two-point bounce" if period_two else "never settles"), None


_FATES: dict = {}  # (curve, start, learning rate) -> Fate: deterministic, and asked on every rerun of the lesson


def fates(curve: str, starts, learning_rate: float) -> list[Fate]:
    """The Fate of a descent from each start, all in one long run (kept, so a rerun asks nothing new)."""
    starts = [float(s) for s in np.atleast_1d(starts)]
    missing = sorted({s for s in starts if (curve, s, learning_rate) not in _FATES})
    if missing:
        if len(_FATES) > 20_000:
            _FATES.clear()
        minima = [m["w"] for m in curve_minima(curve)]
        paths = long_run(curve, missing, learning_rate)
        for i, start in enumerate(missing):
            kind, target = _classify(paths[:, i], minima)
            _FATES[(curve, start, learning_rate)] = Fate(kind, target, tuple(float(w) for w in paths[:8, i]))
    return [_FATES[(curve, s, learning_rate)] for s in starts]


def fate(curve: str, start: float, learning_rate: float) -> Fate:
    return fates(curve, [start], learning_rate)[0]


def curve_minima(curve: str, low: float = -10.0, high: float = 10.0) -> list[dict]:
    """Every local minimum of the curve in [low, high], lowest first: w and loss, found from f' by bisection."""
    return [dict(m) for m in _minima(curve, low, high)]


@lru_cache(maxsize=16)  # asked by every verdict; the curves never change
def _minima(curve: str, low: float, high: float) -> tuple[dict, ...]:
    function = CURVES_1D[curve].function
    w = np.linspace(low, high, 20001)
    h = 1e-6
    slope = (function(w + h) - function(w - h)) / (2 * h)
    minima = []
    for i in np.flatnonzero((slope[:-1] < 0) & (slope[1:] >= 0)):  # f' goes from − to +: a minimum
        a, b = w[i], w[i + 1]
        for _ in range(60):
            mid = (a + b) / 2
            if (function(mid + h) - function(mid - h)) < 0:
                a = mid
            else:
                b = mid
        minima.append({"w": (a + b) / 2, "loss": float(function((a + b) / 2))})
    return tuple(sorted(minima, key=lambda m: m["loss"]))


def describe_descent(rows: list[dict], curve: str, learning_rate: float | None = None) -> tuple[str, str]:
    """(kind, sentence): what this run did, read off its own steps and, for where it is heading, off the same
    descent continued for HORIZON steps. kind is one of 'diverged', 'oscillating', 'converged', 'local minimum',
    'on its way'. The learning rate is read off the first step when not given."""
    if learning_rate is None:
        moving = [row for row in rows if row["gradient"] != 0]
        learning_rate = -moving[0]["update"] / moving[0]["gradient"] if moving else 0.0
    minima = curve_minima(curve)
    best = minima[0]
    first, last = rows[0], rows[-1]
    ws = np.array([row["w"] for row in rows])
    future = fate(curve, first["w"], learning_rate) if learning_rate else Fate("stays", None, ())
    kind_of_future, settles_at = future.kind, future.settles_at
    nearest = min(minima, key=lambda m: abs(m["w"] - last["w"])) if np.isfinite(last["w"]) else best
    if settles_at is not None:
        nearest = min(minima, key=lambda m: abs(m["w"] - settles_at))
    distance = np.abs(ws - nearest["w"])
    signs = np.sign(ws[-5:] - nearest["w"])
    alternating = len(rows) >= 3 and bool(np.all(signs[1:] * signs[:-1] < 0))
    tail = ", ".join(num(w, ".3g") for w in ws[-4:])
    if kind_of_future == "diverges":
        how = "jumps from one side of the minimum to the other, further each time" if alternating else "runs away"
        if last["loss"] > first["loss"] or not np.isfinite(last["w"]):
            return "diverged", (
                f"**Diverging.** Each step overshoots: w {how} (last positions: {tail}), and the loss grew from "
                f"{num(first['loss'], '.4g')} to {num(last['loss'], '.4g')}."
            )
        return "diverged", (
            f"**Heading for divergence.** So far w went {tail}; continued with the same learning rate, these steps "
            f"run off to infinity within {HORIZON:,} steps."
        )
    if abs(last["gradient"]) < CONVERGED_GRADIENT:
        where = f"w = {num(last['w'])}, loss {last['loss']:.4f}, gradient {num(last['gradient'], '.1e')}"
        if abs(nearest["w"] - best["w"]) < 1e-6 or len(minima) == 1:
            return "converged", f"**Converged** to the lowest point after {last['step']} steps: {where}."
        return "local minimum", (
            f"**Stuck in a local minimum.** After {last['step']} steps: {where}. The lowest point is at "
            f"w ≈ {num(best['w'], '.3f')} (loss {best['loss']:.3f}), but here the slope is flat and every small step "
            "leads uphill, so gradient descent stays."
        )
    if kind_of_future in ("two-point bounce", "never settles"):
        forever = (
            "continued, it bounces between the same two points forever"
            if kind_of_future == "two-point bounce"
            else f"continued for {HORIZON:,} steps, it keeps bouncing and has not settled"
        )
        return "oscillating", (
            f"**Oscillating, not settling.** Each step overshoots (last positions: {tail}): the jumps are not "
            f"shrinking; {forever}. Now w = {num(last['w'])}, loss {last['loss']:.4f}."
        )
    if alternating:
        return "oscillating", (
            f"**Oscillating.** Each step jumps over the minimum at w ≈ {num(nearest['w'], '.3f')} to the other side "
            f"(last positions: {tail}); the jumps are shrinking, so it is settling (continued, it arrives there). "
            f"Now w = {num(last['w'])}, loss {last['loss']:.4f}."
        )
    return "on its way", (
        f"**Still on its way.** After {last['step']} steps w = {num(last['w'])}, {distance[-1]:.3g} from the "
        f"minimum at w ≈ {num(nearest['w'], '.3f')} where it settles if continued; the gradient is "
        f"{num(last['gradient'], '.3g')} and the last step moved w by {abs(ws[-1] - ws[-2]) if len(ws) > 1 else 0:.3g}."
    )


def descent_view(curve: str, rows: list[dict], max_growth: float = 1.0) -> dict:
    """What the 1-D chart shows: a range of w that holds every visited point it can, and the points placed on it.

    The default view grows to take in the visited points, by at most max_growth times its width on each
    side; a point beyond that is drawn at the edge and marked (off_chart), never dropped.
    """
    low, high = CURVES_1D[curve].view
    width = high - low
    ws = np.array([row["w"] for row in rows], dtype=float)
    finite = ws[np.isfinite(ws)]
    lo = max(min(low, finite.min(initial=low)), low - max_growth * width)
    hi = min(max(high, finite.max(initial=high)), high + max_growth * width)
    shown_w = np.clip(np.nan_to_num(ws, nan=hi, posinf=hi, neginf=lo), lo, hi)
    off = shown_w != ws
    function = CURVES_1D[curve].function
    points = [
        {**row, "shown_w": float(x), "shown_loss": float(function(x)) if o else row["loss"], "off_chart": bool(o)}
        for row, x, o in zip(rows, shown_w, off, strict=True)
    ]
    return {"low": float(lo), "high": float(hi), "points": points, "off_chart": int(off.sum())}


def warm_up() -> None:
    """Trace the long run of each curve, and find its minima, before a learner asks."""
    for curve in CURVES_1D:
        fates(curve, [-1.0], 0.1)
        descent_1d(curve, -1.0, 0.1, 2)
