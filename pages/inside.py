"""Inside the network: draw a digit, follow it through a trained network, see what each hidden neuron learned."""

from ui.router import through_the_router

through_the_router()  # first, before anything slow loads

# isort: split
import numpy as np
import pandas as pd
import streamlit as st

from lib.charts import make_softmax_chart
from lib.fmt import num
from lib.inside import ImageError, make_it, picture_from_upload, prepare_digit, read_digit, signed_image, weight_mosaic
from lib.plain_charts import make_hidden_chart
from ui.common import require_mnist, show_code, stop_here
from ui.inside import choose_network, drawing_pad

st.title("Inside the network")
st.markdown(
    "A trained network is 50,890 numbers. Here you give it a digit of your own and watch what those numbers do "
    "with it, then look at what each hidden neuron learned to look for."
)
mnist = require_mnist()
job, label = choose_network(mnist)
if job.active:  # the shared notebook network is still training (once per server)

    @st.fragment(run_every=1.0)
    def training_progress():
        snap = job.snapshot()
        total = job.config.epochs * snap.steps_per_epoch
        done = snap.epoch * snap.steps_per_epoch + snap.step
        text = f"Training the notebook's network once for this server: {snap.state}…"
        st.progress(min(1.0, done / total) if total else 0.0, text=text)
        if not job.active:
            st.rerun(scope="app")

    training_progress()
    stop_here()
model = job.model


@st.fragment  # a stroke reruns only this part of the page: the reading follows the pen quickly
def digit_and_reading():
    st.header("1. A digit")
    source = st.segmented_control(
        "Where from", ["draw", "a test image", "a photo"], default="draw", key="inside_source", persist_state="session"
    )
    picture = None
    if source == "draw":
        st.caption(
            "Draw one digit, large, in the middle of the black square. Without a mouse, pen or touch screen, choose "
            "“a test image” or “a photo” above instead: both work with the keyboard alone."
        )
        picture = drawing_pad()
    elif source == "a test image":
        index = st.number_input("Test image number", 0, len(mnist.y_test) - 1, 0, key="inside_test_index")
        picture = mnist.x_test[index]
        st.caption(f"Its label: {mnist.y_test[index]}")
    else:
        upload = st.file_uploader("A photo of one handwritten digit (PNG or JPEG)", type=["png", "jpg", "jpeg"])
        if upload is not None:
            try:
                picture = picture_from_upload(upload.getvalue())
            except ImageError as error:
                st.error(str(error), icon=":material/broken_image:")
    if picture is None:
        st.info("Draw a digit (or pick a test image) to see what the network makes of it.", icon=":material/draw:")
        return None
    image = prepare_digit(picture)
    if image.sum() == 0:
        st.info("No ink found: draw a digit.", icon=":material/draw:")
        return None
    reading = read_digit(model, image)

    st.header("2. What the network does with it")
    left, right = st.columns([1, 2])
    left.image(
        image,
        caption="What the network gets: 28 × 28, cropped, fitted into 20 × 20, centred",
        width=168,
        alt=f"The digit as the network gets it, 28 × 28 pixels, which it reads as {reading.predicted}",
    )
    right.altair_chart(make_softmax_chart(reading.probabilities), width="stretch")
    st.markdown(
        f"It reads **{reading.predicted}** with probability {reading.probabilities[reading.predicted]:.1%}. "
        f"The hidden layer's {len(reading.hidden)} outputs:"
    )
    st.altair_chart(make_hidden_chart(reading.hidden), width="stretch")
    order = np.argsort(reading.contributions)
    rows = [(int(j), reading.hidden[j], reading.contributions[j]) for j in [*order[::-1][:5], *order[:5]]]
    st.dataframe(
        pd.DataFrame(rows, columns=["hidden neuron", "its activation", "× its weight to the prediction"]),
        hide_index=True,
    )
    st.caption(
        f"Each hidden neuron pushes the score (logit) of {reading.predicted} up or down by its activation times its "
        f"weight: the five strongest each way are above. All {len(reading.hidden)} pushes add up to "
        f"{num(reading.contributions.sum())}; plus the output bias {num(reading.output_bias)} that is the logit "
        f"{num(reading.logits[reading.predicted])}."
    )
    st.image(
        signed_image(reading.saliency, zoom=6),
        caption="Saliency: ∂ score / ∂ pixel (red: more ink here raises "
        f"the score of {reading.predicted}; blue: lowers it)",
        width=168,
        alt=f"Saliency map, 28 × 28: where more ink would raise (red) or lower (blue) the score of {reading.predicted}",
    )
    return image, reading


drawn = digit_and_reading()
st.header("3. What each hidden neuron learned")
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

st.header("4. Make it a …")
if drawn is None:
    st.info("Draw a digit above first.", icon=":material/draw:")
    stop_here()
image, reading = drawn
target = st.selectbox("Target digit", [d for d in range(10) if d != reading.predicted], key="inside_target")
if st.button(f"Make the network read a {target}", key="inside_make_button"):
    result = make_it(model, image, target)
    cols = st.columns(2)
    cols[0].image(result.image, caption=f"changed: read as {result.predicted}", width=168)
    cols[1].image(
        signed_image(result.difference, 0.3, zoom=6), caption="the change (each pixel by at most 0.3)", width=168
    )
    verdict = "it now reads" if result.reached else "it still does not read"
    st.markdown(
        f"After {result.steps} small steps {verdict} a {target}. The score of {target} rose by "
        f"{num(result.score_change)}; the gradient at the start predicted {num(result.first_order)} for the same "
        "change (the first-order estimate: exact for a straight-line score, off as the ReLUs switch)."
    )
show_code(prepare_digit, read_digit, make_it)
