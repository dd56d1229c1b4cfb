"""DOCX parser: golden files, numbering, tracked changes, comments, notes, tables, pages, safety."""

from __future__ import annotations

import io
import json
import re
import sys
import zipfile
from pathlib import Path

import pytest
from support import verify_golden
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer.core.errors import (
    Corrupt,
    DocumentError,
    NoText,
    TooLarge,
    UnsupportedFormat,
    ZipBomb,
)
from analyzer.ingest import Limits, parse
from analyzer.ooxml.numbering import format_number, letters, roman

DOCX_DATA = Path(__file__).resolve().parents[1] / "data" / "docx"
SOURCES = DOCX_DATA / "sources"
GROUNDTRUTH = DOCX_DATA / "groundtruth"
sys.path.insert(0, str(DOCX_DATA))
import make_fixtures as mk  # noqa: E402

FIXTURES = sorted(p.name for p in SOURCES.glob("*.docx"))


def _parse(name: str):
    return parse(SOURCES / name)


def _by_kind(doc, kind):
    return [b for b in doc.blocks if b.kind == kind]


def _span(doc, block):
    return doc.text[block.start:block.end]


def _lines_with_numbers(doc):
    return [(b.number, _span(doc, b)) for b in doc.blocks if b.number]


# ------------------------------------------------------------------ golden files

@pytest.mark.parametrize("name", FIXTURES)
def test_parsers_docx_golden(name):
    doc = _parse(name)
    stem = Path(name).stem
    verify_golden(GROUNDTRUTH / f"{stem}.txt", doc.text)
    structure = {
        "pages": [p.model_dump() for p in doc.pages],
        "issues": [i.model_dump() for i in doc.issues],
        "blocks": [b.model_dump(exclude_none=True) | {"span": _span(doc, b)} for b in doc.blocks],
    }
    verify_golden(GROUNDTRUTH / f"{stem}.json", json.dumps(structure, indent=1, ensure_ascii=False) + "\n")


@pytest.mark.parametrize("name", list(mk.FIXTURES))
def test_parsers_docx_fixtures_are_current(name):
    """The committed fixtures are what make_fixtures.py builds."""
    if name == "pydocx_basic.docx":
        pytest.skip("python-docx output may vary with its version")
    assert (SOURCES / name).read_bytes() == mk.FIXTURES[name]()


# ------------------------------------------------------------------ invariants

@pytest.mark.parametrize("name", FIXTURES)
def test_parsers_docx_spans_slice_back(name):
    doc = _parse(name)
    n = len(doc.text)
    ids = [b.id for b in doc.blocks]
    assert len(ids) == len(set(ids))
    known = set(ids)
    for b in doc.blocks:
        assert 0 <= b.start <= b.end <= n
        assert b.parent_id is None or b.parent_id in known
        span = _span(doc, b)
        if b.kind in ("paragraph", "heading", "list_item"):
            assert span and span == span.strip("\n"), b
            if b.number:
                assert span.startswith(b.number)
        elif b.kind == "insertion":
            assert span == b.text or (b.start == b.end and b.text == "\n")
        elif b.kind == "deletion":
            assert b.start == b.end and b.text
        elif b.kind == "table_cell":
            parent = next(x for x in doc.blocks if x.id == b.parent_id)
            assert parent.kind == "table" and parent.start <= b.start <= b.end <= parent.end
    for p in doc.pages:
        assert 0 <= p.start <= p.end <= n


@pytest.mark.parametrize("name", FIXTURES)
def test_parsers_docx_ids_are_deterministic(name):
    assert _parse(name).model_dump() == _parse(name).model_dump()


