"""A digit from a drawing or a photo, prepared the way MNIST's digits were made, and decoded with a bound.

MNIST's digits were fitted into a 20×20 box (keeping their aspect ratio, anti-aliased to grey levels), then
translated so that their centre of mass sits at pixel (14, 14) of a 28×28 image (0-indexed row and column; on the
10,000 test images it is at 14.00 ± 0.29). `prepare_digit` does the same; it leaves a test image as it was.

Pictures come from a learner (an upload, or the drawing pad's value, which the browser sends and anyone can forge),
so they are hostile input: the header is read first, and a picture of more than MAX_PIXELS pixels (or DECODE_BUDGET
bytes once decoded), or a thin strip, is refused before a single pixel is decoded. JPEGs decode at a reduced size.
"""

from __future__ import annotations

import base64
import binascii
import io

import numpy as np
from PIL import Image, PngImagePlugin

MAX_PIXELS = 4_000_000  # width × height, after JPEG's reduced-size decoding
DECODE_BUDGET = 16_000_000  # width × height × bytes per pixel (Pillow keeps 1, 2 or 4)
MAX_ASPECT = 10  # a picture of one digit is not 10 times longer than it is wide
MAX_FILE_BYTES = 5_000_000  # the upload limit (server.maxUploadSize); the pad's PNG is far smaller
MAX_PAD_CHARS = 4_000_000  # the pad's value is a base64 data URL of a 280×280 PNG (a few tens of kB)
WORKING_SIZE = 512  # pictures are shrunk to at most this before any arithmetic on them
FORMATS = ("PNG", "JPEG")
# A PNG's text chunks are decompressed while its header is read (64 MB of them by default): pictures here need none.
PngImagePlugin.MAX_TEXT_CHUNK = PngImagePlugin.MAX_TEXT_MEMORY = 64_000

_BYTES_PER_PIXEL = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16B": 2, "I;16L": 2}  # Pillow keeps the rest in 4 bytes
_EXIF_ORIENTATION = 0x0112
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


class ImageError(ValueError):
    """A picture that cannot be used; the message says why, in words a learner reads."""


def decode_bounded(data: bytes, formats: tuple[str, ...] = FORMATS) -> np.ndarray:
    """A grey picture (float64, at most WORKING_SIZE a side) of light ink on dark, alpha applied: from the header
    first (size, aspect, bytes once decoded), decoding only what passes; every failure an ImageError."""
    if len(data) > MAX_FILE_BYTES:
        raise ImageError(f"The file is {len(data) / 1e6:.1f} MB; at most {MAX_FILE_BYTES / 1e6:.0f} MB, please.")
    try:
        with Image.open(io.BytesIO(data), formats=list(formats)) as image:
            if image.format == "JPEG":  # decode at 1/2, 1/4 or 1/8 of the size: a phone photo fits the budget
                image.draft("L", (WORKING_SIZE, WORKING_SIZE))
            _check_header(image)
            orientation = image.getexif().get(_EXIF_ORIENTATION) if image.format == "JPEG" else None
            image.load()
            grey = _to_grey(image)
        if orientation in _TRANSPOSE:
            grey = grey.transpose(_TRANSPOSE[orientation])
        return np.asarray(grey, dtype=np.float64)
    except ImageError:
        raise
    except Exception as error:  # not an image, truncated, a format not offered, a bomb Pillow itself caught...
        raise ImageError(f"This file could not be read as a PNG or JPEG picture ({type(error).__name__}).") from None


def _check_header(image: Image.Image) -> None:
    width, height = image.size
    if width < 1 or height < 1:
        raise ImageError("The picture has no pixels.")
    if max(width, height) > MAX_ASPECT * min(width, height):
        raise ImageError(
            f"The picture is {width:,}×{height:,} pixels: a strip, not a digit (at most {MAX_ASPECT}:1, please)."
        )
    if width * height > MAX_PIXELS or width * height * _BYTES_PER_PIXEL.get(image.mode, 4) > DECODE_BUDGET:
        raise ImageError(
            f"The picture is {width:,}×{height:,} pixels ({image.mode}): too large to decode here (at most "
            f"{MAX_PIXELS / 1e6:.0f} million pixels; a JPEG photo of any usual size is fine)."
        )


