"""Redlines that are safe to accept: no heading is deleted, no cross-referred clause is emptied, and
inserted clauses stay in the body, before the signature block; rejecting all gives back the original."""

from __future__ import annotations

import hashlib

import pytest
from builders import add_sections
from support import REAL_AGREEMENTS, SAMPLES
from test_redline import accept_ours, reject_ours

from analyzer.core.schema import Clause, DocumentInfo, Finding, Report, Span, Suggestion
from analyzer.ingest import parse
from analyzer.pipeline import analyze
from analyzer.redline.writer import collect_changes, redline_bytes
from analyzer.structure.headings import body_start

COMMON_PAPER = REAL_AGREEMENTS / "common-paper-software-license-agreement_template.docx"


def _finding(fid: str, action: str, *, start=None, end=None, text="", after=None) -> Finding:
    return Finding(id=fid, rule_id=f"rule.{fid}", category="dispute_resolution", kind="deviation", severity="medium",
                   message=f"message {fid}", evidence=[Span(start=start, end=end)] if start is not None else [],
                   suggestion=Suggestion(action=action, text=text, start=start, end=end, after_clause_id=after))


def _txt_report(sections, signature=True) -> Report:
    text, clauses = add_sections("SERVICES AGREEMENT\n", sections, sep="\n")
    if signature:
        start = len(text)
        text += "IN WITNESS WHEREOF the parties have signed this Agreement.\nSigned by the Customer\n"
        clauses.append(Clause(id="sig", kind="signature", start=start, end=len(text) - 1))
    sha = hashlib.sha256(text.encode()).hexdigest()
    return Report(document=DocumentInfo(source="t.txt", format="txt", sha256=sha, chars=len(text)), text=text,
                  clauses=clauses)


SECTIONS = [("Fees", "The Customer shall pay the fees within thirty days."),
            ("Dispute Resolution", "The courts of Zurich have jurisdiction over any dispute."),
            ("Notices", "Notices are given in writing to the addresses above.")]


def test_writer_never_deletes_a_heading():
    report = _txt_report(SECTIONS)
    c2, c3 = report.clauses[1], report.clauses[2]
    report.findings = [
        # starts on the heading "2. Dispute Resolution": only the body is replaced
        _finding("a", "replace", start=c2.start, end=c2.end, text="Disputes go to ICC arbitration in Geneva."),
        # runs over the heading of clause 3: not applied
        _finding("b", "delete", start=c3.start - 20, end=c3.end),
    ]
    changes = collect_changes(report)
    assert [(c.finding.id, report.text[c.start:c.end]) for c in changes] == \
        [("a", "The courts of Zurich have jurisdiction over any dispute.")]
    data, count = redline_bytes("t.txt", report)
    assert count == 1
    accepted = parse(accept_ours(data)).text
    for n, (heading, _) in enumerate(SECTIONS, 1):
        assert f"{n}. {heading}" in accepted
    assert "Disputes go to ICC arbitration in Geneva." in accepted
    assert parse(reject_ours(data)).text == parse(redline_bytes("t.txt", _txt_report(SECTIONS))[0]).text


@pytest.mark.parametrize("anchor", ["last", "sig"])
def test_insertion_never_lands_after_signature_block(anchor):
    report = _txt_report(SECTIONS)
    if anchor == "last":  # a last clause whose span runs on into the signature block
        last = report.clauses[2]
        report.clauses[2] = last.model_copy(update={"end": report.clauses[3].end})
        after = "c3"
    else:
        after = "sig"
    report.findings = [_finding("i", "insert", text="Governing law. Swiss law governs this Agreement.", after=after)]
    data, count = redline_bytes("t.txt", report)
    assert count == 1
    accepted = parse(accept_ours(data)).text
    assert accepted.index("Swiss law governs") < accepted.index("IN WITNESS WHEREOF")
    assert accepted.index("Swiss law governs") > accepted.index("Notices are given")


def test_insertion_anchored_in_schedule_goes_before_the_schedule():
    report = _txt_report(SECTIONS, signature=False)
    start = len(report.text)
    text = report.text + "SCHEDULE 1\nService levels: the Supplier answers within one day.\n"
    report = report.model_copy(update={"text": text, "clauses": report.clauses + [
        Clause(id="s1", kind="schedule", number="Schedule 1", start=start, end=len(text) - 1)]})
    report.findings = [_finding("i", "insert", text="Governing law. Swiss law governs this Agreement.", after="s1")]
    data, count = redline_bytes("t.txt", report)
    assert count == 1
    accepted = parse(accept_ours(data)).text
    assert accepted.index("Notices are given") < accepted.index("Swiss law governs") < accepted.index("SCHEDULE 1")


def _covered(spans: list[tuple[int, int]], start: int, end: int, text: str) -> bool:
    """True when every non-space character of ``text[start:end]`` lies in one of ``spans``."""
    return all(text[i].isspace() or any(s <= i < e for s, e in spans) for i in range(start, end))


def _docx_inputs():
    paths = sorted(SAMPLES.glob("*.docx"))
    paths.append(COMMON_PAPER)
    return [pytest.param(p, id=p.name) for p in paths]


@pytest.mark.slow
@pytest.mark.parametrize("path", _docx_inputs())
def test_redline_of_real_documents_is_safe_to_accept_and_reject(path):
    if not path.exists():
        pytest.skip(f"{path.name} is absent")
    report = analyze(path)
    text = report.text
    data, count = redline_bytes(path, report)
    assert count > 0
    original = parse(path).text
    assert parse(reject_ours(data)).text == original
    accepted = parse(accept_ours(data)).text
    changes = collect_changes(report)
    edited = [(c.start, c.end) for c in changes if c.action != "insert"]
    deleted = [(c.start, c.end) for c in changes if c.action == "delete" or (c.action == "replace" and not c.text.strip())]
    by_id = {c.id: c for c in report.clauses}
    for c in report.clauses:
        if not c.heading or c.kind in ("signature", "schedule"):
            continue
        bs = body_start(text, c.start, c.heading, c.end)
        assert not any(s < bs and c.start < e for s, e in edited), f"heading deleted: {c.heading!r}"
        head = " ".join(text[c.start:bs].split())
        assert head in " ".join(accepted.split()), f"heading missing after accept-all: {head!r}"
        if text[bs:c.end].strip():
            assert not _covered(deleted, bs, c.end, text), f"heading left without a body: {c.heading!r}"
    for ent in report.entities:
        if ent.type != "cross_reference" or ent.target_clause_id not in by_id:
            continue
        target = by_id[ent.target_clause_id]
        if target.start <= ent.start < target.end or _covered(edited, ent.start, ent.end, text):
            continue
        assert not _covered(edited, target.start, target.end, text), f"dangling reference: {ent.text!r}"
