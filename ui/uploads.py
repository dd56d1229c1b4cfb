"""Safe handling of uploaded files: size limits, batch budgets and zip archives.

A single upload stays in memory. Members extracted from zip archives are
streamed into a private temporary folder (mode 0700, one file per member,
named by a counter, never by the member's path) that is removed as soon as
nothing refers to the extracted files any more, or when the process exits.

Zip archives are read member by member with bounded reads, and a member is
refused when its path could escape a folder (absolute paths, ``..``, drive
letters, symlinks), when it is encrypted, when there are too many members, or
when the declared or actual sizes exceed the limits (zip bombs; see
``analyzer.core.settings.Limits``). Every upload
of one batch draws on one ``UploadBudget`` (a number of files and a number of
uncompressed bytes), so several archives together cannot exceed what one
archive may hold. Every refusal is a typed ``AnalyzerError`` (whole archive)
or a ``Skipped`` entry (one member, or the rest of an archive once the budget
is spent) whose message names the file and the reason.
"""

from __future__ import annotations

import hashlib
import io
import lzma
import os
import posixpath
import shutil
import stat
import struct
import tempfile
import weakref
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Optional

from analyzer.core.errors import (
    AnalyzerError,
    Corrupt,
    EmptyDocument,
    TooLarge,
    ZipBomb,
    escape_name,
    one_line,
)
from analyzer.core.schema import Status
from analyzer.core.settings import Limits
from analyzer.ingest import detect_format

SUPPORTED_SUFFIXES = (".docx", ".pdf", ".txt")
CHUNK = 64 * 1024
# Bytes of an extracted member read to tell its format (an encrypted Office file differs from a .doc
# further in than the first block).
SNIFF_BYTES = 1 << 20
# Suffixes taken out of an archive: the supported ones, and .doc, which the format check then names.
EXTRACTED_SUFFIXES = (*SUPPORTED_SUFFIXES, ".doc")
# Bytes of central directory allowed per permitted member (names, extra fields, comments).
DIRECTORY_BYTES_PER_MEMBER = 4096
ZIP_FLAG_ENCRYPTED = 0x1

# Everything zipfile and its decompressors (zlib, bz2 as OSError, lzma) raise for a damaged,
# hostile or unsupported archive; RuntimeError is what zipfile raises for an encrypted member.
ARCHIVE_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, lzma.LZMAError, struct.error, EOFError,
                  OSError, ValueError, NotImplementedError, RuntimeError, KeyError, IndexError, OverflowError)


class UploadBudget:
    """What one batch may still take: a number of files and of (uncompressed) bytes.

    One budget is shared by every upload of a batch, zip members included, so
    many small archives cannot add up to more than the batch limits.
    """

    def __init__(self, max_files: int, max_bytes: int):
        self.max_files = max_files
        self.max_bytes = max_bytes
        self.files = 0
        self.bytes = 0

    @classmethod
    def for_limits(cls, limits: Limits) -> "UploadBudget":
        return cls(limits.max_batch_files, limits.max_batch_bytes)

    @property
    def files_left(self) -> int:
        return max(0, self.max_files - self.files)

    @property
    def bytes_left(self) -> int:
        return max(0, self.max_bytes - self.bytes)

    def refusal(self, size: int) -> Optional[str]:
        """Why one more file of ``size`` bytes does not fit, or None when it does."""
        if self.files_left < 1:
            return f"the batch limit of {self.max_files} files is reached"
        if size > self.bytes_left:
            return (f"the batch limit of {human_size(self.max_bytes)} uncompressed is reached "
                    f"({human_size(self.bytes_left)} left, this file needs {human_size(size)})")
        return None

    def take(self, size: int) -> None:
        self.files += 1
        self.bytes += size

    def give_back(self, size: int) -> None:
        """Return what ``take`` took for a file that was dropped after all."""
        self.files -= 1
        self.bytes -= size


class _Spool:
    """A private temporary folder for extracted members; removed when no longer referenced."""

    def __init__(self) -> None:
        self.path = tempfile.mkdtemp(prefix="clause-analyzer-upload-")
        self._count = 0
        self._finalizer = weakref.finalize(self, shutil.rmtree, self.path, True)

    def new_file(self) -> str:
        self._count += 1
        return os.path.join(self.path, f"{self._count:06d}")

    def remove(self) -> None:
        self._finalizer()


