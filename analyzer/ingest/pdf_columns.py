"""Bilingual tables in a PDF page: read cell by cell, not line by line across the columns.

A bilingual contract often sets the two versions side by side in a two-column table. Reading
such a page line by line glues the English and the Chinese line of each row together. On a
page with Chinese text, tables are found with pdfplumber's ruling-line table finder; a table
whose columns are in different languages (most rows English in one column and Chinese in the
other) is read cell by cell, row by row, left to right. Text outside such tables is read as
usual. Other tables (amounts, rates) keep the usual reading, row by row.
"""

from __future__ import annotations

from typing import Optional

from analyzer.core.cjk import has_cjk, language_of

MIN_ROWS = 2  # a bilingual table has at least this many rows with text in both columns
SHARE = 0.6  # of those rows, at least this share have the two columns in different languages


def _cell_text(page, bbox) -> str:
    try:
        return page.crop(bbox).extract_text() or ""
    except ValueError:  # a cell box outside the page
        return ""


def _bilingual(page, table) -> bool:
    rows = [r for r in table.rows if len(r.cells) == 2 and all(c is not None for c in r.cells)]
    pairs = []
    for r in rows:
        langs = [language_of(_cell_text(page, c)) for c in r.cells]
        if all(langs):
            pairs.append(langs)
    if len(pairs) < MIN_ROWS:
        return False
    differ = sum(1 for a, b in pairs if {a, b} == {"en", "zh"})
    return differ >= SHARE * len(pairs)


def bilingual_table_lines(page) -> Optional[list[dict]]:
    """The page's text lines (as ``extract_text_lines`` gives them) in reading order with the cells
    of bilingual tables read one after another; None when the page has no bilingual table. The
    first line of each cell carries ``cell_start: True``."""
    if not has_cjk("".join(c.get("text", "") for c in page.chars[:4000])):
        return None
    try:
        tables = [t for t in page.find_tables() if _bilingual(page, t)]
    except Exception:  # a table finder failure leaves the usual reading
        return None
    if not tables:
        return None
    boxes = [t.bbox for t in tables]

    def outside(obj) -> bool:
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    pieces: list[tuple[float, int, list[dict]]] = []
    rest = page.filter(outside).extract_text_lines(strip=True, return_chars=False)
    pieces += [(ln["top"], 0, [ln]) for ln in rest]
    for t in tables:
        for r_idx, row in enumerate(t.rows):
            for c_idx, cell in enumerate(row.cells):
                if cell is None:
                    continue
                lines = page.crop(cell).extract_text_lines(strip=True, return_chars=False)
                if not lines:
                    continue
                lines = [dict(ln) for ln in lines]
                lines[0]["cell_start"] = True
                pieces.append((row.bbox[1], 1 + c_idx, lines))
    pieces.sort(key=lambda p: (p[0], p[1]))
    return [ln for _, _, lines in pieces for ln in lines]
