"""Evidence spans: classification units, merging of adjacent units, entity spans.

A *unit* is a sentence, or a piece of a long sentence cut at a clause boundary
(semicolon, "(a)" list marker, line break, wide gap). Labels are predicted per
unit; adjacent units of one category are merged into one evidence span.
"""

from __future__ import annotations

import re

from .nlp.sentences import trim_span as _trim

MAX_UNIT = 2000  # sentences longer than this are cut at clause boundaries
MIN_PIECE = 80   # ...into pieces at least this long (shorter ones join their neighbour)

_BOUNDARY = re.compile(r";\s+|:\s+(?=\(?[a-zA-Z0-9]{1,4}\))|\n\s*|\s{3,}|\s(?=\((?:[a-z]{1,3}|[ivx]{1,5}|\d{1,2})\)\s)")


def split_long(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cut ``[start, end)`` at clause boundaries when it is longer than MAX_UNIT."""
    if end - start <= MAX_UNIT:
        return [(start, end)]
    cuts = [start]
    for m in _BOUNDARY.finditer(text, start, end):
        if m.end() - cuts[-1] >= MIN_PIECE and end - m.end() >= MIN_PIECE:
            cuts.append(m.end())
    cuts.append(end)
    pieces = [_trim(text, a, b) for a, b in zip(cuts, cuts[1:])]
    out = [(a, b) for a, b in pieces if b > a]
    # pieces still too long are cut at the last space before MAX_UNIT*2 chars
    final: list[tuple[int, int]] = []
    for a, b in out:
        while b - a > 2 * MAX_UNIT:
            cut = text.rfind(" ", a + MIN_PIECE, a + 2 * MAX_UNIT)
            if cut <= a:
                break
            final.append(_trim(text, a, cut))
            a = _trim(text, cut, b)[0]
        final.append((a, b))
    return final


def make_units(text: str, sentences: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Classification units from sentence spans (long sentences cut)."""
    units: list[tuple[int, int]] = []
    for s, e in sentences:
        units.extend(split_long(text, s, e))
    return [(s, e) for s, e in units if e > s and any(c.isalpha() for c in text[s:e])]


def merge_runs(units: list[tuple[int, int]], probs, threshold: float, max_gap: int = 200) -> list[tuple[int, int, float, list[int]]]:
    """Merge runs of adjacent units whose probability is >= ``threshold``.

    Units are adjacent when they follow each other in the list with at most
    ``max_gap`` characters between them. Returns (start, end, max_prob, unit
    indices); units below the threshold come back alone.
    """
    out: list[tuple[int, int, float, list[int]]] = []
    run: list[int] = []

    def flush():
        if run:
            out.append((units[run[0]][0], units[run[-1]][1], float(max(probs[i] for i in run)), list(run)))
            run.clear()

    for i, p in enumerate(probs):
        if p >= threshold:
            if run and units[i][0] - units[run[-1]][1] > max_gap:
                flush()
            run.append(i)
        else:
            flush()
            out.append((units[i][0], units[i][1], float(p), [i]))
    flush()
    return out


# ---- entity spans (fallback when no entity extractor ran) ----------------------------

_MONTHS = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
DATE_RE = re.compile(
    rf"\b(?:{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:day\s+of\s+)?{_MONTHS},?\s+\d{{4}}"
    rf"|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}"
    rf"|{_MONTHS},?\s+\d{{4}})",
)
_TITLE_LINE = re.compile(r"(?m)^[ \t]*([A-Z0-9][A-Z0-9 ,&'/\-]*AGREEMENT[A-Z0-9 ,&'/\-]*)[ \t]*$")
_TITLE_INLINE = re.compile(r"\b((?:[A-Z][A-Z0-9&'/\-]*\s+){0,7}AGREEMENT)\b")


def date_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in DATE_RE.finditer(text, start, end)]


def title_span(text: str, limit: int = 3000) -> tuple[int, int] | None:
    """The document title: the first all-caps line naming an AGREEMENT, or an inline one."""
    m = _TITLE_LINE.search(text, 0, min(len(text), limit))
    if m:
        return _trim(text, m.start(1), m.end(1))
    m = _TITLE_INLINE.search(text, 0, min(len(text), limit))
    if m:
        return m.start(1), m.end(1)
    return None
