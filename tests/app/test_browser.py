"""End to end in a real browser: `streamlit run app.py` driven by Playwright and Debian chromium.

Skipped when chromium or the playwright package is absent (`make system-deps` installs chromium).
Set ANALYZER_SCREENSHOT=docs/screenshot.png to also save the README screenshot.
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 90_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    """A headless Streamlit server on a free port; stopped (and its process group killed) afterwards."""
    port = _free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
            if proc.poll() is not None:
                pytest.fail("streamlit exited: " + proc.stdout.read().decode(errors="replace")[-2000:])
        else:
            pytest.fail("streamlit did not start within 60 s")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def page(server):
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (make system-deps)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
        pg = context.new_page()
        pg.set_default_timeout(TIMEOUT_MS)
        yield pg
        context.close()
        browser.close()


def _wait_idle(page) -> None:
    """Wait until the app has finished its current run and the widgets are drawn."""
    page.wait_for_timeout(300)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=TIMEOUT_MS)
    page.wait_for_selector('[data-testid="stSkeleton"]', state="detached", timeout=TIMEOUT_MS)


@pytest.mark.parametrize("sample", ["tech_license.docx"])
def test_browser_review_accept_and_download_redline(server, page, samples_dir, tmp_path, sample):
    page.goto(server)
    page.wait_for_selector('[data-testid="stFileUploader"]')
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(samples_dir / sample))
    page.get_by_text("Suggested language", exact=False).first.wait_for()
    _wait_idle(page)
    shot = os.environ.get("ANALYZER_SCREENSHOT")
    if shot:
        Path(shot).parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=shot)
    page.locator('[data-testid="stRadio"]:visible').filter(has_text="Accept").first.get_by_text(
        "Accept", exact=True).click()
    _wait_idle(page)
    # react-aria keeps a hidden copy of the tab list: click the visible tab
    page.locator('[data-testid="stTab"]:visible').filter(has_text="Downloads").first.click()
    button = page.locator('[data-testid="stDownloadButton"]:visible button').filter(has_text="Redlined DOCX").first
    button.wait_for()
    page.wait_for_function("b => !b.disabled", arg=button.element_handle(), timeout=TIMEOUT_MS)
    with page.expect_download() as info:
        button.click()
    path = tmp_path / "redline.docx"
    info.value.save_as(path)
    with zipfile.ZipFile(path) as zf:
        body = zf.read("word/document.xml").decode("utf-8")
    assert "<w:ins " in body


@pytest.mark.parametrize("good", [("tech_license.txt", "jv_agreement.docx")])
def test_browser_batch_matrix_keeps_going_past_a_bad_file(server, page, samples_dir, tmp_path, good):
    files = [samples_dir / g for g in good]
    bad = tmp_path / "corrupt.docx"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "<w:document><unclosed>")
    bad.write_bytes(buf.getvalue()[:-30])  # truncated on top of being malformed
    page.goto(f"{server}/batch")
    page.wait_for_selector('[data-testid="stFileUploader"]')
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files([str(f) for f in files] + [str(bad)])
    page.get_by_role("button", name="Analyze 3 file(s)").click()
    page.get_by_text("Portfolio matrix").wait_for()
    caption = page.get_by_text("3 contract(s) · 1 error(s)")
    caption.wait_for()
    assert caption.is_visible()