_WORDS = st.text(alphabet="abcdefgh XYZ,.;()'-", min_size=0, max_size=12)
_RUN = st.tuples(st.sampled_from(["plain", "ins", "del"]), _WORDS)
_PARA = st.tuples(st.sampled_from([None, 0, 1, 2]), st.lists(_RUN, max_size=4))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(paragraphs=st.lists(_PARA, min_size=1, max_size=8))
def test_parsers_docx_property_paragraph_spans(paragraphs):
    """Random paragraphs with numbering and tracked changes: every paragraph block
    slices back to label + tab + accepted text, and the text is their join."""
    numbering = ('<w:abstractNum w:abstractNumId="1">' + mk.lvl(0, "decimal", "%1.")
                 + mk.lvl(1, "decimal", "%1.%2") + mk.lvl(2, "lowerLetter", "(%3)")
                 + '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>')
    body, expected = [], []
    counters: list[int] = []
    for i, (level, runs) in enumerate(paragraphs):
        xml = [mk.t(text) if kind == "plain" else mk.ins(text, 2 * i) if kind == "ins"
               else mk.dele(text, 2 * i + 1) for kind, text in runs]
        accepted = "".join(text for kind, text in runs if kind != "del")
        label = None
        if level is not None:
            counters = (counters + [0] * 3)[:level + 1]
            counters[level] += 1
            label = (f"{counters[0]}." if level == 0 else f"{counters[0]}.{counters[1]}" if level == 1
                     else f"({letters(counters[2])})")
        body.append(mk.p(*xml, num=(1, level) if level is not None else None) if xml else
                    mk.p(num=(1, level) if level is not None else None))
        if accepted:
            expected.append(f"{label}\t{accepted}" if label else accepted)
    if not expected:
        expected_error = NoText
        with pytest.raises(expected_error):
            parse(mk.package("".join(body), numbering=numbering), filename="gen.docx")
        return
    doc = parse(mk.package("".join(body), numbering=numbering), filename="gen.docx")
    paras = [b for b in doc.blocks if b.kind in ("paragraph", "list_item")]
    assert [_span(doc, b) for b in paras] == expected
    assert doc.text == "\n".join(expected)
    deleted = [text for _, runs in paragraphs for kind, text in runs if kind == "del" and text]
    assert [b.text for b in _by_kind(doc, "deletion")] == deleted
    for b in _by_kind(doc, "insertion"):
        assert _span(doc, b) == b.text


# ------------------------------------------------------------------ numbering

@pytest.mark.parametrize("number, line", [
    ("1.", "1.\tDefinitions"),
    ("1.1", "1.1\t“Licensed Patents” means the patents listed in Schedule A."),
    ("(a)", "(a)\thuman diagnostics;"),
    ("(ii)", "(ii)\tlivestock."),
    ("2.1", "2.1\tLicensor grants Licensee a non-exclusive license."),
    ("3.", "3.\tRoyalties"),                      # another w:num on the same list continues it
    ("Article I", "Article I Governance"),         # space suffix
    ("Section 2.1", "Section 2.1 Either party may terminate for material breach."),  # isLgl
    ("Schedule B", "Schedule B Improvements"),      # numbering from the style's basedOn chain
    ("0.1", "0.1\tSub-item before any item"),        # Word shows 0 for a level never used
    ("1.", "1.\tFirst item"),
])
def test_parsers_docx_numbering_labels(number, line):
    doc = _parse("numbering.docx")
    assert (number, line) in _lines_with_numbers(doc)
    assert f"\n{line}\n" in doc.text + "\n"


@pytest.mark.parametrize("name", ["numbering.docx"])
def test_parsers_docx_numbering_restart_and_bullets(name):
    doc = _parse(name)
    labels = [b.number for b in doc.blocks if b.kind == "list_item"]
    # w:num 5 restarts the outline at 1 through w:startOverride
    assert labels[-6:-2] == ["1.", "1.1", "Schedule A", "Schedule B"]
    bullets = [b for b in doc.blocks if b.kind == "list_item" and b.number is None]
    assert [_span(doc, b) for b in bullets] == ["•\tdeliver the know-how;", "•\tmaintain the patents."]
    levels = {b.number: b.level for b in doc.blocks if b.number}
    assert levels["1."] == 0 and levels["1.1"] == 1 and levels["(a)"] == 2 and levels["(i)"] == 3
    # numId 0 switches the style's numbering off
    plain = next(b for b in doc.blocks if _span(doc, b) == "Not numbered although styled")
    assert plain.kind == "paragraph" and plain.number is None and plain.style == "Schedule Title"


