"""Exception tree. Every error a user can cause is an ``AnalyzerError``.

``str(err)`` is always one line that names the file and the reason.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional, Union


class AnalyzerError(RuntimeError):
    """Root of every error the analyzer raises on purpose."""


class DocumentError(AnalyzerError):
    """The document could not be read."""

    reason = "could not be read"

    def __init__(self, source: Union[str, Path, None], detail: Optional[str] = None):
        self.source = str(source) if source is not None else "<input>"
        self.detail = detail
        msg = f"{self.source}: {self.reason}"
        if detail:
            msg += f" ({detail})"
        super().__init__(" ".join(msg.split()))


class NotFound(DocumentError):
    reason = "file not found"


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
        first = errors[0] if errors else "invalid playbook"
        more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(f"{self.source}: {first}{more}")


class ModelError(AnalyzerError):
    """The classifier artifact is missing or does not match the taxonomy."""
