"""Plain text: the canonical text is the decoded file, exactly, so offsets index the file."""

from __future__ import annotations

import re

from analyzer.core.errors import Corrupt, NoText
from analyzer.core.schema import Format, SourceDocument
from analyzer.core.text_builder import TextBuilder, char_limit, too_much_text

_LINE = re.compile(r"[^\n\f]*[\n\f]?")  # a line ends at a newline or a form feed


# Single-byte Western encodings that charset-normalizer cannot tell apart on short
# texts; when the bytes are valid cp1252 (the usual Windows encoding of
# contracts), cp1252 is taken.
_WESTERN = ("cp1252", "latin_1", "iso8859_1", "iso8859_15", "cp1250", "iso8859_2", "mac_", "cp437",
            "cp850", "cp858", "cp775", "cp1257", "cp1254", "iso8859_9", "iso8859_13")


def decode(data: bytes, name: str) -> str:
    """UTF-8 (a BOM is dropped: it marks the encoding, it is not text), UTF-16/32
    with a BOM, else the encoding charset-normalizer detects, preferring cp1252
    among the Western single-byte encodings it cannot tell apart."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8")
        except UnicodeDecodeError:
            raise Corrupt(name, "invalid UTF-8 after a UTF-8 byte-order mark") from None
    for bom, enc in ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
                     (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(enc)
            except UnicodeDecodeError:
                raise Corrupt(name, f"invalid {enc.upper()} text") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise Corrupt(name, "text encoding could not be detected")
    if best.encoding.startswith(_WESTERN):
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            pass
    return str(best)


def min_chars(data: bytes) -> int:
    """A lower bound on the characters ``data`` decodes to, found without decoding:
    exact for ASCII and UTF-32; otherwise no supported encoding (UTF-8/16/32,
    single-byte or CJK multi-byte) spends more than four bytes on a character."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return (len(data) - 4) // 4
    if data.isascii():
        return len(data)
    return len(data) // 4


def check_chars(data: bytes, name: str, limit) -> None:
    """Refuse text that must exceed ``limit`` characters before it is decoded."""
    if limit is None or len(data) <= limit:
        return  # no encoding gives more characters than bytes
    n = min_chars(data)
    if n > limit:
        raise too_much_text(name, n, limit, exact=data.isascii())


def parse_txt(data: bytes, *, name: str, sha256: str, limits=None) -> SourceDocument:
    if limits is None:
        from analyzer.ingest import Limits

        limits = Limits.from_env()
    limit = char_limit(limits)
    check_chars(data, name, limit)
    text = decode(data, name)
    if limit is not None and len(text) > limit:
        raise too_much_text(name, len(text), limit)
    if not text.strip():
        raise NoText(name)
    b = TextBuilder(sha256)
    b.append(text)
    # One block per non-blank line; form feeds start new pages when present.
    paged = "\f" in text
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
                        page=page_no if paged else None)
        if line.endswith("\f"):
            b.add_page(page_no, page_start, m.end())
            page_no += 1
            page_start = m.end()
    if paged:
        b.add_page(page_no, page_start, len(text))
    return SourceDocument(source=name, format=Format.TXT, sha256=sha256, text=text,
                          pages=b.pages, blocks=b.blocks)
