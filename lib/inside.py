"""Inside a trained network: prepare a drawn digit the way MNIST was made, follow it through the layers, and see
what each hidden neuron learned.

MNIST's digits were size-normalised to fit a 20×20 box (keeping their aspect ratio) and centred by their centre
of mass in a 28×28 image; `prepare_digit` does the same to a drawing or a photo.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps

from lib.runtime import tf

MAX_UPLOAD_PIXELS = 4096 * 4096  # a bigger photo is refused before it is decoded


class ImageError(ValueError):
    """An uploaded file is not a usable picture; the message says why."""


def prepare_digit(picture: np.ndarray) -> np.ndarray:
    """A 28×28 uint8 image, white digit on black, from any grey or RGB(A) picture of a light digit on dark."""
    grey = np.asarray(picture, dtype=np.float64)
    if grey.ndim == 3:
        alpha = grey[..., 3:4] / 255.0 if grey.shape[-1] == 4 else 1.0
        grey = (grey[..., :3] * alpha).mean(axis=-1)
    if grey.max() <= 0:
        return np.zeros((28, 28), np.uint8)
    ink = grey > 0.1 * grey.max()
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    crop = grey[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    scale = 20.0 / max(crop.shape)
    size = (max(1, round(crop.shape[1] * scale)), max(1, round(crop.shape[0] * scale)))
    small = np.asarray(Image.fromarray((crop / crop.max() * 255).astype(np.uint8)).resize(size, Image.LANCZOS))
    canvas = np.zeros((28, 28), np.float64)
    top, left = (28 - small.shape[0]) // 2, (28 - small.shape[1]) // 2
    canvas[top : top + small.shape[0], left : left + small.shape[1]] = small
    total = canvas.sum()
    ys, xs = np.indices(canvas.shape)
    shift = (round(13.5 - (ys * canvas).sum() / total), round(13.5 - (xs * canvas).sum() / total))
    return np.roll(canvas, shift, axis=(0, 1)).clip(0, 255).astype(np.uint8)


def picture_from_upload(data: bytes) -> np.ndarray:
    """A grey picture from an uploaded photo of a handwritten digit (dark ink on light paper is inverted).

    Treated as hostile: size-checked before decoding, decoded by Pillow only, every failure a clear message.
    """
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_UPLOAD_PIXELS:
                raise ImageError(f"The picture is {image.width}×{image.height}; at most 4096×4096, please.")
            grey = ImageOps.exif_transpose(image).convert("L")
            grey.thumbnail((512, 512))
            pixels = np.asarray(grey, dtype=np.float64)
    except ImageError:
        raise
    except Exception as error:  # not an image, truncated, an unknown format...
        raise ImageError(f"This file could not be read as a picture ({type(error).__name__}).") from None
    if np.median(pixels) > 127:  # light paper: make the ink the bright part, as in MNIST
        pixels = 255 - pixels
    pixels[pixels < np.percentile(pixels, 60)] = 0  # the paper's texture is not ink
    return pixels


@dataclass(frozen=True)
class Reading:
    probabilities: np.ndarray  # (10,)
    logits: np.ndarray  # (10,)
    hidden: np.ndarray  # (width,) the hidden layer's outputs
    predicted: int
    contributions: np.ndarray  # (width,) hidden activation × outgoing weight to the predicted digit
    output_bias: float  # the predicted digit's bias: logit = contributions.sum() + output_bias
    saliency: np.ndarray  # (28, 28) ∂ logit[predicted] / ∂ pixel, pixels scaled to [0, 1]


def _logits(model, x):
    hidden = model.get_layer("hidden")(model.get_layer("input")(x))
    output = model.get_layer("output")
    return hidden, tf.matmul(hidden, output.kernel) + output.bias


def read_digit(model, image: np.ndarray) -> Reading:
    """What the network does with one 28×28 image, layer by layer."""
    x = tf.constant(image[None].astype(np.float32) / 255.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        hidden, logits = _logits(model, x)
        predicted = int(tf.argmax(logits[0]))
        score = logits[0, predicted]
    saliency = tape.gradient(score, x)[0].numpy()
    kernel = model.get_layer("output").kernel.numpy()
    bias = float(model.get_layer("output").bias.numpy()[predicted])
    activations = hidden[0].numpy()
    return Reading(
        probabilities=tf.nn.softmax(logits[0]).numpy(),
        logits=logits[0].numpy(),
        hidden=activations,
        predicted=predicted,
        contributions=activations * kernel[:, predicted],
        output_bias=bias,
        saliency=saliency,
    )


def hidden_weight_images(hidden_kernel: np.ndarray) -> np.ndarray:
    """Each hidden neuron's 784 incoming weights as a 28×28 image: shape (width, 28, 28)."""
    return np.asarray(hidden_kernel).T.reshape(-1, 28, 28)


