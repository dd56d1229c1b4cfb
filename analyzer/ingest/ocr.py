"""Optional OCR for PDF pages without a text layer (tesseract via pytesseract).

OCR runs only when the ``tesseract`` binary and the ``pytesseract`` package are
installed (``pip install .[ocr]`` plus the system package ``tesseract-ocr``) and
``ANALYZER_OCR`` is not off. Pages are rendered with pypdfium2.
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
    import pypdfium2 as pdfium
    import pytesseract

    out: dict[int, str] = {}
    pdf = pdfium.PdfDocument(data)
    try:
        for i in page_indexes:
            page = pdf[i]
            try:
                image = page.render(scale=dpi / 72).to_pil()
                out[i] = pytesseract.image_to_string(image, lang=lang)
            finally:
                page.close()
    finally:
        pdf.close()
    return out