@pytest.mark.parametrize("name, expected", [
    ("pydocx_basic.docx", [("1.", "1.\tFirst numbered definition."), ("2.", "2.\tSecond numbered definition.")]),
])
def test_parsers_docx_style_numbering_python_docx(name, expected):
    assert _lines_with_numbers(_parse(name)) == expected


@pytest.mark.parametrize("n, fmt, out", [
    (1, "decimal", "1"), (4, "lowerRoman", "iv"), (14, "upperRoman", "XIV"), (1, "lowerLetter", "a"),
    (27, "lowerLetter", "aa"), (28, "upperLetter", "BB"), (3, "decimalZero", "03"), (2, "ordinal", "2nd"),
    (11, "ordinal", "11th"), (3, "cardinalText", "Three"), (1, "ordinalText", "First"),
])
def test_parsers_docx_number_formats(n, fmt, out):
    assert format_number(n, fmt) == out


@pytest.mark.parametrize("n", range(1, 400))
def test_parsers_docx_roman_and_letters_roundtrip(n):
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
    r = roman(n)
    total = sum(values[c] if values[c] >= values.get(r[i + 1:i + 2], 0) else -values[c]
                for i, c in enumerate(r))
    assert total == n
    s = letters(n)
    assert len(set(s)) == 1 and (ord(s[0]) - 97) + 26 * (len(s) - 1) + 1 == n


# ------------------------------------------------------------------ tracked changes

@pytest.mark.parametrize("name", ["redline.docx"])
def test_parsers_docx_tracked_changes_accepted(name):
    doc = _parse(name)
    assert "confidential for five years after termination." in doc.text
    assert "three" not in doc.text and "struck out" not in doc.text
    assert "Move me:  text stays." in doc.text and "Moved here: [old place]" in doc.text
    assert "First half, second half joined." in doc.text  # deleted paragraph mark
    ins = [(b.text, b.author) for b in _by_kind(doc, "insertion") if b.start < b.end]
    assert ins == [("five", "Alice Counsel"), (" after termination", "Bob Licensee"),
                   ("[old place]", "Alice Counsel"), ("A new paragraph.", "Bob Licensee"),
                   ("added", "Alice Counsel")]
    dels = [(b.text, b.author, b.date) for b in _by_kind(doc, "deletion") if b.text != "\n"]
    assert dels == [("three", "Alice Counsel", "2024-03-01T10:00:00Z"),
                    ("[old place]", "Alice Counsel", "2024-03-01T10:00:00Z"),
                    ("This sentence is struck out.", "Alice Counsel", "2024-03-01T10:00:00Z"),
                    ("Deleted row\ngone", "Alice Counsel", "2024-03-01T10:00:00Z")]
    three = _by_kind(doc, "deletion")[0]
    assert doc.text[:three.start].endswith("confidential for ")


@pytest.mark.parametrize("name", ["redline.docx"])
def test_parsers_docx_deleted_table_row(name):
    doc = _parse(name)
    assert "Kept row | yes\nLast row | added\n" in doc.text and "Deleted row" not in doc.text
    cells = [(c.row, c.col, _span(doc, c)) for c in _by_kind(doc, "table_cell")]
    assert cells == [(0, 0, "Kept row"), (0, 1, "yes"), (1, 0, "Last row"), (1, 1, "added")]
    assert [b.text for b in _by_kind(doc, "deletion") if "row" in b.text] == ["Deleted row\ngone"]


@pytest.mark.parametrize("name", ["redline.docx"])
def test_parsers_docx_inline_elements(name):
    doc = _parse(name)
    assert "see the website\tend-line\nnext line\u2612" in doc.text


# ------------------------------------------------------------------ comments, notes, headers

@pytest.mark.parametrize("name", ["comments_notes.docx"])
def test_parsers_docx_comments_anchor_spans(name):
    doc = _parse(name)
    comments = _by_kind(doc, "comment")
    assert [(_span(doc, c), c.text, c.author) for c in comments] == [
        ("that the Software performs as documented", "Which documentation version?", "Alice Counsel"),
        (" at the fees paid.\nConsequential damages are excluded.", "Cap too low.\nAsk for 2x fees.",
         "Bob Licensee"),
    ]


