"""Bad input: every case gives a typed error with a one-line message naming the
file, both from ``analyzer.parse()`` and from ``clause-analyzer analyze`` (exit 1,
one line on stderr, no traceback). Bad files fail in parse(), before any model loads.
"""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import pytest

from analyzer.cli import main
from analyzer.core import errors as E
from analyzer.core.schema import Format
from analyzer.ingest import Limits, parse

PDF_DIR = Path(__file__).resolve().parents[1] / "data" / "pdf"
CONTRACT_PDF = PDF_DIR / "contract_3p.pdf"
TWO_PAGES_PDF = PDF_DIR / "two_pages.pdf"
PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x02\x00\x00\x00"


def _encrypted_pdf(tmp: Path, user_password: str = "s3cret") -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(CONTRACT_PDF))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-128")
    path = tmp / ("locked.pdf" if user_password else "owner_only.pdf")
    with open(path, "wb") as fh:
        writer.write(fh)
    return path


def _valid_docx_bytes() -> bytes:
    pytest.importorskip("analyzer.ingest.docx")
    import docx

    d = docx.Document()
    d.add_paragraph("LICENCE AGREEMENT")
    for i in range(1, 30):
        d.add_paragraph(f"{i}. The Licensee shall comply with clause {i} of this Agreement in every respect.")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _write(tmp: Path, name: str, data: bytes) -> Path:
    path = tmp / name
    path.write_bytes(data)
    return path


def _zip_bomb_docx(tmp: Path) -> Path:
    """A well-formed DOCX whose document.xml holds 60 MB of padding (ratio ~1000:1)."""
    src = zipfile.ZipFile(io.BytesIO(_valid_docx_bytes()))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                data = data.replace(b"<w:body>", b"<w:body><!--" + b" " * 60_000_000 + b"-->", 1)
            out.writestr(info.filename, data)
    return _write(tmp, "bomb.docx", buf.getvalue())


