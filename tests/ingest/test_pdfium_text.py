"""PDFium engine: the same text as pdfplumber on the fixtures and samples, grouping rules,
rotated pages, tables, the engine switch, and one-line errors for bad PDFs."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from analyzer.core import errors as E
from analyzer.core.errors import ConfigError
from analyzer.ingest import Limits, parse
from analyzer.ingest import pdfium_text as pt
from analyzer.ingest.pdf import ENGINES, parse_pdf, pdf_engine

ROOT = Path(__file__).resolve().parents[2]
PDF_DIR = ROOT / "tests" / "data" / "pdf"
SAMPLES = ROOT / "samples"
CONTRACT = PDF_DIR / "contract_3p.pdf"
SAME_AGREEMENT = ["tech_license", "jv_agreement", "rd_collaboration", "mutual_nda"]


def _parse(path: Path, engine: str, limits: Limits | None = None):
    data = path.read_bytes()
    return parse_pdf(data, name=path.name, sha256=hashlib.sha256(data).hexdigest(),
                     limits=limits or Limits(), engine=engine)


def _layout(doc) -> tuple:
    return (doc.text, [p.model_dump() for p in doc.pages], [b.model_dump() for b in doc.blocks],
            [i.model_dump() for i in doc.issues])


def _char(text, x0, top, x1=None, size=10.0, index=0, space=False, upright=True):
    return (text, x0, top, x0 + 5 if x1 is None else x1, top + size, upright, index, space)


def _chars(*specs) -> list:
    """Characters with consecutive stream indexes: (text, x0, top[, x1][, {options}])."""
    out = []
    for i, spec in enumerate(specs):
        opts = spec[-1] if isinstance(spec[-1], dict) else {}
        pos = spec[:-1] if opts else spec
        out.append(_char(*pos, **opts, index=i))
    return out


# ------------------------------------------------------------------ same text as pdfplumber

@pytest.mark.parametrize("name", ["contract_3p.pdf", "two_pages.pdf"])
def test_pdfium_text_equals_pdfplumber_on_fixtures(name):
    assert _layout(_parse(PDF_DIR / name, "pdfium")) == _layout(_parse(PDF_DIR / name, "pdfplumber"))


@pytest.mark.parametrize("name", SAME_AGREEMENT + ["bilingual_license"])
def test_pdfium_text_equals_pdfplumber_on_samples(name):
    """Same canonical text, pages and blocks; bilingual_license also takes the bilingual-table
    reader (pdfplumber's ruling-line table finder) on its pages with Chinese text."""
    path = SAMPLES / f"{name}.pdf"
    assert _layout(_parse(path, "pdfium")) == _layout(_parse(path, "pdfplumber"))


@pytest.mark.parametrize("name", SAME_AGREEMENT)
def test_pdfium_clause_tree_equals_docx_and_txt(monkeypatch, name):
    from analyzer.structure.segment import segment

    monkeypatch.setenv("ANALYZER_PDF_ENGINE", "pdfium")

    def top(path):
        return [(c.kind, c.number, c.heading) for c in segment(parse(path)) if c.level == 0]

    pdf = top(SAMPLES / f"{name}.pdf")
    assert pdf == top(SAMPLES / f"{name}.txt") == top(SAMPLES / f"{name}.docx")
    assert len([t for t in pdf if t[1]]) >= 8


@pytest.mark.parametrize("row", [
    ("Country Application / patent no. Title Status Germany DE 10 2019 104 551 Diffractive beam shaper "
     "Granted with stepped phase profile"),
    "China CN 112 345 678 A Method of replicating Pending diffractive microstructures",
])
def test_pdfium_table_rows_are_extracted(row):
    """A ruled table's cells are read row by row, as with pdfplumber."""
    doc = _parse(SAMPLES / "tech_license.pdf", "pdfium")
    assert row in doc.text
    table = [b for b in doc.blocks if b.kind == "paragraph" and doc.text[b.start:b.end] == row]
    assert table and table[0].page == 6


def test_pdfium_hyphen_at_line_end_is_undone_like_pdfplumber():
    text = _parse(CONTRACT, "pdfium").text
    assert "(the “Agreement”)" in text and "a non-exclusive, non-transferable" in text
    assert "\ufffe" not in text and "Agree-" not in text


# ------------------------------------------------------------------ grouping rules

@pytest.mark.parametrize("chars, lines", [
    # gap > 3 points splits a word; gap <= 3 does not
    (_chars(("a", 0, 100, 5), ("b", 5, 100, 10), ("c", 13.5, 100, 18), ("d", 21, 100, 26)), ["ab cd"]),
    # a blank of the PDF splits; characters are read left to right whatever the content order
    (_chars(("y", 14, 100, 19), ("x", 0, 100, 5), (" ", 5, 100, 7), ("z", 8, 100, 13)), ["x zy"]),
    # tops within 3 points are one line (clusters chain); further apart, two lines
    (_chars(("a", 0, 100), ("b", 5, 102), ("c", 10, 104.5), ("d", 0, 120)), ["abc", "d"]),
    # a space PDFium writes between two consecutive characters splits them
    (_chars(("a", 0, 100, 5), ("b", 5, 100, 10, {"space": True}), ("c", 10, 100, 15)), ["a bc"]),
])
def test_pdfium_chars_to_lines(chars, lines):
    assert [t for t, _, _ in pt.chars_to_lines(chars)] == lines


def test_pdfium_space_between_characters_not_adjacent_does_not_split():
    # "b" follows "a" on the page but not in content order: PDFium's space is not between them
    chars = [_char("b", 5, 100, 10, index=0), _char("x", 50, 100, 55, index=1, space=True),
             _char("a", 0, 100, 5, index=2, space=True)]
    assert [t for t, _, _ in pt.chars_to_lines(chars)] == ["ab x"]


def test_pdfium_line_boxes_are_font_sized():
    lines = pt.chars_to_lines(_chars(("a", 0, 100, 5, {"size": 12.0}), ("b", 5, 101, 10, {"size": 12.0})))
    assert lines == [("ab", 100, 113)]


def _rotated_pdf(page_rotation: int, text_angle: int) -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    c.setPageRotation(page_rotation)
    c.drawString(72, 720, "1. Scope. This Agreement covers the supply of the Products.")
    c.drawString(72, 700, "2. Term. It runs for five years from the Effective Date.")
    c.saveState()
    c.translate(300, 400)
    c.rotate(text_angle)
    c.drawString(0, 0, "Vertical note here")
    c.restoreState()
    c.showPage()
    c.save()
    return buf.getvalue()


@pytest.mark.parametrize("page_rotation, text_angle",
                         [(r, a) for r in (0, 90, 180, 270) for a in (0, 90, 180, 270)])
def test_pdfium_rotated_pages_and_text_read_like_pdfplumber(page_rotation, text_angle):
    """Pages with a /Rotate and text turned by quarter turns give pdfplumber's lines (text at
    other angles is read as upright by both, but their boxes differ slightly)."""
    import pdfplumber
    import pypdfium2 as pdfium

    data = _rotated_pdf(page_rotation, text_angle)
    with pt.LOCK:
        pdf = pdfium.PdfDocument(data)
        try:
            page = pdf[0]
            got = [t for t, _, _ in pt.page_lines(page)]
            page.close()
        finally:
            pdf.close()
    with pdfplumber.open(io.BytesIO(data)) as p:
        want = [r["text"] for r in p.pages[0].extract_text_lines(strip=True, return_chars=False)]
    assert got == want


# ------------------------------------------------------------------ engine switch

def test_pdfium_is_the_default_engine(monkeypatch):
    monkeypatch.delenv("ANALYZER_PDF_ENGINE", raising=False)
    assert pdf_engine() == "pdfium" and ENGINES[0] == "pdfium"


@pytest.mark.parametrize("engine, used, unused", [
    ("pdfium", "pdfium", "pdfplumber"),
    ("pdfplumber", "pdfplumber", "pdfium"),
])
def test_pdfium_engine_switch_by_env_picks_the_reader(monkeypatch, engine, used, unused):
    from analyzer.ingest import pdf

    calls: list[str] = []
    real_lines, real_plumber = pt.page_lines, pdf._extract_pdfplumber
    monkeypatch.setattr(pt, "page_lines", lambda page: calls.append("pdfium") or real_lines(page))
    monkeypatch.setattr(pdf, "_extract_pdfplumber",
                        lambda *a, **k: calls.append("pdfplumber") or real_plumber(*a, **k))
    monkeypatch.setenv("ANALYZER_PDF_ENGINE", engine)
    doc = parse(CONTRACT)
    assert used in calls and unused not in calls
    assert "7.2 Improvements." in doc.text


def test_pdfium_engine_setting_is_validated(monkeypatch):
    from analyzer.core import settings

    monkeypatch.setenv("ANALYZER_PDF_ENGINE", "mupdf")
    with pytest.raises(ConfigError, match="ANALYZER_PDF_ENGINE"):
        settings.pdf_engine()


# ------------------------------------------------------------------ bad input

def _encrypted(tmp: Path, user_password: str) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(CONTRACT))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-128")
    path = tmp / ("locked.pdf" if user_password else "owner_only.pdf")
    with open(path, "wb") as fh:
        writer.write(fh)
    return path


