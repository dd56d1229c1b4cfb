"""PDF: text per page, cleaned, as paragraphs.

Text comes from one of three engines:

- ``pdfium`` (default): PDFium's characters and boxes, grouped into lines by the
  rules of pdfplumber's text extraction (``pdfium_text``), so paragraph breaks can
  be read from vertical gaps; an order of magnitude faster than pdfminer;
- ``pdfplumber``: lines with their positions from pdfminer, the same grouping;
- ``pypdf``: paragraph breaks come from blank lines and text cues only.

Choose with ``parse_pdf(..., engine=...)`` or ``ANALYZER_PDF_ENGINE``. The file is
checked (encryption, page count, structure) before any text is extracted: by
PDFium for the ``pdfium`` engine, by pypdf for the others. Then: NFKC and
character clean-up, running header/footer/page-number removal, paragraph
building with de-hyphenation, and OCR of pages without a text layer (when
tesseract is installed; otherwise an issue names the pages).

Canonical text: paragraphs separated by a blank line; wrapped lines of one
paragraph joined with a space; a paragraph that runs on over a page break is
joined across it (the block's ``page`` is the page where it starts).
"""

from __future__ import annotations

import io
import logging
import statistics
from collections.abc import Callable
from typing import Optional

from analyzer.core import settings
from analyzer.core.errors import Corrupt, DocumentError, Encrypted, NoText, TooLarge
from analyzer.core.schema import Format, Issue, SourceDocument
from analyzer.core.text_builder import TextBuilder, char_limit, too_much_text
from analyzer.ingest.cjk import garbled_chinese, mostly_unmapped
from analyzer.ingest.pdf_cleanup import (
    Line,
    continues_paragraph,
    hyphenated_words,
    join_lines,
    normalize_line,
    paragraphs,
    remove_running_lines,
)

log = logging.getLogger(__name__)

ENGINES = settings.PDF_ENGINES
DEFAULT_ENGINE = "pdfium"
MIN_PAGE_CHARS = 20  # fewer non-space characters than this: the page has no text layer
PARAGRAPH_SEP = "\n\n"
JOIN_TAIL = 1000  # characters of a paragraph's end that decide how the next page's text joins it
GAP_SLACK = 0.01  # points: line distances this close to the paragraph-gap threshold are no gap


def pdf_engine(engine: Optional[str] = None) -> str:
    """The engine to use: the argument, else ``ANALYZER_PDF_ENGINE``, else the default."""
    name = (engine or settings.pdf_engine() or DEFAULT_ENGINE).strip().lower()
    if name not in ENGINES:
        raise ValueError(f"unknown PDF engine {name!r}; choose one of {', '.join(ENGINES)}")
    return name


# ------------------------------------------------------------------ opening

def _open_checked(data: bytes, name: str, limits):
    """Open with pypdf; raise Encrypted/Corrupt/TooLarge before any extraction."""
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError

    if b"%%EOF" not in data[-2048:]:
        raise Corrupt(name, "PDF is truncated: no end-of-file marker")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception as exc:  # unsupported algorithm, missing crypto library
                raise Encrypted(name, f"cannot decrypt: {type(exc).__name__}") from None
            if not ok:
                raise Encrypted(name, "a password is required to open it")
        n_pages = len(reader.pages)
    except DocumentError:
        raise
    except FileNotDecryptedError:
        raise Encrypted(name, "a password is required to open it") from None
    except Exception as exc:  # pypdf PdfReadError and anything a damaged file provokes
        log.debug("pypdf could not open %s", name, exc_info=True)
        raise Corrupt(name, _short(exc)) from None
    if n_pages == 0:
        raise Corrupt(name, "PDF has no pages")
    if n_pages > limits.max_pages:
        raise TooLarge(name, f"{n_pages:,} pages > limit {limits.max_pages:,}")
    return reader, n_pages


def _short(exc: Exception) -> str:
    msg = " ".join(str(exc).split())[:120]
    return f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__


# ------------------------------------------------------------------ engines

def _gap_flags(tops: list[float], heights: list[float]) -> list[bool]:
    """A line starts after a paragraph gap when its distance to the previous line
    is clearly larger than the page's usual line pitch. A distance within
    ``GAP_SLACK`` of the threshold is no gap, so rounding noise in the coordinates
    (which differs between engines) never decides."""
    pitches = [b - a for a, b in zip(tops, tops[1:]) if b > a]
    if not pitches:
        return [False] * len(tops)
    pitch = statistics.median(pitches)
    flags = [False]
    for i in range(1, len(tops)):
        d = tops[i] - tops[i - 1]
        flags.append(d < 0 or d > max(1.45 * pitch, pitch + 0.6 * heights[i]) + GAP_SLACK)
    return flags


