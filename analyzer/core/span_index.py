"""Span indexes: which spans hold, lie inside or overlap a query span, in logarithmic time.

Each index gives the same answers as a scan over all spans. Spans are ``(start, end)``
character offsets.
"""

from __future__ import annotations

import bisect
from typing import Iterable, Optional


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