@pytest.mark.parametrize("name", ["comments_notes.docx"])
def test_parsers_docx_notes_section(name):
    doc = _parse(name)
    body, _, notes = doc.text.partition("\n\nFootnotes\n")
    assert "for ninety days.[1]" in body and "in writing.[2]" in body and "excluded.[i]" in body
    assert notes.startswith("[1] Measured from delivery.\n[2] Email counts as writing.\n"
                            "Second paragraph of the note.\n\nEndnotes\n[i] Subject to Section 9.")
    foot = _by_kind(doc, "footnote")
    assert [(f.number, f.style) for f in foot] == [("1", "footnote"), ("2", "footnote"), ("i", "endnote")]
    assert _span(doc, foot[0]) == "[1] Measured from delivery."


@pytest.mark.parametrize("name, hidden", [
    ("comments_notes.docx", ["CONFIDENTIAL DRAFT HEADER", "Page footer text"]),
    ("pydocx_basic.docx", ["HEADER MUST NOT APPEAR", "FOOTER MUST NOT APPEAR"]),
])
def test_parsers_docx_headers_footers_excluded(name, hidden):
    doc = _parse(name)
    for h in hidden:
        assert h not in doc.text


# ------------------------------------------------------------------ tables and pages

@pytest.mark.parametrize("name", ["tables_pages.docx"])
def test_parsers_docx_table_reading_order(name):
    doc = _parse(name)
    assert "Item | Fee | Due\nUpfront\nnon-refundable | $100,000 | On signing\nRoyalty | Quarterly\n" in doc.text
    tables = _by_kind(doc, "table")
    outer = tables[0]
    cells = [(c.row, c.col, _span(doc, c)) for c in _by_kind(doc, "table_cell") if c.parent_id == outer.id]
    assert cells[:6] == [(0, 0, "Item"), (0, 1, "Fee"), (0, 2, "Due"), (1, 0, "Upfront\nnon-refundable"),
                         (1, 1, "$100,000"), (1, 2, "On signing")]
    assert (2, 2, "Quarterly") in cells  # gridSpan=2 moves the next cell to column 2
    assert (3, 1, "") in cells
    inner = tables[1]
    assert inner.level == 1 and _span(doc, inner) == "inner A | inner B"
    assert "Content control paragraph." in doc.text
    # an empty first cell keeps its place after the preceding line
    assert doc.text.endswith("Page three starts here.\n | RECIPIENT\nName | ")


@pytest.mark.parametrize("name, expected_pages", [("tables_pages.docx", 3), ("numbering.docx", 0)])
def test_parsers_docx_pages_from_breaks(name, expected_pages):
    doc = _parse(name)
    assert len(doc.pages) == expected_pages
    if expected_pages:
        assert doc.pages[0].start == 0 and doc.pages[-1].end == len(doc.text)
        second = next(b for b in doc.blocks if _span(doc, b).startswith("Before the break."))
        assert _span(doc, second) == "Before the break.\nAfter the break on page two."
        assert doc.page_at(doc.text.index("After the break")) == 2
        assert doc.page_at(doc.text.index("Page three")) == 3
    else:
        assert all(b.page is None for b in doc.blocks)


# ------------------------------------------------------------------ bad input

def _zip(files: dict[str, bytes | str]) -> bytes:
    return mk.zip_bytes(files)


def _good() -> bytes:
    return (SOURCES / "redline.docx").read_bytes()


def _flip_middle(data: bytes) -> bytes:
    zf = zipfile.ZipFile(io.BytesIO(data))
    info = zf.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    mid = start + info.compress_size // 2
    return data[:mid] + bytes(b ^ 0xFF for b in data[mid:mid + 8]) + data[mid + 8:]