class _CharBudget:
    """Counts extracted characters page by page; ``TooLarge`` once past ``limit``."""

    def __init__(self, name: str, limit: Optional[int]):
        self.name, self.limit, self.total = name, limit, 0

    def page(self, lines: list[Line]) -> None:
        self.total += sum(len(line.text) for line in lines)
        if self.limit is not None and self.total > self.limit:
            raise too_much_text(self.name, self.total, self.limit, exact=False)


def _extract_pdfplumber(data: bytes, budget: Optional[_CharBudget] = None) -> list[list[Line]]:
    import pdfplumber

    from analyzer.ingest.pdf_cmap_limit import install
    from analyzer.ingest.pdf_columns import bilingual_table_lines

    install()

    pages: list[list[Line]] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            raw = bilingual_table_lines(page) or page.extract_text_lines(strip=True, return_chars=False)
            tops = [r["top"] for r in raw]
            heights = [r["bottom"] - r["top"] for r in raw]
            gaps = _gap_flags(tops, heights)
            pages.append([Line(r["text"], gap=g or r.get("cell_start", False)) for r, g in zip(raw, gaps)])
            page.close()
            if budget is not None:
                budget.page(pages[-1])
    return pages


def _extract_pypdf(reader, budget: Optional[_CharBudget] = None) -> list[list[Line]]:
    pages: list[list[Line]] = []
    for page in reader.pages:
        lines: list[Line] = []
        gap = False
        for raw in (page.extract_text() or "").split("\n"):
            if raw.strip():
                lines.append(Line(raw, gap=gap))
                gap = False
            else:
                gap = bool(lines)
        pages.append(lines)
        if budget is not None:
            budget.page(lines)
    return pages


def extract_lines(data: bytes, name: str, engine: str, reader,
                  max_chars: Optional[int] = None) -> list[list[Line]]:
    """Raw lines per page from pdfplumber or pypdf; library failures become Corrupt.
    With ``max_chars``, extraction stops with ``TooLarge`` after the page that passes it."""
    budget = _CharBudget(name, max_chars)
    try:
        if engine == "pypdf":
            return _extract_pypdf(reader, budget)
        return _extract_pdfplumber(data, budget)
    except DocumentError:
        raise
    except Exception as exc:
        if type(exc).__name__ in {"PDFPasswordIncorrect", "PDFEncryptionError"}:
            raise Encrypted(name, "a password is required to open it") from None
        log.debug("%s failed on %s", engine, name, exc_info=True)
        raise Corrupt(name, _short(exc)) from None


def _with_gaps(raw: list[dict]) -> list[Line]:
    """``Line``s from line dicts (``text``, ``top``, ``bottom``, optional ``cell_start``),
    with the paragraph gaps the layout shows."""
    gaps = _gap_flags([r["top"] for r in raw], [r["bottom"] - r["top"] for r in raw])
    return [Line(r["text"], gap=g or r.get("cell_start", False)) for r, g in zip(raw, gaps)]


class _PlumberPages:
    """pdfplumber's pages of the same document, opened on first use: the PDFium engine
    hands pages with Chinese text to the bilingual-table reader, which needs pdfplumber's
    ruling-line table finder."""

    def __init__(self, data: bytes):
        self.data, self.pdf = data, None

    def bilingual_lines(self, index: int) -> Optional[list[dict]]:
        from analyzer.ingest.pdf_columns import bilingual_table_lines

        if self.pdf is None:
            import pdfplumber

            from analyzer.ingest.pdf_cmap_limit import install

            install()
            self.pdf = pdfplumber.open(io.BytesIO(self.data))
        page = self.pdf.pages[index]
        try:
            return bilingual_table_lines(page)
        finally:
            page.close()

    def close(self) -> None:
        if self.pdf is not None:
            self.pdf.close()


def _read_pdfium(data: bytes, name: str, limits, max_chars: Optional[int]):
    """Raw and normalised lines per page from PDFium, and which nearly empty pages draw
    an image. PDFium is locked, and the document open, only while this runs; pages
    with Chinese text go through the bilingual-table reader (pdfplumber)."""
    from analyzer.core.cjk import has_cjk
    from analyzer.ingest import pdfium_text

    budget = _CharBudget(name, max_chars)
    plumber = _PlumberPages(data)
    with pdfium_text.LOCK:
        pdf = pdfium_text.open_pdf(data, name, limits.max_pages)
        try:
            raw: list[list[Line]] = []
            for i in range(len(pdf)):
                page = pdf[i]
                try:
                    lines = [{"text": t, "top": top, "bottom": bottom}
                             for t, top, bottom in pdfium_text.page_lines(page)]
                finally:
                    page.close()
                if has_cjk("".join(r["text"] for r in lines)[:4000]):
                    lines = plumber.bilingual_lines(i) or lines
                raw.append(_with_gaps(lines))
                budget.page(raw[-1])
            pages = _normalize_pages(raw)
            images: dict[int, bool] = {}
            for i, lines in enumerate(pages):
                if _page_chars(lines) < MIN_PAGE_CHARS:
                    page = pdf[i]
                    try:
                        images[i] = pdfium_text.page_has_images(page)
                    finally:
                        page.close()
        except DocumentError:
            raise
        except Exception as exc:
            log.debug("pdfium failed on %s", name, exc_info=True)
            raise Corrupt(name, _short(exc)) from None
        finally:
            pdf.close()
            plumber.close()
    return raw, pages, images


