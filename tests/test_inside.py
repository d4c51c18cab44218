"""Inside the network: MNIST-style preparation, contributions, saliency, weight images, snapshots, counterfactuals."""

import numpy as np
import pytest
from PIL import Image, ImageFilter

from lib.inside import (
    ImageError,
    hidden_weight_images,
    make_it,
    picture_from_upload,
    prepare_digit,
    read_digit,
    weight_mosaic,
)
from lib.lab.config import TrainConfig
from lib.lab.jobs import MAX_SNAPSHOT_BYTES, TrainingJob


@pytest.fixture(scope="module")
def notebook_job(mnist):
    """The notebook's network (ReLU, softmax, Adam, batch 32), trained for 2 epochs on all the images."""
    job = TrainingJob(TrainConfig(epochs=2), mnist).start()
    job.join(300)
    assert job.snapshot().state == "finished"
    return job


def stroke_like(image: np.ndarray) -> np.ndarray:
    """A 28×28 digit drawn large: upscaled ×10 to 280×280 and blurred, like a stroke on the drawing pad."""
    big = Image.fromarray(image).resize((280, 280), Image.BICUBIC).filter(ImageFilter.GaussianBlur(3))
    return np.asarray(big)


def test_preparing_500_drawn_test_digits_keeps_the_networks_reading(mnist, notebook_job):
    model = notebook_job.model
    images = mnist.x_test[:500]
    original = model.predict(images / 255.0, verbose=0).argmax(axis=1)
    prepared = np.stack([prepare_digit(stroke_like(image)) for image in images])
    again = model.predict(prepared / 255.0, verbose=0).argmax(axis=1)
    agreement = float(np.mean(original == again))
    print(f"\nprepared drawings read the same as the originals: {agreement:.1%}")
    assert agreement >= 0.95


def test_prepared_digits_are_mnist_shaped():
    canvas = np.zeros((280, 280, 4), np.uint8)
    canvas[40:240, 170:200, :] = 255  # a tall stroke, off to the right
    digit = prepare_digit(canvas)
    assert digit.shape == (28, 28) and digit.dtype == np.uint8
    rows = np.flatnonzero(digit.any(axis=1))
    assert rows[-1] - rows[0] + 1 <= 21  # fitted into 20×20 (a pixel of resampling blur allowed)
    ys, xs = np.indices(digit.shape)
    assert abs((ys * digit).sum() / digit.sum() - 13.5) <= 1 and abs((xs * digit).sum() / digit.sum() - 13.5) <= 1
    assert prepare_digit(np.zeros((280, 280))).sum() == 0  # an empty pad stays empty


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