def _to_grey(image: Image.Image) -> Image.Image:
    """Grey 'L', shrunk to WORKING_SIZE before anything is copied at full size where Pillow allows it."""
    image.thumbnail((WORKING_SIZE, WORKING_SIZE))  # in place: the one full-size copy is the decoded one
    if "A" in image.getbands() or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        grey, alpha = rgba.convert("L"), rgba.getchannel("A")
        return Image.fromarray((np.asarray(grey, np.uint16) * np.asarray(alpha, np.uint16) // 255).astype(np.uint8))
    return image.convert("L")


def picture_from_upload(data: bytes) -> np.ndarray:
    """A grey picture of light ink on dark from a photo of a handwritten digit (dark ink on light paper is
    inverted, the paper's texture removed, the contrast stretched)."""
    pixels = decode_bounded(data)
    if np.median(pixels) > 127:  # light paper: make the ink the bright part, as in MNIST
        pixels = 255 - pixels
    pixels[pixels <= np.percentile(pixels, 60)] = 0  # the paper's texture (and the paper itself) is not ink
    peak = pixels.max()
    if peak > 0:
        pixels[pixels < 0.1 * peak] = 0
        pixels = pixels * (255.0 / peak)
    return pixels


def picture_from_pad(data_url) -> np.ndarray | None:
    """The drawing pad's value (a PNG as a base64 data URL) as a grey picture, or None for an empty pad. Whatever
    the browser sent, the answer is a picture, None, or an ImageError with a message."""
    if data_url is None:
        return None
    if not isinstance(data_url, str) or len(data_url) > MAX_PAD_CHARS or ";base64," not in data_url[:100]:
        raise ImageError("The drawing pad sent something that is not a picture: press Clear and draw again.")
    try:
        data = base64.b64decode(data_url.split(";base64,", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        raise ImageError("The drawing pad sent something that is not a picture: press Clear and draw again.") from None
    pixels = decode_bounded(data, formats=("PNG",))
    return pixels if pixels.max() > 0 else None


def prepare_digit(picture: np.ndarray) -> np.ndarray:
    """MNIST's preparation: a 28×28 uint8 image from a grey picture of light ink on dark. The ink's bounding box is
    fitted into 20×20 (aspect kept), then placed so that its centre of mass is at pixel (14, 14), rounded to whole
    pixels as MNIST did, without wrap-around: ink moved past the frame is cut off, as it was in a few MNIST digits.
    An MNIST digit comes back unchanged (all but 3 of the 10,000 test digits, those cut by the frame)."""
    grey = np.asarray(picture, dtype=np.float64)
    if grey.ndim != 2 or grey.size == 0 or not np.isfinite(grey).all() or grey.max() <= 0:
        return np.zeros((28, 28), np.uint8)
    rows, cols = np.flatnonzero((grey > 0).any(axis=1)), np.flatnonzero((grey > 0).any(axis=0))
    crop = grey[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1].clip(0, 255)
    scale = 20.0 / max(crop.shape)
    size = (max(1, round(crop.shape[1] * scale)), max(1, round(crop.shape[0] * scale)))  # (width, height)
    if size != (crop.shape[1], crop.shape[0]):
        crop = np.asarray(Image.fromarray(crop.astype(np.float32), "F").resize(size, Image.LANCZOS), np.float64)
        crop = crop.clip(0, 255)
    ys, xs = np.indices(crop.shape)
    total = crop.sum()
    if total <= 0:
        return np.zeros((28, 28), np.uint8)
    top, left = round(14 - (ys * crop).sum() / total), round(14 - (xs * crop).sum() / total)
    canvas = np.zeros((28 + 2 * 20, 28 + 2 * 20), np.float64)  # a margin wide enough for any placement
    canvas[20 + top : 20 + top + crop.shape[0], 20 + left : 20 + left + crop.shape[1]] = crop
    return canvas[20:48, 20:48].round().astype(np.uint8)
