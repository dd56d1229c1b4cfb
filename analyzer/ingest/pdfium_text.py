"""PDF text through PDFium (pypdfium2): characters with their boxes, grouped into lines.

PDFium builds a page's text in C++; this module reads each character's Unicode
value and box from it and groups the characters into words and lines by the
rules of pdfplumber's default text extraction (``extract_text_lines``):

- characters are split into runs of upright and rotated ones, in content order;
- a run's characters are clustered into lines by their top edge (tolerance
  ``Y_TOLERANCE``, clusters chained through sorted values) and sorted by x;
- a word ends at a blank character, where the next character starts left of the
  previous one, more than ``X_TOLERANCE`` right of its end, or more than
  ``Y_TOLERANCE`` above or below it;
- words are clustered into lines by their top edge again, keeping their order,
  and joined with one space.

So both engines give the same lines from the same characters, and the clean-up
in ``pdf_cleanup`` applies unchanged. What PDFium adds or reports differently:

- characters PDFium generates (the spaces and line breaks it infers) are not
  characters here; but where PDFium puts a space between two characters that
  follow each other in a word, the word is split there too. PDFium writes such a
  space where the PDF has a blank of its own at the end of a text run (and drops
  that blank), and where the run positions the next word a space further on;
- a hyphen at a line end, which PDFium reports as U+FFFE, is read as "-"; the
  de-hyphenation in ``pdf_cleanup`` decides whether the word is joined;
- a glyph without a Unicode mapping becomes ``(cid:N)``, as pdfminer writes it,
  so the issue for unmapped glyphs is raised as before;
- boxes are the ones pdfminer gives a character: from the origin over the advance
  width (PDFium's loose box), and from the font's descent up by the font size
  (the ``Tf`` size scaled by the text matrix); on a page with a ``/Rotate`` they
  are turned into the displayed page's orientation.

PDFium is not thread-safe: everything that calls it holds ``LOCK``.
"""

from __future__ import annotations

import ctypes
import logging
import math
import threading
from collections.abc import Callable
from itertools import groupby
from operator import itemgetter

from analyzer.core.errors import Corrupt, Encrypted, TooLarge

log = logging.getLogger(__name__)

LOCK = threading.RLock()
X_TOLERANCE = 3.0
Y_TOLERANCE = 3.0
FLAT = 1e-3  # a loose box this thin belongs to a character turned by 90 degrees
HYPHEN_MARK = "\ufffe"  # PDFium's code for a hyphen that ends a line
MAX_FORM_DEPTH = 3

# A character: (text, x0, top, x1, bottom, upright, index, space before); top/bottom grow
# downwards; "space before": PDFium put a space between the previous character and this one.
Char = tuple[str, float, float, float, float, bool, int, bool]
# A line: (text, top, bottom).
RawLine = tuple[str, float, float]

_X0 = itemgetter(1)
_TOP_BOTTOM = itemgetter(2, 4)


# ------------------------------------------------------------------ opening

def open_pdf(data: bytes, name: str, max_pages: int):
    """Open ``data`` with PDFium; ``Encrypted``/``Corrupt``/``TooLarge`` before any text is read.

    A PDF encrypted with an empty user password (an owner password only) opens,
    as it does in every reader. The caller holds ``LOCK`` and closes the document.
    """
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    if b"%%EOF" not in data[-2048:]:
        raise Corrupt(name, "PDF is truncated: no end-of-file marker")
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise Encrypted(name, "a password is required to open it") from None
        raise Corrupt(name, _pdfium_reason(exc)) from None
    try:
        n_pages = len(pdf)
        if n_pages == 0:
            raise Corrupt(name, "PDF has no pages")
        if n_pages > max_pages:
            raise TooLarge(name, f"{n_pages:,} pages > limit {max_pages:,}")
    except BaseException:
        pdf.close()
        raise
    return pdf


def _pdfium_reason(exc: Exception) -> str:
    msg = " ".join(str(exc).split())[:120]
    return f"PDFium: {msg}" if msg else "PDFium could not open it"


# ------------------------------------------------------------------ characters

