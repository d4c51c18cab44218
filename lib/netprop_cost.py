"""What backprop costs: the multiply–adds of each pass counted from the shapes, and each pass timed in NumPy."""

from __future__ import annotations

import time

import numpy as np

from lib.netprop import DERIVATIVES, FUNCTIONS, Weights, one_blas_thread, one_hot, softmax_rows

TRIES = 20


def multiply_adds(batch: int, hidden: int, inputs: int = 784, outputs: int = 10) -> list[dict]:
    """Every matrix product of one step, with its shapes and its multiply–adds (m×k times k×n: m·k·n)."""
    rows = [
        ("forward", "Z₁ = X·W₁", (batch, inputs, hidden)),
        ("forward", "Z₂ = H·W₂", (batch, hidden, outputs)),
        ("backward", "∂L/∂W₂ = Hᵀ·∂L/∂Z₂", (hidden, batch, outputs)),
        ("backward", "∂L/∂H = ∂L/∂Z₂·W₂ᵀ", (batch, outputs, hidden)),
        ("backward", "∂L/∂W₁ = Xᵀ·∂L/∂Z₁", (inputs, batch, hidden)),
        ("only if ∂L/∂X is needed", "∂L/∂X = ∂L/∂Z₁·W₁ᵀ", (batch, hidden, inputs)),
    ]
    return [
        {"pass": p, "product": name, "shapes": f"{m}×{k} · {k}×{n}", "multiply–adds": m * k * n}
        for p, name, (m, k, n) in rows
    ]


def totals(rows: list[dict]) -> dict:
    """Forward, backward (the weights' gradients) and backward with ∂L/∂X, in multiply–adds."""
    forward = sum(r["multiply–adds"] for r in rows if r["pass"] == "forward")
    backward = sum(r["multiply–adds"] for r in rows if r["pass"] == "backward")
    extra = sum(r["multiply–adds"] for r in rows if r["pass"].startswith("only if"))
    return {"forward": forward, "backward": backward, "backward with ∂L/∂X": backward + extra}


def time_passes(weights: Weights, x: np.ndarray, y: np.ndarray, repeats: int = TRIES) -> dict:
    """Seconds for the forward pass, the backward pass and the backward pass with ∂L/∂X in NumPy: the fastest of
    `repeats` tries each."""
    w1, b1, w2, b2 = weights.w1, weights.b1, weights.w2, weights.b2
    f, f_prime = FUNCTIONS[weights.activation], DERIVATIVES[weights.activation][1]
    z1 = x @ w1 + b1
    h = f(z1)
    p = softmax_rows(h @ w2 + b2)
    target = one_hot(y, dtype=p.dtype)

    def forward():
        softmax_rows(f(x @ w1 + b1) @ w2 + b2)

    def backward(input_gradient: bool = False):
        d_z2 = (p - target) / len(x)
        d_z1 = (d_z2 @ w2.T) * f_prime(z1)
        _ = (h.T @ d_z2, d_z2.sum(axis=0), x.T @ d_z1, d_z1.sum(axis=0))
        if input_gradient:
            _ = d_z1 @ w1.T

    work = {"forward": forward, "backward": backward, "backward with ∂L/∂X": lambda: backward(True)}
    best = dict.fromkeys(work, float("inf"))
    with one_blas_thread():  # as the page computes them
        for _ in range(repeats + 1):  # interleaved, so a busy moment slows all three alike; the first warms up
            for name, run in work.items():
                start = time.perf_counter()
                run()
                best[name] = min(best[name], time.perf_counter() - start)
    return best


def cost_sentence(counted: dict, measured: dict) -> str:
    """Counted and measured ratios of backward to forward, from the numbers."""
    ratio = counted["backward"] / counted["forward"]
    full = counted["backward with ∂L/∂X"] / counted["forward"]
    timed = measured["backward"] / measured["forward"]
    timed_full = measured["backward with ∂L/∂X"] / measured["forward"]
    return (
        f"Counted from the shapes, the backward pass costs {ratio:.2f}× the forward pass here, and "
        f"{full:.2f}× once it also computes ∂L/∂X. Each layer's forward product has two backward twins, one for "
        "its weights and one for its input; the first layer's input is the pixels, which nothing learns, so "
        f"its second twin is skipped. Timed on this server (NumPy, the fastest of {TRIES} tries each): backward "
        f"{timed:.2f}× "
        f"forward, {timed_full:.2f}× with ∂L/∂X (small products also pay fixed overheads, so timings stray from "
        "the count)."
    )
