"""Optional OCR for PDF pages without a text layer (tesseract via pytesseract).

OCR runs only when the ``tesseract`` binary and the ``pytesseract`` package are
installed (``pip install .[ocr]`` plus the system package ``tesseract-ocr``) and
``ANALYZER_OCR`` is not off. Pages are rendered by PDFium (pypdfium2), in grey.
"""

from __future__ import annotations

import logging
import shutil
from functools import lru_cache

from analyzer.core import settings

log = logging.getLogger(__name__)

DEFAULT_DPI = 200


@lru_cache(maxsize=1)
def _tesseract_installed() -> bool:
    if shutil.which("tesseract") is None:
        return False
    try:
        import pytesseract  # noqa: F401
    except ImportError:
        return False
    return True


def ocr_available() -> bool:
    """True when pages can be OCRed here (tesseract + pytesseract, not disabled)."""
    if not settings.ocr_enabled():
        return False
    return _tesseract_installed()


def ocr_pages(data: bytes, page_indexes: list[int], *, dpi: int = DEFAULT_DPI,
              lang: str = "eng") -> dict[int, str]:
    """OCR the given 0-based pages of a PDF; returns {index: text}."""
    import pytesseract

    return {i: pytesseract.image_to_string(image, lang=lang) for i, image in render_pages(data, page_indexes, dpi=dpi)}


def render_pages(data: bytes, page_indexes: list[int], *, dpi: int = DEFAULT_DPI):
    """Yield (index, PIL image) for the given 0-based pages, rendered by PDFium in grey.

    PDFium is locked only while a page renders, so other threads can read PDFs
    while tesseract works on the image."""
    import pypdfium2 as pdfium

    from analyzer.ingest.pdfium_text import LOCK

    for i in page_indexes:
        with LOCK:
            pdf = pdfium.PdfDocument(data)
            try:
                page = pdf[i]
                try:
                    image = page.render(scale=dpi / 72, grayscale=True).to_pil()
                finally:
                    page.close()
            finally:
                pdf.close()
        yield i, image
