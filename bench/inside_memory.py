"""What hostile pictures and many uploads cost "Inside the network" in server memory. The last line printed is one
JSON object.

    python bench/inside_memory.py            # both parts
    python bench/inside_memory.py --images   # only the in-process peak per hostile picture (no browser)

1. Peak RSS above idle per hostile picture (the issue's probes: a 1×16,777,216 PNG strip, a 4000×4000 PNG as the
   pad's value, a 9000×9000 decompression bomb, 40 MB of PNG text chunks, junk bytes), each in a fresh process.
2. A real server and Chromium: 60 photo uploads of ~4.5 MB through the page's uploader, the server's RSS before,
   after them, and after the tab is closed.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def hostile_peaks() -> dict[str, float]:
    from tests.test_picture import PROBES, jpeg_photo, peak_rss_above_idle_mb

    probes = {**PROBES, "phone photo 4000×3000 (accepted)": ("upload", jpeg_photo)}
    with tempfile.TemporaryDirectory() as folder:
        return {
            name: round(peak_rss_above_idle_mb(kind, make(), Path(folder)), 1) for name, (kind, make) in probes.items()
        }


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmRSS")).split()[1]) / 1024


def noise_png(path: Path) -> None:
    from PIL import Image

    pixels = np.random.default_rng(0).integers(0, 256, (1220, 1220, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(path, "PNG", compress_level=0)


def uploads(count: int = 60, after_close_s: float = 20) -> dict:
    from e2e.browser import chromium, streamlit_server, wait_for_idle

    with tempfile.TemporaryDirectory() as folder, chromium() as browser, streamlit_server() as url:
        photo = Path(folder) / "photo.png"
        noise_png(photo)
        size = photo.stat().st_size / 1e6
        page = browser.new_page(viewport={"width": 1280, "height": 1600})
        page.set_default_timeout(240_000)
        page.goto(f"{url}/inside")
        page.get_by_text("Draw one digit").first.wait_for(timeout=400_000)  # the shared network trains first
        page.get_by_role("radio", name="a photo").or_(page.get_by_text("a photo", exact=True)).first.click()
        wait_for_idle(page)
        idle = rss_mb(url.pid)
        for _ in range(count):
            uploader = page.locator('[data-testid="stMainBlockContainer"] input[type="file"]').element_handle()
            uploader.set_input_files(str(photo))
            page.wait_for_function("input => !input.isConnected", arg=uploader)  # read, released, a new uploader
            wait_for_idle(page, timeout_s=120)
        assert page.get_by_text("Your last photo").count() == 1
        after = rss_mb(url.pid)
        page.close()
        time.sleep(after_close_s)
        closed = rss_mb(url.pid)
    return {
        "upload_file_mb": round(size, 2),
        "uploads": count,
        "server_rss_idle_mb": round(idle, 1),
        "server_rss_after_uploads_mb": round(after, 1),
        "server_rss_after_close_mb": round(closed, 1),
        "seconds_after_close": after_close_s,
    }


if __name__ == "__main__":
    result = {"peak_rss_above_idle_mb": hostile_peaks(), "limit_mb": 50}
    if "--images" not in sys.argv:
        result["uploads"] = uploads()
    print(json.dumps(result, ensure_ascii=False))
