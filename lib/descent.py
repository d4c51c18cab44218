"""Gradient descent on one parameter: w ← w − lr·f'(w) on a loss curve, with f' from TensorFlow's autodiff.

Every sentence the lesson says about a run ("converged", "stuck in the local minimum", "zig-zags",
"diverged") is built here from the run's own numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

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


def descent_1d(curve: str, start: float, learning_rate: float, steps: int) -> list[dict]:
    """Plain gradient descent w ← w − lr·f'(w); f' by autodiff. Stops early if w runs off to infinity."""
    function = CURVES_1D[curve].function
    w = tf.Variable(float(start), dtype=tf.float64)
    rows = []
    for i in range(steps + 1):
        with tf.GradientTape() as tape:
            loss = function(w)
        gradient = float(tape.gradient(loss, w))
        value = float(w)
        rows.append(
            {"step": i, "w": value, "loss": float(loss), "gradient": gradient, "update": -learning_rate * gradient}
        )
        if i == steps or not np.isfinite(value) or abs(value) > 1e6:
            break
        w.assign_sub(learning_rate * gradient)
    return rows


def curve_minima(curve: str, low: float = -10.0, high: float = 10.0) -> list[dict]:
    """Every local minimum of the curve in [low, high], lowest first: w and loss, found from f' by bisection."""
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
    return sorted(minima, key=lambda m: m["loss"])


def describe_descent(rows: list[dict], curve: str) -> tuple[str, str]:
    """(kind, sentence): what this run did, read off its own steps. kind is one of
    'diverged', 'oscillating', 'converged', 'local minimum', 'on its way'."""
    minima = curve_minima(curve)
    best = minima[0]
    first, last = rows[0], rows[-1]
    ws = np.array([row["w"] for row in rows])
    nearest = min(minima, key=lambda m: abs(m["w"] - last["w"])) if np.isfinite(last["w"]) else best
    distance = np.abs(ws - nearest["w"])
    signs = np.sign(ws[-5:] - nearest["w"])
    alternating = len(rows) >= 3 and bool(np.all(signs[1:] * signs[:-1] < 0))
    tail = ", ".join(num(w, ".3g") for w in ws[-4:])
    if not np.isfinite(last["w"]) or (len(rows) > 2 and distance[-1] > distance[0] and last["loss"] > first["loss"]):
        how = "jumps from one side of the minimum to the other, further each time" if alternating else "runs away"
        return "diverged", (
            f"**Diverging.** Each step overshoots: w {how} (last positions: {tail}), and the loss grew from "
            f"{num(first['loss'], '.4g')} to {num(last['loss'], '.4g')}."
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
    if alternating:
        settling = (
            "the jumps are shrinking, so it is settling"
            if distance[-1] < distance[-3]
            else "the jumps are not shrinking"
        )
        return "oscillating", (
            f"**Oscillating.** Each step jumps over the minimum at w ≈ {num(nearest['w'], '.3f')} to the other side "
            f"(last positions: {tail}); {settling}. "
            f"Now w = {num(last['w'])}, loss {last['loss']:.4f}."
        )
    return "on its way", (
        f"**Still on its way.** After {last['step']} steps w = {num(last['w'])}, {distance[-1]:.3g} from the "
        f"minimum at w ≈ {num(nearest['w'], '.3f')}; the gradient is {num(last['gradient'], '.3g')} and the last "
        f"step moved w by {abs(ws[-1] - ws[-2]) if len(ws) > 1 else 0:.3g}."
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