def _page_text(raw, n: int) -> str:
    """The text of all ``n`` characters, one string character per PDFium character."""
    import pypdfium2.raw as pdfium_c

    buf = ctypes.create_string_buffer(2 * (n + 1))
    got = pdfium_c.FPDFText_GetText(raw, 0, n, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)))
    text = buf.raw[: 2 * max(got - 1, 0)].decode("utf-16-le", errors="replace")
    if len(text) == n:
        return text
    # Characters outside the BMP take two UTF-16 units: read them one by one.
    return "".join(chr(pdfium_c.FPDFText_GetUnicode(raw, k) or 0xFFFD) for k in range(n))


def page_chars(textpage, rotation: int = 0) -> list[Char]:
    """The characters of a text page in content order, with boxes in display space."""
    import pypdfium2.raw as pdfium_c

    raw = textpage.raw
    n = pdfium_c.FPDFText_CountChars(raw)
    if n <= 0:
        return []
    text = _page_text(raw, n)
    rect = pdfium_c.FS_RECTF()
    matrix = pdfium_c.FS_MATRIX()
    loose = pdfium_c.FPDFText_GetLooseCharBox
    generated = pdfium_c.FPDFText_IsGenerated
    map_error = pdfium_c.FPDFText_HasUnicodeMapError
    turn = _ROTATIONS.get(rotation % 4)
    chars: list[Char] = []
    append = chars.append
    last_height, size, angle, straight = None, 0.0, 0.0, True
    space = False  # PDFium put a space of its own between the last character and this one
    for k, ch in enumerate(text):
        if ch.isspace():
            if generated(raw, k):
                space = space or ch == " "
                continue
        elif ch == HYPHEN_MARK:
            ch = "-"
        elif map_error(raw, k):
            ch = f"(cid:{ord(ch)})"
        loose(raw, k, rect)
        left, top, right, bottom = rect.left, rect.top, rect.right, rect.bottom
        height = top - bottom
        if height != last_height:  # another font, size or direction: read them once per run
            last_height, size = height, _em_size(raw, k, matrix) or height
            angle = pdfium_c.FPDFText_GetCharAngle(raw, k)
            straight = turn is None and abs(math.cos(angle)) > 0.999999
        if straight and height > FLAT:
            append((ch, left, -bottom - size, right, -bottom, True, len(chars), space))
        else:
            append(_turned_char(raw, k, ch, (left, top, right, bottom), turn, angle) + (len(chars), space))
        space = False
    return chars


def _em_size(raw, k: int, matrix) -> float:
    """The character's font size in page units (the ``Tf`` size scaled by its matrix), which
    is the height pdfminer gives its box: the box runs from the font's descent up by this."""
    import pypdfium2.raw as pdfium_c

    pdfium_c.FPDFText_GetMatrix(raw, k, matrix)
    return pdfium_c.FPDFText_GetFontSize(raw, k) * math.hypot(matrix.c, matrix.d)


def _turned_char(raw, k: int, ch: str, box: tuple[float, float, float, float], turn, angle: float) -> tuple:
    """A character on a rotated page, or one written at an angle, in display space;
    upright unless it runs at 90 degrees there (pdfminer's test). A flat loose box
    (no font size) gives way to the tight box."""
    import pypdfium2.raw as pdfium_c

    left, top, right, bottom = box
    if top - bottom <= FLAT:
        l_, r_, b_, t_ = (ctypes.c_double() for _ in range(4))
        pdfium_c.FPDFText_GetCharBox(raw, k, ctypes.byref(l_), ctypes.byref(r_), ctypes.byref(b_), ctypes.byref(t_))
        left, right, bottom, top = l_.value, r_.value, b_.value, t_.value
    quarter = 0
    if turn is not None:
        quarter, fn = turn
        (x0, y0), (x1, y1) = fn(left, top), fn(right, bottom)
        left, right = min(x0, x1), max(x0, x1)
        top, bottom = max(y0, y1), min(y0, y1)
    upright = abs(math.cos(angle - quarter * math.pi / 2)) > 1e-3
    return (ch, left, -top, right, -bottom, upright)


# /Rotate turns the page clockwise for display: (quarter turns, page point -> display point),
# display points with y growing upwards, as pdfminer sets them up.
_ROTATIONS: dict[int, tuple[int, Callable[[float, float], tuple[float, float]]]] = {
    1: (1, lambda x, y: (y, -x)),
    2: (2, lambda x, y: (-x, -y)),
    3: (3, lambda x, y: (-y, x)),
}


# ------------------------------------------------------------------ words and lines

