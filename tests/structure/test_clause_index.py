"""The clause at an offset: ``ClauseIndex`` against a scan over every clause, and one sample document
on which sentences, entities, labels, findings and the redline's anchors name the same clauses."""

from __future__ import annotations

import random

import pytest
from support import SAMPLES

from analyzer.core.schema import Clause
from analyzer.structure.clause_index import ClauseIndex


def _nested(rng: random.Random, start: int, end: int, depth: int, out: list[tuple[int, int]]) -> None:
    """Random properly nested spans inside ``[start, end)``; some children fill their parent exactly."""
    pos = start
    while pos < end and depth < 4 and rng.random() < 0.8:
        a = pos + rng.randint(0, 6)
        b = min(end, a + rng.randint(1, 80))
        if rng.random() < 0.1:
            a, b = start, end  # a child with its parent's span: a tie
        if b <= a:
            break
        out.append((a, b))
        _nested(rng, a, b, depth + 1, out)
        pos = b
        if (a, b) == (start, end):
            break


def _scan(clauses: list[Clause], start: int, end: int):
    """The smallest clause holding all of [start, end), else the smallest holding start; the first on a tie."""
    for test in (lambda c: c.start <= start and end <= c.end, lambda c: c.start <= start < c.end):
        best = None
        for c in clauses:
            if test(c) and (best is None or c.end - c.start < best.end - best.start):
                best = c
        if best is not None:
            return best
    return None


def test_innermost_matches_a_scan_on_random_nested_clauses():
    rng = random.Random(17)
    for trial in range(150):
        spans: list[tuple[int, int]] = []
        _nested(rng, 0, 300, 0, spans)
        if trial % 2:
            rng.shuffle(spans)  # the index does not rely on parents coming first
        clauses = [Clause(id=f"c{i}", start=a, end=b) for i, (a, b) in enumerate(spans)]
        index = ClauseIndex(clauses)
        for _ in range(60):
            s = rng.randint(-3, 305)
            e = s + rng.choice([0, 1, rng.randint(0, 60), rng.randint(0, 300)])
            want = _scan(clauses, s, e)
            assert index.innermost(s, e) is want, (spans, s, e)
            assert index.innermost_id(s, e) == (want.id if want else None)


def test_innermost_on_a_tie_is_the_first_listed_and_none_outside_every_clause():
    outer = Clause(id="outer", start=0, end=10)
    same = Clause(id="same", start=0, end=10, parent_id="outer")
    index = ClauseIndex([outer, same, Clause(id="b", start=20, end=30)])
    assert index.innermost_id(2, 5) == "outer"
    assert index.innermost_id(5, 25) == "outer"  # crosses into "b": the clause that holds its start
    assert index.innermost_id(12, 15) is None
    assert index.innermost_id(10, 10) == "outer"  # an empty span at a clause's end
    assert ClauseIndex([]).innermost(0, 1) is None


def test_lookup_by_id_top_level_and_kind():
    clauses = [Clause(id="a", start=0, end=50), Clause(id="a1", start=5, end=40, parent_id="a"),
               Clause(id="a1i", start=10, end=20, parent_id="a1"), Clause(id="orphan", start=60, end=70, parent_id="gone"),
               Clause(id="sig", kind="signature", start=80, end=90), Clause(id="sig2", kind="signature", start=90, end=95)]
    index = ClauseIndex(clauses)
    assert index.get("a1").start == 5 and index.get(None) is None and index.get("nope") is None
    assert index.top_level("a1i").id == "a" and index.top_level("a").id == "a"
    assert index.top_level("orphan").id == "orphan"  # a parent that is not listed: the clause itself
    assert index.top_level(None) is None
    assert index.first_of_kind("signature").id == "sig" and index.first_of_kind("schedule") is None
    looped = ClauseIndex([Clause(id="x", start=0, end=5, parent_id="y"), Clause(id="y", start=0, end=5, parent_id="x")])
    assert looped.top_level("x") is not None  # a parent cycle ends


# --------------------------------------------------------------------------- one document, one answer