@pytest.mark.parametrize("case, error", [
    ("encrypted", E.Encrypted),
    ("truncated", E.Corrupt),
    ("garbled", E.Corrupt),
    ("no_pages", E.Corrupt),
    ("too_many_pages", E.TooLarge),
])
def test_pdfium_bad_pdf_one_line_error(tmp_path, case, error):
    import random

    limits = Limits(max_pages=1) if case == "too_many_pages" else Limits()
    if case == "encrypted":
        path = _encrypted(tmp_path, "s3cret")
    else:
        data = {
            "truncated": CONTRACT.read_bytes()[: CONTRACT.stat().st_size // 2],
            "garbled": b"%PDF-1.7\n" + random.Random(1).randbytes(3000) + b"\n%%EOF\n",
            "no_pages": b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
                        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
            "too_many_pages": (PDF_DIR / "two_pages.pdf").read_bytes(),
        }[case]
        path = tmp_path / f"{case}.pdf"
        path.write_bytes(data)
    with pytest.raises(error) as info:
        _parse(path, "pdfium", limits)
    msg = str(info.value)
    assert "\n" not in msg and msg.startswith(f"{path.name}: ") and error.reason in msg


def test_pdfium_owner_password_only_pdf_is_read(tmp_path):
    doc = _parse(_encrypted(tmp_path, ""), "pdfium")
    assert "7.2 Improvements." in doc.text and len(doc.pages) == 3


def test_pdfium_character_cap_stops_early(monkeypatch):
    from analyzer.ingest import pdf

    pages_done: list[int] = []
    real = pdf._CharBudget.page
    monkeypatch.setattr(pdf._CharBudget, "page", lambda self, lines: pages_done.append(1) or real(self, lines))
    path = SAMPLES / "long_license.pdf"
    with pytest.raises(E.TooLarge, match="characters of text > limit"):
        _parse(path, "pdfium", Limits(max_chars=5000))
    assert 0 < len(pages_done) < 28


def test_pdfium_lock_is_released_after_errors(tmp_path):
    bad = tmp_path / "garbled.pdf"
    bad.write_bytes(b"%PDF-1.7\nnot a pdf at all\n%%EOF\n")
    with pytest.raises(E.Corrupt):
        _parse(bad, "pdfium")
    assert pt.LOCK.acquire(blocking=False)
    pt.LOCK.release()