def signed_image(values: np.ndarray, limit: float | None = None, zoom: int = 1) -> np.ndarray:
    """An RGB picture of signed values: red positive, blue negative, white zero (diverging around zero)."""
    values = np.asarray(values, dtype=np.float64)
    limit = limit or float(np.abs(values).max()) or 1.0
    w = np.clip(values / limit, -1, 1)
    rgb = np.stack([1 - np.clip(-w, 0, 1), 1 - np.abs(w), 1 - np.clip(w, 0, 1)], axis=-1)
    return np.kron((rgb * 255).astype(np.uint8), np.ones((zoom, zoom, 1), np.uint8))


def weight_mosaic(hidden_kernel: np.ndarray, columns: int = 8, gap: int = 1) -> np.ndarray:
    """All hidden neurons' weight images in one RGB mosaic: red positive, blue negative, white zero (one shared
    scale, so neurons can be compared)."""
    images = hidden_weight_images(hidden_kernel).astype(np.float64)
    limit = float(np.abs(images).max()) or 1.0
    rows = -(-len(images) // columns)
    mosaic = np.full((rows * (28 + gap), columns * (28 + gap), 3), 255, np.uint8)
    for i, weights in enumerate(images):
        r, c = divmod(i, columns)
        mosaic[r * (28 + gap) : r * (28 + gap) + 28, c * (28 + gap) : c * (28 + gap) + 28] = signed_image(
            weights, limit
        )
    return mosaic


@dataclass(frozen=True)
class Counterfactual:
    image: np.ndarray  # (28, 28) uint8, the changed drawing
    difference: np.ndarray  # (28, 28) float, changed − original, in [−ε, ε] (pixels scaled to [0, 1])
    reached: bool  # the network now reads the target digit
    steps: int
    predicted: int
    score_change: float  # the target's logit, after − before
    first_order: float  # what the gradient at the start predicted for that change: ∇·δ


def make_it(model, image: np.ndarray, target: int, epsilon: float = 0.3, step: float = 0.02, max_steps: int = 40):
    """The smallest gradient-based change (small signed steps up the target's logit, each pixel kept within ε of
    the original) that makes the network read `target`."""
    original = tf.constant(image[None].astype(np.float32) / 255.0)
    x = tf.Variable(original)
    with tf.GradientTape() as tape:
        tape.watch(original)
        start_score = _logits(model, original)[1][0, target]
    start_gradient = tape.gradient(start_score, original)
    taken = 0
    while taken < max_steps and int(tf.argmax(_logits(model, x)[1][0])) != target:
        with tf.GradientTape() as tape:
            score = _logits(model, x)[1][0, target]
        x.assign(tf.clip_by_value(x + step * tf.sign(tape.gradient(score, x)), original - epsilon, original + epsilon))
        x.assign(tf.clip_by_value(x, 0.0, 1.0))
        taken += 1
    logits = _logits(model, x)[1][0]
    delta = (x - original)[0]
    return Counterfactual(
        image=(x[0].numpy() * 255).round().astype(np.uint8),
        difference=delta.numpy(),
        reached=int(tf.argmax(logits)) == target,
        steps=taken,
        predicted=int(tf.argmax(logits)),
        score_change=float(logits[target] - start_score),
        first_order=float(tf.reduce_sum(start_gradient[0] * delta)),
    )
