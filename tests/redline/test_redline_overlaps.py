"""Overlapping and duplicate suggestions: merged into one change, or one applied and the others reported."""

from __future__ import annotations

import io
import zipfile

import pytest
from lxml import etree

from analyzer.core.schema import Clause, DocumentInfo, Finding, Report, Span, Suggestion
from analyzer.ingest import parse
from analyzer.redline.plan import plan_changes
from analyzer.redline.writer import AUTHOR, build_redline

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _report(path) -> Report:
    doc = parse(path)
    return Report(document=DocumentInfo(source=doc.source, format=doc.format, sha256=doc.sha256, chars=len(doc.text)),
                  text=doc.text, blocks=doc.blocks)


def _finding(fid, action, *, start=None, end=None, text="", after=None, severity="high",
             category="termination_for_cause") -> Finding:
    return Finding(id=fid, rule_id=f"rule.{fid}", category=category, kind="deviation", severity=severity,
                   message=f"message {fid}", evidence=[Span(start=start, end=end)] if start is not None else [],
                   suggestion=Suggestion(action=action, text=text, start=start, end=end, after_clause_id=after))


def _span(text: str, needle: str) -> tuple[int, int]:
    i = text.index(needle)
    return i, i + len(needle)


def _xml(data: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return etree.fromstring(zf.read(name))


def _ours(data: bytes, tag: str) -> list[str]:
    return ["".join(t.text or "" for t in el.iter(W + "t", W + "delText"))
            for el in _xml(data, "word/document.xml").iter(W + tag) if el.get(W + "author") == AUTHOR]


@pytest.fixture
def licence(samples_dir):
    path = samples_dir / "tech_license.docx"
    return path, _report(path)


@pytest.mark.parametrize("prefer, applied, lost", [(None, "x", "y"), ({"y"}, "y", "x")])
def test_overlapping_different_edits_apply_one_and_report_the_other(licence, prefer, applied, lost):
    path, report = licence
    s, e = _span(report.text, "an exclusive, worldwide, perpetual")
    report.findings = [_finding("x", "delete", start=s, end=e),
                       _finding("y", "replace", start=s + 3, end=e + 5, text="a non-exclusive", severity="medium")]
    result = build_redline(path, report, prefer=prefer)
    assert result.applied == 1 and result.suggestions == 1
    assert [m.finding_id for m in result.not_applied] == [lost]
    reason = result.not_applied[0].reason
    assert f"overlaps the {'delete' if applied == 'x' else 'replace'} of {applied}" in reason
    assert len(result.conflicts) == 1 and set(result.conflicts[0].finding_ids) == {"x", "y"}
    assert result.conflicts[0].applied == applied
    assert ("a non-exclusive" in _ours(result.data, "ins")) == (applied == "y")


def test_overlapping_same_replacement_is_merged_into_one_change(licence):
    path, report = licence
    s, e = _span(report.text, "an exclusive, worldwide, perpetual")
    report.findings = [_finding("a", "replace", start=s, end=e - 5, text="a non-exclusive licence"),
                       _finding("b", "replace", start=s + 3, end=e, text="a  non-exclusive licence",
                                category="license_grant")]
    result = build_redline(path, report)
    assert (result.applied, result.suggestions, result.not_applied) == (1, 2, [])
    assert result.merged == [("a", "b")]
    assert _ours(result.data, "del") == [report.text[s:e]]  # the union of both spans
    comment = "".join(_xml(result.data, "word/comments.xml").itertext())
    assert "message a" in comment and "message b" in comment and "One change for 2 findings" in comment


def test_overlapping_deletions_become_one_deletion(licence):
    path, report = licence
    s, e = _span(report.text, "an exclusive, worldwide, perpetual")
    report.findings = [_finding("a", "delete", start=s, end=s + 12), _finding("b", "delete", start=s + 4, end=e)]
    result = build_redline(path, report)
    assert (result.applied, result.suggestions, result.not_applied) == (1, 2, [])
    assert _ours(result.data, "del") == [report.text[s:e]]


def test_same_inserted_text_is_inserted_once(licence):
    path, report = licence
    a = Clause(id="c1", number="1", start=0, end=report.text.index("\n", 10))
    report.clauses.append(a)
    text = "Improvements. Each party owns the improvements it makes alone."
    report.findings = [_finding("low", "insert", text=text, after="c1", severity="low"),
                       _finding("high", "insert", text=text + " ", after=None, severity="high"),
                       _finding("other", "insert", text="Another clause.", after="c1")]
    result = build_redline(path, report)
    assert result.merged == [("high", "low")]
    assert (result.applied, result.suggestions, result.not_applied) == (2, 3, [])
    assert sorted(_ours(result.data, "ins")).count(text) == 1


def test_not_applied_suggestions_say_why(licence):
    path, report = licence
    h = report.text.index("5.\tIMPROVEMENTS")
    report.clauses.append(Clause(id="h", number="5.", heading="IMPROVEMENTS", start=h, end=h + 200))
    report.findings = [_finding("empty", "insert", text="  "),
                       _finding("nowhere", "replace", text="x"),
                       _finding("heading", "delete", start=h - 20, end=h + 30),
                       _finding("unknown", "insert", text="New clause.", after="no-such-clause")]
    plan = plan_changes(report)
    reasons = {m.finding_id: m.reason for m in plan.not_applied}
    assert reasons == {"empty": "there is no text to insert", "nowhere": "the suggestion names no text to change",
                       "heading": "the text to change holds a clause heading, which a redline never deletes"}
    result = build_redline(path, report)
    reasons = {m.finding_id: m.reason for m in result.not_applied}
    assert reasons["unknown"] == "the clause it should follow is not in this document"
    assert result.applied == 0


def _note(fid, start, end) -> Finding:
    return Finding(id=fid, rule_id=f"rule.{fid}", category="license_grant", kind="deviation", severity="medium",
                   message=f"message {fid}", evidence=[Span(start=start, end=end)], suggestion=None)


def test_a_finding_without_language_gets_a_comment_and_leaves_the_text(licence):
    from analyzer.core.settings import Limits
    from analyzer.ooxml.revisions import reject_revisions

    path, report = licence
    s, e = _span(report.text, "an exclusive, worldwide, perpetual")
    report.findings = [_note("n", s, e)]
    result = build_redline(path, report)
    assert (result.applied, result.suggestions, result.comments) == (0, 0, 1)
    comments = ["".join(t.text or "" for t in c.iter(W + "t")) for c in _xml(result.data, "word/comments.xml").iter(W + "comment")]
    assert any("message n" in c for c in comments)
    assert _ours(result.data, "ins") == [] and _ours(result.data, "del") == []
    ours_rejected = reject_revisions(result.data, "r.docx", Limits.from_env(), authors=[AUTHOR])
    assert parse(ours_rejected, filename="r.docx").text == report.text
    anchored = _xml(result.data, "word/document.xml")
    assert len(list(anchored.iter(W + "commentRangeStart"))) >= 1


def test_a_comment_on_edited_text_joins_the_edits_comment(licence):
    path, report = licence
    s, e = _span(report.text, "an exclusive, worldwide, perpetual")
    report.findings = [_finding("x", "replace", start=s, end=e, text="a non-exclusive"), _note("n", s + 3, e)]
    plan = plan_changes(report)
    assert [(c.action, [f.id for f in c.findings]) for c in plan.changes] == [("replace", ["x", "n"])]
    result = build_redline(path, report)
    assert (result.applied, result.comments) == (1, 0)
    assert (result.suggestions, result.joined) == (1, 1)  # the note rides on the edit; it is no suggestion