def _cluster_ids(values, tolerance: float) -> dict[float, int]:
    """Sorted distinct values chained into clusters: a value more than ``tolerance``
    above the previous one starts a new cluster."""
    ids: dict[float, int] = {}
    cid, last = -1, None
    for v in sorted(set(values)):
        if last is None or v > last + tolerance:
            cid += 1
        ids[v] = cid
        last = v
    return ids


def _words_upright(chars: list[Char], out: list) -> None:
    _words_along(chars, out, line=2, line_tol=Y_TOLERANCE, pos=1, end=3, pos_tol=X_TOLERANCE, order=_X0)


def _words_rotated(chars: list[Char], out: list) -> None:
    """Characters turned by 90 degrees: lines are columns (clustered by x), read top to bottom."""
    _words_along(chars, out, line=1, line_tol=X_TOLERANCE, pos=2, end=4, pos_tol=Y_TOLERANCE, order=_TOP_BOTTOM)


def _words_along(chars: list[Char], out: list, *, line: int, line_tol: float, pos: int, end: int,
                 pos_tol: float, order) -> None:
    """Words of ``chars``: lines are clusters of coordinate ``line`` (within ``line_tol``), read in
    ``order``; a word ends at a space, a gap over ``pos_tol`` after the previous character's ``end``,
    a step back, a jump across lines, or a space PDFium inserted between the two characters."""
    ids = _cluster_ids((c[line] for c in chars), line_tol)
    ordered = sorted(chars, key=lambda c: ids[c[line]])
    for _, run in groupby(ordered, key=lambda c: ids[c[line]]):
        word: list[Char] = []
        for c in sorted(run, key=order):
            if c[0].isspace():
                if word:
                    out.append(_merge(word))
                    word = []
                continue
            if word:
                p = word[-1]
                if c[pos] < p[pos] or c[pos] > p[end] + pos_tol or abs(c[line] - p[line]) > line_tol \
                        or (c[7] and p[6] == c[6] - 1):
                    out.append(_merge(word))
                    word = []
            word.append(c)
        if word:
            out.append(_merge(word))


def _merge(word: list[Char]) -> tuple[str, float, float]:
    """A word: (text, top, bottom)."""
    if len(word) == 1:
        c = word[0]
        return c[0], c[2], c[4]
    return "".join(c[0] for c in word), min(c[2] for c in word), max(c[4] for c in word)


def chars_to_lines(chars: list[Char]) -> list[RawLine]:
    """Group characters into lines: (text, top, bottom), top to bottom."""
    words: list[tuple[str, float, float]] = []
    for upright, run in groupby(chars, key=itemgetter(5)):
        (_words_upright if upright else _words_rotated)(list(run), words)
    if not words:
        return []
    ids = _cluster_ids((w[1] for w in words), Y_TOLERANCE)
    lines: list[RawLine] = []
    for _, group in groupby(words, key=lambda w: ids[w[1]]):
        group = list(group)
        text = " ".join(w[0] for w in group)
        if text.strip():
            lines.append((text, min(w[1] for w in group), max(w[2] for w in group)))
    return lines


def page_lines(page) -> list[RawLine]:
    """The lines of one ``PdfPage``. The caller holds ``LOCK``."""
    import pypdfium2.raw as pdfium_c

    textpage = page.get_textpage()
    try:
        chars = page_chars(textpage, pdfium_c.FPDFPage_GetRotation(page.raw))
    finally:
        textpage.close()
    return chars_to_lines(chars)


# ------------------------------------------------------------------ images

def page_has_images(page) -> bool:
    """Does the page draw an image (a scanned page is one)? Blank pages and pages of
    vector drawings do not. Form XObjects are searched ``MAX_FORM_DEPTH`` levels deep."""
    import pypdfium2.raw as pdfium_c

    def search(count: int, get: Callable[[int], object], depth: int) -> bool:
        for i in range(count):
            obj = get(i)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                return True
            if kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < MAX_FORM_DEPTH and search(
                    pdfium_c.FPDFFormObj_CountObjects(obj),
                    lambda j, o=obj: pdfium_c.FPDFFormObj_GetObject(o, j), depth + 1):
                return True
        return False

    raw = page.raw
    return search(pdfium_c.FPDFPage_CountObjects(raw), lambda i: pdfium_c.FPDFPage_GetObject(raw, i), 0)