class Upload:
    """One file ready for ``analyze()``: its display name and bytes.

    The bytes are held in memory (``Upload(name, data)``) or in a private
    temporary file (zip members), read back when ``data`` is asked for.
    """

    __slots__ = ("name", "_data", "_path", "_spool", "_size", "_sha256", "__weakref__")

    def __init__(self, name: str, data: Optional[bytes] = None, *, path: Optional[str] = None,
                 size: Optional[int] = None, sha256: Optional[str] = None, spool: Optional[_Spool] = None):
        if (data is None) == (path is None):
            raise TypeError("Upload takes either data or path")
        self.name = name
        self._data = bytes(data) if data is not None else None
        self._path = path
        self._spool = spool  # keeps the temporary folder alive as long as this upload
        self._size = len(self._data) if self._data is not None else size
        self._sha256 = sha256

    @property
    def data(self) -> bytes:
        if self._data is not None:
            return self._data
        with open(self._path, "rb") as fh:
            return fh.read()

    @property
    def sha256(self) -> str:
        if self._sha256 is None:
            self._sha256 = hashlib.sha256(self.data).hexdigest()
        return self._sha256

    @property
    def size(self) -> int:
        if self._size is None:
            self._size = len(self.data)
        return self._size

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Upload):
            return NotImplemented
        return (self.name, self.size, self.sha256) == (other.name, other.size, other.sha256)

    def __hash__(self) -> int:
        return hash((self.name, self.sha256))

    def __repr__(self) -> str:
        return f"Upload(name={self.name!r}, size={self.size})"


@dataclass(frozen=True)
class Skipped:
    """A file that was not taken, with a one-line reason that names it."""

    name: str
    reason: str
    status: Status = Status.FAILURE  # SKIPPED when the file was simply not taken (unsupported type, batch limit)

    def __str__(self) -> str:
        return f"{self.name}: {self.reason}"


@dataclass
class Collected:
    """Result of collecting several uploads: files to analyze and files refused."""

    files: list[Upload] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def human_size(n: int) -> str:
    size = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{int(size)} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} bytes"  # pragma: no cover


def check_upload(name: str, data: bytes, limits: Limits | None = None) -> Upload:
    """Validate one uploaded file: its size, and its format sniffed from the bytes.

    Raises ``TooLarge``/``EmptyDocument``, or the typed error the parser gives
    for a format it does not read (``LegacyDoc`` for a Word 97-2003 ``.doc``,
    whatever its extension), so the page and the CLI give the same one-line reason.
    """
    limits = limits or Limits.from_env()
    if len(data) > limits.max_upload_bytes:
        raise TooLarge(name, f"{human_size(len(data))} is over the upload limit of "
                             f"{human_size(limits.max_upload_bytes)}")
    if not data:
        raise EmptyDocument(name)
    detect_format(bytes(data), name)
    return Upload(name=name, data=bytes(data))


def is_zip(name: str, data: bytes) -> bool:
    return name.lower().endswith(".zip") and data[:4] in (b"PK\x03\x04", b"PK\x05\x06")


def safe_member_name(raw: str) -> str | None:
    """Normalized relative path of a zip member, or None when it could escape a folder."""
    name = raw.replace("\\", "/")
    if not name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return None
    parts = name.split("/")
    if any(p == ".." for p in parts) or "\x00" in name:
        return None
    norm = posixpath.normpath(name)
    if norm.startswith("../") or norm == ".." or norm.startswith("/"):
        return None
    return norm


def _is_junk(name: str) -> bool:
    base = posixpath.basename(name)
    return name.startswith("__MACOSX/") or base.startswith(".") or base in ("Thumbs.db", "desktop.ini")


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    mode = info.external_attr >> 16
    return info.create_system == 3 and stat.S_ISLNK(mode)


def _is_encrypted(info: zipfile.ZipInfo) -> bool:
    return bool(info.flag_bits & ZIP_FLAG_ENCRYPTED)


def _check_directory(name: str, data: bytes, limits: Limits) -> None:
    """Refuse an archive whose end record declares too many entries or too large a central directory.

    Checked before ``zipfile`` builds one object per entry, so a tiny archive
    that declares millions of entries costs nothing.
    """
    end_record = getattr(zipfile, "_EndRecData", None)
    if end_record is None:
        return
    try:
        rec = end_record(io.BytesIO(data))
    except ARCHIVE_ERRORS:
        return  # zipfile.ZipFile reports it as a bad archive
    if not rec:
        return
    entries = rec[getattr(zipfile, "_ECD_ENTRIES_TOTAL", 4)]
    directory = rec[getattr(zipfile, "_ECD_SIZE", 5)]
    if entries > limits.max_archive_members:
        raise TooLarge(name, f"{entries} files in the archive, the limit is {limits.max_archive_members}")
    if directory > limits.max_archive_members * DIRECTORY_BYTES_PER_MEMBER:
        raise TooLarge(name, f"the archive's directory takes {human_size(directory)}, "
                             f"the limit is {human_size(limits.max_archive_members * DIRECTORY_BYTES_PER_MEMBER)}")


