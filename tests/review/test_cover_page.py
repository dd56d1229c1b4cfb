"""A cover-page agreement: changes to the standard terms go on the cover page, before it is signed."""

from __future__ import annotations

import pytest
from support import ROOT

from analyzer.core.schema import Finding, Span, Suggestion
from analyzer.ingest import parse
from analyzer.review.cover_page import cover_page_clause, onto_cover_page
from analyzer.review.outside_terms import incorporated_terms, without_missing

COVER = ("MUTUAL NDA\n\nThis NDA consists of this Cover Page and the Standard Terms below. If there is any "
         "inconsistency between the Cover Page and the Standard Terms, the Cover Page will control.\n"
         "Governing Law: the laws of the State of New York.\n"
         "Changes to Standard Terms: none.\n"
         "By signing this Cover Page, each party agrees to enter into this NDA.\n"
         "Signature: ____________\n\n")
TERMS = ("1. Confidentiality. Each party shall keep the other party's Confidential Information confidential.\n\n"
         "2. Term. This NDA continues for two years.\n\n"
         "3. Governing Law. This NDA is governed by the Governing Law stated on the Cover Page.\n")


def _report(text: str, stub_classifier):
    from analyzer.pipeline import analyze

    return analyze(text.encode(), filename="nda.txt", compare_playbook=False)


def test_the_cover_page_is_found_only_when_it_controls(stub_classifier):
    assert cover_page_clause(_report(COVER + TERMS, stub_classifier)) is not None
    plain = "MUTUAL NDA\n\nThis NDA is made between Alpha Ltd and Beta Inc.\n\n" + TERMS
    assert cover_page_clause(_report(plain, stub_classifier)) is None


def test_edits_of_the_standard_terms_become_cover_page_insertions(stub_classifier):
    report = _report(COVER + TERMS, stub_classifier)
    s = report.text.index("This NDA continues")
    e = s + len("This NDA continues for two years.")
    term = next(c for c in report.clauses if c.number and c.number.startswith("2"))
    findings = [
        Finding(id="r", rule_id="x.term", category="term", kind="deviation", severity="medium", message="m",
                evidence=[Span(start=s, end=e)], suggestion=Suggestion(action="replace", text="This NDA continues for five years.",
                                                                     start=s, end=e)),
        Finding(id="i", rule_id="x.export", category="export_control", kind="missing", severity="high", message="m",
                suggestion=Suggestion(action="insert", text="Export control. Each party complies.", after_clause_id=term.id)),
        Finding(id="n", rule_id="x.none", category="term", kind="risk", severity="low", message="m", evidence=[Span(start=s, end=e)]),
    ]
    moved = {f.id: f.suggestion for f in onto_cover_page(report, findings)}
    sign = report.text.index("By signing this Cover Page")
    assert moved["r"].action == "insert" and moved["r"].after_clause_id is None and moved["r"].start == sign
    assert moved["r"].text == "Changes to the Standard Terms: clause 2 (Term) is replaced by: This NDA continues for five years."
    assert moved["i"].text.startswith("Changes to the Standard Terms: the following is added after clause 2 (Term): Export control.")
    assert moved["n"] is None


def test_a_document_without_a_cover_page_keeps_its_suggestions(stub_classifier):
    report = _report("MUTUAL NDA\n\n" + TERMS, stub_classifier)
    f = Finding(id="r", rule_id="x.term", category="term", kind="deviation", severity="medium", message="m",
                suggestion=Suggestion(action="replace", text="t", start=20, end=30))
    assert onto_cover_page(report, [f]) == [f]


TEMPLATE = ROOT.parent / "shared" / "real_agreements" / "common-paper-one-way-nda_template.docx"


@pytest.mark.slow
@pytest.mark.skipif(not TEMPLATE.exists(), reason="../shared/real_agreements is absent")
def test_the_common_paper_redline_changes_only_the_cover_page(tmp_path):
    from analyzer.core.settings import Limits
    from analyzer.ooxml.revisions import reject_revisions
    from analyzer.pipeline import analyze
    from analyzer.redline.writer import AUTHOR, build_redline

    report = analyze(TEMPLATE)
    result = build_redline(TEMPLATE, report)
    assert result.applied >= 1
    standard_terms = report.text[report.text.index("1.\tIntroduction"):]
    redlined = parse(result.data, filename="r.docx")
    assert redlined.text.endswith(standard_terms)  # the standard terms are untouched
    inserted = redlined.text.index("Changes to the Standard Terms:")
    assert inserted < redlined.text.index("By signing this Cover Page")
    back = reject_revisions(result.data, "r.docx", Limits.from_env(), authors=[AUTHOR])
    assert parse(back, filename="r.docx").text == report.text


ORDER_FORM = ("Cover Page\nfor Bonterms Mutual NDA\nBy executing this Cover Page, the parties enter into the Bonterms "
              "Mutual NDA (Version 1.0) (available at https://bonterms.com/forms/bonterms-mutual-nda-v1/). This Cover Page "
              "controls over directly conflicting provisions of the Bonterms Mutual NDA.\nKey Terms\nEffective Date\n"
              "March 1, 2026\nGoverning Law\nCalifornia\n")


def test_published_terms_incorporated_by_reference_are_not_reported_missing(stub_classifier):
    report = _report(ORDER_FORM, stub_classifier)
    assert incorporated_terms(report) == "Bonterms Mutual NDA"
    missing = Finding(id="m", rule_id="x.conf", category="confidentiality", kind="missing", severity="high", message="m")
    risk = Finding(id="r", rule_id="x.term", category="term", kind="risk", severity="low", message="m",
                   evidence=[Span(start=0, end=10)])
    kept, note = without_missing(report, [missing, risk])
    assert kept == [risk]
    assert "Bonterms Mutual NDA" in note and "confidentiality" in note


def test_incorporated_terms_that_the_document_contains_leave_missing_findings_alone(stub_classifier):
    # the standard terms follow the cover page: what they lack is missing
    text = ORDER_FORM + "\n" + TERMS.replace("3. Governing Law.", "3. Law.") + "4. Notices. Notices are in writing.\n"
    report = _report(text, stub_classifier)
    assert incorporated_terms(report) is None
    missing = Finding(id="m", rule_id="x.exp", category="export_control", kind="missing", severity="high", message="m")
    assert without_missing(report, [missing]) == ([missing], None)
