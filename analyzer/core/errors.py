"""Exception tree. Every error a user can cause is an ``AnalyzerError``.

``str(err)`` is always one line that names the file and the reason.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Optional, Union

_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Bidirectional overrides and isolates: they reorder how the rest of a line is displayed.
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def escape_name(text: object) -> str:
    """``text`` with control characters escaped, safe for a one-line message or log line.

    Newlines, tabs and carriage returns become ``\\n``, ``\\t``, ``\\r``; other C0/C1
    controls, line/paragraph separators and bidirectional controls become ``\\xNN`` or
    ``\\uNNNN``; bytes that were not valid UTF-8 in a file name (surrogate escapes)
    become ``\\xNN``. Printable text, spaces and backslashes are left as they are.
    """
    text = str(text)
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch.isprintable() or ch == " ":
            out.append(ch)
            continue
        code = ord(ch)
        cat = unicodedata.category(ch)
        if ch in _NAMED_ESCAPES:
            out.append(_NAMED_ESCAPES[ch])
        elif 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's surrogateescape for an undecodable byte
            out.append(f"\\x{code - 0xDC00:02x}")
        elif cat in ("Cc", "Cs", "Zl", "Zp") or ch in _BIDI_CONTROLS:
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:  # other non-printable characters (format characters such as joiners) are harmless
            out.append(ch)
    return "".join(out)


def one_line(text: object) -> str:
    """``text`` on one line: runs of whitespace collapsed to one space, other controls escaped."""
    return escape_name(" ".join(str(text).split()))


class AnalyzerError(RuntimeError):
    """Root of every error the analyzer raises on purpose."""


class DocumentError(AnalyzerError):
    """The document could not be read."""

    reason = "could not be read"

    def __init__(self, source: Union[str, Path, None], detail: Optional[str] = None):
        self.source = str(source) if source is not None else "<input>"
        self.detail = detail
        msg = f"{escape_name(self.source)}: {self.reason}"
        if detail:
            msg += f" ({one_line(detail)})"
        super().__init__(msg)


class NotFound(DocumentError):
    reason = "file not found"


class NotRegularFile(DocumentError):
    """A FIFO, socket, device or folder where a file was expected; ``detail`` names the kind."""

    reason = "not a regular file"


class UnsupportedFormat(DocumentError):
    reason = "unsupported format"


class LegacyDoc(UnsupportedFormat):
    reason = "legacy Word .doc (binary) format is not supported; save it as .docx"


class Encrypted(DocumentError):
    reason = "document is encrypted or password-protected"


class Corrupt(DocumentError):
    reason = "file is corrupt or truncated"


class ZipBomb(Corrupt):
    reason = "archive expands to a suspicious size (possible zip bomb)"


class TooLarge(DocumentError):
    reason = "file exceeds the size or page limit"


class EmptyDocument(DocumentError):
    reason = "file is empty"


class NoText(DocumentError):
    reason = "no text could be extracted"


class PlaybookError(AnalyzerError):
    """A playbook failed to load or validate. ``errors`` holds '[loc] msg' lines."""

    def __init__(self, source: Union[str, Path], errors: list[str]):
        self.source = str(source)
        self.errors = errors
        first = one_line(errors[0]) if errors else "invalid playbook"
        more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(f"{escape_name(self.source)}: {first}{more}")


class ModelError(AnalyzerError):
    """The classifier artifact is missing or does not match the taxonomy."""


class ConfigError(AnalyzerError):
    """An ``ANALYZER_*`` environment variable holds a value that cannot be used.

    The message names the variable, its value and what was expected, on one line.
    """
