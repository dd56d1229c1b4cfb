"""The reply DOCX: the worse changes reversed as tracked changes with comments, nothing else."""

from __future__ import annotations

import io
import zipfile

from draft_pairs import NEW, OLD, accept_ours, docx_bytes, reject_ours, tracked_docx
from lxml import etree

from analyzer.compare import compare_drafts, respond_bytes
from analyzer.ingest import parse
from analyzer.redline.writer import AUTHOR

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _comments(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        if "word/comments.xml" not in zf.namelist():
            return []
        root = etree.fromstring(zf.read("word/comments.xml"))
    return ["".join(t.text or "" for t in c.iter(W + "t")) for c in root.iter(W + "comment")]


def test_respond_reverses_worse_changes_and_reject_all_gives_back_new(stub_classifier):
    new_docx = docx_bytes(NEW)
    cmp = compare_drafts(docx_bytes(OLD), new_docx, old_name="v1.docx", new_name="v2.docx", perspective="licensee")
    worse = [c for c in cmp.report.changes if c.judgement == "worse"]
    data, n = respond_bytes(cmp, date="2025-01-01T00:00:00Z")
    assert n == len(worse) >= 4
    assert parse(reject_ours(data)).text == parse(new_docx, filename="v2.docx").text
    accepted = parse(accept_ours(data)).text
    assert "within thirty (30) days" in accepted and "EUR 100,000." in accepted
    assert "2.2 Survival. The obligations in this clause 2 survive termination" in accepted
    assert "Licensee shall not challenge" not in accepted
    assert "5.1 Governing law" in accepted  # the neutral move is left as it is
    comments = _comments(data)
    assert len(comments) == n and all("Their change is worse for the licensee" in c for c in comments)
    assert any("Was 30 days, now 10 days" in c for c in comments)


def test_respond_on_a_tracked_docx_accepts_their_other_changes_and_reverses_the_worse(stub_classifier):
    data = tracked_docx(OLD, [("thirty (30)", "ten (10)"), ("must be in writing", "shall be given in writing")],
                        author="Their Counsel")
    cmp = compare_drafts(data, old_name="markup.docx", perspective="licensee")
    assert [c.judgement for c in cmp.report.changes] == ["worse", "neutral"]
    reply, n = respond_bytes(cmp, date="2025-01-01T00:00:00Z")
    assert n == 1
    with zipfile.ZipFile(io.BytesIO(reply)) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
    authors = {e.get(W + "author") for e in root.iter(W + "ins", W + "del")}
    assert authors == {AUTHOR}  # their changes are accepted; only the reversal is tracked
    new_text = parse(data).text
    assert parse(reject_ours(reply)).text == new_text
    replied = parse(accept_ours(reply)).text
    assert "within thirty (30) days" in replied and "Notices shall be given in writing" in replied
    assert replied == new_text.replace("ten (10)", "thirty (30)")
