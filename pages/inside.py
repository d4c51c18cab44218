"""Inside the network: draw a digit, follow it through a trained network, see what each hidden neuron learned."""

from ui.router import through_the_router

through_the_router()  # first, before anything slow loads

# isort: split
import numpy as np
import streamlit as st

from lib.inside import make_it, pixel_effects, read_digit, signed_image, weight_mosaic
from lib.models import param_rows
from lib.picture import prepare_digit
from ui.common import require_mnist, show_code, stop_here
from ui.inside import NO_DIGIT, choose_network, digit_input, show_make_it, show_reading, wait_for_network

st.title("Inside the network")
mnist = require_mnist()
job, label = choose_network(mnist)
if job.active:  # the shared notebook network is still training (once per server)
    wait_for_network(job, "Training the notebook's network once for this server", "inside_pause_live")
    stop_here()
model = job.model
rows = [row for row in param_rows(model) if row.params]
st.markdown(
    f"This trained network is {sum(row.params for row in rows):,} numbers "
    f"({' and '.join(row.formula for row in rows)}). Give it a digit of your own and watch what those numbers do "
    "with it, then look at what each hidden neuron learned to look for."
)


@st.fragment  # a stroke reruns only the sections that depend on the digit: they follow the pen quickly
def the_digit_and_what_it_does():
    st.header("1. A digit")
    image = digit_input(mnist)
    st.header("2. What the network does with it")
    if image is None:
        st.info(NO_DIGIT, icon=":material/draw:")
        reading = None
    else:
        reading = show_reading(model, image)
    st.header("3. Make it a …")
    if reading is None:
        st.info(NO_DIGIT, icon=":material/draw:")
    else:
        show_make_it(model, image, reading, job.config.hidden_activation)


the_digit_and_what_it_does()
st.header("4. What each hidden neuron learned")
epochs = [epoch for epoch, _, _ in job.snapshots]
epoch = st.select_slider("After epoch", epochs, value=epochs[-1], key="inside_epoch") if len(epochs) > 1 else epochs[0]
hidden_kernel, output_kernel = next((h, o) for e, h, o in job.snapshots if e == epoch)
st.image(
    weight_mosaic(hidden_kernel.astype(np.float32)),
    width="stretch",
    caption="Each tile: one hidden neuron's 784 incoming weights as a 28 × 28 image (red positive, blue negative)",
    alt=f"{hidden_kernel.shape[1]} tiles, one per hidden neuron: its 784 incoming weights after epoch {epoch}",
)
st.image(
    signed_image(output_kernel.T.astype(np.float32), zoom=8),
    width="stretch",
    caption="The output layer's weights: a row per digit 0–9, a column per hidden neuron",
    alt=f"The output layer's weights after epoch {epoch}: 10 rows (digits 0–9) by {output_kernel.shape[0]} columns",
)
if job.config.hidden_activation == "step":
    st.info("With the step activation these tiles never change: the hidden layer gets no gradient.")
elif job.config.hidden_activation == "linear":
    st.info(
        "With no activation the hidden neurons only matter together: any mix of them is the same linear map, "
        "so a single tile is not a feature on its own."
    )
show_code(prepare_digit, read_digit, pixel_effects, make_it)
