"""Build the PDF test fixtures in this folder (committed; rerun to regenerate).

    .venv/bin/python tests/data/pdf/make_fixtures.py

Needs reportlab, Pillow and the DejaVu Sans font (Debian: fonts-dejavu-core).

- contract_3p.pdf: a 3-page licence with a running header, "Page N of 3"
  footers, an EDGAR "Source: ..." line, a "*Confidential Treatment Requested"
  line on every page, wrapped numbered sections, a line-end hyphen break
  ("Agree-" / "ment"), a compound that keeps its hyphen ("non-" / "exclusive"),
  a paragraph that runs on over a page break, a U+037E GREEK QUESTION MARK
  (NFKC: ';'), an "fi" ligature, a soft hyphen and a no-break space.
- scanned_page.pdf: page 1 has text, page 2 is only an image of text (no text layer).
- scanned_only.pdf: one page, only an image of text.
- two_pages.pdf: two short pages of text.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import letter
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

HERE = Path(__file__).resolve().parent
FONT_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT = "DejaVuSans"
SIZE = 10
LEADING = 13
LEFT, TOP, BOTTOM = 72, 720, 90
WIDTH, HEIGHT = letter

HEADER = "ACME / BETA PATENT LICENSE AGREEMENT - EXECUTION VERSION"
CONFIDENTIAL = "*Confidential Treatment Requested"
SOURCE = "Source: ACME HOLDINGS, INC., 10-Q, 5/9/2019"

# Each page is a list of paragraphs; each paragraph is a list of lines as they
# are laid out (wrapped by hand so the line breaks are known). "" is a blank line.
PAGES = [
    [
        ["PATENT LICENSE AGREEMENT"],
        ["This Patent License Agreement (the \u201cAgree-", "ment\u201d) is made on 1 March 2024 between Acme Holdings, Inc., a",
         "Delaware corporation (\u201cLicensor\u201d), and Beta Devices Ltd (\u201cLicensee\u201d)."],
        ["1. DEFINITIONS"],
        ["1.1 \u201cLicensed Patents\u201d means the patents listed in Schedule A and all continu-",
         "ations, divisionals and reissues of them\u037e and \u201cField\u201d means medical imaging."],
        ["1.2 \u201cTerritory\u201d means the United States of America and Canada."],
        ["2. GRANT"],
        ["2.1 License. Licensor grants to Licensee a non-",
         "exclusive, non-transferable licence under the Licensed Patents to make, use",
         "and sell Licensed Products in the Field in the Territory, as de\ufb01ned in this",
         "Agreement, subject to the payment of the royalties set out in Section 4 and to"],
    ],
    [
        ["the other terms and conditions of this Agreement."],
        ["2.2 Sublicensing. Licensee may not grant sublicenses without the prior written",
         "consent of Licensor, which shall not be unreasonably withheld."],
        ["7. IMPROVEMENTS"],
        ["7.1 Licensee Improvements. Licensee shall own all improvements it makes to the",
         "Licensed Products and grants Licensor a non-exclusive licence to use them."],
        ["7.2 Improvements. Each party shall promptly disclose to the other any improve\u00ad",
         "ment to the Licensed Patents made during the Term\u00a0of this Agreement."],
    ],
    [
        ["8. CONFIDENTIALITY"],
        ["8.1 Each party shall keep the other party\u2019s Confidential Information secret for",
         "five (5) years after the end of the Term."],
        ["9. GOVERNING LAW"],
        ["9.1 This Agreement is governed by the laws of the State of New York."],
        ["IN WITNESS WHEREOF, the parties have signed this Agreement."],
    ],
]


def _font() -> None:
    pdfmetrics.registerFont(TTFont(FONT, FONT_PATH))


def _chrome(c: canvas.Canvas, page: int, total: int) -> None:
    c.setFont(FONT, 8)
    c.drawString(LEFT, HEIGHT - 40, HEADER)
    c.drawString(LEFT, HEIGHT - 52, CONFIDENTIAL)
    c.drawString(LEFT, 50, SOURCE)
    c.drawCentredString(WIDTH / 2, 36, f"Page {page} of {total}")


def make_contract(path: Path) -> None:
    c = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    for number, paragraphs in enumerate(PAGES, start=1):
        _chrome(c, number, len(PAGES))
        c.setFont(FONT, SIZE)
        y = TOP
        for par in paragraphs:
            for line in par:
                c.drawString(LEFT, y, line)
                y -= LEADING
            y -= LEADING  # blank line between paragraphs
        c.showPage()
    c.save()


def _text_image(lines: list[str]) -> Image.Image:
    """A 150-dpi letter-size page image with the lines drawn on it."""
    img = Image.new("L", (1275, 1650), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT_PATH, 30)
    y = 150
    for line in lines:
        draw.text((150, y), line, fill=0, font=font)
        y += 48
    return img.convert("1")


SCANNED_LINES = [
    "SCHEDULE A - LICENSED PATENTS",
    "",
    "US 9,876,543 Imaging device and method",
    "US 10,123,456 Detector calibration",
    "The Licensee shall pay a royalty of five",
    "percent of Net Sales of Licensed Products.",
]


def _draw_image_page(c: canvas.Canvas, lines: list[str]) -> None:
    buf = io.BytesIO()
    _text_image(lines).save(buf, format="PNG", optimize=True)
    buf.seek(0)
    c.drawImage(ImageReader(buf), 0, 0, width=WIDTH, height=HEIGHT)
    c.showPage()


def make_scanned(path: Path, with_text_page: bool) -> None:
    c = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    if with_text_page:
        c.setFont(FONT, SIZE)
        y = TOP
        for line in ["SUPPLY AGREEMENT", "", "1. Supply. Acme shall supply the Products to Beta on the terms",
                     "of this Agreement. Schedule A (attached as a scanned page) lists the patents."]:
            c.drawString(LEFT, y, line)
            y -= LEADING
        c.showPage()
    _draw_image_page(c, SCANNED_LINES)
    c.save()


def make_two_pages(path: Path) -> None:
    c = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    for n in (1, 2):
        c.setFont(FONT, SIZE)
        c.drawString(LEFT, TOP, f"{n}. Section {n}. This is the text of section {n} of a short agreement.")
        c.showPage()
    c.save()


def main() -> None:
    _font()
    make_contract(HERE / "contract_3p.pdf")
    make_scanned(HERE / "scanned_page.pdf", with_text_page=True)
    make_scanned(HERE / "scanned_only.pdf", with_text_page=False)
    make_two_pages(HERE / "two_pages.pdf")
    for p in sorted(HERE.glob("*.pdf")):
        print(f"{p.name}: {p.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
