"""Pictures: MNIST's own preparation (checked on the real test set), and hostile files and pad values refused with a
message before they are decoded, at a bounded cost in memory."""

import base64
import io
import struct
import subprocess
import sys
import zlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from lib.picture import MAX_PIXELS, ImageError, decode_bounded, picture_from_pad, picture_from_upload, prepare_digit
from tests.conftest import ROOT


def centre_of_mass(image) -> tuple[float, float]:
    image = np.asarray(image, np.float64)
    ys, xs = np.indices(image.shape)
    return (ys * image).sum() / image.sum(), (xs * image).sum() / image.sum()


def test_mnist_digits_sit_at_pixel_14_and_fill_a_20_pixel_box(mnist):
    com = np.array([centre_of_mass(image) for image in mnist.x_test])
    assert np.abs(com.mean(axis=0) - 14.0).max() < 0.02  # 14.00 (0-indexed), not the frame's centre 13.5
    assert np.abs(com.std(axis=0) - 0.29).max() < 0.02  # whole-pixel translation: uniform within ±0.5
    boxes = [max(np.ptp(np.flatnonzero(im.any(1))), np.ptp(np.flatnonzero(im.any(0)))) + 1 for im in mnist.x_test]
    assert np.mean(np.array(boxes) == 20) > 0.999


def test_a_test_image_prepared_again_is_the_same_image(mnist):
    same = np.array([np.array_equal(prepare_digit(image), image) for image in mnist.x_test])
    print(f"\n{same.mean():.2%} of the 10,000 test images come back unchanged")
    assert same.mean() >= 0.995


def png_bytes(width: int, height: int, rgba: bool = False) -> bytes:
    """A black 8-bit PNG (grey, or RGBA as the pad sends) of any declared size, compressed row block by row block
    (no full-size buffer in this process)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + (b"\x00\x00\x00\xff" * width if rgba else bytes(width))
    compressor, parts = zlib.compressobj(9), []
    rows_per_piece = max(1, 1_000_000 // len(row))
    for start in range(0, height, rows_per_piece):
        parts.append(compressor.compress(row * min(rows_per_piece, height - start)))
    parts.append(compressor.flush())
    header = struct.pack(">IIBBBBB", width, height, 8, 6 if rgba else 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"".join(parts)) + chunk(b"IEND", b"")


def data_url(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode()


def text_bomb() -> bytes:
    """A 28×28 PNG carrying 40 MB of zero bytes in compressed text chunks (read along with its header)."""
    base = png_bytes(28, 28)
    text = b"Comment\x00\x00" + zlib.compress(bytes(1_000_000), 9)
    ztxt = struct.pack(">I", len(text)) + b"zTXt" + text + struct.pack(">I", zlib.crc32(b"zTXt" + text))
    return base[:33] + ztxt * 40 + base[33:]


def jpeg_photo(width=4000, height=3000) -> bytes:
    """A phone-sized photo: dark ink stroke on light paper."""
    image = Image.new("L", (width, height), 220)
    image.paste(40, (width // 2 - 100, height // 4, width // 2 + 100, 3 * height // 4))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


PROBES = {  # name -> (how it arrives, bytes)
    "strip 1×16,777,216 upload": ("upload", lambda: png_bytes(1, 16_777_216)),
    "4000×4000 pad value": ("pad", lambda: png_bytes(4000, 4000, rgba=True)),
    "9000×9000 bomb upload": ("upload", lambda: png_bytes(9_000, 9_000)),
    "text-chunk bomb upload": ("upload", text_bomb),
    "junk upload": ("upload", lambda: b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40),
    "junk pad value": ("pad", lambda: b"not a picture at all"),
}


@pytest.mark.parametrize("name", list(PROBES))
def test_hostile_pictures_are_refused_with_a_message(name):
    kind, make = PROBES[name]
    data = make()
    with pytest.raises(ImageError) as refused:
        picture_from_pad(data_url(data)) if kind == "pad" else picture_from_upload(data)
    assert "Traceback" not in str(refused.value) and len(str(refused.value)) > 20


@pytest.mark.parametrize(
    "value", [None, 42, {"a": 1}, ["x"], "", "data:image/png;base64,", "data:image/png;base64,@@@@", "x" * 5_000_000]
)
def test_whatever_the_pad_sends_gives_a_picture_none_or_a_message(value):
    try:
        assert picture_from_pad(value) is None
    except ImageError as error:
        assert "pad" in str(error) or "picture" in str(error)


def test_a_phone_photo_is_decoded_at_a_reduced_size_and_read():
    photo = jpeg_photo()
    assert 4000 * 3000 > MAX_PIXELS  # too big to decode at full size...
    pixels = decode_bounded(photo)  # ...but JPEG decodes at 1/8 of it
    assert max(pixels.shape) <= 512
    digit = prepare_digit(picture_from_upload(photo))
    assert digit.any() and 19 <= np.ptp(np.flatnonzero(digit.any(axis=1))) + 1 <= 20


PEAK_SCRIPT = """
import base64, sys
from lib.picture import ImageError, picture_from_pad, picture_from_upload
kind, path = sys.argv[1], sys.argv[2]
data = open(path, "rb").read()
value = "data:image/png;base64," + base64.b64encode(data).decode() if kind == "pad" else data
status = lambda key: int(next(l for l in open("/proc/self/status") if l.startswith(key)).split()[1])
open("/proc/self/clear_refs", "w").write("5")  # Linux: the peak (VmHWM) starts again from the current RSS
idle = status("VmRSS")
try:
    picture_from_pad(value) if kind == "pad" else picture_from_upload(value)