# name -> (builder(tmp_path) -> path, expected error, env for the CLI / Limits for parse())
CASES = {
    "encrypted_pdf": (lambda t: _encrypted_pdf(t), E.Encrypted, {}),
    "truncated_pdf": (lambda t: _write(t, "half.pdf", CONTRACT_PDF.read_bytes()[: CONTRACT_PDF.stat().st_size // 2]),
                      E.Corrupt, {}),
    "garbled_pdf": (lambda t: _write(t, "garbled.pdf", b"%PDF-1.7\n" + random.Random(1).randbytes(3000) + b"\n%%EOF\n"),
                    E.Corrupt, {}),
    "truncated_docx": (lambda t: _write(t, "half.docx", _valid_docx_bytes()[:6000]), E.Corrupt, {}),
    "zip_bomb_docx": (_zip_bomb_docx, E.ZipBomb, {}),
    "legacy_doc": (lambda t: _write(t, "old.doc", E_OLE + b"\x00" * 4096), E.LegacyDoc, {}),
    "empty_file": (lambda t: _write(t, "empty.txt", b""), E.EmptyDocument, {}),
    "whitespace_only": (lambda t: _write(t, "blank.txt", b" \n\t\r\n   \n"), E.EmptyDocument, {}),
    "png_named_pdf": (lambda t: _write(t, "picture.pdf", PNG_HEADER + random.Random(2).randbytes(2000)),
                      E.UnsupportedFormat, {}),
    "binary_garbage": (lambda t: _write(t, "garbage.bin", random.Random(3).randbytes(5000)), E.UnsupportedFormat, {}),
    "over_size_limit": (lambda t: _write(t, "big.txt", b"The Licensee shall pay. " * 100), E.TooLarge,
                        {"ANALYZER_MAX_BYTES": "1000"}),
    "over_page_limit": (lambda t: _write(t, "two.pdf", TWO_PAGES_PDF.read_bytes()), E.TooLarge,
                        {"ANALYZER_MAX_PAGES": "1"}),
    "not_found": (lambda t: t / "missing.docx", E.NotFound, {}),
}
E_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _limits(env: dict) -> Limits:
    return Limits(max_bytes=int(env.get("ANALYZER_MAX_BYTES", Limits.max_bytes)),
                  max_pages=int(env.get("ANALYZER_MAX_PAGES", Limits.max_pages)))


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    for var in ("ANALYZER_MAX_BYTES", "ANALYZER_MAX_PAGES", "ANALYZER_PDF_ENGINE"):
        monkeypatch.delenv(var, raising=False)


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_parse_raises_typed_one_line_error(tmp_path, case):
    build, error, env = CASES[case]
    path = build(tmp_path)
    with pytest.raises(error) as info:
        parse(path, limits=_limits(env))
    msg = str(info.value)
    assert "\n" not in msg and path.name in msg and info.value.reason in msg
    assert isinstance(info.value, E.DocumentError)


@pytest.mark.usefixtures("stub_classifier")  # the CLI stops before classification; never the real model
@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_cli_exits_1_with_one_line(tmp_path, capsys, monkeypatch, case):
    build, error, env = CASES[case]
    path = build(tmp_path)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert main(["analyze", str(path)]) == 1
    captured = capsys.readouterr()
    lines = [ln for ln in captured.err.splitlines() if ln.strip()]
    assert len(lines) == 1, captured.err
    assert path.name in lines[0] and error.reason in lines[0]
    assert "Traceback" not in captured.err and captured.out == ""


@pytest.mark.parametrize("engine", ["pdfplumber", "pypdf"])
def test_bad_input_encrypted_pdf_with_either_engine(tmp_path, monkeypatch, engine):
    monkeypatch.setenv("ANALYZER_PDF_ENGINE", engine)
    with pytest.raises(E.Encrypted, match="locked.pdf"):
        parse(_encrypted_pdf(tmp_path))


@pytest.mark.parametrize("user_password", [""])
def test_bad_input_owner_password_only_pdf_is_readable(tmp_path, user_password):
    doc = parse(_encrypted_pdf(tmp_path, user_password))
    assert doc.format is Format.PDF and "7.2 Improvements." in doc.text


@pytest.mark.parametrize("name", ["contract.docx", "contract.txt", "contract"])
def test_bad_input_pdf_with_wrong_extension_parses_as_pdf(tmp_path, name):
    doc = parse(_write(tmp_path, name, CONTRACT_PDF.read_bytes()))
    assert doc.format is Format.PDF and doc.source == name and len(doc.pages) == 3


@pytest.mark.parametrize("max_bytes", [10, 999])
def test_bad_input_size_limit_from_limits_and_env(tmp_path, monkeypatch, max_bytes):
    path = _write(tmp_path, "c.txt", b"x" * 1000)
    with pytest.raises(E.TooLarge, match=f"limit {max_bytes:,}"):
        parse(path, limits=Limits(max_bytes=max_bytes))
    monkeypatch.setenv("ANALYZER_MAX_BYTES", str(max_bytes))
    with pytest.raises(E.TooLarge, match="c.txt"):
        parse(path)
    with pytest.raises(E.TooLarge, match="bytes.txt"):
        parse(path.read_bytes(), filename="bytes.txt")


@pytest.mark.parametrize("max_pages, ok", [(1, False), (2, True)])
def test_bad_input_page_limit(max_pages, ok):
    if ok:
        assert len(parse(TWO_PAGES_PDF, limits=Limits(max_pages=max_pages)).pages) == 2
    else:
        with pytest.raises(E.TooLarge, match="2 pages > limit 1"):
            parse(TWO_PAGES_PDF, limits=Limits(max_pages=max_pages))


@pytest.mark.parametrize("var, value, expected", [
    ("ANALYZER_MAX_BYTES", "2048", 2048), ("ANALYZER_MAX_BYTES", "50M", 50 * 1024**2),
    ("ANALYZER_MAX_BYTES", "1g", 1024**3), ("ANALYZER_MAX_PAGES", "7", 7),
])
def test_bad_input_limits_from_env(monkeypatch, var, value, expected):
    monkeypatch.setenv(var, value)
    limits = Limits.from_env()
    assert (limits.max_bytes if var == "ANALYZER_MAX_BYTES" else limits.max_pages) == expected


@pytest.mark.usefixtures("stub_classifier")  # the CLI stops before classification; never the real model
@pytest.mark.parametrize("var, value", [("ANALYZER_MAX_BYTES", "lots"), ("ANALYZER_MAX_BYTES", "0"),
                                        ("ANALYZER_MAX_PAGES", "5M"), ("ANALYZER_MAX_PAGES", "-1")])
def test_bad_input_invalid_limit_env_is_one_line_usage_error(tmp_path, capsys, monkeypatch, var, value):
    monkeypatch.setenv(var, value)
    with pytest.raises(E.ConfigError, match=var):
        Limits.from_env()
    path = _write(tmp_path, "c.txt", b"The Licensee shall pay.")
    assert main(["analyze", str(path)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and var in err and "Traceback" not in err
