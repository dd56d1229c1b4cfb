"""PDF parser: canonical text, pages, clean-up, OCR/issue path, engines, CUAD smoke test."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from support import verify_golden

from analyzer.core.errors import NoText
from analyzer.core.schema import Format
from analyzer.ingest import Limits, parse
from analyzer.ingest.ocr import ocr_available
from analyzer.ingest.pdf import ENGINES, parse_pdf, pdf_engine
from analyzer.ingest.pdf_cleanup import (
    Line,
    is_page_number,
    is_source_line,
    join_lines,
    leftover_running_lines,
    normalize_line,
    paragraphs,
    remove_running_lines,
)
from analyzer.nlp.sentences import sentence_spans

PDF_DIR = Path(__file__).resolve().parents[1] / "data" / "pdf"
CONTRACT = PDF_DIR / "contract_3p.pdf"


def _parse(path: Path, engine: str | None = None, limits: Limits | None = None):
    data = path.read_bytes()
    import hashlib

    return parse_pdf(data, name=path.name, sha256=hashlib.sha256(data).hexdigest(),
                     limits=limits or Limits(), engine=engine)


@pytest.fixture(scope="module", params=ENGINES)
def contract(request):
    return _parse(CONTRACT, request.param)


def _layout(doc) -> str:
    return json.dumps({
        "pages": [p.model_dump() for p in doc.pages],
        "blocks": [b.model_dump(exclude_none=True) for b in doc.blocks],
        "issues": [i.model_dump() for i in doc.issues],
    }, indent=1, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("engine", ENGINES)
def test_pdf_golden_text_and_pages(engine):
    doc = _parse(CONTRACT, engine)
    gt = PDF_DIR / "groundtruth"
    verify_golden(gt / f"contract_3p.{engine}.txt", doc.text)
    verify_golden(gt / f"contract_3p.{engine}.json", _layout(doc))


@pytest.mark.parametrize("engine", ENGINES)
def test_pdf_engines_agree_on_the_fixture(engine):
    assert _parse(CONTRACT, engine).text == _parse(CONTRACT, "pdfplumber").text


@pytest.mark.parametrize("removed", [
    "ACME / BETA PATENT LICENSE AGREEMENT - EXECUTION VERSION", "Page 1 of 3", "Page 2 of 3",
    "Confidential Treatment Requested", "Source:", "10-Q",
])
def test_pdf_running_headers_footers_removed(contract, removed):
    assert removed not in contract.text


@pytest.mark.parametrize("expected, absent", [
    ("(the “Agreement”)", "Agree-"),             # line-end hyphen break undone
    ("all continuations, divisionals", "continu-"),
    ("a non-exclusive, non-transferable", "non- exclusive"),  # compound keeps its hyphen
    ("any improvement to the", "improve"),       # soft hyphen joins (absent checked below)
    ("reissues of them; and", "\u037e"),          # NFKC: GREEK QUESTION MARK -> ';'
    ("as defined in this", "\ufb01"),            # NFKC: ligature
    ("the Term of this Agreement", "\u00a0"),   # NBSP -> space
])
def test_pdf_character_cleanup(contract, expected, absent):
    assert expected in contract.text
    if absent != "improve":
        assert absent not in contract.text
    assert "\u00ad" not in contract.text


def test_pdf_paragraphs_and_numbered_lines(contract):
    text = contract.text
    for head in ["1. DEFINITIONS", "1.1 “Licensed Patents”", "2.1 License.", "7.2 Improvements.",
                 "8. CONFIDENTIALITY", "IN WITNESS WHEREOF"]:
        i = text.index(head)
        assert i == 0 or text[i - 2:i] == "\n\n", head
    paras = [b for b in contract.blocks if b.kind == "paragraph"]
    for b in paras:
        chunk = text[b.start:b.end]
        assert chunk == chunk.strip() and "\n" not in chunk
    assert len(paras) == len(text.split("\n\n"))


def test_pdf_paragraph_runs_on_over_page_break(contract):
    text = contract.text
    i = text.index("subject to the payment of the royalties set out in Section 4 and to the other terms")
    block = next(b for b in contract.blocks if b.kind == "paragraph" and b.start <= i < b.end)
    assert block.page == 1
    assert contract.page_at(text.index("the other terms and conditions")) == 2


def test_pdf_pages_are_contiguous(contract):
    pages = contract.pages
    assert [p.number for p in pages] == [1, 2, 3]
    assert pages[0].start == 0 and pages[-1].end == len(contract.text)
    assert all(a.end == b.start for a, b in zip(pages, pages[1:]))
    page_blocks = [(b.start, b.end, b.page) for b in contract.blocks if b.kind == "page"]
    assert page_blocks == [(p.start, p.end, p.number) for p in pages]
    assert contract.page_at(contract.text.index("8. CONFIDENTIALITY")) == 3
    assert contract.format is Format.PDF and not contract.issues


def test_pdf_sentences_start_at_numbered_sections(contract):
    starts = {s for s, _ in sentence_spans(contract.text)}
    for head in ["7.2 Improvements.", "8.1 Each party", "2.2 Sublicensing."]:
        assert contract.text.index(head) in starts, head


def test_pdf_block_ids_are_deterministic():
    a, b = _parse(CONTRACT), _parse(CONTRACT)
    assert [x.id for x in a.blocks] == [x.id for x in b.blocks]
    assert len({x.id for x in a.blocks}) == len(a.blocks)


@pytest.mark.parametrize("engine", ["pypdf", "pdfplumber"])
def test_pdf_engine_switch_by_env(monkeypatch, engine):
    monkeypatch.setenv("ANALYZER_PDF_ENGINE", engine)
    assert pdf_engine() == engine
    assert pdf_engine("PyPDF") == "pypdf"


@pytest.mark.parametrize("bad", ["mupdf", "ocr"])
def test_pdf_engine_unknown_is_rejected(bad):
    with pytest.raises(ValueError, match="unknown PDF engine"):
        pdf_engine(bad)


# ---------------------------------------------------------------- no text layer

@pytest.mark.parametrize("engine", ENGINES)
def test_pdf_page_without_text_layer_gives_issue_without_ocr(monkeypatch, engine):
    monkeypatch.setenv("ANALYZER_OCR", "0")
    doc = _parse(PDF_DIR / "scanned_page.pdf", engine)
    assert len(doc.pages) == 2 and doc.pages[1].start == doc.pages[1].end == len(doc.text)
    assert not any(p.ocr for p in doc.pages)
    [issue] = doc.issues
    assert issue.stage == "parse" and issue.page == 2 and "page 2" in issue.message
    assert "OCR is not available" in issue.message
    assert "Supply" in doc.text


@pytest.mark.parametrize("blank_pages", [1, 2])
def test_pdf_blank_pages_are_not_ocred_and_not_issues(tmp_path, blank_pages):
    from reportlab.pdfgen import canvas

    path = tmp_path / "blank.pdf"
    c = canvas.Canvas(str(path), invariant=1)
    c.drawString(72, 720, "1. Scope. This Agreement covers the supply of the Products.")
    c.showPage()
    for _ in range(blank_pages):
        c.drawString(300, 40, "7")  # a page number only
        c.showPage()
    c.save()
    doc = parse(path)
    assert len(doc.pages) == 1 + blank_pages and not doc.issues
    assert not any(p.ocr for p in doc.pages) and doc.text.startswith("1. Scope.")


@pytest.mark.parametrize("name", ["scanned_only.pdf"])
def test_pdf_no_text_at_all_without_ocr_raises(monkeypatch, name):
    monkeypatch.setenv("ANALYZER_OCR", "0")
    with pytest.raises(NoText, match=re.escape(name)):
        parse(PDF_DIR / name)


@pytest.mark.skipif(not ocr_available(), reason="OCR is not available (tesseract missing or ANALYZER_OCR=0)")
@pytest.mark.parametrize("name, page", [("scanned_page.pdf", 2), ("scanned_only.pdf", 1)])
def test_pdf_ocr_fills_pages_without_text_layer(name, page):
    doc = _parse(PDF_DIR / name)
    p = doc.pages[page - 1]
    assert p.ocr and not doc.issues
    ocr_text = doc.text[p.start:p.end]
    for word in ["SCHEDULE", "LICENSED PATENTS", "royalty", "Net Sales"]:
        assert word in ocr_text


# ---------------------------------------------------------------- clean-up units

@pytest.mark.parametrize("prev, nxt, joined", [
    ("the Agree-", "ment of the parties", "the Agreement of the parties"),
    ("a non-", "exclusive licence", "a non-exclusive licence"),
    ("Multi-", "Modality Purchase", "Multi-Modality Purchase"),
    ("pre-", "2020 products", "pre-2020 products"),
    ("the end of the", "Term", "the end of the Term"),
    ("a know-", "how licence", "a know-how licence"),  # the document writes "know-how" elsewhere
    ("the improve\u00ad", "ment", "the improve\u00adment"),
])
def test_pdf_cleanup_join_lines(prev, nxt, joined):
    soft = prev.endswith("\u00ad")
    assert join_lines(prev, nxt, {"know-how"}, soft) == (prev + nxt if soft else joined)


@pytest.mark.parametrize("raw, clean, soft", [
    ("reissues\u037e and", "reissues; and", False),
    ("de\ufb01ned  terms", "defined terms", False),
    ("Term\u00a0of", "Term of", False),
    ("bad\ufffe char\uffff\x07s", "bad chars", False),
    ("improve\u00ad", "improve", True),
    ("zero\u200bwidth (cid:12)x", "zerowidth x", False),
])
def test_pdf_cleanup_normalize_line(raw, clean, soft):
    assert normalize_line(raw) == (clean, soft)


@pytest.mark.parametrize("line, expected", [
    ("7", True), ("Page 3", True), ("Page 3 of 12", True), ("- 4 -", True), ("iv", True),
    ("12/40", True), ("7.2 Improvements.", False), ("2020 Plan", False), ("12.", False),
])
def test_pdf_cleanup_is_page_number(line, expected):
    assert is_page_number(line) is expected


@pytest.mark.parametrize("line, expected", [
    ("Source: ZOGENIX, INC., 10-Q, 5/9/2019", True),
    ("Source: ACME HOLDINGS, INC., 10-Q, 5/9/2019", True),
    ("Source of funds: the Licensee's own cash.", False),
])
def test_pdf_cleanup_is_source_line(line, expected):
    assert is_source_line(line) is expected


WORDS = ("licence royalty audit term notice assignment warranty indemnity confidentiality "
         "territory field improvement patent payment dispute export governance deadlock capital "
         "transfer exit escrow insurance audit-rights sublicense grant-back frand standards "
         "enforcement prosecution know-how data force-majeure law seat arbitration cure breach "
         "cap carve-out").split()


def test_pdf_cleanup_remove_running_lines_keeps_body():
    def body(i):
        return [Line(f"The {WORDS[k]} clause on {WORDS[-i]} runs on.") for k in range(14)]

    pages = [[Line("CONFIDENTIAL - ACME"), *body(i), Line(f"- {i} -")] for i in range(1, 5)]
    pages[2].insert(7, Line("12"))  # a number mid-page that is not page 3's number
    out, dropped = remove_running_lines(pages)
    assert dropped == 8
    assert [[ln.text for ln in p] for p in out] == [[ln.text for ln in body(i)] if i != 3 else
                                                    [ln.text for ln in body(3)][:6] + ["12"] + [ln.text for ln in body(3)][6:]
                                                    for i in range(1, 5)]


@pytest.mark.parametrize("lines, expected", [
    (["RECITALS", "Acme makes things."], ["RECITALS", "Acme makes things."]),
    (["1.1 The Licensee shall pay the fees set out in", "Schedule 2 within thirty days.", "1.2 Next."],
     ["1.1 The Licensee shall pay the fees set out in Schedule 2 within thirty days.", "1.2 Next."]),
    (["The royalty is due under Section", "4.2 of this Agreement and shall be paid in full."],
     ["The royalty is due under Section 4.2 of this Agreement and shall be paid in full."]),
    (["2.5 SERVICE PERFORMANCE OF INFORMATION TRANSFER", "MECHANISM. The parties shall work in good faith.",
      "3. PROMOTION.", "After the Launch Date, Acme will promote the Services:"],
     ["2.5 SERVICE PERFORMANCE OF INFORMATION TRANSFER MECHANISM. The parties shall work in good faith.",
      "3. PROMOTION.", "After the Launch Date, Acme will promote the Services:"]),
    (["ARTICLE 1", "DEFINITIONS", "In this Agreement the following words have these meanings:",
      "(a) \u201cAffiliate\u201d means any entity that controls a party; and", "(b) \u201cField\u201d means imaging."],
     ["ARTICLE 1 DEFINITIONS", "In this Agreement the following words have these meanings:",
      "(a) \u201cAffiliate\u201d means any entity that controls a party; and", "(b) \u201cField\u201d means imaging."]),
])
def test_pdf_cleanup_paragraphs(lines, expected):
    assert paragraphs([Line(t) for t in lines], set()) == expected


# ---------------------------------------------------------------- CUAD

CUAD_PDFS = 20


def test_pdf_cuad_subset_has_no_running_lines_left(cuad_dir):
    pdfs = sorted((cuad_dir / "pdf").glob("*.[pP][dD][fF]"))[:CUAD_PDFS]
    assert pdfs
    kinds: dict[str, set[str]] = {}
    for path in pdfs:
        doc = parse(path)
        assert doc.pages and doc.text.strip() and not doc.issues
        left = leftover_running_lines(doc.text, [(p.start, p.end) for p in doc.pages])
        kinds[path.name] = {kind for kind, _ in left}
    # No "Page N of M" and no EDGAR "Source:" line survives anywhere.
    assert not [n for n, k in kinds.items() if k & {"page_of", "source"}]
    # Lines on half the pages: signature blocks and party names legitimately
    # repeat in short filings, and one file repeats its old page header mid-page
    # (text re-flowed from another page size). Bare numbers: one file prints a
    # page number mid-page that no page-number sequence explains.
    assert sum("repeated" in k for k in kinds.values()) <= 3
    assert sum("page_number" in k for k in kinds.values()) <= 1


@pytest.mark.parametrize("cids, pages", [(25, [1]), (5, [])])
def test_pdf_unmapped_glyphs_become_an_issue(cids, pages):
    from analyzer.ingest.pdf import _unmapped_glyphs

    issues = _unmapped_glyphs([[Line("(cid:3)" * cids)], [Line("plain text")]])
    assert [i.page for i in issues] == pages
    assert all("no Unicode mapping" in i.message and i.stage == "parse" for i in issues)


def _page(i: int, middle: list[str]) -> list[Line]:
    body = [Line(f"The {WORDS[k]} clause on {WORDS[-i]} runs on.") for k in range(14)]
    return body[:7] + [Line(t) for t in middle] + body[7:]


@pytest.mark.parametrize("middles, removed", [
    ([["3"], ["4"], ["5", "6"], ["7"]], 5),             # re-flowed page numbers counting up
    ([["-3-"], [], ["- 9 -"], []], 2),                  # dash-wrapped numbers anywhere
    ([["1", "2", "3", "4"], [], [], []], 0),            # a column of numbers on one page stays
    ([["10"], ["250"], ["3"], []], 0),                  # unrelated numbers stay
])
def test_pdf_cleanup_mid_page_numbers(middles, removed):
    pages = [_page(i + 1, m) for i, m in enumerate(middles)]
    out, dropped = remove_running_lines(pages)
    assert dropped == removed
    assert all(len(p) == 14 + len(m) - (len(m) if removed else 0) for p, m in zip(out, middles))
