"""Inside the network: MNIST-style preparation, contributions, saliency, weight images, snapshots, counterfactuals."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hyp
from PIL import Image, ImageFilter

from lib.inside import (
    best_usable_run,
    first_order_note,
    hidden_weight_images,
    make_it,
    pixel_effects,
    read_digit,
    reading_sentence,
    weight_mosaic,
)
from lib.lab.config import TrainConfig
from lib.lab.jobs import MAX_SNAPSHOT_BYTES, TrainingJob
from lib.picture import ImageError, picture_from_upload, prepare_digit


@pytest.fixture(scope="module")
def notebook_job(mnist):
    """The notebook's network (ReLU, softmax, Adam, batch 32), trained for 2 epochs on all the images."""
    job = TrainingJob(TrainConfig(epochs=2), mnist).start()
    job.join(300)
    assert job.snapshot().state == "finished"
    return job


def stroke_like(image: np.ndarray) -> np.ndarray:
    """A 28×28 digit drawn large, as the pad draws it: upscaled ×10 to 280×280, solid white ink where the digit is
    more than half inked, and a pixel of anti-aliasing at the stroke's edge."""
    big = np.asarray(Image.fromarray(image).resize((280, 280), Image.BICUBIC))
    solid = np.where(big > 127, 255, 0).astype(np.uint8)
    return np.asarray(Image.fromarray(solid).filter(ImageFilter.GaussianBlur(1)))


def test_preparing_500_drawn_test_digits_keeps_the_networks_reading(mnist, notebook_job):
    model = notebook_job.model
    images = mnist.x_test[:500]
    original = model.predict(images / 255.0, verbose=0).argmax(axis=1)
    prepared = np.stack([prepare_digit(stroke_like(image)) for image in images])
    again = model.predict(prepared / 255.0, verbose=0).argmax(axis=1)
    agreement = float(np.mean(original == again))
    print(f"\nprepared drawings read the same as the originals: {agreement:.1%}")
    assert agreement >= 0.97


def test_a_test_image_prepared_again_reads_as_it_did(mnist, notebook_job):
    model = notebook_job.model
    original = model.predict(mnist.x_test / 255.0, verbose=0, batch_size=1000).argmax(axis=1)
    prepared = np.stack([prepare_digit(image) for image in mnist.x_test])
    again = model.predict(prepared / 255.0, verbose=0, batch_size=1000).argmax(axis=1)
    agreement = float(np.mean(original == again))
    print(f"\n10,000 test images prepared again read as before: {agreement:.2%}")
    assert agreement >= 0.995


def test_contributions_sum_to_the_logit_and_saliency_matches_finite_differences(mnist, notebook_job):
    model = notebook_job.model
    image = mnist.x_test[0]
    reading = read_digit(model, image)
    assert reading.predicted == int(np.argmax(reading.probabilities))
    assert reading.contributions.sum() + reading.output_bias == pytest.approx(
        reading.logits[reading.predicted], abs=1e-5
    )
    assert reading.saliency.shape == (28, 28)

    def score(img):
        return read_digit(model, img).logits[reading.predicted]

    x = image.astype(np.float64)
    for row, col in [(14, 14), (10, 12), (20, 16)]:
        h = 2.0  # in pixel units (0..255): the logit is piecewise linear, so a small step is exact within a piece
        up, down = x.copy(), x.copy()
        up[row, col] += h
        down[row, col] -= h
        numeric = (score(up.astype(np.float32)) - score(down.astype(np.float32))) / (2 * h / 255)
        assert numeric == pytest.approx(reading.saliency[row, col], rel=0.05, abs=1e-3)


def test_weight_images_and_mosaic_shapes(notebook_job):
    kernel = notebook_job.model.get_layer("hidden").kernel.numpy()
    assert hidden_weight_images(kernel).shape == (64, 28, 28)
    np.testing.assert_array_equal(hidden_weight_images(kernel)[5].ravel(), kernel[:, 5])
    assert weight_mosaic(kernel).shape == (8 * 29, 8 * 29, 3)


