"""TextBuilder: the one place where canonical text and block offsets are created."""

from __future__ import annotations

import bisect
from typing import Optional

from analyzer.core.errors import TooLarge
from analyzer.core.schema import Block, Page, make_id


def char_limit(limits) -> Optional[int]:
    """The extracted-text limit of ``limits`` (None when ``limits`` sets none)."""
    return getattr(limits, "max_chars", None)


def too_much_text(name: str, count: int, limit: int, exact: bool = True) -> TooLarge:
    """The ``TooLarge`` error for ``count`` characters of text over ``limit``."""
    what = f"{count:,}" if exact else f"at least {count:,}"
    return TooLarge(name, f"{what} characters of text > limit {limit:,}; "
                          f"set ANALYZER_MAX_CHARS to raise it")


class TextBuilder:
    """Appends text pieces and records blocks whose spans index the final text.

    ``doc_key`` (usually the source sha256) makes block ids deterministic. With
    ``max_chars``, ``append`` (and ``count_extra``, for text kept outside the
    canonical text) raise ``TooLarge`` for ``name`` as soon as the total passes it.
    """

    def __init__(self, doc_key: str, max_chars: Optional[int] = None, name: str = "<input>"):
        self.doc_key = doc_key
        self.max_chars = max_chars
        self.name = name
        self._parts: list[str] = []
        self._len = 0
        self._extra = 0
        self.blocks: list[Block] = []
        self.pages: list[Page] = []

    @property
    def offset(self) -> int:
        return self._len

    def append(self, text: str) -> tuple[int, int]:
        start = self._len
        if text:
            self._check(len(text))
            self._parts.append(text)
            self._len += len(text)
        return start, self._len

    def count_extra(self, n: int) -> None:
        """Count ``n`` characters extracted besides the canonical text (deleted text,
        comments) against ``max_chars``."""
        self._check(n)
        self._extra += n

    def _check(self, n: int) -> None:
        total = self._len + self._extra + n
        if self.max_chars is not None and total > self.max_chars:
            raise too_much_text(self.name, total, self.max_chars, exact=False)

    def ensure_newline(self, count: int = 1) -> None:
        """Make the text end with at least ``count`` newlines (no-op when empty)."""
        if not self._len:
            return
        tail = "".join(self._parts[-3:])[-count:]
        missing = count - (len(tail) - len(tail.rstrip("\n")))
        if missing > 0:
            self.append("\n" * missing)

    def add_block(self, kind: str, start: int, end: int, **fields) -> Block:
        block = Block(id=make_id(self.doc_key, "block", kind, start, end, len(self.blocks)),
                      kind=kind, start=start, end=end, **fields)
        self.blocks.append(block)
        return block

    def add_page(self, number: int, start: int, end: int, ocr: bool = False) -> Page:
        page = Page(number=number, start=start, end=end, ocr=ocr)
        self.pages.append(page)
        return page

    def text(self) -> str:
        return "".join(self._parts)

    def page_for(self, offset: int) -> Optional[int]:
        """Number of the page holding ``offset`` (pages are added in text order)."""
        return page_at(self.pages, offset)


def page_at(pages: list[Page], offset: int) -> Optional[int]:
    """Number of the page of ``pages`` (in text order, not overlapping) that holds
    ``offset``; the last page when none does. Binary search over the page starts."""
    if not pages:
        return None
    i = bisect.bisect_right(pages, offset, key=lambda p: p.start) - 1
    if i >= 0 and pages[i].start <= offset < pages[i].end:
        return pages[i].number
    return pages[-1].number