except ImageError:
    pass
print((status("VmHWM") - idle) / 1024)
"""


def peak_rss_above_idle_mb(kind: str, data: bytes, tmp_path) -> float:
    """Peak resident memory (MB) above the idle process, for one picture, in a fresh process."""
    path = tmp_path / "probe"
    path.write_bytes(data)
    done = subprocess.run(
        [sys.executable, "-c", PEAK_SCRIPT, kind, str(path)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return float(done.stdout.split()[-1])


@pytest.mark.parametrize("name", [*PROBES, "phone photo"])
def test_one_hostile_picture_costs_at_most_50_mb(name, tmp_path):
    kind, make = PROBES.get(name, ("upload", jpeg_photo))
    peak = peak_rss_above_idle_mb(kind, make(), tmp_path)
    print(f"\n{name}: peak RSS {peak:.1f} MB above idle")
    assert peak <= 50


@settings(max_examples=60, deadline=None)
@given(
    top=st.integers(0, 200),
    left=st.integers(0, 200),
    height=st.integers(8, 79),
    width=st.integers(8, 79),
    weight_row=st.integers(0, 100),
)
def test_any_drawing_is_fitted_into_20_and_centred_at_14(top, left, height, width, weight_row):
    pad = np.zeros((280, 280))
    pad[top : top + height, left : left + width] = 255  # a block of ink...
    pad[top + weight_row * (height - 1) // 100, left : left + width] = 255  # ...anywhere on the pad
    digit = prepare_digit(pad)
    rows, cols = np.flatnonzero(digit.any(axis=1)), np.flatnonzero(digit.any(axis=0))
    assert max(np.ptp(rows), np.ptp(cols)) + 1 <= 21  # fitted into 20×20 (a pixel of resampling blur allowed)
    cy, cx = centre_of_mass(digit)
    assert abs(cy - 14) <= 0.5 + 0.05 and abs(cx - 14) <= 0.5 + 0.05  # whole-pixel placement, after rounding


def test_translation_cuts_instead_of_wrapping_around():
    crop = np.zeros((20, 20))
    crop[19, :] = 255  # all the ink on the box's bottom row: its centre of mass is 19, so the box moves up 5 rows
    crop[0, 0] = 1  # a faint dot keeps the box 20 high
    digit = prepare_digit(crop)
    expected = np.zeros((28, 28), np.uint8)
    expected[14, 5:25] = 255  # the dot is cut off at the top; nothing reappears at the bottom
    np.testing.assert_array_equal(digit, expected)
