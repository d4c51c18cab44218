"""Activation functions: each with its autodiff derivative, softmax live, and why linear layers collapse."""

from ui.router import through_the_router

through_the_router()  # first, before anything slow loads

# isort: split
import streamlit as st

from lib import notebook
from lib.activations import collapse, collapse_gap, curve_with_derivative, one_sided_slopes, softmax
from lib.boundary import DATASETS, DEFAULT_HIDDEN_UNITS, KEEP_EVERY, MAX_HIDDEN_UNITS, MAX_STEPS, train_boundary
from lib.charts import make_activation_chart, make_boundary_chart, make_softmax_chart
from lib.choices import ACTIVATIONS, LESSON_ACTIVATIONS
from lib.fmt import and_list, constant, num, term, tied_max
from lib.glossary import link
from lib.predictions import activations_boundary, activations_temperature
from lib.quiz import activation_quiz
from ui import activations as view
from ui import kept
from ui.common import correction, show_code
from ui.gate import gate
from ui.links import BOUND, lesson_link, link_end, link_start
from ui.quiz import quiz
from ui.widgets import GRID_SLIDER_WIDTH, slider_grid

st.title("Activation functions")
st.markdown(
    f"A layer of neurons computes a matrix product plus a bias: a **linear** function. The {link('activation function')} "
    "is the non-linear bend applied to each neuron's output. Each curve below is computed by TensorFlow, and so "
    "is its derivative, by automatic differentiation (GradientTape), not typed in by hand. The derivative is "
    "what gradient descent follows, so its shape decides how well a network can learn."
)

incoming = link_start()
x_range = st.slider("x range", 1.0, 10.0, 5.0, 0.5, key="activations_range", **BOUND)
x, by_name = view.curves(x_range)
columns = st.columns(3)
for i, name in enumerate(LESSON_ACTIVATIONS):
    y, dy = by_name[name]
    with columns[i % 3]:
        kept.chart(make_activation_chart, x, y, dy, name, height=240)
        st.caption(ACTIVATIONS[name].note)
correction(notebook.relu_not_differentiable(*one_sided_slopes("relu", 0.0)))

st.subheader("What a zero derivative does to gradient descent")
st.markdown(
    "The step function is the threshold unit of the first artificial neurons (McCulloch and Pitts, 1943; the "
    "perceptron, 1958): fire (1) if the weighted input passes a threshold, else stay silent (0). It abstracts a "
    "biological neuron's all-or-nothing spike; real neurons are far richer. Its derivative is 0 everywhere it "
    "exists. Backpropagation multiplies by that 0, so every weight *before* a step activation gets a gradient of "
    "exactly 0 and never moves. Try it in the **Train MNIST** lab: with the step activation the hidden layer's "
    "weights stay exactly where they started and only the output layer learns."
)

st.header("Softmax: scores in, probabilities out")
st.markdown(
    f"softmax(z)ᵢ = exp(zᵢ / T) / Σⱼ exp(zⱼ / T). It turns any scores ({link('logit', 'logits')}: the raw outputs of the last "
    "layer) into positive numbers that add up to 1; the prediction is the largest. The temperature T sharpens "
    "(T < 1) or flattens (T > 1) the distribution."
)
temperature_question = st.container()  # asked above the sliders that would answer it
grid = slider_grid()
logits = [
    grid.slider(f"logit z{i}", -5.0, 5.0, float(v), 0.1, key=f"activations_logit{i}", width=GRID_SLIDER_WIDTH, **BOUND)
    for i, v in enumerate([2.0, 1.0, 0.1, -1.0, 0.5])
]
temperature = grid.slider(
    "temperature T", 0.1, 5.0, 1.0, 0.1, key="activations_temperature", width=GRID_SLIDER_WIDTH, **BOUND
)
with temperature_question:
    gate(activations_temperature(logits, temperature))
probs = softmax(logits, temperature)
kept.chart(make_softmax_chart, probs, height=280)
top = tied_max(probs)
predicted = f"class {top[0]}" if len(top) == 1 else f"a tie between classes {and_list(top)}"
st.caption(
    f"Probabilities: {', '.join(f'{p:.3f}' for p in probs)} — sum {probs.sum():.6f}. Predicted: {predicted}. "
    "Adding the same number to every logit changes nothing (softmax is shift-invariant)."
)

st.header("Why linear layers collapse")
st.markdown(
    "The notebook says: however many linear layers you stack, the result is one linear layer. Here is a stack of "
    "Keras Dense layers with no activation, and the single layer computed from it: "
    "**W = W₁·W₂·…** and **b = (b₁·W₂ + b₂)·W₃ + …**. Both give the same outputs on random inputs."
)
depth = st.slider("Number of stacked Dense layers", 2, 6, 3, key="activations_depth", **BOUND)
widths, weight, bias, linear_gap, relu_gap = view.collapsed(depth)
left, right = st.columns(2)
left.metric("Max |stacked − collapsed|, no activation", f"{linear_gap:.2e}")
right.metric("The same with ReLU between the layers", f"{relu_gap:.3f}")
st.markdown(
    f"The {depth} layers (2 → {' → '.join(str(w) for w in widths[1:])}) collapse into **one neuron with 2 inputs "
    f"and 3 parameters**: f(x₁, x₂) = {num(weight[0, 0], '.3f')}·x₁ {term(weight[1, 0], 'x₂')} "
    f"{constant(bias[0])}. The difference is float64 rounding. With ReLU in between, no single linear layer "
    "reproduces the stack."
)

st.subheader("Seeing it: a problem no straight line can solve")
data_col, units_col, steps_col = st.columns(3)
dataset = data_col.selectbox("Data", list(DATASETS), key="activations_dataset", **BOUND)
hidden_units = units_col.slider(
    "Hidden neurons", 2, MAX_HIDDEN_UNITS, DEFAULT_HIDDEN_UNITS, key="activations_units", **BOUND
)
steps = steps_col.slider(
    "Training steps (Adam, full batch)", 50, MAX_STEPS, 400, KEEP_EVERY, key="activations_steps", **BOUND
)


points, labels, linear, relu, linear_text, relu_text = view.boundaries(dataset, hidden_units, steps)
if gate(activations_boundary(dataset, hidden_units, steps, linear.accuracy, relu.accuracy), keeps_reveal=True):
    left, right = st.columns(2)
    kept.chart(make_boundary_chart, linear, points, labels, view.boundary_title(None, linear), linear_text, where=left)
    kept.chart(make_boundary_chart, relu, points, labels, view.boundary_title("relu", relu), relu_text, where=right)
    st.caption(
        f"Both networks are 2 → {hidden_units} → 1 (sigmoid), trained the same way; the boundary is where the colour "
        f"changes. Without an activation the hidden layer collapses into one linear function: "
        f"{linear_text}. With ReLU: {relu_text}."
    )

st.header("The notebook's questions 4 and 5")
quiz(activation_quiz(), "activations_q")
link_end(incoming, lesson_link("activations_"))
show_code(curve_with_derivative, softmax, collapse, collapse_gap, train_boundary)
