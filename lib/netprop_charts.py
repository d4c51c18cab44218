"""The charts of "Backprop through the network": pure functions from numbers to alt.Chart, in lib.charts' palette.

Each chart's description (its accessible name) states what the chart shows, computed from the same numbers.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from lib.charts import COLOR_WORDS, PALETTE
from lib.fmt import num


def make_output_gradient_chart(d_z2_row, label: int, batch: int) -> alt.Chart:
    """∂L/∂Z₂ = (P − Y)/B for one image as 10 bars; the true digit's in the accent colour."""
    values = np.asarray(d_z2_row, dtype=float)
    data = pd.DataFrame({"digit": np.arange(len(values)), "∂L/∂Z₂": values, "true digit": np.arange(10) == label})
    negative = [int(k) for k in np.flatnonzero(values < 0)]
    description = (
        f"Bar chart of ∂L/∂Z₂ = (P − Y)/{batch} for one image of a {label}: negative at "
        f"{', '.join(map(str, negative)) or 'no digit'} ({num(values[label], '.3g')} at {label}); the other nine "
        f"lie between {num(np.delete(values, label).min(), '.2g')} and {num(np.delete(values, label).max(), '.2g')}."
    )
    return (
        alt.Chart(data, description=description)
        .mark_bar()
        .encode(
            x=alt.X("digit:O"),
            y=alt.Y("∂L/∂Z₂:Q"),
            color=alt.Color(
                "true digit:N",
                scale=alt.Scale(domain=[False, True], range=[PALETTE["primary"], PALETTE["accent"]]),
                legend=None,
            ),
            tooltip=[alt.Tooltip("digit"), alt.Tooltip("∂L/∂Z₂:Q", format=".4g"), alt.Tooltip("true digit")],
        )
        .properties(
            height=220,
            title=alt.Title("∂L/∂Z₂ for this image", subtitle=f"{COLOR_WORDS['accent']}: the true digit {label}"),
        )
    )


def make_derivative_chart(f_prime_row, activation: str) -> alt.Chart:
    """For one image, f′(Z₁) per hidden neuron: the mask for ReLU, the derivative for any other activation; zeros
    in the accent colour."""
    f_prime = np.asarray(f_prime_row, dtype=float)
    neurons = np.arange(len(f_prime))
    off = int(np.sum(f_prime == 0))
    description = (
        f"Bar chart of {activation}′(Z₁) for one image, per hidden neuron: 0 for {off} of {len(f_prime)}, the "
        f"others from {f_prime[f_prime != 0].min() if off < len(f_prime) else 0:.3g} to {f_prime.max():.3g}."
    )
    return (
        alt.Chart(pd.DataFrame({"neuron": neurons, "f′(z)": f_prime, "off": f_prime == 0}), description=description)
        .mark_bar()
        .encode(
            x=alt.X("neuron:O", axis=alt.Axis(labelOverlap=True, values=list(range(0, len(f_prime), 8)))),
            y=alt.Y("f′(z):Q", title=f"{activation}′(Z₁)"),
            color=alt.Color(
                "off:N",
                scale=alt.Scale(domain=[False, True], range=[PALETTE["primary"], PALETTE["accent"]]),
                legend=None,
            ),
            tooltip=[alt.Tooltip("neuron"), alt.Tooltip("f′(z):Q", format=".4g"), alt.Tooltip("off")],
        )
        .properties(height=110, title=f"{activation}′(Z₁): {off} of {len(f_prime)} are 0")
    )


def make_mask_chart(d_h_row, f_prime_row, d_z1_row, activation: str) -> alt.VConcatChart:
    """For one image, per hidden neuron: f′(Z₁) (top), then ∂L/∂H (grey) and ∂L/∂Z₁ = ∂L/∂H ⊙ f′ (blue)."""
    f_prime = np.asarray(f_prime_row, dtype=float)
    neurons = np.arange(len(f_prime))
    off = f_prime == 0
    top = make_derivative_chart(f_prime, activation).properties(width="container")
    flows = pd.concat(
        [
            pd.DataFrame({"neuron": neurons, "value": np.asarray(d_h_row, float), "gradient": "∂L/∂H (arrives)"}),
            pd.DataFrame({"neuron": neurons, "value": np.asarray(d_z1_row, float), "gradient": "∂L/∂Z₁ (passes)"}),
        ]
    )
    bottom = (
        alt.Chart(flows)
        .mark_bar(opacity=0.8)
        .encode(
            x=alt.X("neuron:O", axis=alt.Axis(labelOverlap=True, values=list(range(0, len(f_prime), 8)))),
            xOffset=alt.XOffset("gradient:N"),
            y=alt.Y("value:Q", title="gradient"),
            color=alt.Color(
                "gradient:N",
                scale=alt.Scale(range=[PALETTE["muted"], PALETTE["primary"]]),
                legend=alt.Legend(orient="bottom", title=None),
            ),
            tooltip=[alt.Tooltip("neuron"), alt.Tooltip("gradient"), alt.Tooltip("value:Q", format=".3g")],
        )
        .properties(width="container", height=160, title="what arrives at each neuron, and what passes through")
    )
    blocked = np.abs(np.asarray(d_z1_row, dtype=float)[off])
    through = f"their ∂L/∂Z₁ is at most {blocked.max():.2g} in size" if off.any() else "every neuron passes gradient"
    description = (
        f"For one image: {activation}′(Z₁) is 0 for {int(off.sum())} of {len(f_prime)} hidden neurons and {through};"
        f" the largest |∂L/∂H| is {np.abs(d_h_row).max():.2g} and the largest |∂L/∂Z₁| {np.abs(d_z1_row).max():.2g}."
    )
    return (
        alt.vconcat(top, bottom, description=description)
        .resolve_scale(color="independent")  # a shared scale would give the flows only the mask's two colours
        .properties(autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    )


def make_deep_stack_chart(norms: dict) -> alt.Chart:
    """‖∂L/∂W‖ per hidden layer (1 = next to the pixels) for each activation, on a log axis."""
    frames = [
        pd.DataFrame({"layer": np.arange(1, len(v) + 1), "gradient size": np.asarray(v, float), "activation": a})
        for a, v in norms.items()
    ]
    data = pd.concat(frames)
    finding = "; ".join(
        f"{a}: {float(v[0]):.2g} at layer 1, {float(v[-1]):.2g} at layer {len(v)}" for a, v in norms.items()
    )
    return (
        alt.Chart(data, description=f"Line chart of each hidden layer's gradient size at initialisation. {finding}.")
        .mark_line(point=True)
        .encode(
            x=alt.X("layer:O", title="hidden layer (1 = next to the pixels)"),
            y=alt.Y("gradient size:Q", scale=alt.Scale(type="log"), title="‖∂L/∂W‖ (log scale)"),
            color=alt.Color(
                "activation:N",
                scale=alt.Scale(range=[PALETTE["accent"], PALETTE["primary"]]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[alt.Tooltip("activation"), alt.Tooltip("layer"), alt.Tooltip("gradient size:Q", format=".3g")],
        )
        .properties(height=240, title="How much gradient reaches each layer")
    )
