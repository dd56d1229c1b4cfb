"""Save a screenshot of the running app for the README.

    .venv/bin/python scripts/screenshot.py [--sample samples/tech_license.docx] [--out docs/screenshot.png]
    .venv/bin/python scripts/screenshot.py --batch FILE... --out docs/batch.png
    .venv/bin/python scripts/screenshot.py --compare OLD NEW --out docs/compare.png

Starts `streamlit run app.py` headless on a free port, uploads the sample with
Playwright (Debian chromium, `make system-deps`), waits for the findings and
saves a PNG. Everything runs locally.
"""

from __future__ import annotations

import argparse
import contextlib
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFINING_NOTICE = "First findings from the fast classifier"  # ui.state's notice while a report is refined
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_health(url: str, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit("streamlit exited before it was ready")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("streamlit did not start in time")


@contextlib.contextmanager
def serve():
    """``streamlit run app.py`` headless on a free port (file watcher off); yields its URL."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
                             "--server.port", str(port), "--server.address", "127.0.0.1",
                             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_health(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def wait_idle(page) -> None:
    """Wait until the app has finished its current run and the widgets are drawn."""
    page.wait_for_timeout(300)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached")
    page.wait_for_selector('[data-testid="stSkeleton"]', state="detached")


def wait_refined(page) -> None:
    """Wait until no report on the page is still being refined by the full classifier.

    The first findings may come from the fast stage; when the refined report arrives the page
    reruns and redraws its tabs, so a test that clicks through tabs first waits for it."""
    page.get_by_text(REFINING_NOTICE).first.wait_for(state="detached")
    wait_idle(page)


def upload_and_wait(page, sample: Path, refined: bool = True) -> None:
    """Upload ``sample`` on the review page and wait until its findings are shown
    (``refined``: the full classifier's findings, not the fast stage's first ones)."""
    page.wait_for_selector('[data-testid="stFileUploader"]')
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(sample))
    page.get_by_text("Suggested language").first.wait_for()
    page.wait_for_selector('[data-testid="stMetricValue"]')
    wait_idle(page)
    if refined:
        wait_refined(page)


def batch_page(page, url: str, files: list[Path]) -> None:
    """Analyze ``files`` on the batch page and wait for the portfolio matrix."""
    page.goto(f"{url}/batch")
    page.wait_for_selector('[data-testid="stFileUploader"]')
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files([str(f) for f in files])
    page.get_by_role("button", name=f"Analyze {len(files)} file(s)").click()
    page.get_by_text("Portfolio matrix").wait_for()
    page.wait_for_selector('[data-testid="stDataFrame"]')
    wait_idle(page)


def compare_page(page, url: str, old: Path, new: Path) -> None:
    """Compare ``old`` with ``new`` on the "Compare drafts" page and wait for the list of changes."""
    page.goto(f"{url}/compare")
    page.wait_for_selector('.st-key-compare_old [data-testid="stFileUploader"]')
    page.locator('.st-key-compare_old input[type="file"]').set_input_files(str(old))
    page.wait_for_selector('.st-key-compare_old [data-testid="stFileChipName"]')
    wait_idle(page)
    page.locator('.st-key-compare_new input[type="file"]').set_input_files(str(new))
    page.wait_for_selector('[data-testid="stMetricValue"]')
    page.locator('[data-testid="stTab"]').filter(has_text="Changes").first.wait_for()
    wait_idle(page)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sample", type=Path, default=ROOT / "samples" / "tech_license.docx")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.png")
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    ap.add_argument("--width", type=int, default=1440)
    ap.add_argument("--height", type=int, default=1500)
    ap.add_argument("--batch", type=Path, nargs="+", metavar="FILE",
                    help="screenshot the batch page with these files instead of the review page")
    ap.add_argument("--compare", type=Path, nargs=2, metavar=("OLD", "NEW"),
                    help="screenshot the compare page with these two drafts instead of the review page")
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
                             "--server.port", str(port), "--server.address", "127.0.0.1",
                             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_health(url, proc)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": args.width, "height": args.height})
            page.set_default_timeout(300_000)
            for _ in range(2 if not (args.batch or args.compare) else 0):  # the first session loads the models; the second is warm
                page.goto(url)
                upload_and_wait(page, args.sample)
            if args.batch:
                batch_page(page, url, args.batch)
            if args.compare:
                compare_page(page, url, *args.compare)
            page.wait_for_timeout(1000)
            args.out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(args.out))
            browser.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    print(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
