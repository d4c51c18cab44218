"""A real `streamlit run` server and a headless Chromium, for the end-to-end tests."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "artifacts" / "screens"


def require_chromium() -> None:
    if Path(CHROMIUM).exists() and shutil.which("chromium"):
        return
    if os.environ.get("CI"):
        pytest.fail("Chromium is missing in CI: .ci/run must install Debian's chromium package.")
    pytest.skip("Debian's chromium is not installed here (apt-get install chromium); CI installs it.")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_healthy(url: str, process: subprocess.Popen, failure: str, seconds: float) -> None:
    """Until `url`/_stcore/health answers "ok" (a Streamlit server, or a balancer in front of some); RuntimeError
    with `failure` if the process ends or `seconds` pass first."""
    deadline = time.time() + seconds
    while True:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return
        except OSError:
            pass
        if process.poll() is not None or time.time() > deadline:
            raise RuntimeError(failure)
        time.sleep(0.3)


class ServerURL(str):
    """The server's base URL (a str), with the server's process id for measuring it."""

    pid: int = 0


@contextmanager
def streamlit_server(extra_env: dict | None = None, port: int | None = None):
    """Start `streamlit run streamlit_app.py` on `port` (a free localhost port by default); yield its base URL
    (with .pid). A second server on the same port after the first has ended is, to a browser, a restart."""
    (ROOT / "artifacts").mkdir(exist_ok=True)
    port = port or _free_port()
    env = {**os.environ, **(extra_env or {})}
    log = open(ROOT / "artifacts" / f"streamlit-{port}.log", "w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "streamlit_app.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = ServerURL(f"http://127.0.0.1:{port}")
    url.pid = process.pid
    try:
        wait_until_healthy(url, process, f"streamlit did not start; see {log.name}", 60)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@contextmanager
def chromium():
    """Headless Debian Chromium driven by Playwright, closed afterwards (skipped or failed where it is missing)."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


# A chart or table whose code the browser has not loaded yet is a grey skeleton: after a page load, the charts
# replace theirs 1.4-2.4 s after the script run has ended on this 2-core machine.
_NO_SKELETON = "() => !document.querySelector('[data-testid=stSkeleton]')"


def _wait_for(page, condition: str, timeout_ms: int) -> None:
    """Wait until the JavaScript `condition` holds, at most timeout_ms; then go on either way, and let the test's
    own assertions say what is wrong."""
    try:
        page.wait_for_function(condition, timeout=timeout_ms)
    except Exception:  # playwright's TimeoutError
        pass


def wait_for_idle(page, timeout_s: float = 90) -> None:
    """Wait until Streamlit reports its script run finished, every chart and table has replaced its skeleton, and
    it has stayed so a moment (twice, around a short pause: a rerun that starts right after one ends is caught)."""
    from playwright.sync_api import expect

    app = page.locator('[data-testid="stApp"]')
    for _ in range(2):
        expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=timeout_s * 1000)
        _wait_for(page, _NO_SKELETON, 30_000)
        page.wait_for_timeout(300)  # let charts and tables paint before anyone looks


def set_slider(page, label: str, first_key: str, presses: int, key: str) -> None:
    """Move a Streamlit slider with the keyboard, as a learner without a mouse would, and wait for the rerun."""
    slider = page.locator('[data-testid="stSlider"]').filter(has_text=label).first
    slider.locator("input").first.focus()
    page.keyboard.press(first_key)
    for _ in range(presses):
        page.keyboard.press(key)
    wait_for_idle(page)


def click_nav(page, link: str, expected_text: str) -> None:
    """Follow a sidebar link. On a loaded 2-core machine a click that lands while the browser is busy
    redrawing the live chart is occasionally dropped by the frontend; a learner would click again, so do we."""
    for _ in range(3):
        page.get_by_role("link", name=link).first.click()
        try:
            page.get_by_text(expected_text).first.wait_for(timeout=20_000)
            return
        except Exception:  # playwright's TimeoutError: try the click once more
            continue
    raise AssertionError(f"the {link!r} link never opened its page")


def exceptions_on(page) -> list[str]:
    return page.locator('[data-testid="stException"]').all_inner_texts()


_CHART_BOXES = """() => [...document.querySelectorAll('[data-testid=stVegaLiteChart]')].map(c => {
      const drawn = c.querySelector('canvas, svg');
      const box = (drawn || c).getBoundingClientRect();
      return {height: box.height, width: box.width, right: box.right, view: document.documentElement.clientWidth};
    })"""


