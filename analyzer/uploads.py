"""Safe handling of uploaded files: size limits and zip archives.

Uploads stay in memory: nothing here writes to disk, so nothing is left
behind. Zip archives are read member by member with bounded reads, and a
member is refused when its path could escape a folder (absolute paths,
``..``, drive letters, symlinks), when there are too many members, or when
the declared or actual sizes exceed the limits (zip bombs). Every refusal is a
typed ``AnalyzerError`` (whole archive) or a ``Skipped`` entry (one member)
whose message names the file and the reason.
"""

from __future__ import annotations

import hashlib
import io
import os
import posixpath
import stat
import zipfile
import zlib
from dataclasses import dataclass, field

from .errors import Corrupt, EmptyDocument, TooLarge, ZipBomb

MB = 1024 * 1024
SUPPORTED_SUFFIXES = (".docx", ".pdf", ".txt")


def _env_mb(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


@dataclass(frozen=True)
class UploadLimits:
    """Limits for one upload and for zip archives. ``ANALYZER_MAX_UPLOAD_MB`` overrides ``max_file_bytes``."""

    max_file_bytes: int = 50 * MB
    max_zip_members: int = 200
    max_zip_total_bytes: int = 200 * MB
    max_zip_ratio: int = 100
    ratio_floor_bytes: int = MB  # small members may compress well without being suspicious

    @classmethod
    def from_env(cls) -> "UploadLimits":
        return cls(max_file_bytes=_env_mb("ANALYZER_MAX_UPLOAD_MB", 50) * MB)


@dataclass(frozen=True)
class Upload:
    """One file ready for ``analyze()``: its display name and bytes."""

    name: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class Skipped:
    """A file that was not taken, with a one-line reason that names it."""

    name: str
    reason: str
    status: str = "failure"  # "skipped" when the file was simply not of a supported type

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


def check_upload(name: str, data: bytes, limits: UploadLimits | None = None) -> Upload:
    """Validate one uploaded file's size; raise ``TooLarge``/``EmptyDocument`` with a clear message."""
    limits = limits or UploadLimits.from_env()
    if len(data) > limits.max_file_bytes:
        raise TooLarge(name, f"{human_size(len(data))} is over the upload limit of {human_size(limits.max_file_bytes)}")
    if not data:
        raise EmptyDocument(name)
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


def _bounded_read(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """Read at most ``limit`` bytes; raise ``ValueError`` when the member holds more (lying headers)."""
    out = io.BytesIO()
    with zf.open(info) as fh:
        while True:
            chunk = fh.read(64 * 1024)
            if not chunk:
                break
            out.write(chunk)
            if out.tell() > limit:
                raise ValueError("expands beyond its declared size")
    return out.getvalue()


def extract_zip(name: str, data: bytes, limits: UploadLimits | None = None) -> Collected:
    """Read the supported documents inside a zip archive, in memory.

    Whole-archive problems raise: ``Corrupt`` (not a zip), ``TooLarge`` (too
    many members), ``ZipBomb`` (total or ratio over the limits). Problems with
    one member (unsafe path, symlink, too big, unsupported type, bad CRC)
    become ``Skipped`` entries, and the rest of the archive goes on.
    """
    limits = limits or UploadLimits.from_env()
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise Corrupt(name, f"not a valid zip archive: {exc}") from None
    out = Collected()
    seen: set[str] = set()
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if len(infos) > limits.max_zip_members:
            raise TooLarge(name, f"{len(infos)} files in the archive, the limit is {limits.max_zip_members}")
        declared = sum(i.file_size for i in infos)
        if declared > limits.max_zip_total_bytes:
            raise ZipBomb(name, f"declares {human_size(declared)} uncompressed, the limit is {human_size(limits.max_zip_total_bytes)}")
        total = 0
        for info in infos:
            label = f"{name}/{info.filename}"
            member = safe_member_name(info.filename)
            if member is None:
                out.skipped.append(Skipped(label, "unsafe path in archive (absolute or '..'); not extracted"))
                continue
            if _is_junk(member):
                continue
            label = f"{name}/{member}"
            if _is_symlink(info):
                out.skipped.append(Skipped(label, "symbolic link in archive; not extracted"))
                continue
            if not member.lower().endswith(SUPPORTED_SUFFIXES):
                out.skipped.append(Skipped(label, "unsupported file type (DOCX, PDF or TXT expected)", "skipped"))
                continue
            if (info.file_size > limits.ratio_floor_bytes and info.compress_size
                    and info.file_size / info.compress_size > limits.max_zip_ratio):
                raise ZipBomb(name, f"{member} compresses {info.file_size // info.compress_size}:1")
            if info.file_size > limits.max_file_bytes:
                out.skipped.append(Skipped(label, f"{human_size(info.file_size)} is over the file limit of {human_size(limits.max_file_bytes)}"))
                continue
            try:
                body = _bounded_read(zf, info, min(info.file_size, limits.max_file_bytes))
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as exc:
                out.skipped.append(Skipped(label, f"cannot be extracted: {exc}"))
                continue
            total += len(body)
            if total > limits.max_zip_total_bytes:
                raise ZipBomb(name, f"expands beyond {human_size(limits.max_zip_total_bytes)}")
            if not body:
                out.skipped.append(Skipped(label, "file is empty"))
                continue
            display = member
            n = 2
            while display in seen:
                stem, ext = posixpath.splitext(member)
                display, n = f"{stem} ({n}){ext}", n + 1
            seen.add(display)
            out.files.append(Upload(name=display, data=body))
    return out


def collect(items: list[tuple[str, bytes]], limits: UploadLimits | None = None) -> Collected:
    """Check several uploads; zip archives are expanded safely. Nothing raises: problems become ``Skipped``."""
    from .errors import AnalyzerError

    limits = limits or UploadLimits.from_env()
    out = Collected()
    for name, data in items:
        try:
            if is_zip(name, data):
                if len(data) > limits.max_zip_total_bytes:
                    raise TooLarge(name, f"{human_size(len(data))} is over the archive limit of {human_size(limits.max_zip_total_bytes)}")
                got = extract_zip(name, data, limits)
                out.files.extend(got.files)
                out.skipped.extend(got.skipped)
            else:
                out.files.append(check_upload(name, data, limits))
        except AnalyzerError as exc:
            out.skipped.append(Skipped(name, _reason(exc, name)))
    return out


def _reason(exc: Exception, name: str) -> str:
    msg = str(exc)
    prefix = f"{name}: "
    return msg[len(prefix):] if msg.startswith(prefix) else msg


__all__ = ["Collected", "Skipped", "Upload", "UploadLimits", "check_upload", "collect", "extract_zip",
           "human_size", "is_zip", "safe_member_name"]
