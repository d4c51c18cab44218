"""Loss functions: MSE vs cross-entropy, their gradients, and both computed by keras.losses."""

from ui.router import through_the_router

through_the_router()  # first, before anything slow loads

# isort: split
import numpy as np
import pandas as pd
import streamlit as st

from lib.chart_tables import loss_curves_table
from lib.charts import make_loss_curves_chart, make_softmax_chart
from lib.fmt import and_list, num, prob, tied_max
from lib.glossary import link
from lib.losses import binary_cross_entropy_curves, compare_losses, loss_curves
from lib.plain_charts import make_bce_chart
from lib.predictions import losses_over_one, losses_shift
from ui import kept
from ui.a11y import data_table
from ui.common import show_code
from ui.gate import gate
from ui.links import BOUND, lesson_link, link_end, link_start
from ui.widgets import GRID_SLIDER_WIDTH, slider_grid

st.title("Loss functions")
st.markdown(
    f"Training needs one number that says how far the predictions are from the truth: the {link('loss')} (0 = a perfect "
    "match). **Mean squared error** suits regression (predicting a number, like a price). **Cross-entropy** "
    "suits classification: it punishes a confident wrong answer much harder, which gives gradient descent a "
    "strong push exactly where it is needed."
)

incoming = link_start()
st.header("Both losses against the probability of the true class")
p = np.linspace(0.001, 0.999, 400)
curves = loss_curves(p)
kept.chart(make_loss_curves_chart, p, curves)
data_table(loss_curves_table, p, curves, formats={"*": "%.5g"})
worst = curves["cross_entropy_grad"][0], curves["mse_grad"][0]
st.caption(
    "A 10-class softmax output; the probability not given to the true class is spread evenly over the other nine. "
    f"Top: cross-entropy −log p shoots up to {curves['cross_entropy'].max():.2f} as p → {p[0]:g}, while MSE never "
    f"exceeds {curves['mse'].max():.3f}. Bottom: the gradient with respect "
    f"to the true class's logit, by autodiff. At p = {p[0]:g} (confidently wrong) cross-entropy pushes with "
    f"{num(worst[0], '.3f')} (its formula is p − 1), MSE with only {num(worst[1], '.4f')}: MSE barely notices the "
    "worst mistakes."
)

st.header("Try it: one prediction, both losses")
true_digit = st.selectbox("True digit", list(range(10)), index=3, key="losses_true_digit", **BOUND)
st.caption("Set the model's logit (its raw score before softmax) for each digit.")
defaults = {3: 2.0, 5: 1.5, 8: 0.5}
logits = np.zeros(10)
grid = slider_grid()
for digit in range(10):
    logits[digit] = grid.slider(
        f"logit of {digit}",
        -5.0,
        8.0,
        defaults.get(digit, 0.0),
        0.1,
        key=f"losses_logit{digit}",
        width=GRID_SLIDER_WIDTH,
        **BOUND,
    )
result = compare_losses(true_digit, logits)
kept.chart(make_softmax_chart, result["probabilities"], true_class=true_digit, height=280)
p_true = result["probabilities"][true_digit]
if gate(losses_over_one(true_digit, logits), keeps_reveal=True):
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "loss": "cross-entropy",
                    "formula": f"−log p[{true_digit}] = −log {prob(p_true)}",
                    "keras.losses": result["cross_entropy_keras"],
                    "formula in NumPy": result["cross_entropy_formula"],
                },
                {
                    "loss": "MSE (one-hot)",
                    "formula": "mean over the 10 classes of (onehot − p)²",
                    "keras.losses": result["mse_keras"],
                    "formula in NumPy": result["mse_formula"],
                },
            ]
        ),
        hide_index=True,
        width="stretch",
    )
top = tied_max(result["probabilities"])
if len(top) > 1:
    verdict = f"The model cannot decide: **{and_list(top)}** tie for the highest probability"
    verdict += " (the true digit is one of them)." if true_digit in top else " (the true digit is not among them)."
else:
    verdict = f"The model predicts **{top[0]}** ({'right' if top[0] == true_digit else 'wrong'})."
st.markdown(f"{verdict} It gives the true digit {true_digit} a probability of {prob(p_true)}.")

gate(losses_shift(true_digit, logits))

st.header("Binary cross-entropy, for a sigmoid output")
st.markdown(
    "A binary classifier outputs one probability p (sigmoid). Its cross-entropy is −log p when the label is 1 and "
    "−log(1 − p) when it is 0: each curve explodes where the model is confidently wrong."
)
bce = binary_cross_entropy_curves(p)
kept.chart(make_bce_chart, p, bce)
link_end(incoming, lesson_link("losses_"))
show_code(loss_curves, compare_losses, binary_cross_entropy_curves)
