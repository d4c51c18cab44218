"""Inside the network: which trained network to look at, where the digit comes from (the drawing pad, a test
image, a photo), and the sections that show what the network does with it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

from lib.charts import make_softmax_chart
from lib.fmt import num
from lib.inside import (
    best_usable_run,
    first_order_note,
    gradient_is_zero_by_convention,
    make_it,
    pixel_effects,
    read_digit,
    reading_sentence,
    signed_image,
)
from lib.lab.announce import shared_network_sentence
from lib.lab.config import TrainConfig
from lib.lab.jobs import TrainingJob
from lib.picture import ImageError, picture_from_pad, picture_from_upload, prepare_digit
from lib.plain_charts import make_hidden_chart
from ui.a11y import held, pause_toggle, paused, status_line

NO_DIGIT = "Draw a digit in section 1 (or pick a test image, or upload a photo) to see this."


@st.cache_resource(show_spinner=False)
def notebook_network(_mnist) -> TrainingJob:
    """The notebook's network with the notebook's settings, trained once per server in the background (through
    the same queue as every run) and shared read-only by every learner who has no run of their own yet."""
    return TrainingJob(TrainConfig(), _mnist, owner="the course", orphan_after=float("inf")).start()


def wait_for_network(job: TrainingJob, text: str, pause_key: str) -> None:
    """While the shared network trains (once per server): a status line and a progress bar, redrawn every second
    with a pause; when it is trained, the whole page is drawn again."""
    pause_toggle(pause_key, "the training")

    @st.fragment(run_every=1.0)
    def training_progress():
        snap = job.snapshot()
        status_line(shared_network_sentence(snap.state, snap.epoch, job.config.epochs))
        if paused(pause_key):
            st.caption(":material/pause: Live view paused: the training goes on.")
        shown = held(pause_key, f"{pause_key}_frozen", snap, going=job.active)
        total = job.config.epochs * shown.steps_per_epoch
        done = shown.epoch * shown.steps_per_epoch + shown.step
        st.progress(min(1.0, done / total) if total else 0.0, text=f"{text}: {shown.state}…")
        if not job.active:
            st.rerun(scope="app")

    training_progress()


def your_runs() -> list[tuple[int, dict]]:
    """(number, run) of the learner's runs that kept their network, numbered as in the Train page's table."""
    return [(i, run) for i, run in enumerate(st.session_state.get("train_runs", []), start=1) if run.get("job")]


def choose_network(mnist):
    """(job, label) of the network to look inside: the learner's best usable run by default, else the notebook's."""
    runs = [(i, run["job"], run) for i, run in your_runs()]
    choices = {}
    for i, job, run in runs:
        record, step_net = run["record"], job.config.hidden_activation == "step"
        accuracy = record.get("test accuracy")
        label = f"run {i}: {record['hidden activation']}, {record['optimizer']}"
        label += f", {accuracy:.1%} test" if accuracy is not None else ""
        choices[label + (" (zero gradient)" if step_net else "")] = job
    choices["the notebook's network, shared"] = notebook_network(mnist)
    best = best_usable_run([(job.config.hidden_activation, run["record"].get("test accuracy")) for _, job, run in runs])
    label = st.selectbox(
        "Network",
        list(choices),
        index=len(choices) - 1 if best is None else best,
        key="inside_network",
        help="By default your run with the best test accuracy whose pictures mean something (a step network's "
        "hidden layer never learns), else the notebook's network: ReLU, Adam, 5 epochs, trained once per server "
        "and shared by every learner.",
    )
    return choices[label], label


# streamlit-drawable-canvas 0.13 draws its undo/redo/reset buttons 22 px square (WCAG 2.5.8 asks for 24) inside its
# own (open) shadow root, which the page's CSS cannot reach: a small script adds one rule there, once per pad.
PAD_BUTTON_SIZE = """<script>
(() => {
  if (window.coursePadButtons) return;
  window.coursePadButtons = true;
  const grow = () => document.querySelectorAll("[data-testid=stBidiComponentIsolated]").forEach((host) => {
    const root = host.shadowRoot;
    if (!root || !root.querySelector(".dc-icon-button") || root.querySelector("style[data-course-pad]")) return;
    const style = document.createElement("style");
    style.dataset.coursePad = "";
    style.textContent = ".dc-icon-button{min-width:28px;min-height:28px;box-sizing:border-box}";
    root.appendChild(style);
  });
  grow();
  new MutationObserver(grow).observe(document.body, {childList: true, subtree: true});
})();
</script>"""


def _clear_pad() -> None:
    st.session_state["inside_pad_clears"] = st.session_state.get("inside_pad_clears", 0) + 1


def drawing_pad() -> np.ndarray | None:
    """A 280×280 pad, white ink on black as MNIST stores its digits, and a Clear button (touch screens have no
    hover for the pad's own toolbar). Returns a grey picture, or None; whatever the browser sent, never raises."""
    from streamlit_drawable_canvas import st_canvas  # importing it outside a running app raises

    clears = st.session_state.get("inside_pad_clears", 0)
    try:
        result = st_canvas(
            stroke_width=22,
            stroke_color="#ffffff",
            background_color="#000000",
            height=280,
            width=280,
            drawing_mode="freedraw",
            return_image_data=True,
            key=f"inside_pad_{clears}",  # a new key is a new, empty pad
        )
        data_url = getattr(result, "_image_data_url", None)  # the raw value: decoded below, with a bound
    except Exception:
        data_url = "unreadable"
    st.button("Clear the pad", icon=":material/ink_eraser:", key="inside_pad_clear", on_click=_clear_pad)
    st.html(PAD_BUTTON_SIZE, unsafe_allow_javascript=True)
    try:
        return picture_from_pad(data_url)
    except ImageError as error:
        st.error(str(error), icon=":material/broken_image:")
        return None


def _release(upload) -> None:
    """Drop an uploaded file from the server's memory once it has been read (Streamlit keeps it otherwise)."""
    try:
        from streamlit.runtime import get_instance
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        get_instance().uploaded_file_mgr.remove_file(get_script_run_ctx().session_id, upload.file_id)
    except Exception:  # no running server (a test harness): nothing is kept
        pass


def photo_upload() -> np.ndarray | None:
    """A photo, read once: decoded with a bound, prepared, released from the server, and the uploader emptied
    (a new key), so a session keeps at most one prepared 28×28 digit and no file."""
    count = st.session_state.get("inside_upload_count", 0)
    upload = st.file_uploader(
        "A photo of one handwritten digit (PNG or JPEG)", type=["png", "jpg", "jpeg"], key=f"inside_upload_{count}"
    )
    if upload is not None:
        try:
            digit = prepare_digit(picture_from_upload(upload.getvalue()))
            st.session_state["inside_photo"] = digit if digit.any() else "No ink was found in this photo."
        except ImageError as error:
            st.session_state["inside_photo"] = str(error)
        _release(upload)
        st.session_state["inside_upload_count"] = count + 1
        try:  # show the emptied uploader at once
            st.rerun(scope="fragment")
        except StreamlitAPIException:  # this is a full run of the page, not the section's own
            st.rerun()
    kept = st.session_state.get("inside_photo")
    if isinstance(kept, str):
        st.error(kept, icon=":material/broken_image:")
        return None
    if kept is not None:
        st.caption("Your last photo, prepared (the file itself is not kept). Upload another to replace it.")
    return kept


def digit_input(mnist) -> np.ndarray | None:
    """Section 1: a 28×28 digit as MNIST stores it, or None."""
    source = st.segmented_control(
        "Where from", ["draw", "a test image", "a photo"], default="draw", key="inside_source", persist_state="session"
    )
    if source == "a test image":
        index = st.number_input("Test image number", 0, len(mnist.y_test) - 1, 0, key="inside_test_index")
        st.caption(f"Its label: {mnist.y_test[index]}. Shown as MNIST stores it, the image Train MNIST tests on.")
        return mnist.x_test[index]
    if source == "a photo":
        return photo_upload()
    st.caption(
        "Draw one digit, large, in the middle of the black square. Without a mouse, pen or touch screen, choose "
        "“a test image” or “a photo” above instead: both work with the keyboard alone."
    )
    picture = drawing_pad()
    if picture is None:
        return None
    image = prepare_digit(picture)
    return image if image.any() else None


def show_reading(model, image: np.ndarray):
    """Section 2: the prepared digit, the output layer's answer, the hidden layer, which pixels matter."""
    reading = read_digit(model, image)
    left, right = st.columns([1, 2])
    left.image(
        image,
        caption="What the network gets: 28 × 28, fitted into 20 × 20, centred as MNIST was",
        width=168,
        alt=f"The digit as the network gets it, 28 × 28 pixels, which it reads as {reading.predicted}",
    )
    title = "sigmoid outputs (separate yes/no scores)" if reading.output_activation == "sigmoid" else "probabilities"
    right.altair_chart(make_softmax_chart(reading.probabilities, title=title), width="stretch")
    st.markdown(reading_sentence(reading) + f" The hidden layer's {len(reading.hidden)} outputs:")
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
    if reading.saliency.any():
        picture, what = reading.saliency, "Saliency: ∂ score / ∂ pixel"
    else:
        picture, what = pixel_effects(model, image, reading.predicted), "Each pixel's effect: score at full ink − blank"
        why = (
            "its hidden activation is the step function, whose gradient is zero by convention (the custom gradient "
            "returns 0 everywhere)"
            if gradient_is_zero_by_convention(model)
            else "the gradient is zero at every pixel for this digit"
        )
        st.info(
            f"A saliency map (∂ score / ∂ pixel) of this network would be blank: {why}. The map below needs no "
            "gradient: 1,568 forward passes, each pixel set once to full ink and once to blank.",
            icon=":material/info:",
        )
    st.image(
        signed_image(picture, zoom=6),
        caption=f"{what} (red: more ink here raises the score of {reading.predicted}; blue: lowers it)",
        width=168,
        alt=f"{what.split(':')[0]} map, 28 × 28: where more ink would raise (red) or lower (blue) the score of "
        f"{reading.predicted}",
    )
    return reading


def show_make_it(model, image: np.ndarray, reading, activation: str) -> None:
    """Section 3: the smallest change found that makes the network read another digit."""
    target = st.selectbox("Target digit", [d for d in range(10) if d != reading.predicted], key="inside_target")
    if not st.button(f"Make the network read a {target}", key="inside_make_button"):
        return
    result = make_it(model, image, target)
    cols = st.columns(2)
    cols[0].image(
        result.image,
        caption=f"changed: read as {result.predicted}",
        width=168,
        alt=f"The digit after the change, which the network reads as {result.predicted}",
    )
    cols[1].image(
        signed_image(result.difference, 0.3, zoom=6),
        caption="the change (each pixel by at most 0.3)",
        width=168,
        alt="The change made to each pixel: red where ink was added, blue where it was taken away",
    )
    verdict = "it now reads" if result.reached else "it still does not read"
    st.markdown(
        f"After {result.steps} small steps {verdict} a {target}; the score of {target} rose by "
        f"{num(result.score_change)}. {first_order_note(activation, result)}"
    )
