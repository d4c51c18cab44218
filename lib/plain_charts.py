"""Charts that were Streamlit's built-in line and bar charts: drawn with Altair instead, so each carries a text
alternative (its `description`) computed from its data, and its series differ by line style as well as colour."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from lib import chart_text
from lib.charts import PALETTE, PATH_COLORS, PATH_DASHES


def make_bce_chart(p, bce: dict) -> alt.Chart:
    """Binary cross-entropy against the predicted probability: label 1 (solid) and label 0 (dashed)."""
    names = ["label 1: −log p", "label 0: −log(1 − p)"]
    data = pd.concat(
        [
            pd.DataFrame({"p": p, "loss": bce[key], "curve": name})
            for key, name in zip(["label_1", "label_0"], names, strict=True)
        ]
    )
    return (
        alt.Chart(data)
        .mark_line()
        .encode(
            x=alt.X("p:Q", title="predicted probability p"),
            y=alt.Y("loss:Q", title="binary cross-entropy"),
            color=alt.Color(
                "curve:N", scale=alt.Scale(domain=names, range=PATH_COLORS[:2]), legend=alt.Legend(orient="bottom")
            ),
            strokeDash=alt.StrokeDash("curve:N", scale=alt.Scale(domain=names, range=PATH_DASHES[:2]), legend=None),
        )
        .properties(height=280, description=chart_text.bce_text(p, bce))
    )


def make_hidden_chart(hidden) -> alt.Chart:
    """The hidden layer's activations for one input, one bar per neuron."""
    hidden = np.asarray(hidden, dtype=float)
    data = pd.DataFrame({"hidden neuron": np.arange(len(hidden)), "activation": hidden})
    return (
        alt.Chart(data)
        .mark_bar(color=PALETTE["primary"])
        .encode(
            x=alt.X("hidden neuron:O", axis=alt.Axis(labelAngle=0, values=list(range(0, len(hidden), 8)))),
            y=alt.Y("activation:Q"),
            tooltip=[alt.Tooltip("hidden neuron"), alt.Tooltip("activation:Q", format=".4f")],
        )
        .properties(height=160, description=chart_text.hidden_text(hidden))
    )