BAD_INPUTS = {
    "truncated.docx": (lambda: _good()[: len(_good()) // 2], Corrupt, "zip"),
    "damaged_stream.docx": (lambda: _flip_middle(_good()), Corrupt, "word/document.xml"),
    "not_docx.zip": (lambda: _zip({"notes.txt": "hello"}), UnsupportedFormat, "not a Word document"),
    "empty.zip": (lambda: _zip({}), UnsupportedFormat, "empty zip"),
    "sheet.xlsx": (lambda: _zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"}),
                   UnsupportedFormat, "Excel"),
    "text.odt": (lambda: _zip({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"}),
                 UnsupportedFormat, "OpenDocument"),
    "no_main.docx": (lambda: _zip({"[Content_Types].xml": "<Types/>", "word/styles.xml": "<x/>"}),
                     Corrupt, "word/document.xml"),
    "no_types.docx": (lambda: _zip({"word/document.xml": "<x/>"}), Corrupt, "Content_Types"),
    "bad_xml.docx": (lambda: _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document"}),
                     Corrupt, "not well-formed"),
    "no_body.docx": (lambda: _zip({"[Content_Types].xml": "<Types/>",
                                   "word/document.xml": mk.wdoc("document", "")}), Corrupt, "w:body"),
    "empty_body.docx": (lambda: mk.package(mk.p()), NoText, "no text"),
    "many_pages.docx": (lambda: mk.package(mk.p("x"), app_pages=5000), TooLarge, "5,000 pages"),
    "billion_laughs.docx": (lambda: _zip({
        "[Content_Types].xml": "<Types/>",
        "word/document.xml": '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
                             '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
                             f'<w:document xmlns:w="{mk.W}"><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p>'
                             "</w:body></w:document>"}), NoText, "no text"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_parsers_docx_bad_input_typed_error(name):
    build, error, detail = BAD_INPUTS[name]
    with pytest.raises(error) as info:
        parse(build(), filename=name)
    msg = str(info.value)
    assert name in msg and detail in msg and "\n" not in msg


@pytest.mark.parametrize("size_mb", [300])
def test_parsers_docx_zip_bomb(tmp_path, size_mb):
    """300 MB of zeros deflates to ~1.4 MB: rejected from the central directory alone."""
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(size_mb):
                fh.write(chunk)
    assert path.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(ZipBomb) as info:
        parse(path)
    assert "bomb.docx" in str(info.value)


@pytest.mark.parametrize("declared", [300 * 1024 * 1024, 0xFFFFFFFF])
def test_parsers_docx_zip_bomb_declared_size(tmp_path, declared):
    """A central directory that declares a huge member is refused before any inflation."""
    data = bytearray(_good())
    entry = data.index(b"PK\x01\x02")
    while True:  # find the central-directory entry of word/document.xml
        name_len = int.from_bytes(data[entry + 28:entry + 30], "little")
        if data[entry + 46:entry + 46 + name_len] == b"word/document.xml":
            break
        entry = data.index(b"PK\x01\x02", entry + 4)
    data[entry + 24:entry + 28] = min(declared, 0xFFFFFFFE).to_bytes(4, "little")
    path = tmp_path / "declared.docx"
    path.write_bytes(bytes(data))
    with pytest.raises(ZipBomb) as info:
        parse(path)
    assert "declared.docx" in str(info.value)


@pytest.mark.parametrize("limits, detail", [
    (Limits(max_unzipped_bytes=1000), "declared uncompressed size"),
    (Limits(max_zip_ratio=1), "compression ratio"),
])
def test_parsers_docx_zip_limits(limits, detail):
    # 2 MB of repetitive XML: small ratio limits and size limits both trip.
    body = mk.p("x" * 2_000_000)
    with pytest.raises(ZipBomb) as info:
        parse(mk.package(body), filename="big.docx", limits=limits)
    assert detail in str(info.value) and "big.docx" in str(info.value)


def test_parsers_docx_errors_are_document_errors():
    assert issubclass(ZipBomb, DocumentError) and issubclass(ZipBomb, Corrupt)


# ------------------------------------------------------------------ real agreements (optional)

def _numbered(doc, limit=None):
    out = [_span(doc, b).split("\t")[0].split(" ")[0] for b in doc.blocks if b.number]
    return out[:limit] if limit else out


@pytest.mark.parametrize("name", [
    "Balanced_Employee_IP_Agreement.docx", "NDA-Redline.docx",
    "common-paper-data-processing-agreement_template.docx", "common-paper-one-way-nda_template.docx",
    "common-paper-partnership-agreement_template.docx",
    "common-paper-software-license-agreement_template.docx",
])
def test_parsers_docx_real_agreements_parse(real_agreements, name):
    doc = parse(real_agreements / name)
    assert len(doc.text) > 1000
    for b in doc.blocks:
        assert 0 <= b.start <= b.end <= len(doc.text)


def test_parsers_docx_real_dpa_multilevel(real_agreements):
    doc = parse(real_agreements / "common-paper-data-processing-agreement_template.docx")
    levels = {b.level for b in doc.blocks if b.number}
    assert levels == {0, 1, 2, 3}
    for line in ["1.\tProcessor and Subprocessor Relationships", "\n1.1\tProvider as Processor.",
                 "\n(a)\tProvider will not provide", "\n(i)\tThe optional docking clause"]:
        assert line in doc.text
    assert _numbered(doc, 6) == ["1.", "1.1", "1.2", "2.", "2.1", "2.2"]


def test_parsers_docx_real_sla_style_numbering(real_agreements):
    doc = parse(real_agreements / "common-paper-software-license-agreement_template.docx")
    assert "\n1.\tSoftware\n1.1\tLicense." in doc.text or doc.text.startswith("1.\tSoftware\n1.1\tLicense.")
    heads = [b for b in doc.blocks if b.kind == "heading" and b.number]
    assert len(heads) > 100
    assert {b.style for b in heads} == {"Heading 1", "Heading 2", "Heading 3"}
    assert "\n4.3\tTermination." in doc.text and "\n(b)\tupon notice" in doc.text


def test_parsers_docx_real_partnership_section_break_not_numbered(real_agreements):
    """An empty heading paragraph that only carries the cover page's section break gets no number."""
    doc = parse(real_agreements / "common-paper-partnership-agreement_template.docx")
    assert "\n1.\tCooperation\n1.1\tObligations." in doc.text
    assert "\n3.\tTrademark License" in doc.text  # the text refers to "Section 3 (Trademark License)"


def test_parsers_docx_real_redline(real_agreements):
    doc = parse(real_agreements / "NDA-Redline.docx")
    ins = _by_kind(doc, "insertion")
    dels = _by_kind(doc, "deletion")
    assert (len(ins), len(dels)) == (18, 18)  # 9 run-level + 9 paragraph-mark revisions each
    assert len([b for b in ins if b.text != "\n"]) == 9
    assert all(b.author == "Accord Demo" for b in ins + dels)
    for text in ["Joint development of diagnostic platform technology", "March 1, 2026", "18 months",
                 "San Francisco County, California", "Party Name: Meridian Ventures LLC"]:
        assert text in doc.text
    for gone in ["Evaluating a potential business relationship", "Acme Corp", "Globex"]:
        assert gone not in doc.text
        assert any(gone in (b.text or "") for b in dels)


def test_parsers_docx_real_balanced_matches_pdf(real_agreements):
    doc = parse(real_agreements / "Balanced_Employee_IP_Agreement.docx")
    assert _numbered(doc) == [f"{i}." for i in range(1, 9)]
    pdfplumber = pytest.importorskip("pdfplumber")
    with pdfplumber.open(real_agreements / "Balanced_Employee_IP_Agreement.pdf") as pdf:
        pdf_text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    pdf_labels = re.findall(r"^(\d+\.) ", pdf_text, flags=re.M)
    assert pdf_labels[:8] == _numbered(doc)
    squeezed = re.sub(r"\s+", "", pdf_text)  # the PDF's justified lines lose some spaces
    for b in doc.blocks:
        if b.number:
            heading = _span(doc, b).split("\t", 1)[1].split(".")[0]
            assert re.sub(r"\s+", "", b.number + heading) in squeezed, b.number
