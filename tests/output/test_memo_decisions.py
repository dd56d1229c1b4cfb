"""The memos carry the review: decisions, edited text, notes, pages; the DOCX memo and its PDF."""

from __future__ import annotations

import io

import docx
import pytest

from analyzer.core.schema import (
    Block,
    DocumentInfo,
    Finding,
    Format,
    Report,
    Span,
    Suggestion,
)
from analyzer.output.decisions import Decision, Review
from analyzer.output.memo_docx import docx_to_pdf, memo_docx, soffice
from analyzer.output.render import to_html, to_markdown

TEXT = "The Licensee shall not challenge any patent. Liability is unlimited. Each party may assign freely."


def _report(fmt: Format = Format.PDF) -> Report:
    def f(fid, sev, needle, text):
        s = TEXT.index(needle)
        return Finding(id=fid, rule_id=f"r.{fid}", category=f"cat_{fid}", kind="risk", severity=sev,
                       message=f"message {fid}", rationale=f"why {fid}", evidence=[Span(start=s, end=s + len(needle))],
                       suggestion=Suggestion(action="replace", text=text, start=s, end=s + len(needle)))
    blocks = [Block(id="p1", kind="page", start=0, end=45, page=1), Block(id="p2", kind="page", start=45,
                                                                           end=len(TEXT), page=2)]
    return Report(document=DocumentInfo(source="c.pdf", format=fmt, sha256="0" * 64, chars=len(TEXT),
                                        pages=2 if fmt is Format.PDF else None),
                  text=TEXT, blocks=blocks if fmt is Format.PDF else [],
                  findings=[f("a", "high", "shall not challenge any patent", "may challenge any patent"),
                            f("b", "medium", "Liability is unlimited", "Liability is capped at the fees paid"),
                            f("c", "low", "may assign freely", "may not assign without consent"),
                            f("d", "low", "Each party", "Neither party")])


REVIEW = Review({"a": Decision("accepted", text="may challenge any patent after notice"),
                 "b": Decision("rejected", note="commercial call"),
                 "c": Decision("not_applicable", note="assignment is agreed elsewhere")},
                {"a": "its replace overlaps the replace of x"})


def test_markdown_and_html_memos_carry_the_decisions():
    md, html = to_markdown(_report(), REVIEW), to_html(_report(), REVIEW)
    assert "Decisions: 1 accepted \\(1 edited\\), 1 rejected, 1 not applicable, 1 undecided." in md
    assert "— ACCEPTED \\(EDITED\\)" in md and "may challenge any patent after notice" in md
    assert "— REJECTED" in md and "*Note:* commercial call" in md and "capped at the fees paid" not in md
    assert "*Not applicable:* assignment is agreed elsewhere" in md and "— UNDECIDED" in md
    assert "\\(p. 1\\)" in md and "\\(p. 2\\)" in md and "n/a" not in md
    assert "*Not in the redline:* its replace overlaps" in md
    assert "class='decision rejected'" in html and "commercial call" in html


def test_memo_of_a_docx_names_no_pages():
    md = to_markdown(_report(Format.DOCX))
    assert "- **Format:** docx, " in md and "page" not in md.split("## Executive summary")[0]


def test_docx_memo_carries_the_decisions():
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(memo_docx(_report(), REVIEW))).paragraphs)
    for line in ("Decision: Accepted (edited)", "Decision: Rejected", "Decision: Not applicable",
                 "Decision: Undecided", "may challenge any patent after notice", "commercial call",
                 "assignment is agreed elsewhere", "(p. 2)"):
        assert line in text, line


@pytest.mark.skipif(soffice() is None, reason="LibreOffice is not installed")
def test_pdf_memo_with_libreoffice():
    pdf = docx_to_pdf(memo_docx(_report(), REVIEW))
    assert pdf is not None and pdf.startswith(b"%PDF-")
