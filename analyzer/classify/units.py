"""Evidence spans: classification units, merging of adjacent units, entity spans.

A *unit* is a sentence, or a piece of a long sentence cut at a clause boundary
(semicolon, "(a)" list marker, line break, wide gap). Labels are predicted per
unit; adjacent units of one category are merged into one evidence span.
Span indexes answer "which spans hold / lie inside / overlap this one?" in
logarithmic time, with the same answers as a scan over all spans.
"""

from __future__ import annotations

import bisect
import re
from typing import Iterable, Optional

from analyzer.nlp.sentences import trim_span as _trim

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


# ---- span indexes: containment and overlap queries in logarithmic time

class Innermost:
    """The smallest span containing a query span, the earlier one on a tie: the same answer
    as scanning every span, in O(log² n) per query after an O(n log n) build.

    Spans are ordered by start; a Fenwick tree over that order keeps, per node, its spans'
    ends sorted with the running best (length, position) from the longest end down. A query
    visits the O(log n) nodes covering the spans that start at or before it.
    """

    def __init__(self, spans: list[tuple[int, int]]):
        order = sorted(range(len(spans)), key=lambda i: spans[i][0])
        self._starts = [spans[i][0] for i in order]
        n = len(order)
        self._ends: list[list[int]] = [[] for _ in range(n + 1)]
        self._best: list[list[tuple[int, int]]] = [[] for _ in range(n + 1)]
        for node in range(1, n + 1):
            items = sorted((spans[i][1], spans[i][1] - spans[i][0], i) for i in order[node - (node & -node):node])
            best: list[tuple[int, int]] = [(0, 0)] * len(items)
            run = None
            for k in range(len(items) - 1, -1, -1):
                key = (items[k][1], items[k][2])
                run = key if run is None or key < run else run
                best[k] = run
            self._ends[node] = [end for end, _, _ in items]
            self._best[node] = best

    def __call__(self, start: int, end: int) -> Optional[int]:
        """Position (in the list given) of the smallest span with ``s <= start`` and ``end <= e``."""
        found = None
        node = bisect.bisect_right(self._starts, start)
        while node > 0:
            ends = self._ends[node]
            k = bisect.bisect_left(ends, end)
            if k < len(ends) and (found is None or self._best[node][k] < found):
                found = self._best[node][k]
            node -= node & -node
        return found[1] if found is not None else None


class Covered:
    """Is an offset (or a span) inside any of a fixed set of spans? O(log n) per query."""

    def __init__(self, spans: Iterable[tuple[int, int]]):
        spans = sorted(spans)
        self._starts = [a for a, _ in spans]
        self._reach: list[int] = []  # the furthest end among the spans up to each one
        for _, b in spans:
            self._reach.append(max(b, self._reach[-1]) if self._reach else b)

    def point(self, x: int) -> bool:
        """True when some span has ``a <= x < b``."""
        k = bisect.bisect_right(self._starts, x)
        return k > 0 and self._reach[k - 1] > x

    def span(self, s: int, e: int) -> bool:
        """True when some span has ``a <= s`` and ``e <= b``."""
        k = bisect.bisect_right(self._starts, s)
        return k > 0 and self._reach[k - 1] >= e


class SpanIndex:
    """Spans sorted by start, for the ones inside or overlapping a query span, in list order."""

    def __init__(self, spans: list[tuple[int, int]]):
        self.spans = spans
        self._order = sorted(range(len(spans)), key=lambda i: spans[i][0])
        self._starts = [spans[i][0] for i in self._order]
        self._reversed = any(a > b for a, b in spans)  # an end before its start (a hand-edited report)
        n = len(spans)
        size = 1
        while size < max(n, 1):
            size *= 2
        self._size = size
        self._max = [-1] * (2 * size)  # max end over each tree node's spans (start order)
        for k, i in enumerate(self._order):
            self._max[size + k] = spans[i][1]
        for v in range(size - 1, 0, -1):
            self._max[v] = max(self._max[2 * v], self._max[2 * v + 1])

    def inside(self, s: int, e: int) -> list[int]:
        """Positions of the spans ``(a, b)`` with ``s <= a`` and ``b <= e``."""
        lo = bisect.bisect_left(self._starts, s)
        hi = len(self._starts) if self._reversed else bisect.bisect_right(self._starts, e)
        return sorted(i for i in self._order[lo:hi] if self.spans[i][1] <= e)

    def overlapping(self, s: int, e: int) -> list[int]:
        """Positions of the spans ``(a, b)`` with ``a < e`` and ``b > s``."""
        hi = bisect.bisect_left(self._starts, e)  # spans starting before e: tree leaves [0, hi)
        out: list[int] = []
        stack = [(1, 0, self._size)]
        while stack:
            v, lo, up = stack.pop()
            if lo >= hi or self._max[v] <= s:
                continue
            if v >= self._size:
                out.append(self._order[lo])
                continue
            mid = (lo + up) // 2
            stack.append((2 * v + 1, mid, up))
            stack.append((2 * v, lo, mid))
        return sorted(out)


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
