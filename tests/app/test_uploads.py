"""Upload handling: size limits, zip extraction without traversal or bombs."""

from __future__ import annotations

import io
import stat
import zipfile

import pytest

from analyzer.core.errors import Corrupt, EmptyDocument, TooLarge, ZipBomb
from analyzer.core.settings import Limits
from ui.uploads import (
    check_upload,
    collect,
    extract_zip,
    safe_member_name,
)

SMALL = Limits(max_upload_bytes=1000, max_archive_members=5, max_archive_bytes=5000,
               max_archive_ratio=50, archive_ratio_floor_bytes=100)


def _zip(members: dict[str, bytes], symlink: str | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in members.items():
            zf.writestr(name, body)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.create_system = 3
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, "/etc/passwd")
    return buf.getvalue()


@pytest.mark.parametrize("raw,expected", [
    ("a.txt", "a.txt"),
    ("dir/b.docx", "dir/b.docx"),
    ("dir/./c.pdf", "dir/c.pdf"),
    ("../evil.txt", None),
    ("dir/../../evil.txt", None),
    ("/etc/passwd", None),
    ("C:/Windows/x.txt", None),
    ("..\\evil.txt", None),
])
def test_uploads_safe_member_name(raw, expected):
    assert safe_member_name(raw) == expected


@pytest.mark.parametrize("size", [1001, 5000])
def test_uploads_check_upload_too_large_names_file_and_limit(size):
    with pytest.raises(TooLarge) as err:
        check_upload("big.pdf", b"x" * size, SMALL)
    msg = str(err.value)
    assert msg.startswith("big.pdf:") and "upload limit" in msg and "\n" not in msg


@pytest.mark.parametrize("data", [b""])
def test_uploads_check_upload_empty(data):
    with pytest.raises(EmptyDocument):
        check_upload("e.txt", data, SMALL)


@pytest.mark.parametrize("unused", [None])
def test_uploads_extract_zip_skips_traversal_symlink_and_unsupported(unused):
    data = _zip({"ok.txt": b"hello", "../evil.txt": b"x", "/abs.txt": b"y", "pic.png": b"z",
                 "__MACOSX/._ok.txt": b"junk", "sub/ok.txt": b"again"}, symlink="link.txt")
    got = extract_zip("bundle.zip", data, Limits(max_upload_bytes=1000, max_archive_members=10))
    assert [f.name for f in got.files] == ["ok.txt", "sub/ok.txt"]
    reasons = {s.name: s.reason for s in got.skipped}
    assert any("unsafe path" in r for r in reasons.values())
    assert reasons["bundle.zip/link.txt"].startswith("symbolic link")
    assert reasons["bundle.zip/pic.png"].startswith("unsupported file type")
    assert len(got.skipped) == 4


@pytest.mark.parametrize("n", [6, 20])
def test_uploads_extract_zip_too_many_members(n):
    data = _zip({f"f{i}.txt": b"a" for i in range(n)})
    with pytest.raises(TooLarge, match="bundle.zip: .*files in the archive"):
        extract_zip("bundle.zip", data, SMALL)


@pytest.mark.parametrize("size", [4000])
def test_uploads_extract_zip_bomb_ratio(size):
    data = _zip({"bomb.txt": b"0" * size})
    with pytest.raises(ZipBomb, match="bundle.zip"):
        extract_zip("bundle.zip", data, SMALL)


@pytest.mark.parametrize("sizes", [(900, 900, 900, 900, 900, 900)])
def test_uploads_extract_zip_total_limit(sizes):
    limits = Limits(max_upload_bytes=1000, max_archive_members=10, max_archive_bytes=5000,
                    max_archive_ratio=10_000, archive_ratio_floor_bytes=10_000)
    data = _zip({f"f{i}.txt": bytes([65 + i]) * s for i, s in enumerate(sizes)})
    with pytest.raises(ZipBomb):
        extract_zip("bundle.zip", data, limits)


@pytest.mark.parametrize("data", [b"PK\x03\x04 this is not really a zip"])
def test_uploads_extract_zip_corrupt(data):
    with pytest.raises(Corrupt, match="bundle.zip: .*not a valid zip"):
        extract_zip("bundle.zip", data, SMALL)


@pytest.mark.parametrize("unused", [None])
def test_uploads_collect_goes_on_past_bad_files(unused):
    items = [("a.txt", b"alpha"), ("big.txt", b"x" * 2000), ("b.zip", _zip({"c.txt": b"gamma", "c2.txt": b""})),
             ("d.zip", b"PK\x03\x04garbage")]
    got = collect(items, SMALL)
    assert [f.name for f in got.files] == ["a.txt", "c.txt"]
    assert {s.name for s in got.skipped} == {"big.txt", "b.zip/c2.txt", "d.zip"}
    assert all(s.reason and "\n" not in s.reason for s in got.skipped)


@pytest.mark.parametrize("unused", [None])
def test_uploads_duplicate_names_are_disambiguated(unused):
    data = _zip({"a/x.txt": b"1", "a/./x.txt": b"2"})
    got = extract_zip("z.zip", data, SMALL)
    assert [f.name for f in got.files] == ["a/x.txt", "a/x (2).txt"]
