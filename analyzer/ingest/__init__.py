"""``parse()``: bytes or a path in, one ``SourceDocument`` out.

The format is detected from the bytes, not the extension. Size limits are
checked before any parser runs.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path
from typing import BinaryIO, Optional, Union

from analyzer.core.errors import (
    EmptyDocument,
    LegacyDoc,
    NotFound,
    NotRegularFile,
    TooLarge,
    UnsupportedFormat,
)
from analyzer.core.schema import Format, SourceDocument
from analyzer.core.settings import Limits

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def detect_format(data: bytes, name: str = "<input>") -> Format:
    """Detect DOCX/PDF/TXT from the bytes; raise a typed error for anything else."""
    head = data[:2048]
    if head.startswith(b"%PDF-") or (b"%PDF-" in head[:1024] and not head.startswith(b"PK")):
        return Format.PDF
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return Format.DOCX  # validated as OOXML by the docx parser
    if head.startswith(OLE_MAGIC):
        # OLE2 compound file: legacy .doc, or an encrypted OOXML package.
        from analyzer.core.errors import Encrypted

        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in data:
            raise Encrypted(name, "password-protected Office file")
        raise LegacyDoc(name)
    if head.startswith(b"{\\rtf"):
        raise UnsupportedFormat(name, "RTF; save it as .docx")
    if _looks_like_text(head):
        return Format.TXT
    raise UnsupportedFormat(name, "not a DOCX, PDF or text file")


def _looks_like_text(head: bytes) -> bool:
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return True
    if b"\x00" in head:
        return False
    control = sum(1 for b in head if b < 9 or 13 < b < 32)
    return control <= max(1, len(head) // 100)


_KINDS = ((stat.S_ISFIFO, "FIFO"), (stat.S_ISSOCK, "socket"), (stat.S_ISCHR, "character device"),
          (stat.S_ISBLK, "block device"), (stat.S_ISDIR, "folder"), (stat.S_ISLNK, "symbolic link"))


def file_kind(mode: int) -> str:
    """What a ``st_mode`` is, in words: "regular file", "FIFO", "socket", "folder", ..."""
    if stat.S_ISREG(mode):
        return "regular file"
    return next((name for test, name in _KINDS if test(mode)), "special file")


def open_regular(path: Union[str, Path], name: Optional[str] = None, *, follow_symlinks: bool = True) -> BinaryIO:
    """Open ``path`` for binary reading only if it is a regular file.

    ``stat`` is checked before opening, so a FIFO or a device is never opened in blocking
    mode; the file is opened non-blocking and checked again with ``fstat``, so a file
    swapped for a FIFO in between is refused too. ``follow_symlinks=False`` refuses a
    symbolic link as the last path component (``O_NOFOLLOW``); a path that names another
    file once opened than when it was checked is refused. Raises ``NotFound`` or
    ``NotRegularFile`` (named ``name``, default the file name); other ``OSError`` pass through.
    """
    name = name or Path(path).name
    try:
        st = os.stat(path, follow_symlinks=follow_symlinks)
    except FileNotFoundError:
        raise NotFound(name) from None
    if not stat.S_ISREG(st.st_mode):
        raise NotRegularFile(name, file_kind(st.st_mode))
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0)
    if not follow_symlinks:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise NotFound(name) from None
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode):
            raise NotRegularFile(name, file_kind(opened.st_mode))
        if (opened.st_dev, opened.st_ino) != (st.st_dev, st.st_ino):
            raise NotRegularFile(name, "replaced while it was opened")
        if hasattr(os, "O_NONBLOCK"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: Union[str, Path], name: Optional[str] = None, *, max_bytes: Optional[int] = None,
                 follow_symlinks: bool = True) -> bytes:
    """The bytes of the regular file ``path`` (see ``open_regular``); ``TooLarge`` past ``max_bytes``.

    The size is checked on the open file before reading, and at most ``max_bytes + 1``
    bytes are read, so a file that grows while it is read cannot exhaust memory.
    """
    name = name or Path(path).name
    with open_regular(path, name, follow_symlinks=follow_symlinks) as fh:
        if max_bytes is None:
            return fh.read()
        size = os.fstat(fh.fileno()).st_size
        if size > max_bytes:
            raise TooLarge(name, f"{size:,} bytes > limit {max_bytes:,}")
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise TooLarge(name, f"more than {max_bytes:,} bytes (the file grew while it was read)")
    return data


def parse(
    source: Union[str, Path, bytes],
    *,
    filename: Optional[str] = None,
    limits: Optional[Limits] = None,
) -> SourceDocument:
    """Parse a DOCX, PDF or TXT file (path or bytes) into a ``SourceDocument``."""
    limits = limits or Limits.from_env()
    if isinstance(source, (str, Path)):
        path = Path(source)
        name = filename or path.name
        data = read_regular(path, name, max_bytes=limits.max_bytes)
    else:
        data = bytes(source)
        name = filename or "<bytes>"
        if len(data) > limits.max_bytes:
            raise TooLarge(name, f"{len(data):,} bytes > limit {limits.max_bytes:,}")
    if not data.strip():
        raise EmptyDocument(name)
    fmt = detect_format(data, name)
    sha = hashlib.sha256(data).hexdigest()
    if fmt is Format.PDF:
        from analyzer.ingest.pdf import parse_pdf as fn
    elif fmt is Format.DOCX:
        from analyzer.ingest.docx import parse_docx as fn
    else:
        from analyzer.ingest.txt import parse_txt as fn
    from analyzer.ingest.cjk import tag_languages

    return tag_languages(fn(data, name=name, sha256=sha, limits=limits))


__all__ = ["Limits", "detect_format", "file_kind", "open_regular", "parse", "read_regular"]
