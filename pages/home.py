"""Home: what the course is, the map of lessons, and real MNIST digits."""

from ui.router import through_the_router

through_the_router()  # first, before anything slow loads

# isort: split
import numpy as np
import streamlit as st

from lib.chart_text import digits_alt
from lib.series import digit_grid
from ui.common import get_mnist, page_link
from ui.nav import SECTIONS

NOTEBOOK_CODE = """\
neural_net = tf.keras.Sequential([
    tf.keras.layers.Flatten(input_shape=(28, 28)),     # input: a 28×28 image → 784 numbers
    tf.keras.layers.Dense(64, activation='relu'),      # hidden layer: 64 neurons
    tf.keras.layers.Dense(10, activation='softmax')    # output: 10 probabilities
])
neural_net.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
neural_net.fit(train_images, train_labels, epochs=5)
"""

st.title("The math of neural-network training")
st.markdown(
    """
This course follows one notebook, *neural-net-math-overview* (teaching-data-science), which explains the math
behind training a small neural network. The notebook's network reads handwritten digits and takes only a few
lines of Keras (quoted as the notebook writes them):
"""
)
st.code(NOTEBOOK_CODE, language=None, wrap_lines=True)  # plain and wrapped: see ui.common.CODE_STYLE
st.markdown(
    """
This course unpacks the math inside those lines — parameters, activation functions, loss functions,
gradient descent, optimizers and backpropagation — with charts you can move and numbers computed
on the spot by real TensorFlow code. Then it lets you train the network yourself. Where the notebook is
wrong, the lesson shows the correct math and says so.

**What you need:** a little calculus — what a derivative is, and the chain rule (the lessons recall both).
No machine-learning background. Each lesson asks you to predict a result before it shows it, and your
progress (in the sidebar) is kept for this browser, and can be downloaded to pick it up later.
"""
)

st.header("The course map")
for section, specs in SECTIONS.items():
    specs = [spec for spec in specs if spec.path != "pages/home.py"]
    if not specs:
        continue
    st.subheader(section)
    for spec in specs:
        page_link(spec)

st.header("The data: real handwritten digits")
mnist, problem = get_mnist(wait=3.0)
if problem:
    st.error(f"**MNIST is not available.** {problem}", icon=":material/error:")
elif mnist is None:
    st.info("The digits are still loading; they appear here once MNIST is ready.", icon=":material/hourglass_top:")
else:
    st.markdown(
        f"MNIST holds {len(mnist.y_train):,} training and {len(mnist.y_test):,} test images, each "
        "28×28 grey pixels (0 = black, 255 = white) with the digit it shows. Here are some of them:"
    )
    if st.button("Show other digits", icon=":material/shuffle:", key="home_shuffle_button"):
        st.session_state["home_sample_seed"] = st.session_state.get("home_sample_seed", 0) + 1
    rng = np.random.default_rng(st.session_state.get("home_sample_seed", 0))
    picks = rng.choice(len(mnist.y_train), size=30, replace=False)
    alt_text = digits_alt(mnist.y_train[picks], columns=10)
    st.image(digit_grid(mnist.x_train[picks], columns=10), width="stretch", clamp=True, alt=alt_text)  # any screen
    rows = [" ".join(str(label) for label in mnist.y_train[picks][i : i + 10]) for i in range(0, 30, 10)]
    st.caption("Their labels, row by row: " + " · ".join(rows))
    st.caption(
        f"MNIST by Yann LeCun, Corinna Cortes and Christopher J. C. Burges (CC BY-SA 3.0). Loaded from: {mnist.source}."
    )
