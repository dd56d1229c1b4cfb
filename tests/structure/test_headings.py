"""The heading finder: line predicates (``analyzer.core.headings``) and the headings of a document
(``analyzer.structure.headings``), with the cases each stage's own finder used to handle: the
classifier's heading context, presence's headed sections, the redline's bold heading lines, PDF
paragraph breaks, the segmenter's titles after a label, and signature-page headings."""

from __future__ import annotations

import hashlib

import pytest

from analyzer.core.headings import (
    clean_heading,
    is_caps_heading,
    is_document_title,
    is_heading_like,
    is_run_in_heading,
    is_signature_heading,
    is_toc_title,
    reads_as_title,
)
from analyzer.core.schema import Block, Clause, Format, SourceDocument
from analyzer.ingest.pdf_cleanup import Line, starts_new_paragraph
from analyzer.structure.headings import (
    Heading,
    HeadingIndex,
    body_start,
    find_headings,
    heading_after,
)
from analyzer.structure.segment import segment
from analyzer.structure.tree import signature_heading

LICENCE = """TECHNOLOGY LICENSE AGREEMENT

1. GRANT OF LICENSE
1.1 Scope. Licensor grants Licensee a licence in the Field.
1.2 Sublicensing. Licensee may sublicense to Affiliates.

2. CONFIDENTIALITY
Each party shall keep information secret for 5 years.
"""


def _doc(text: str, blocks=()) -> SourceDocument:
    return SourceDocument(source="t.txt", format=Format.TXT, sha256=hashlib.sha256(text.encode()).hexdigest(),
                          text=text, blocks=list(blocks))


# --------------------------------------------------------------------------- line predicates

@pytest.mark.parametrize("line, loose, strict", [
    ("CONFIDENTIALITY", True, True),
    ("Governing Law and Jurisdiction", True, True),
    ("Term of the Agreement", True, True),
    ("Reserved rights", False, False),               # sentence case: a run-in title, not a heading line
    ("Licensee shall pay the fees.", False, False),
    ("DEFINITIONS.", True, True),                    # upper case keeps its full stop
    ("Definitions:", True, False),                   # a colon ends a lead-in, not a heading line
    ("the parties agree", False, False),
    ("Payment Terms,", False, False),
    ("EUR 5,000,001 to EUR 15,000,000 5.0%", False, False),  # a table row
    ("A" * 101, False, False),
])
def test_is_heading_like(line, loose, strict):
    assert is_heading_like(line) is loose
    assert is_heading_like(line, strict=True) is strict


@pytest.mark.parametrize("head, rest, run_in", [
    ("Reserved rights", "All rights not granted are reserved.", True),
    ("No challenge", "Licensee shall not challenge.", True),
    ("This Agreement is binding", "It starts today.", False),   # a verb: a sentence
    ("Within sixty (60) days after the Effective Date", "Licensor shall deliver.", False),
    ("Improvements", "the licensee owns them.", False),         # the text after it is not a sentence start
])
def test_is_run_in_heading(head, rest, run_in):
    assert is_run_in_heading(head, rest) is run_in


@pytest.mark.parametrize("line, caps", [
    ("ARTICLE 5 - CONFIDENTIALITY", True),
    ("CONFIDENTIALITY AND NON-USE OF Information", False),
    ("1.2", False),                                   # no letters
    ("A" * 81, False),
])
def test_is_caps_heading(line, caps):
    assert is_caps_heading(line) is caps


@pytest.mark.parametrize("title, ok", [
    ("RIGHTS GRANTED", True), ("Governing Law", True), ("Term of the Agreement", True),
    ("AB", False),                                   # upper case needs three letters
    ("the licensee shall pay", False), ("One Two Three Four Five Six Seven Eight Nine Ten Eleven", False),
])
def test_reads_as_title(title, ok):
    assert reads_as_title(title) is ok


