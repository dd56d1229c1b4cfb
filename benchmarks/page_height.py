"""Height of the review page in a real browser, for a sample.

    .venv/bin/python benchmarks/page_height.py [--sample samples/long_license.pdf]

Starts `streamlit run app.py` headless on a free port, uploads the sample with
Playwright (Debian chromium), waits for the findings and prints the height in
CSS pixels of the page's main block (what a reader scrolls through). Runs locally.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from screenshot import CHROMIUM_ARGS, serve, upload_and_wait  # noqa: E402

HEIGHT_JS = """() => {
  const main = document.querySelector('[data-testid="stMainBlockContainer"]');
  return main ? Math.round(main.getBoundingClientRect().height) : document.documentElement.scrollHeight;
}"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sample", type=Path, default=ROOT / "samples" / "long_license.pdf")
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with serve() as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        page.set_default_timeout(180_000)
        page.goto(url)
        upload_and_wait(page, args.sample)
        page.wait_for_timeout(1000)
        height = page.evaluate(HEIGHT_JS)
        browser.close()
    print(json.dumps({"sample": args.sample.name, "height_px": height}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
