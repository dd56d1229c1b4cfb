"""End to end in a real browser: `streamlit run app.py` driven by Playwright and Debian chromium.

Skipped when chromium or the playwright package is absent (`make system-deps` installs chromium).
Set ANALYZER_SCREENSHOT=docs/screenshot.png to also save the README screenshot.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
from screenshot import wait_idle, wait_refined

pytestmark = pytest.mark.browser

TIMEOUT_MS = 90_000  # the page's default wait


@pytest.mark.parametrize("sample", ["tech_license.docx"])
def test_browser_review_accept_and_download_redline(server, page, samples_dir, tmp_path, sample):
    page.goto(server)
    page.wait_for_selector('[data-testid="stFileUploader"]')
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(samples_dir / sample))
    page.get_by_text("Suggested language", exact=False).first.wait_for()
    wait_idle(page)
    wait_refined(page)  # the refined report redraws the tabs: decide on it, not on the first findings
    shot = os.environ.get("ANALYZER_SCREENSHOT")
    if shot:
        Path(shot).parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=shot)
    page.locator('[data-testid="stRadio"]:visible').filter(has_text="Accept").first.get_by_text(
        "Accept", exact=True).click()
    wait_idle(page)
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