# ------------------------------------------------------------------ clean-up

def _normalize_pages(pages: list[list[Line]]) -> list[list[Line]]:
    out = []
    for lines in pages:
        kept: list[Line] = []
        gap = False
        for line in lines:
            text, soft = normalize_line(line.text)
            if text:
                kept.append(Line(text, gap=line.gap or gap, soft_hyphen=soft))
                gap = False
            else:
                gap = bool(kept)
        out.append(kept)
    return out


def _unmapped_glyphs(pages: list[list[Line]]) -> list[Issue]:
    """An issue for pages where many glyphs have no Unicode mapping ("(cid:N)")."""
    bad = []
    for i, lines in enumerate(pages):
        n = sum(line.text.count("(cid:") for line in lines)
        if n >= 20:
            bad.append(i + 1)
    if not bad:
        return []
    word = "page" if len(bad) == 1 else "pages"
    return [Issue(stage="parse", page=bad[0],
                  message=f"{word} {_ranges(bad)}: many characters have no Unicode mapping in the PDF font; text may be incomplete")]


def _page_chars(lines: list[Line]) -> int:
    return sum(len(line.text.replace(" ", "")) for line in lines)


def _ranges(numbers: list[int]) -> str:
    parts, i = [], 0
    while i < len(numbers):
        j = i
        while j + 1 < len(numbers) and numbers[j + 1] == numbers[j] + 1:
            j += 1
        parts.append(str(numbers[i]) if i == j else f"{numbers[i]}-{numbers[j]}")
        i = j + 1
    return ", ".join(parts)


def _has_images(reader, index: int) -> bool:
    """Does the page draw an image (a scanned page is one)? Blank pages and pages
    of vector drawings do not. Form XObjects are searched three levels deep."""

    def search(resources, depth: int) -> bool:
        xobjects = resources.get_object().get("/XObject") if resources is not None else None
        if xobjects is None or depth > 3:
            return False
        for ref in xobjects.get_object().values():
            obj = ref.get_object()
            kind = obj.get("/Subtype")
            if kind == "/Image" or (kind == "/Form" and search(obj.get("/Resources"), depth + 1)):
                return True
        return False

    try:
        return search(reader.pages[index].get("/Resources"), 0)
    except Exception:  # unreadable resources: assume there may be an image
        return True


def _ocr_missing(data: bytes, name: str, pages: list[list[Line]], issues: list[Issue],
                 has_images: Callable[[int], bool]) -> set[int]:
    """OCR pages that have an image but no text layer when possible; record an
    issue otherwise. Blank pages are left alone. Returns the 0-based indexes of
    pages whose text came from OCR."""
    from analyzer.ingest.ocr import ocr_available, ocr_pages

    empty = [i for i, lines in enumerate(pages)
             if _page_chars(lines) < MIN_PAGE_CHARS and has_images(i)]
    if not empty:
        return set()
    done: set[int] = set()
    if ocr_available():
        try:
            texts = ocr_pages(data, empty)
        except Exception as exc:  # tesseract crash, unreadable image: keep the rest
            log.debug("OCR failed on %s", name, exc_info=True)
            issues.append(Issue(stage="parse", message=f"OCR failed ({_short(exc)})", page=empty[0] + 1))
            texts = {}
        for i, text in texts.items():
            lines = _normalize_pages([[Line(t) for t in text.split("\n")]])[0]
            if _page_chars(lines) >= MIN_PAGE_CHARS:
                pages[i] = lines
                done.add(i)
        missing = [i + 1 for i in empty if i not in done]
        reason = "no text layer and OCR found no text"
    else:
        missing = [i + 1 for i in empty]
        reason = "no text layer and OCR is not available (install tesseract-ocr and pytesseract)"
    if missing:
        word = "page" if len(missing) == 1 else "pages"
        issues.append(Issue(stage="parse", message=f"{word} {_ranges(missing)}: {reason}; their text is missing",
                            page=missing[0]))
    return done


# ------------------------------------------------------------------ entry point

