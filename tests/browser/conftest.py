"""Browser tests: `streamlit run app.py` headless on a free port (``scripts/screenshot.serve``),
driven by Playwright and Debian chromium; skipped when chromium or playwright is absent
(`make system-deps` installs chromium). A test module may set ``TIMEOUT_MS`` for its page."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
TIMEOUT_MS = 180_000


@pytest.fixture(scope="module")
def server():
    from screenshot import serve

    with serve() as url:
        yield url


@pytest.fixture(scope="module")
def page(request, server):
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (make system-deps)")
    sync_api = pytest.importorskip("playwright.sync_api")
    from screenshot import CHROMIUM_ARGS

    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
        pg = context.new_page()
        pg.set_default_timeout(getattr(request.module, "TIMEOUT_MS", TIMEOUT_MS))
        yield pg
        context.close()
        browser.close()
