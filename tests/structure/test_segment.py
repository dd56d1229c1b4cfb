"""Clause segmentation: the tree of a small licence, labels, TOC, DOCX labels, invariants."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer.core.schema import Block, Format, SourceDocument, make_id
from analyzer.ingest import parse
from analyzer.structure.segment import segment

DATA = Path(__file__).resolve().parents[1] / "data" / "segment"


def _doc(text: str) -> SourceDocument:
    return parse(text.encode("utf-8"), filename="t.txt")


def _check_invariants(doc: SourceDocument, clauses) -> None:
    by_id = {c.id: c for c in clauses}
    assert len(by_id) == len(clauses), "clause ids are unique"
    for c in clauses:
        assert 0 <= c.start < c.end <= len(doc.text)
        assert doc.text[c.start:c.end] == doc.text[c.start:c.end].strip()
        if c.parent_id is not None:
            p = by_id[c.parent_id]
            assert p.start <= c.start and c.end <= p.end, (c, p)
            assert c.level == p.level + 1


@pytest.fixture(scope="module")
def licence():
    doc = parse(DATA / "licence.txt")
    return doc, segment(doc)


def _find(clauses, number=None, kind=None, heading=None):
    for c in clauses:
        if (number is None or c.number == number) and (kind is None or c.kind == kind) \
                and (heading is None or c.heading == heading):
            return c
    raise AssertionError(f"no clause {number} {kind} {heading}")


@pytest.mark.parametrize("number,kind,heading,parent", [
    ("Article 1", "definitions", "DEFINITIONS", None),
    ("Article 2", "article", "LICENSE GRANT", None),
    ("2.1", "section", "Grant", "Article 2"),
    ("2.2", "section", "Sublicensing", "Article 2"),
    ("(a)", "subclause", None, "2.2"),
    ("(b)", "subclause", None, "2.2"),
    ("3.2", "section", "Reports", "Article 3"),
    ("4.1", "section", "Governing Law", "Article 4"),
    ("Schedule A", "schedule", "TERRITORY", None),
])
def test_segment_licence_tree(licence, number, kind, heading, parent):
    doc, clauses = licence
    c = _find(clauses, number=number, kind=kind)
    assert c.heading == heading
    by_id = {x.id: x for x in clauses}
    assert (by_id[c.parent_id].number if c.parent_id else None) == parent
    label = number.split()[-1] if not number.startswith("Article") else "ARTICLE"
    assert doc.text[c.start:c.end].startswith(label if label != "A" else "SCHEDULE A")


@pytest.mark.parametrize("kind,starts", [
    ("preamble", "EXCLUSIVE LICENSE AGREEMENT"),
    ("recitals", "RECITALS"),
    ("signature", "IN WITNESS WHEREOF"),
])
def test_segment_licence_special_parts(licence, kind, starts):
    doc, clauses = licence
    c = _find(clauses, kind=kind)
    assert doc.text[c.start:c.end].startswith(starts)
    assert c.level == 0


@pytest.mark.parametrize("term", ["Field", "Territory", "Improvements"])
def test_segment_definitions_split_per_term(licence, term):
    doc, clauses = licence
    d = _find(clauses, kind="definition", heading=term)
    parent = {c.id: c for c in clauses}[d.parent_id]
    assert parent.kind == "definitions"
    assert doc.text[d.start:d.end].startswith(f'"{term}" means')


@pytest.mark.parametrize("false_label", ["1.5 million units", "1.5 million dollars"])
def test_segment_amounts_are_not_clauses(licence, false_label):
    doc, clauses = licence
    pos = doc.text.index(false_label)
    assert all(c.start != pos for c in clauses)


def test_segment_licence_invariants_and_ids(licence):
    doc, clauses = licence
    _check_invariants(doc, clauses)
    for c in clauses:
        assert c.id in (make_id(doc.sha256, "clause", c.start, c.end),
                        make_id(doc.sha256, "clause", c.start, c.end, c.kind))
    assert segment(doc) == clauses  # deterministic


@pytest.mark.parametrize("text,numbers", [
    ("ARTICLE I\nGENERAL\n\nSection 1.01 Scope. Text.\n\nSection 1.02 Other. Text.\n\n"
     "ARTICLE II\nPAYMENT\n\nSection 2.01 Fees. Text.\n", ["Article I", "1.01", "1.02", "Article II", "2.01"]),
    ("1. Term. The term is 2 years.\n\n2. Fees. Licensee pays.\n(a) first; and\n(b) second.\n\n"
     "3. Law. New York.\n", ["1", "2", "(a)", "(b)", "3"]),
    ("1. Scope. Text.\n(a) one\n(b) two\n(i) sub one\n(ii) sub two\n(c) three\n2. End. Text.\n",
     ["1", "(a)", "(b)", "(i)", "(ii)", "(c)", "2"]),
    ("1. Term. Text.   2. Fees. Text follows here.   3. Law. Text.\n", ["1", "2", "3"]),
])
def test_segment_numbering_styles(text, numbers):
    doc = _doc(text)
    clauses = segment(doc)
    assert [c.number for c in clauses if c.number] == numbers
    _check_invariants(doc, clauses)


def test_segment_roman_after_h_is_a_letter():
    text = "1. List.\n" + "".join(f"({ch}) item {ch}\n" for ch in "abcdefghij") + "2. Next. Text.\n"
    clauses = segment(_doc(text))
    letters = [c for c in clauses if c.number and c.number.startswith("(")]
    assert [c.number for c in letters] == [f"({ch})" for ch in "abcdefghij"]
    assert len({c.parent_id for c in letters}) == 1


def test_segment_table_of_contents_is_skipped():
    toc = "TABLE OF CONTENTS\nARTICLE 1 DEFINITIONS 1\nARTICLE 2 GRANT 3\nARTICLE 3 TERM 5\n\n"
    body = ("THIS AGREEMENT is made between A Inc. and B LLC.\n\nARTICLE 1\nDEFINITIONS\n\n"
            + "Text of definitions. " * 20 + "\n\nARTICLE 2\nGRANT\n\n" + "Grant text. " * 20
            + "\n\nARTICLE 3\nTERM\n\n" + "Term text. " * 20 + "\n")
    doc = _doc("LICENSE AGREEMENT\n\n" + toc + body)
    clauses = segment(doc)
    articles = [c for c in clauses if c.number and c.number.startswith("Article")]
    assert [c.number for c in articles] == ["Article 1", "Article 2", "Article 3"]
    assert all(c.start > doc.text.index("THIS AGREEMENT") for c in articles)
    assert clauses[0].kind == "preamble" and "TABLE OF CONTENTS" in doc.text[clauses[0].start:clauses[0].end]


def test_segment_docx_block_labels_not_in_text():
    text = "Definitions\nTerms used here.\nGrant\nLicensor grants a licence.\nTo affiliates.\n"
    sha = "0" * 64
    lines, pos = [], 0
    for line in text.splitlines(keepends=True):
        lines.append((pos, pos + len(line.rstrip("\n"))))
        pos += len(line)
    blocks = [
        Block(id="b0", kind="heading", start=lines[0][0], end=lines[0][1], level=0, number="1."),
        Block(id="b1", kind="paragraph", start=lines[1][0], end=lines[1][1]),
        Block(id="b2", kind="heading", start=lines[2][0], end=lines[2][1], level=0, number="2."),
        Block(id="b3", kind="list_item", start=lines[3][0], end=lines[3][1], level=1, number="2.1"),
        Block(id="b4", kind="list_item", start=lines[4][0], end=lines[4][1], level=2, number="(a)"),
    ]
    doc = SourceDocument(source="t.docx", format=Format.DOCX, sha256=sha, text=text, blocks=blocks)
    clauses = segment(doc)
    got = {c.number: c for c in clauses if c.number}
    assert list(got) == ["1", "2", "2.1", "(a)"]
    assert got["1"].heading == "Definitions" and got["1"].kind == "definitions"
    assert got["2.1"].parent_id == got["2"].id and got["(a)"].parent_id == got["2.1"].id
    _check_invariants(doc, clauses)


# ----------------------------------------------------------------------------- property test

_HEADINGS = ["Definitions", "Grant of License", "Payments", "Term", "Confidentiality", "Governing Law"]
_SENTENCES = ["Licensee shall pay 1.5 million dollars within 30 days.",
              "The parties agree as set out in Section 2.1(a), i.e. promptly.",
              "Each Party shall keep Confidential Information secret for five (5) years.",
              "Payments of $1,000,000 are due on 1 January 2024."]


@st.composite
def contracts(draw):
    parts = ["SAMPLE AGREEMENT\n\nThis Agreement is made between Acme Inc. (\"Licensor\") and Beta LLC (\"Licensee\").\n"]
    style = draw(st.sampled_from(["article", "dec", "flat"]))
    for i in range(1, draw(st.integers(1, 5)) + 1):
        head = draw(st.sampled_from(_HEADINGS))
        parts.append(f"\nARTICLE {i}\n{head.upper()}\n" if style == "article" else f"\n{i}. {head}. ")
        for j in range(1, draw(st.integers(0, 3)) + 1):
            parts.append(f"\n{i}.{j} {draw(st.sampled_from(_HEADINGS))}. {draw(st.sampled_from(_SENTENCES))}")
            for k in "abc"[:draw(st.integers(0, 3))]:
                sep = draw(st.sampled_from(["\n", "   ", " "]))
                parts.append(f"{sep}({k}) {draw(st.sampled_from(_SENTENCES))}")
        parts.append("\n" + draw(st.sampled_from(_SENTENCES)) + "\n")
    if draw(st.booleans()):
        parts.append("\nIN WITNESS WHEREOF the parties sign.\n\nACME INC.\nBy: ____\n\nEXHIBIT A\nPRODUCTS\n1. Widgets\n")
    return "".join(parts)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(contracts())
def test_segment_property_spans_nest(text):
    doc = _doc(text)
    _check_invariants(doc, segment(doc))


def test_segment_cuad_invariants(cuad_dir):
    rows = [json.loads(line) for line in open(cuad_dir / "contracts.jsonl", encoding="utf-8")][:8]
    for r in rows:
        doc = parse(cuad_dir / r["txt"])
        clauses = segment(doc)
        _check_invariants(doc, clauses)
        assert any(c.kind in ("article", "section", "definitions") for c in clauses) or len(doc.text) < 5000


def test_segment_pages_from_document():
    text = "1. First. Page one text.\n2. Second. Starts on page one\nand ends on page two.\n3. Third. Page two.\n"
    cut = text.index("and ends")
    from analyzer.core.schema import Page

    doc = SourceDocument(source="t.pdf", format=Format.PDF, sha256="1" * 64, text=text,
                         pages=[Page(number=1, start=0, end=cut), Page(number=2, start=cut, end=len(text))])
    got = {c.number: (c.page_start, c.page_end) for c in segment(doc)}
    assert got == {"1": (1, 1), "2": (1, 2), "3": (2, 2)}


# ----------------------------------------------------------------------------- recitals, signatures, tables

_RECITALS_TEXT = (
    "LICENCE AGREEMENT\n\nThis Agreement is made between A GmbH and B Ltd.\n\nRECITALS\n\n"
    "(A) A owns technology.\n\n(B) B wishes to use it.\n\nNOW, THEREFORE, the Parties agree as follows:\n\n"
    "1. DEFINITIONS\n\n1.1 In this Agreement:\n\n(a) \"Field\" means optics;\n\n(b) \"Territory\" means China.\n\n"
    "2. LICENCE GRANT\n\n2.1 Grant. A grants B a licence.\n\n2.2 Reserved rights. All other rights are reserved.\n\n"
    "4.0% EUR 150,000 Up to EUR 5,000,000\n\n"
    "3. GENERAL\n\n3.1 Notices. Notices must be in writing.\n\n"
    "SIGNATURES\n\nSigned by the authorised representatives of the Parties.\n\nBy: ________\n\n"
    "SCHEDULE 1 - PATENTS\n\nEP 1234567\n")


@pytest.fixture(scope="module")
def recitals_doc():
    doc = _doc(_RECITALS_TEXT)
    return doc, segment(doc)


def test_segment_recitals_end_at_first_article(recitals_doc):
    doc, clauses = recitals_doc
    tops = [(c.kind, c.number, c.heading) for c in clauses if c.level == 0]
    assert tops == [("preamble", None, None), ("recitals", None, "Recitals"),
                    ("definitions", "1", "DEFINITIONS"), ("article", "2", "LICENCE GRANT"),
                    ("article", "3", "GENERAL"), ("signature", None, "Signatures"),
                    ("schedule", "Schedule 1", "PATENTS")]
    _check_invariants(doc, clauses)


def test_segment_definitions_nested_under_a_section(recitals_doc):
    doc, clauses = recitals_doc
    by_id = {c.id: c for c in clauses}
    terms = [c for c in clauses if c.kind == "definition"]
    assert [(t.number, t.heading, by_id[t.parent_id].number) for t in terms] == [
        ("(a)", "Field", "1.1"), ("(b)", "Territory", "1.1")]
    assert _find(clauses, number="1.1").kind == "section"


@pytest.mark.parametrize("number,heading", [("2.1", "Grant"), ("2.2", "Reserved rights"), ("3.1", "Notices")])
def test_segment_run_in_headings(recitals_doc, number, heading):
    assert _find(recitals_doc[1], number=number).heading == heading


def test_segment_table_row_is_not_a_heading(recitals_doc):
    doc, clauses = recitals_doc
    row = doc.text.index("4.0% EUR")
    assert all(c.start != row for c in clauses)
    assert _find(clauses, number="2.2").end > row  # the row stays inside clause 2.2


def test_segment_signature_heading_starts_signature_block(recitals_doc):
    doc, clauses = recitals_doc
    sig = _find(clauses, kind="signature")
    assert doc.text[sig.start:sig.end].startswith("SIGNATURES")


def test_segment_schedule_run_on_to_signature_line():
    text = ("1. Term. Text here.\n\n2. Law. Text here.\n\nIN WITNESS WHEREOF the parties sign.\n\n"
            "By: ____ Name: Jo Title: Director SCHEDULE 1 - RESEARCH PLAN\n\nObjectives of the plan.\n")
    doc = _doc(text)
    clauses = segment(doc)
    sched = _find(clauses, kind="schedule")
    assert (sched.number, sched.heading, sched.level) == ("Schedule 1", "RESEARCH PLAN", 0)
    assert doc.text[sched.start:].startswith("SCHEDULE 1")
    _check_invariants(doc, clauses)


def test_segment_docx_headings_title_recitals_and_tables():
    """DOCX: the title heading is preamble, a RECITALS heading opens the recitals, labels are in the
    text ("1.<TAB>"), table cells are never clauses, a schedule after the signature is a schedule."""
    paras = [("heading", None, "LICENCE AGREEMENT"), ("paragraph", None, "Made between A and B."),
             ("heading", None, "RECITALS"), ("list_item", "(A)", "(A)\tA owns technology."),
             ("list_item", "(B)", "(B)\tB wants it."),
             ("heading", "1.", "1.\tDEFINITIONS"), ("list_item", "1.1", "1.1\t\"Field\" means optics."),
             ("heading", "2.", "2.\tFEES"), ("list_item", "2.1", "2.1\tFees. B pays as follows:"),
             ("table", None, "1. Band | 2. Rate"), ("list_item", "2.2", "2.2\tTaxes. B pays taxes."),
             ("heading", None, "SIGNATURES"), ("paragraph", None, "IN WITNESS WHEREOF the parties sign."),
             ("heading", None, "SCHEDULE 1 - PATENTS"), ("paragraph", None, "EP 1")]
    text, blocks, pos = "", [], 0
    for i, (kind, number, line) in enumerate(paras):
        blocks.append(Block(id=f"b{i}", kind=kind, start=pos, end=pos + len(line), level=0, number=number))
        text += line + "\n"
        pos = len(text)
    doc = SourceDocument(source="t.docx", format=Format.DOCX, sha256="2" * 64, text=text, blocks=blocks)
    clauses = segment(doc)
    assert [(c.kind, c.number, c.heading) for c in clauses if c.level == 0] == [
        ("preamble", None, None), ("recitals", None, "Recitals"), ("definitions", "1", "DEFINITIONS"),
        ("article", "2", "FEES"), ("signature", None, "Signatures"), ("schedule", "Schedule 1", "PATENTS")]
    table = text.index("1. Band")
    assert all(not c.start <= table < c.start + 1 for c in clauses)
    assert _find(clauses, number="2.1").end > table
    _check_invariants(doc, clauses)


@pytest.mark.parametrize("line,is_row", [
    ("EUR 5,000,001 to EUR 15,000,000 5.0% - Above EUR 15,000,000 4.0% -", True),
    ("Total | 20,000,000 20,000,000 100%", True),
    ("Schedule 3 - Licensed Patents", False),
    ("2019 2020 2021 2022", True),
    ("LICENCE GRANT", False),
    ("Governing Law and Jurisdiction", False),
])
def test_segment_label_table_rows(line, is_row):
    from analyzer.core.headings import is_heading_like, looks_like_table_row

    assert looks_like_table_row(line) is is_row
    if is_row:
        assert not is_heading_like(line) and not is_heading_like(line, strict=True)


@pytest.mark.parametrize("text,heading", [
    ("2.3\tReserved rights. All rights not granted are reserved.", "Reserved rights"),
    ("7.4 No challenge. Licensee shall not challenge.", "No challenge"),
    ("1. What the Company owns. The Company owns any IP.", "What the Company owns"),
    ("6.1 Each Party shall keep information secret.", None),
    ("3.1 Within sixty (60) days after the Effective Date. Licensor shall deliver.", None),
    ("9.1 This Agreement is binding. It starts today.", None),
    ("12.2.1 Party A's contacts: Address: Beijing", None),
])
def test_segment_label_run_in_heading(text, heading):
    from analyzer.structure.clause_numbers import parse_label
    from analyzer.structure.headings import heading_after

    label = parse_label(text, 0)
    assert label is not None
    assert heading_after(text, label.end) == heading


def test_segment_docx_unnumbered_headings_are_sections():
    paras = [("heading", "Software Licence"), ("paragraph", "Between A and B."),
             ("heading", "Definitions"), ("paragraph", "\"Software\" means the program."),
             ("heading", "Licence grant"), ("paragraph", "A grants B a licence."),
             ("heading", "Payment"), ("paragraph", "B pays the fees.")]
    text, blocks = "", []
    for i, (kind, line) in enumerate(paras):
        blocks.append(Block(id=f"b{i}", kind=kind, start=len(text), end=len(text) + len(line), level=0))
        text += line + "\n"
    doc = SourceDocument(source="t.docx", format=Format.DOCX, sha256="3" * 64, text=text, blocks=blocks)
    clauses = segment(doc)
    assert [(c.kind, c.heading) for c in clauses if c.level == 0] == [
        ("preamble", None), ("definitions", "Definitions"), ("article", "Licence grant"), ("article", "Payment")]
    _check_invariants(doc, clauses)


def test_segment_docx_clauses_laid_out_in_a_table_are_kept():
    long = " Licensee shall pay the fees within thirty days of each invoice." * 6
    rows = [("1. Fees." + long), ("2. Term." + long), ("3. Law." + long)]
    text = "SERVICES AGREEMENT\n" + "\n".join(rows) + "\n"
    blocks = [Block(id="t", kind="table", start=19, end=len(text) - 1)]
    pos = 19
    for i, r in enumerate(rows):
        blocks.append(Block(id=f"c{i}", kind="table_cell", start=pos, end=pos + len(r)))
        pos += len(r) + 1
    doc = SourceDocument(source="t.docx", format=Format.DOCX, sha256="4" * 64, text=text, blocks=blocks)
    assert [c.number for c in segment(doc) if c.number] == ["1", "2", "3"]