def _extract_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, spool: _Spool, limit: int) -> tuple[str, int, str]:
    """Stream one member into a new file of ``spool``; give (path, size, sha256).

    Reads at most ``limit`` bytes and raises ``ValueError`` when the member
    holds more (headers that lie about the size). The file is removed on failure.
    """
    path = spool.new_file()
    digest = hashlib.sha256()
    size = 0
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    try:
        with os.fdopen(fd, "wb") as out, zf.open(info) as fh:
            while True:
                chunk = fh.read(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise ValueError("expands beyond its declared size")
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        try:
            os.unlink(path)
        except OSError:
            pass
        raise
    return path, size, digest.hexdigest()


def _format_refusal(path: str, label: str) -> Optional[str]:
    """Why the extracted file at ``path`` is not a format the analyzer reads, or None when it is."""
    with open(path, "rb") as fh:
        head = fh.read(SNIFF_BYTES)
    try:
        detect_format(head, label)
    except AnalyzerError as exc:
        return _reason(exc, label)
    return None


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _not_extracted(name: str, reason: str, rest: list[str]) -> Skipped:
    shown = ", ".join(escape_name(r) for r in rest[:3]) + (", …" if len(rest) > 3 else "")
    return Skipped(name, f"{reason}: {len(rest)} more file(s) not extracted ({shown})", Status.SKIPPED)


def extract_zip(name: str, data: bytes, limits: Limits | None = None,
                budget: UploadBudget | None = None, *, spool: _Spool | None = None) -> Collected:
    """Extract the supported documents inside a zip archive into a private temporary folder.

    Whole-archive problems raise: ``Corrupt`` (not a zip, or unreadable),
    ``TooLarge`` (too many members), ``ZipBomb`` (total or ratio over the
    limits). Problems with one member (unsafe path, symlink, encrypted, too
    big, unsupported type, bad CRC) become ``Skipped`` entries, and the rest of
    the archive goes on. Once ``budget`` (the batch's files and bytes) is
    spent, the rest of the archive is not extracted and one ``Skipped`` entry
    names what was left out. Members are written into ``spool`` (a new private
    temporary folder by default), which lives as long as the returned files.
    """
    limits = limits or Limits.from_env()
    budget = budget or UploadBudget.for_limits(limits)
    _check_directory(name, data, limits)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in zf.infolist() if not i.is_dir()]
    except ARCHIVE_ERRORS as exc:
        raise Corrupt(name, f"not a valid zip archive: {exc}") from None
    out = Collected()
    seen: set[str] = set()
    own = spool is None
    spool = spool or _Spool()
    try:
        with zf:
            if len(infos) > limits.max_archive_members:
                raise TooLarge(name, f"{len(infos)} files in the archive, the limit is {limits.max_archive_members}")
            declared = sum(i.file_size for i in infos)
            if declared > limits.max_archive_bytes:
                raise ZipBomb(name, f"declares {human_size(declared)} uncompressed, "
                                    f"the limit is {human_size(limits.max_archive_bytes)}")
            total = 0
            for index, info in enumerate(infos):
                label = f"{name}/{escape_name(info.filename)}"
                member = safe_member_name(info.filename)
                if member is None:
                    out.skipped.append(Skipped(label, "unsafe path in archive (absolute or '..'); not extracted"))
                    continue
                if _is_junk(member):
                    continue
                label = f"{name}/{escape_name(member)}"
                if _is_symlink(info):
                    out.skipped.append(Skipped(label, "symbolic link in archive; not extracted"))
                    continue
                if not member.lower().endswith(EXTRACTED_SUFFIXES):
                    out.skipped.append(Skipped(label, "unsupported file type (DOCX, PDF or TXT expected)",
                                               Status.SKIPPED))
                    continue
                if _is_encrypted(info):
                    out.skipped.append(Skipped(label, "encrypted zip member"))
                    continue
                if (info.file_size > limits.archive_ratio_floor_bytes and info.compress_size
                        and info.file_size / info.compress_size > limits.max_archive_ratio):
                    raise ZipBomb(name, f"{member} compresses {info.file_size // info.compress_size}:1")
                if info.file_size > limits.max_upload_bytes:
                    out.skipped.append(Skipped(label, f"{human_size(info.file_size)} is over the file limit of "
                                                      f"{human_size(limits.max_upload_bytes)}"))
                    continue
                refusal = budget.refusal(info.file_size)
                if refusal is not None:
                    rest = [m for m in (safe_member_name(i.filename) for i in infos[index:])
                            if m is not None and not _is_junk(m)]
                    out.skipped.append(_not_extracted(name, refusal, rest))
                    break
                try:
                    path, size, sha = _extract_member(zf, info, spool, info.file_size)
                except ARCHIVE_ERRORS as exc:
                    out.skipped.append(Skipped(label, f"cannot be extracted: {one_line(exc) or type(exc).__name__}"))
                    continue
                total += size
                if total > limits.max_archive_bytes:
                    _remove(path)
                    raise ZipBomb(name, f"expands beyond {human_size(limits.max_archive_bytes)}")
                if not size:
                    _remove(path)
                    out.skipped.append(Skipped(label, "file is empty"))
                    continue
                refused = _format_refusal(path, label)
                if refused is not None:
                    _remove(path)
                    out.skipped.append(Skipped(label, refused))
                    continue
                budget.take(size)
                display = member
                n = 2
                while display in seen:
                    stem, ext = posixpath.splitext(member)
                    display, n = f"{stem} ({n}){ext}", n + 1
                seen.add(display)
                out.files.append(Upload(display, path=path, size=size, sha256=sha, spool=spool))
    except AnalyzerError:
        _discard(out, spool, budget, own)
        raise
    except ARCHIVE_ERRORS as exc:
        _discard(out, spool, budget, own)
        raise Corrupt(name, f"cannot read the archive: {one_line(exc) or type(exc).__name__}") from None
    except BaseException:
        _discard(out, spool, budget, own)
        raise
    return out


