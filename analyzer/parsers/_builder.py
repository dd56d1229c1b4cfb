"""TextBuilder: the one place where canonical text and block offsets are created."""

from __future__ import annotations

from typing import Optional

from ..model import Block, Page, make_id


class TextBuilder:
    """Appends text pieces and records blocks whose spans index the final text.

    ``doc_key`` (usually the source sha256) makes block ids deterministic.
    """

    def __init__(self, doc_key: str):
        self.doc_key = doc_key
        self._parts: list[str] = []
        self._len = 0
        self.blocks: list[Block] = []
        self.pages: list[Page] = []

    @property
    def offset(self) -> int:
        return self._len

    def append(self, text: str) -> tuple[int, int]:
        start = self._len
        if text:
            self._parts.append(text)
            self._len += len(text)
        return start, self._len

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
        for p in self.pages:
            if p.start <= offset < p.end:
                return p.number
        return self.pages[-1].number if self.pages else None