def test_toc_document_and_signature_titles():
    assert is_toc_title("Section 2.3 Assistance by Employees 5") and not is_toc_title("Assistance by Employees")
    assert is_document_title("MUTUAL NON-DISCLOSURE AGREEMENT") and is_document_title("Licence Agreement")
    assert not is_document_title("Term of this Agreement") and not is_document_title("Confidentiality")
    for line in ("SIGNATURES", "Signatures", "Signature Page", "EXECUTION PAGE", "  Execution  "):
        assert is_signature_heading(line), line
    for line in ("Signatures of the parties", "SIGNED by", "EXECUTION VERSION"):
        assert not is_signature_heading(line), line
    assert clean_heading("  Term  of\nthe Agreement. ") == "Term of the Agreement"
    assert clean_heading(" .:- ") is None


# --------------------------------------------------------------------------- the segmenter's titles

@pytest.mark.parametrize("text, heading", [
    ("7.2 Improvements. Licensee shall disclose.", "Improvements"),
    ("1.   TERM OF CONTRACT\nThe term is five years.", "TERM OF CONTRACT"),
    ("1. RIGHTS GRANTED   Licensor grants a licence.", "RIGHTS GRANTED"),
    ("ARTICLE IV - TERM AND TERMINATION\nThis Agreement ...", "TERM AND TERMINATION"),
    ("5.\n\nConfidentiality\nEach party shall ...", "Confidentiality"),   # the next line after a bare label
    ("6.1 Each Party shall keep information secret.", None),
])
def test_heading_after_a_label(text, heading):
    from analyzer.structure.clause_numbers import parse_label

    label = parse_label(text, 0)
    assert label is not None and heading_after(text, label.end) == heading
    assert label.heading(text) == heading


def test_signature_heading_needs_the_testimonium_after_it():
    text = "SIGNATURES\n\nIN WITNESS WHEREOF the parties sign.\n"
    assert signature_heading(text, 0)
    assert signature_heading("Signature Page\nBy: ____\n", 0)
    assert not signature_heading("SIGNATURES\n\nThe parties may sign in counterparts.\n", 0)
    assert not signature_heading("SIGNATURES", 0)  # no line after it


# --------------------------------------------------------------------------- headings in the text

def test_find_headings_numbered_run_in_and_lines():
    text = ("EXCLUSIVE LICENSE AGREEMENT\n\n1. RIGHTS GRANTED   Licensor grants a licence.\n"
            "7.2 Improvements. The Licensee shall disclose.\nARTICLE IV - TERM\nGoverning Law\n"
            "Page 3\nExhibit 1 Patents\nSource: ACME INC, 10-K\nthe end of the text\n")
    got = [(h.level, h.title) for h in find_headings(text)]
    # the numbered title and the whole line are both kept for "ARTICLE IV - TERM" (different offsets)
    assert got == [(0, "exclusive license agreement"), (0, "rights granted"), (1, "improvements"),
                   (0, "term"), (0, "article iv - term"), (1, "governing law")]
    assert all(isinstance(h, Heading) and text[h.start:].lstrip()[:1].isalnum() for h in find_headings(text))


@pytest.mark.parametrize(("anchor", "context"), [
    ("TECHNOLOGY", "technology license agreement"),
    ("Licensor grants", "grant of license / scope"),  # a sub-clause heading is joined to its top-level parent
    ("Licensee may", "grant of license / sublicensing"),
    ("Each party", "confidentiality"),                 # a top-level heading stands alone
])
def test_context_is_top_heading_then_nearest(anchor, context):
    assert HeadingIndex(LICENCE).context(LICENCE.index(anchor)) == context


def test_context_is_empty_before_the_first_heading():
    text = "This opening sentence has no heading above it.\n\nCONFIDENTIALITY\nKeep it secret."
    index = HeadingIndex(text)
    assert index.context(5) == ""
    assert index.context(text.index("Keep")) == "confidentiality"
    assert HeadingIndex("plain words only, all lower case, no heading.").context(10) == ""