def _discard(out: Collected, spool: _Spool, budget: UploadBudget, own: bool) -> None:
    """Undo what an archive that failed part-way had already extracted: files and budget."""
    for upload in out.files:
        budget.give_back(upload.size)
        if upload._path is not None and not own:
            _remove(upload._path)
    if own:
        spool.remove()


def collect(items: list[tuple[str, bytes]], limits: Limits | None = None,
            budget: UploadBudget | None = None) -> Collected:
    """Check several uploads; zip archives are expanded safely. Nothing raises: problems become ``Skipped``.

    All ``items`` draw on one ``budget`` (by default a new one from ``limits``):
    once the batch's files or bytes are spent, the remaining files and members
    are refused with a message naming them.
    """
    limits = limits or Limits.from_env()
    budget = budget or UploadBudget.for_limits(limits)
    out = Collected()
    spool: _Spool | None = None
    for name, data in items:
        try:
            if is_zip(name, data):
                if len(data) > limits.max_archive_bytes:
                    raise TooLarge(name, f"{human_size(len(data))} is over the archive limit of "
                                         f"{human_size(limits.max_archive_bytes)}")
                spool = spool or _Spool()
                got = extract_zip(name, data, limits, budget, spool=spool)
                out.files.extend(got.files)
                out.skipped.extend(got.skipped)
            else:
                upload = check_upload(name, data, limits)
                refusal = budget.refusal(upload.size)
                if refusal is not None:
                    out.skipped.append(Skipped(name, f"not taken: {refusal}", Status.SKIPPED))
                    continue
                budget.take(upload.size)
                out.files.append(upload)
        except AnalyzerError as exc:
            out.skipped.append(Skipped(name, _reason(exc, name)))
        except ARCHIVE_ERRORS as exc:
            out.skipped.append(Skipped(name, f"cannot read the archive: {one_line(exc) or type(exc).__name__}"))
    return out


def _reason(exc: Exception, name: str) -> str:
    msg = str(exc)
    prefix = f"{escape_name(name)}: "
    return msg[len(prefix):] if msg.startswith(prefix) else msg


__all__ = ["ARCHIVE_ERRORS", "Collected", "Skipped", "Upload", "UploadBudget", "check_upload",
           "collect", "extract_zip", "human_size", "is_zip", "safe_member_name"]
