"""Judgement of each change from the client's side, on short hand-written contract pairs.

The classifier is the keyword stub: the judgements under test come from the playbook's own
findings and from the terms read from both wordings, not from classification quality.
"""

from __future__ import annotations

import pytest
from draft_pairs import NEW, OLD

from analyzer.compare import compare_drafts


def run(old: str, new: str, perspective: str = "licensee", **kw):
    return compare_drafts(old.encode(), new.encode(), old_name="v1.txt", new_name="v2.txt",
                          perspective=perspective, **kw).report


def by_clause(report) -> dict[str, object]:
    out = {}
    for c in report.changes:
        ref = c.new_clause or c.old_clause
        out[ref.number] = c
    return out


@pytest.fixture
def licensee_report(stub_classifier):
    return run(OLD, NEW, "licensee")


def test_compare_judges_each_change_for_the_licensee(licensee_report):
    got = by_clause(licensee_report)
    assert got["1.3"].kind == "added" and got["1.3"].judgement == "worse"
    assert got["1.3"].rule_id == "lic.no-challenge"
    assert got["2.2"].kind == "deleted" and got["2.2"].judgement == "worse"
    assert "survival" in got["2.2"].message
    assert got["3.1"].kind == "modified" and got["3.1"].judgement == "worse"
    assert any(r.rule_id == "compare.cure_days" and r.old_value == "30 days" and r.new_value == "10 days"
               for r in got["3.1"].reasons)
    assert got["4.1"].judgement == "worse" and "cap raised" in got["4.1"].message
    assert got["5.2"].kind == "moved" and got["5.2"].judgement == "neutral"
    assert got["5.2"].old_clause.number == "5.1" and got["5.2"].text_changed
    no_challenge = next(r for r in got["1.3"].reasons if r.rule_id == "compare.no_challenge")
    assert no_challenge.message == "no-challenge obligation added: not stated → stated"
    assert not any("None" in r.message for c in licensee_report.changes for r in c.reasons)


def test_compare_summary_leads_with_worse_and_counts_match(licensee_report):
    r = licensee_report
    order = [c.judgement for c in r.changes]
    assert order == sorted(order, key=["worse", "better", "neutral"].index)
    assert r.summary.headline[0].startswith("WORSE")
    assert (r.summary.worse, r.summary.better, r.summary.neutral) == (
        order.count("worse"), order.count("better"), order.count("neutral"))


def test_compare_reasons_carry_evidence_on_both_sides(licensee_report):
    r = licensee_report
    cure = by_clause(r)["3.1"]
    reason = next(x for x in cure.reasons if x.rule_id == "compare.cure_days")
    assert "thirty (30) days" in r.old.text[reason.old_evidence[0].start:reason.old_evidence[0].end]
    assert "ten (10) days" in r.new.text[reason.new_evidence[0].start:reason.new_evidence[0].end]
    assert r.old.text[cure.old.start:cure.old.end].startswith("3.1 Either Party")
    assert r.new.text[cure.new.start:cure.new.end].startswith("3.1 Either Party")
    ops = [op for op in cure.diff if op.op != "equal"]
    assert [(op.old, op.new) for op in ops] == [("thirty (30)", "ten (10)")]


def test_compare_same_change_reads_the_other_way_for_the_licensor(stub_classifier):
    r = run(OLD, NEW, "licensor")
    got = by_clause(r)
    assert got["1.3"].judgement == "better"  # a no-challenge clause protects the licensor


def test_compare_exclusivity_granted_is_worse_for_the_licensor(stub_classifier):
    new = OLD.replace("a non-exclusive licence", "an exclusive licence")
    r = run(OLD, new, "licensor")
    grant = by_clause(r)["1.1"]
    assert grant.judgement == "worse" and "exclusivity granted" in grant.message
    assert by_clause(run(OLD, new, "licensee"))["1.1"].judgement == "better"


def test_compare_wording_only_change_is_neutral(stub_classifier):
    new = OLD.replace("Notices must be in writing", "Every notice must be in writing")
    r = run(OLD, new)
    assert [(c.kind, c.judgement) for c in r.changes] == [("modified", "neutral")]
    assert "wording only" in r.changes[0].message


def test_compare_identical_drafts_have_no_changes(stub_classifier):
    r = run(OLD, OLD)
    assert r.changes == [] and r.summary.worse == r.summary.better == r.summary.neutral == 0


def test_compare_both_drafts_use_one_playbook_and_perspective(stub_classifier):
    r = run(OLD, NEW, "licensee", playbook="tech-license")
    assert r.playbook == "tech-license" and r.perspective == "licensee"
    assert r.old.playbook == r.new.playbook == "tech-license"
