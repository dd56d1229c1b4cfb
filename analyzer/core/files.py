"""Crash-safe file writes: write a temporary file next to the target, then ``os.replace``.

A reader never sees a half-written file: either the old content or the new one.
``append_line`` appends one line to a journal with a single ``write`` call, so a
killed process leaves at most one truncated last line. Readers skip it (with a
warning), and the next append starts on a fresh line, so it cannot swallow the
records written after it.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Iterator, Union

from analyzer.core.errors import escape_name

log = logging.getLogger(__name__)

PathLike = Union[str, Path]


def write_bytes(path: PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (same-directory temp file + ``os.replace``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def write_text(path: PathLike, text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    write_bytes(path, text.encode("utf-8"))


def encode_line(record: dict) -> bytes:
    """``record`` as one UTF-8 JSON line ending in a newline.

    Non-ASCII text is kept as is; a string that cannot be encoded as UTF-8 (a file name
    with undecodable bytes, held as surrogate escapes) is written as JSON ``\\u`` escapes.
    """
    text = json.dumps(record, ensure_ascii=False, sort_keys=True)
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        data = json.dumps(record, ensure_ascii=True, sort_keys=True).encode("ascii")
    return data + b"\n"


def _ends_with_newline(fd: int, size: int) -> bool:
    if size == 0:
        return True
    if hasattr(os, "pread"):
        return os.pread(fd, 1, size - 1) == b"\n"
    os.lseek(fd, size - 1, os.SEEK_SET)
    return os.read(fd, 1) == b"\n"


def append_line(path: PathLike, record: dict) -> None:
    """Append ``record`` as one JSON line to ``path`` (one ``write``, then fsync).

    When the journal ends in a torn line (no trailing newline, left by a killed
    writer), the record is written after a newline so that it starts a line of its own.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = encode_line(record)
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
    try:
        if not _ends_with_newline(fd, os.fstat(fd).st_size):
            line = b"\n" + line
        view = memoryview(line)
        while view:  # a regular file takes the whole line at once; loop only on a short write
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)


def read_lines(path: PathLike) -> Iterator[dict]:
    """Yield the JSON object records of a journal, one per complete line.

    A line that is not valid UTF-8 JSON, is not an object, or lacks its trailing newline
    (a torn last line) is skipped with a warning; the records after it are still read.
    """
    path = Path(path)
    if not path.is_file():
        return
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            if not raw.endswith(b"\n"):
                log.warning("%s: line %d is incomplete (torn write); skipped", escape_name(path), number)
                continue
            if not raw.strip():
                continue
            try:
                rec = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                log.warning("%s: line %d is not valid JSON; skipped", escape_name(path), number)
                continue
            if isinstance(rec, dict):
                yield rec
            else:
                log.warning("%s: line %d is not a JSON object; skipped", escape_name(path), number)


def remove_stale_temps(folder: PathLike) -> int:
    """Delete ``.*.tmp`` files left in ``folder`` by a killed writer; return how many."""
    n = 0
    folder = Path(folder)
    if folder.is_dir():
        for p in folder.glob(".*.tmp"):
            try:
                p.unlink()
                n += 1
            except OSError:
                pass
    return n
