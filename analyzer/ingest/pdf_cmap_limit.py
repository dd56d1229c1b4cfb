"""A bound on the character maps that pdfminer (under pdfplumber) expands.

A font's ToUnicode or CID map may declare a range such as ``<00000000> <FFFFFFFF>``;
pdfminer adds one entry per code in the range, so a one-kilobyte PDF can ask for
billions of entries and hours of work. A real map never needs more entries than a
font has codes, so each map gets a budget of ``MAX_CMAP_ENTRIES``: ranges are cut to
what is left of it, and the rest of the map is ignored.
"""

from __future__ import annotations

from pdfminer import cmapdb, pdffont

MAX_CMAP_ENTRIES = 1 << 17  # every two-byte code twice over


class BoundedCMapParser(cmapdb.CMapParser):
    """``CMapParser`` whose ``cidrange`` and ``bfrange`` blocks expand at most
    ``MAX_CMAP_ENTRIES`` codes per map in all."""

    def __init__(self, cmap, fp) -> None:
        super().__init__(cmap, fp)
        self._entries_left = MAX_CMAP_ENTRIES

    def do_keyword(self, pos: int, token) -> None:
        if token is self.KEYWORD_ENDCIDRANGE or token is self.KEYWORD_ENDBFRANGE:
            self._clip_ranges()
        super().do_keyword(pos, token)

    def _clip_ranges(self) -> None:
        """Cut the ``(start, end, value)`` triples on the stack to the budget left; a
        triple past the budget gets a start that pdfminer skips (not a byte string)."""
        stack = self.curstack
        for i in range(0, len(stack) - len(stack) % 3, 3):
            (p0, start), (p1, end) = stack[i], stack[i + 1]
            if not (isinstance(start, bytes) and isinstance(end, bytes)) or len(start) != len(end) or not start:
                continue
            if self._entries_left <= 0:
                stack[i] = (p0, None)
                continue
            width = min(4, len(end))
            first = int.from_bytes(start[-width:], "big")
            last = int.from_bytes(end[-width:], "big")
            size = max(0, last - first + 1)
            if size > self._entries_left:
                size = self._entries_left
                end = end[:-width] + (first + size - 1).to_bytes(width, "big")
                stack[i + 1] = (p1, end)
            self._entries_left -= size


def install() -> None:
    """Make pdfminer's fonts read their maps with ``BoundedCMapParser`` (idempotent)."""
    pdffont.CMapParser = BoundedCMapParser