def test_snapshots_cover_every_epoch_and_stay_within_budget(mnist, notebook_job):
    assert [epoch for epoch, _, _ in notebook_job.snapshots] == [0, 1, 2]
    first, last = notebook_job.snapshots[0][1], notebook_job.snapshots[-1][1]
    assert not np.array_equal(first, last)  # the features changed
    wide = TrainingJob(TrainConfig(hidden_units=512, epochs=20, data_fraction=0.01), mnist).start()
    wide.join(300)
    total = sum(h.nbytes + o.nbytes for _, h, o in wide.snapshots)
    assert total <= MAX_SNAPSHOT_BYTES and wide.snapshots[0][0] == 0 and wide.snapshots[-1][0] == 20


def test_make_it_a_seven_stays_within_epsilon_and_the_first_order_estimate_is_close(mnist, notebook_job):
    model = notebook_job.model
    image = mnist.x_test[1]  # a 2
    result = make_it(model, image, target=7, epsilon=0.3)
    assert np.abs(result.difference).max() <= 0.3 + 1e-6
    assert result.reached == (result.predicted == 7)
    assert result.score_change > 0 and np.sign(result.first_order) == np.sign(result.score_change)


def test_hostile_uploads_are_refused_clearly():
    with pytest.raises(ImageError, match="could not be read"):
        picture_from_upload(b"<svg onload=alert(1)>")
    with pytest.raises(ImageError, match="could not be read"):
        picture_from_upload(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)
    import io

    buffer = io.BytesIO()
    Image.new("L", (60, 60), 255).save(buffer, "PNG")  # a blank white page: inverted to an empty black one
    assert prepare_digit(picture_from_upload(buffer.getvalue())).sum() == 0


def test_the_page_trains_the_notebooks_network_when_needed_then_reads_a_test_image(mnist):
    import time

    from tests.test_pages import open_page

    at = open_page("pages/inside.py")
    assert not at.exception
    deadline = time.time() + 120
    while at.get("progress"):  # the shared network trains once per server, with a progress bar
        assert time.time() < deadline
        time.sleep(1)
        at.run()
    at.segmented_control(key="inside_source").set_value("a test image").run()
    at.number_input(key="inside_test_index").set_value(3).run()
    assert not at.exception
    from ui.inside import notebook_network

    model = notebook_network(mnist).model
    expected = int(model.predict(mnist.x_test[3:4] / 255.0, verbose=0).argmax())
    assert any(f"It reads **{expected}**" in m.value for m in at.markdown)
    caption = next(c.value for c in at.caption if "add up to" in c.value)
    assert "plus the output bias" in caption


NUMPY_ACTIVATIONS = {  # independent of TensorFlow: the oracle's own forward pass
    "relu": lambda z: np.maximum(z, 0),
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "tanh": np.tanh,
    "elu": lambda z: np.where(z > 0, z, np.expm1(np.minimum(z, 0))),
    "linear": lambda z: z,
    "step": lambda z: (z > 0).astype(np.float64),
}
ACTIVATION_WORDS = {
    "relu": "ReLU",
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "elu": "ELU",
    "linear": "no hidden activation",
}
SMALL = [(act, "softmax") for act in NUMPY_ACTIVATIONS] + [("relu", "sigmoid")]


@pytest.fixture(scope="module")
def small_jobs(mnist):
    """Small networks (1 epoch on 2% of the images) for every hidden activation, and one with a sigmoid output."""
    jobs = {}
    for activation, output in SMALL:
        config = TrainConfig(hidden_activation=activation, output_activation=output, epochs=1, data_fraction=0.02)
        jobs[activation, output] = TrainingJob(config, mnist).start()
    for job in jobs.values():
        job.join(300)
    return jobs


def numpy_logits(model, images: np.ndarray, activation: str) -> np.ndarray:
    hidden, output = model.get_layer("hidden"), model.get_layer("output")
    x = images.reshape(len(images), 784).astype(np.float64) / 255.0
    h = NUMPY_ACTIVATIONS[activation](x @ hidden.kernel.numpy().astype(np.float64) + hidden.bias.numpy())
    return h @ output.kernel.numpy().astype(np.float64) + output.bias.numpy()


