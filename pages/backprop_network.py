"""Backprop through the network: every gradient of the 784-64-10 network in matrix form, by hand and by autodiff."""

from ui.router import through_the_router

through_the_router()  # first, before anything slow loads

# isort: split
import streamlit as st

from lib.choices import ACTIVATIONS, HIDDEN_ACTIVATIONS
from lib.glossary import link
from lib.netprop import forward_backward, tape_gradients, tape_pass
from lib.netprop_cost import cost_sentence
from lib.netprop_text import check_sentence, netprop_negative, netprop_off, shape_rows
from ui import kept
from ui import netprop as view
from ui.common import require_mnist, show_code
from ui.gate import gate
from ui.links import BOUND, link_end, link_start
from ui.netsheet import worksheet

st.title("Backprop through the network")
st.markdown(
    f"""
"How a network learns" showed the *sizes* of the real network's gradients. Here is how they are computed: the
{link("backward pass")} of the 784-64-10 network written as matrix products, each line computed by hand in NumPy
on a real {link("batch")} of MNIST digits and checked against TensorFlow's {link("automatic differentiation")}.
"""
)
mnist = require_mnist()
incoming = link_start()
weights, key, name = view.choose_network(mnist)
size_col, batch_col, image_col = st.columns(3)
batch = int(size_col.select_slider("Batch size B", view.BATCH_CHOICES, 32, key="netprop_batch_size", **BOUND))
index = int(batch_col.number_input("Batch number", 0, view.BATCHES - 1, 0, key="netprop_batch", **BOUND))
example = int(image_col.slider("Image followed", 1, view.FOLLOWED, 1, key="netprop_image", **BOUND)) - 1
hand, tape, rows = view.batch_pass(key, weights.activation, batch, index, weights, mnist)
label, hidden = int(hand.y[example]), weights.w1.shape[1]
activation_name = ACTIVATIONS[weights.activation].label.split(" — ")[0]

st.header("1. The forward pass as matrices")
st.markdown(
    f"Batch {index} is training images {index * batch:,} to {(index + 1) * batch - 1:,}, fed to {name} "
    f"(hidden activation: {activation_name}). Each row of a matrix is one image:"
)
kept.table(shape_rows, batch, hidden, weights.activation)
left, right = st.columns([1, 3])
shown_text = f"image {example + 1} of the batch: a handwritten {label}"
left.image(mnist.x_train[index * batch + example], caption=shown_text, alt=shown_text, width=140)
with right:
    view.probabilities(hand, example)
st.caption(view.loss_line(hand, tape))

st.header("2. The backward pass, line by line")
st.markdown("Two predictions first: the backward pass below answers both.")
state = {"network": key.replace(":", " "), "batch size": batch, "batch": index}  # what decides the answers
hidden_text = "the backward pass"
first = gate(
    netprop_negative(hand.grads["dZ2"][example], label, batch, state | {"image": example + 1}),
    keeps_reveal=True,
    hides=hidden_text,
)
second = gate(netprop_off(hand, weights.activation, state), keeps_reveal=True, hides=hidden_text)
if not (first and second):
    st.info("Lock in both predictions to see the backward pass.", icon=":material/lock:")
else:
    st.markdown(
        r"""
**∂L/∂Z₂ = (P − Y)/B.** For one image, $l = -\log P_y$ with $P = \mathrm{softmax}(z)$. The softmax
{jac}: $\partial P_k/\partial z_j = P_k(\delta_{kj} - P_j)$, and $\partial l/\partial P_k = -Y_k/P_k$ with
$Y$ the {onehot} label. The chain rule sums over $k$:
$\partial l/\partial z_j = \sum_k (-Y_k/P_k)\,P_k(\delta_{kj} - P_j) = -Y_j + P_j\sum_k Y_k = P_j - Y_j$.
The batch loss is the mean of $B$ such $l$, hence the $1/B$: row $b$ of ∂L/∂Z₂ is $(P_b - Y_b)/B$.
""".replace("{jac}", link("Jacobian")).replace("{onehot}", link("one-hot"))
    )
    view.output_gradient(hand, example)
    st.markdown(
        "**The rest, one matrix product at a time**: each line below reuses the line before it and a value the "
        "forward pass kept (H, W₂, Z₁, X). The gradient of a weight matrix is (its layer's input)ᵀ · (the gradient "
        "of its layer's output); the gradient of a bias is that gradient summed over the batch."
    )
    view.lines_table(rows)
    st.subheader("The mask: ∂L/∂Z₁ = ∂L/∂H ⊙ f′(Z₁)")
    st.markdown(f"For image {example + 1}, what reaches each hidden neuron and what it passes on ({link('mask')}):")
    view.mask_view(hand, example, weights.activation)
    st.subheader("∂L/∂W₁ = Xᵀ · ∂L/∂Z₁: one neuron's column as a picture")
    view.column_view(hand, hidden)
    st.page_link(
        "pages/backprop.py",
        label="Each entry of ∂L/∂W₁ is the chain rule of **Backprop: one neuron**, summed over the batch",
        icon=":material/account_tree:",
    )

    st.header("3. Other hidden activations")
    st.markdown(
        "Nothing in the backward pass is special to ReLU except one factor: f′(Z₁). Swap the activation on the same "
        "weights and the same batch, and the mask becomes that activation's derivative."
    )
    swapped = st.selectbox(
        "Hidden activation",
        HIDDEN_ACTIVATIONS,
        index=HIDDEN_ACTIVATIONS.index("sigmoid"),
        format_func=lambda k: ACTIVATIONS[k].label,
        key="netprop_activation",
        **BOUND,
    )
    if swapped == weights.activation:
        st.caption("That is this network's own activation: its f′ is the one drawn in section 2. Pick another.")
    else:
        swap_hand, _, swap_rows = view.batch_pass(key, swapped, batch, index, weights, mnist)
        view.mask_view(swap_hand, example, swapped, full=False)
        st.caption(check_sentence(swap_rows))
    view.activation_table(key, batch, index, weights, mnist)
    st.markdown(
        f"A deeper stack: six hidden layers of 64 between the pixels and the 10 outputs, at initialisation. Every "
        f"layer multiplies the gradient on its way back by its f′ and its weights ({link('vanishing gradient', 'vanishing gradients')}):"
    )
    view.deep_stack(mnist)

    st.header("4. What it costs")
    st.markdown(f"Every {link('multiply-add')} of the matrix products, counted from the shapes, and each pass timed:")
    counted, measured = view.cost_view(hand, weights)
    st.caption(cost_sentence(counted, measured))

    st.header("5. Backprop by hand, checked")
    st.markdown(
        "A network small enough to do on paper: 2 inputs, 3 ReLU neurons, 2 classes. Work out each gradient "
        "from the numbers, type it, and check it against GradientTape."
    )
    worksheet()
link_end(incoming, view.NETPROP_LINK)
show_code(forward_backward, tape_gradients, tape_pass)
