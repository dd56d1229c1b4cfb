"""Plain text: the canonical text is the decoded file, exactly, so offsets index the file."""

from __future__ import annotations

import re

from ..errors import Corrupt, NoText
from ..model import Format, SourceDocument
from ._builder import TextBuilder

_LINE = re.compile(r"[^\n]*\n?")


def decode(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM), else the encoding charset-normalizer detects."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise Corrupt(name, "text encoding could not be detected")
    return str(best)


def parse_txt(data: bytes, *, name: str, sha256: str, limits=None) -> SourceDocument:
    text = decode(data, name)
    if not text.strip():
        raise NoText(name)
    b = TextBuilder(sha256)
    b.append(text)
    # One block per non-blank line; form feeds start new pages when present.
    page_no, page_start = 1, 0
    for m in _LINE.finditer(text):
        line = m.group(0)
        if not line:
            break
        start = m.start()
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            b.add_block("paragraph", start + lead, start + lead + len(stripped),
                        page=page_no if "\f" in text else None)
        if "\f" in line:
            b.add_page(page_no, page_start, start + line.index("\f") + 1)
            page_no += 1
            page_start = start + line.index("\f") + 1
    if "\f" in text:
        b.add_page(page_no, page_start, len(text))
    return SourceDocument(source=name, format=Format.TXT, sha256=sha256, text=text,
                          pages=b.pages, blocks=b.blocks)
