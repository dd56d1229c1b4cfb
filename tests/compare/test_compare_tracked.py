"""One DOCX with tracked changes as input: rejected = the old draft, accepted = the new one."""

from __future__ import annotations

import pytest
from draft_pairs import OLD, docx_bytes, tracked_docx

from analyzer.compare import NoTrackedChanges, compare_drafts
from analyzer.core.settings import Limits
from analyzer.ingest import parse
from analyzer.ooxml.revisions import (
    accept_revisions,
    document_has_revisions,
    reject_revisions,
)

EDITS = [("thirty (30)", "ten (10)"), ("EUR 100,000", "EUR 1,000,000")]


def test_reject_revisions_gives_the_draft_before_the_changes():
    data = tracked_docx(OLD, EDITS)
    limits = Limits.from_env()
    assert document_has_revisions(data, "t.docx", limits)
    before = reject_revisions(data, "t.docx", limits)
    assert not document_has_revisions(before, "t.docx", limits)
    assert parse(before, filename="b.docx").text == parse(docx_bytes(OLD), filename="o.docx").text
    assert "ten (10) days" in parse(data, filename="t.docx").text


def test_reject_revisions_of_one_author_keeps_the_others():
    data = tracked_docx(OLD, EDITS[:1], author="A")
    before = reject_revisions(data, "t.docx", Limits.from_env(), authors={"B"})
    assert parse(before, filename="b.docx").text == parse(data, filename="t.docx").text


def test_accept_revisions_gives_the_draft_after_the_changes_without_marks():
    survival = "2.2 Survival. The obligations in this clause 2 survive termination of this Agreement."
    data = tracked_docx(OLD, [*EDITS, (survival, "")])
    limits = Limits.from_env()
    after = accept_revisions(data, "t.docx", limits)
    assert not document_has_revisions(after, "t.docx", limits)
    text = parse(after, filename="a.docx").text
    assert text == parse(data, filename="t.docx").text
    assert "ten (10) days" in text and "EUR 1,000,000" in text and "Survival" not in text


@pytest.mark.parametrize("real", ["NDA-Redline.docx"])
def test_accept_revisions_of_a_real_redline_reads_as_its_new_draft(real_agreements, real):
    data = (real_agreements / real).read_bytes()
    limits = Limits.from_env()
    after = accept_revisions(data, real, limits)
    assert document_has_revisions(data, real, limits) and not document_has_revisions(after, real, limits)
    assert parse(after, filename=real).text == parse(data, filename=real).text


def test_compare_one_tracked_docx_judges_their_changes(stub_classifier):
    data = tracked_docx(OLD, EDITS)
    cmp = compare_drafts(data, old_name="markup.docx", perspective="licensee")
    r = cmp.report
    assert r.input == "tracked_changes"
    assert r.old.source == "markup.docx (before tracked changes)" and r.new.source == "markup.docx"
    assert [(c.kind, c.judgement) for c in r.changes] == [("modified", "worse"), ("modified", "worse")]
    assert {c.rule_id for c in r.changes} == {"compare.cure_days", "compare.cap_amount"}


def test_compare_one_docx_without_tracked_changes_is_a_one_line_error(stub_classifier):
    with pytest.raises(NoTrackedChanges, match=r"^plain\.docx: has no tracked changes"):
        compare_drafts(docx_bytes(OLD), old_name="plain.docx")


@pytest.mark.parametrize("real", ["NDA-Redline.docx"])
def test_compare_real_redline(real_agreements, stub_classifier, real):
    cmp = compare_drafts(real_agreements / real, perspective="neutral")
    r = cmp.report
    assert r.input == "tracked_changes" and r.changes
    new_text = r.new.text
    assert any("3 years" in new_text[c.new.start:c.new.end] for c in r.changes if c.new)
    assert any(op.old.strip() == "1 year" and op.new.strip() == "3 years" for c in r.changes for op in c.diff)