def parse_pdf(data: bytes, *, name: str, sha256: str, limits, engine: Optional[str] = None) -> SourceDocument:
    """Parse a PDF into a ``SourceDocument`` with pages, page blocks and paragraph blocks."""
    engine = pdf_engine(engine)
    limit = char_limit(limits)
    if engine == "pdfium":
        raw, pages, images = _read_pdfium(data, name, limits, limit)
        has_images: Callable[[int], bool] = lambda i: images.get(i, False)
    else:
        reader, _ = _open_checked(data, name, limits)
        raw = extract_lines(data, name, engine, reader, max_chars=limit)
        pages = _normalize_pages(raw)
        has_images = lambda i: _has_images(reader, i)
    if mostly_unmapped([line.text for lines in raw for line in lines]):
        raise NoText(name, "most characters have no Unicode mapping in the PDF fonts (CID glyphs without a "
                           "ToUnicode map, common in Chinese PDFs); export the PDF again with embedded fonts, or OCR it")
    if garbled_chinese("".join(line.text for lines in pages for line in lines)):
        raise NoText(name, "its Chinese text extracts as garbage (CID glyphs without a usable ToUnicode map in "
                           "the PDF fonts); export the PDF again with embedded fonts, or OCR it")
    issues: list[Issue] = _unmapped_glyphs(raw)
    ocr_done = _ocr_missing(data, name, pages, issues, has_images)
    if all(_page_chars(lines) < MIN_PAGE_CHARS for lines in pages):
        raise NoText(name, "no page has text: blank, or scanned without OCR available or readable")
    pages, _ = remove_running_lines(pages)
    keep = hyphenated_words(pages)
    b = TextBuilder(sha256, max_chars=limit, name=name)
    _write_pages(b, [paragraphs(lines, keep) for lines in pages], ocr_done, keep)
    return SourceDocument(source=name, format=Format.PDF, sha256=sha256, text=b.text(),
                          pages=b.pages, blocks=b.blocks, issues=issues)


class _RunOn:
    """A paragraph being joined across page breaks. Only its last ``JOIN_TAIL``
    characters take part in each join, so a paragraph running over many pages is
    built in linear time."""

    def __init__(self, text: str, first: int):
        self.head: list[str] = []
        self.head_len = 0
        self.tail = text
        self.first = first
        self.breaks: list[tuple[int, int]] = []

    def join(self, par: str, p_idx: int, keep: set[str]) -> None:
        joined = join_lines(self.tail, par, keep)
        self.breaks.append((p_idx, self.head_len + len(joined) - len(par)))
        if len(joined) > JOIN_TAIL:
            cut = len(joined) - JOIN_TAIL
            self.head.append(joined[:cut])
            self.head_len += cut
            joined = joined[cut:]
        self.tail = joined

    def done(self) -> tuple[str, int, list[tuple[int, int]]]:
        return "".join(self.head) + self.tail, self.first, self.breaks


def _write_pages(b: TextBuilder, page_pars: list[list[str]], ocr_done: set[int], keep: set[str]) -> None:
    """Write paragraphs into the builder; record pages, page blocks and paragraph blocks."""
    # Paragraphs that run on over a page break are joined first: each entry is
    # (text, page index where it starts, [(page index, offset in text where that page starts)]).
    merged: list[tuple[str, int, list[tuple[int, int]]]] = []
    run: Optional[_RunOn] = None
    for p_idx, pars in enumerate(page_pars):
        for k, par in enumerate(pars):
            if k == 0 and run is not None and continues_paragraph(run.tail, par):
                run.join(par, p_idx, keep)
                continue
            if run is not None:
                merged.append(run.done())
            run = _RunOn(par, p_idx)
    if run is not None:
        merged.append(run.done())
    page_start: dict[int, int] = {}
    for text, first, breaks in merged:
        if b.offset:
            b.append(PARAGRAPH_SEP)
        page_start.setdefault(first, b.offset)
        start, end = b.append(text)
        for p_idx, off in breaks:
            page_start.setdefault(p_idx, start + off)
        b.add_block("paragraph", start, end, page=first + 1)
    total = b.offset
    starts: list[Optional[int]] = [page_start.get(i) for i in range(len(page_pars))]
    # Pages without text get an empty range where they fall.
    for i in range(len(starts) - 1, -1, -1):
        if starts[i] is None:
            starts[i] = starts[i + 1] if i + 1 < len(starts) else total
    for i, s in enumerate(starts):
        e = starts[i + 1] if i + 1 < len(starts) else total
        b.add_page(i + 1, s, e, ocr=i in ocr_done)
        b.add_block("page", s, e, page=i + 1)
    b.blocks.sort(key=lambda blk: (blk.start, blk.kind != "page", blk.end))