@pytest.mark.parametrize("setting", SMALL)
def test_the_shown_probabilities_are_the_output_layers_own(mnist, small_jobs, setting):
    activation, output = setting
    model = small_jobs[setting].model
    for index in range(0, 50, 7):
        reading = read_digit(model, mnist.x_test[index])
        logits = numpy_logits(model, mnist.x_test[index : index + 1], activation)[0]
        np.testing.assert_allclose(reading.logits, logits, atol=1e-3)
        expected = 1 / (1 + np.exp(-logits)) if output == "sigmoid" else np.exp(logits) / np.exp(logits).sum()
        np.testing.assert_allclose(reading.probabilities, expected, atol=1e-4)
        sentence = reading_sentence(reading)
        assert f"It reads **{int(np.argmax(logits))}**" in sentence
        shown = expected[reading.predicted]
        assert f"{shown:.1%}" in sentence if 0.0005 <= shown < 0.9995 else "above 99.9%" in sentence
        assert "100.0%" not in sentence  # never a flat certainty the network did not compute
        assert ("sigmoid output" in sentence and "not 100%" in sentence) == (output == "sigmoid")


def test_a_step_network_gets_pixel_effects_and_a_real_change_not_a_silent_zero(mnist, small_jobs):
    model = small_jobs[("step", "softmax")].model
    image = mnist.x_test[0]
    reading = read_digit(model, image)
    assert not reading.saliency.any()  # the gradient is zero by convention...
    effects = pixel_effects(model, image, reading.predicted)
    assert np.abs(effects).max() > 0.01  # ...but pixels do move the score
    for row, col in [(14, 14), (5, 20), (22, 9), (0, 0)]:
        up, down = image.copy(), image.copy()
        up[row, col], down[row, col] = 255, 0
        oracle = numpy_logits(model, np.stack([up, down]), "step")[:, reading.predicted]
        assert effects[row, col] == pytest.approx(oracle[0] - oracle[1], abs=1e-3)
    target = int(np.argsort(reading.logits)[-2])  # the runner-up
    result = make_it(model, image, target)
    assert not result.by_gradient and result.first_order == 0 and result.score_change > 0
    note = first_order_note("step", result)
    assert "zero by convention" in note and "ReLU" not in note


@pytest.mark.parametrize("activation", [act for act in NUMPY_ACTIVATIONS if act != "step"])
def test_the_first_order_note_names_the_activation_and_is_true(mnist, small_jobs, activation):
    model = small_jobs[(activation, "softmax")].model
    image = mnist.x_test[1]
    reading = read_digit(model, image)
    result = make_it(model, image, int(np.argsort(reading.logits)[-2]))
    assert result.by_gradient
    note = first_order_note(activation, result)
    assert ACTIVATION_WORDS[activation] in note
    assert ("ReLU" in note) == (activation == "relu")
    if activation == "linear":  # "exact up to rounding": the oracle says so
        assert result.score_change == pytest.approx(result.first_order, abs=1e-3)


@settings(max_examples=300, deadline=None)
@given(
    runs=hyp.lists(
        hyp.tuples(
            hyp.sampled_from(list(NUMPY_ACTIVATIONS)),
            hyp.one_of(hyp.none(), hyp.floats(0, 1), hyp.just(float("nan")), hyp.sampled_from([0.5, 0.9])),
        ),
        max_size=6,
    )
)
def test_the_default_network_is_the_best_usable_run(runs):
    chosen = best_usable_run(runs)
    usable = [i for i, (act, acc) in enumerate(runs) if act != "step" and acc is not None and acc == acc]
    if not usable:
        assert chosen is None
        return
    best = max(runs[i][1] for i in usable)
    assert chosen == max(i for i in usable if runs[i][1] == best)  # the best; the latest of equals