def test_context_does_not_depend_on_the_clauses():
    doc = _doc(LICENCE)
    clauses = segment(doc)
    with_clauses, text_only = HeadingIndex(LICENCE, clauses), HeadingIndex(LICENCE)
    assert with_clauses.headings == text_only.headings
    assert all(with_clauses.context(o) == text_only.context(o) for o in range(0, len(LICENCE), 7))


# --------------------------------------------------------------------------- sections of a document

def test_sections_are_clause_headings_plus_uncovered_text_headings():
    text = ("SUPPLY AGREEMENT\n\n1. Confidentiality\nEach party keeps secrets.\n"
            "Governing Law\nThis Agreement is governed by the laws of England.\n\n"
            "2. Fees\nThe buyer pays the fees.\n")
    one = text.index("1. Confidentiality")
    two = text.index("2. Fees")
    clauses = [Clause(id="c1", number="1", heading="Confidentiality", start=one, end=two - 2),
               Clause(id="c2", number="2", heading="Fees", start=two, end=len(text) - 1)]
    index = HeadingIndex(text, clauses)
    got = [(s.title, s.clause_id, text[s.body_start:s.body_start + 10]) for s in index.sections]
    law = text.index("Governing Law")
    # "1. Confidentiality" is found in the text too, but it starts a clause that has its own heading
    assert got == [("supply agreement", None, "\n\n1. Confi"), ("Confidentiality", "c1", "\nEach part"),
                   ("governing law", None, "\nThis Agre"), ("Fees", "c2", "\nThe buyer")]
    gov = next(s for s in index.sections if s.title == "governing law")
    assert (gov.start, gov.end) == (law, two)  # to the next text heading of its level or above: "2. Fees"
    import re

    assert [s.clause_id for s in index.sections_titled(re.compile("fee", re.I))] == ["c2"]


def test_sections_skip_table_of_contents_entries_signatures_and_definitions():
    text = "CONTENTS\nSection 2.3 Assistance by Employees 5\n\nSIGNATURES\nBy: ____\n"
    sig = text.index("SIGNATURES")
    clauses = [Clause(id="s", kind="signature", heading="Signatures", start=sig, end=len(text) - 1),
               Clause(id="d", kind="definition", heading="Field", start=0, end=8)]
    titles = [s.title for s in HeadingIndex(text, clauses).sections]
    assert "Signatures" not in titles and "Field" not in titles
    assert not any(is_toc_title(t) for t in titles)


def test_body_start_is_after_the_heading_words():
    text = "7.2 Right of first refusal. The Company shall offer."
    assert text[body_start(text, 0, "Right of First Refusal", len(text)):].startswith(". The Company")
    assert body_start(text, 0, "Not there", len(text)) == 0
    assert body_start(text, 5, "", len(text)) == 5


def test_heading_line_starts_are_heading_blocks_and_headings_alone_on_their_line():
    text = "LICENCE\n1. Grant\nLicensor grants a licence.\n2. Fees. Licensee pays the fees on time.\n"
    grant, fees = text.index("1. Grant"), text.index("2. Fees")
    clauses = [Clause(id="a", number="1", heading="Grant", start=grant, end=fees - 1),
               Clause(id="b", number="2", heading="Fees", start=fees, end=len(text) - 1)]
    blocks = [Block(id="t", kind="heading", start=0, end=7)]
    assert HeadingIndex(text, clauses).heading_line_starts(blocks) == {0, grant}  # "2. Fees. ..." runs on


# --------------------------------------------------------------------------- PDF paragraphs

@pytest.mark.parametrize("prev, cur, new", [
    ("ARTICLE 5 - CONFIDENTIALITY", "Each party shall keep the other party's information secret and", True),
    ("Each party shall keep the other party's information secret and", "CONFIDENTIAL INFORMATION", False),
    ("the parties agree as follows.", "CONFIDENTIALITY", True),
    ("1. GRANT OF", "LICENCE", False),  # a numbered heading wrapped onto the next line
])
def test_pdf_paragraph_breaks_after_caps_headings(prev, cur, new):
    assert starts_new_paragraph(prev, Line(cur), 70) is new