def chart_sizes(page, settle_ms: int = 10_000) -> list[dict]:
    """Every chart on the page as drawn: its canvas's (or SVG's) height and width, and the right edge. Vega draws
    after the script run has ended, and on a loaded machine a chart can still be 0 px high a moment later: wait
    (up to settle_ms) until no chart is still a skeleton and every chart has drawn something, then measure. A chart
    that never draws stays 0."""
    drawn = f"() => ({_NO_SKELETON})() && ({_CHART_BOXES})().every(b => b.height > 0 && b.width > 0)"
    _wait_for(page, drawn, settle_ms)
    return page.evaluate(_CHART_BOXES)


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def draw_stroke(page, offset: float = 0.0) -> float:
    """A vertical stroke down the drawing pad with the mouse (shifted right by offset × width); returns the
    moment the mouse was released (time.perf_counter)."""
    pad = page.locator("canvas").last
    pad.wait_for()
    box = pad.bounding_box()
    x = box["x"] + box["width"] * (0.5 + offset)
    page.mouse.move(x, box["y"] + box["height"] * 0.15)
    page.mouse.down()
    for i in range(1, 21):
        page.mouse.move(x + i * 0.5, box["y"] + box["height"] * (0.15 + 0.035 * i))
    page.mouse.up()
    return time.perf_counter()


# Streamlit's own chrome, left out of the clipping check: the header and its toolbar, the app's running-man status,
# the sidebar's collapse button, the hover toolbars of charts and tables (icons, tooltips), and the file
# uploader's drop zone (its fixed "Limit 1 MB per file • JSON" line belongs to Streamlit).
CHROME = [
    "[data-testid=stHeader]",
    "[data-testid=stToolbar]",
    "[data-testid=stDecoration]",
    "[data-testid=stStatusWidget]",
    "[data-testid=stSidebarCollapseButton]",
    "[data-testid=stSidebarHeader]",
    "[data-testid=stElementToolbar]",
    "[data-testid=stFileUploaderDropzoneInstructions]",
    "[data-testid=stTooltipIcon]",
]


def clipped_text(page) -> list[dict]:
    """Every visible text element (in the page and the sidebar) that is cut: the element itself, or a close
    ancestor, hides or scrolls away part of its width (scrollWidth > clientWidth with overflow hidden, clip, auto
    or scroll), or ends in an ellipsis (text-overflow), or a clamped box hides lines (scrollHeight > clientHeight
    with overflow hidden). Streamlit's own chrome (CHROME) is left out, and so are a closed sidebar, a closed
    expander, and code that prints a box-drawn table (Keras's summary): it scrolls sideways rather than break its
    columns by wrapping."""
    return page.evaluate(
        """(chrome) => {
          const found = [];
          const roots = document.querySelectorAll('[data-testid=stMain], [data-testid=stSidebar]');
          const shown = root => { const box = root.getBoundingClientRect(); return box.width > 0 && box.right > 0; };
          for (const root of [...roots].filter(shown)) for (const el of root.querySelectorAll('*')) {
            if (chrome.some(selector => el.closest(selector))) continue;
            if (![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
            const box = el.getBoundingClientRect();
            if (box.width === 0 || box.height === 0 || el.closest('[aria-hidden=true], details:not([open])')) continue;
            if (el.closest('[data-testid=stCode]') && /[┃━│─]/.test(el.textContent)) continue;  // a printed table
            let node = el;
            for (let depth = 0; node && node !== root && depth < 4; depth++, node = node.parentElement) {
              const style = getComputedStyle(node);
              const hidesX = style.overflowX !== 'visible' || style.textOverflow === 'ellipsis';
              const hidesY = ['hidden', 'clip'].includes(style.overflowY) && style.webkitLineClamp !== 'none';
              if (node.clientWidth === 0) break;  // a box collapsed to nothing (a closed expander) hides no text
              const wide = node.scrollWidth > node.clientWidth + 1;
              const tall = node.scrollHeight > node.clientHeight + 1;
              if ((hidesX && wide) || (hidesY && tall)) {
                const owner = node.closest('[data-testid]');
                found.push({text: el.textContent.trim().slice(0, 80),
                            element: owner ? owner.dataset.testid : node.tagName,
                            scroll: [node.scrollWidth, node.clientWidth],
                            lines: [node.scrollHeight, node.clientHeight]});
                break;
              }
            }
          }
          return found;
        }""",
        CHROME,
    )