@pytest.fixture(scope="module")
def licence_report():
    from analyzer.pipeline import analyze

    return analyze(SAMPLES / "tech_license.docx", perspective="licensee")


@pytest.mark.slow
def test_every_stage_names_the_same_clause_for_the_same_span(licence_report):
    report = licence_report
    index = ClauseIndex(report.clauses)
    assert report.clauses and report.labels and report.findings
    for s in report.sentences:
        assert s.clause_id == index.innermost_id(s.start, s.end)
    for e in report.entities:
        assert e.clause_id == index.innermost_id(e.start, e.end)
    for lab in report.labels:
        assert lab.clause_id == index.innermost_id(lab.start, lab.end), lab
    for f in report.findings:
        if f.evidence:
            assert f.clause_id == index.innermost_id(f.evidence[0].start, f.evidence[0].end), f.rule_id


@pytest.mark.slow
def test_labels_findings_and_redline_edits_agree_on_the_clause_of_a_category(licence_report):
    """For each finding the redline edits in place, the clause of the edited span is the finding's
    clause or lies inside it (an edit leaves out the heading of the finding's article, so the body
    left may be its one sub-clause: "11. CONFIDENTIALITY / 11.1 Each Partner …"), and a flagged label
    of the finding's category over that span names that clause or, when the label is longer (a run of
    sentences), one that holds it. Read on three samples, so that some finding is edited in place
    whatever the model's confidence in one of them."""
    from analyzer.pipeline import analyze
    from analyzer.redline.writer import collect_changes

    checked = 0
    for report in (licence_report, analyze(SAMPLES / "rd_collaboration.docx"), analyze(SAMPLES / "jv_agreement.docx")):
        checked += _edits_agree(report, collect_changes(report))
    assert checked, "no edited span is a flagged label of its category"


def _edits_agree(report, changes) -> int:
    """Checks one report's in-place edits; returns how many matched a flagged label's span exactly."""
    index = ClauseIndex(report.clauses)
    by_finding = {c.finding.id: c for c in changes}
    checked = 0
    for f in report.findings:
        change = by_finding.get(f.id)
        if change is None or change.action == "insert":
            continue
        clause = index.innermost_id(change.start, change.end)
        assert f.clause_id in _self_and_ancestors(index, clause), f.rule_id
        over = [lab for lab in report.labels if lab.flagged and lab.category == f.category
                and lab.start <= change.start and change.end <= lab.end]
        holding = _self_and_ancestors(index, clause)
        for lab in over:
            assert lab.clause_id in holding, f.rule_id
            if (lab.start, lab.end) == (change.start, change.end):
                assert lab.clause_id == clause
                checked += 1
    return checked


def _self_and_ancestors(index: ClauseIndex, clause_id):
    out, c = [], index.get(clause_id)
    while c is not None and c.id not in out:
        out.append(c.id)
        c = index.get(c.parent_id)
    return out


@pytest.mark.slow
def test_redline_inserts_after_the_last_paragraph_of_the_anchor_clause(licence_report):
    """A missing clause is inserted right after the text of ``after_clause_id``, a top-level body clause."""
    from analyzer.ingest import parse
    from analyzer.redline.writer import redline_bytes

    report = licence_report
    index = ClauseIndex(report.clauses)
    inserts = [f for f in report.findings if f.kind == "missing" and f.suggestion
               and f.suggestion.action == "insert" and f.suggestion.after_clause_id]
    assert inserts
    first = inserts[0]
    anchor = index.get(first.suggestion.after_clause_id)
    assert anchor is not None and index.top_level(anchor.id) is anchor
    data, applied = redline_bytes(SAMPLES / "tech_license.docx", report, accepted={first.id})
    assert applied == 1
    text = parse(data, filename="redline.docx").text
    inserted = first.suggestion.text.strip().split("\n")[0].strip()
    at = text.index(inserted)
    before = text[:at].rstrip()
    last_line = report.text[anchor.start:anchor.end].rstrip().split("\n")[-1].strip()
    assert before.endswith(last_line)
