"""Finding confidence: from the classifier's per-document decision, the evidence's labels and the
agreement type that chose the playbook; uncertain findings are shown as points to check."""

from __future__ import annotations

from builders import clause_report

from analyzer.core.schema import AgreementType, Finding, Label, Presence, Span
from analyzer.output.render import to_html, to_markdown
from analyzer.review.confidence import UNLABELLED, finding_confidence, type_factor, with_confidence

CONF = "The Recipient shall keep the Confidential Information secret."


def _report(presence=(), labels=(), agreement_type=None, source="agreement_type"):
    r = clause_report([("Confidentiality", CONF)])
    s = r.text.index(CONF)
    labs = [Label(category=c, confidence=p, flagged=True, start=s, end=s + len(CONF)) for c, p in labels]
    return r.model_copy(update={"presence": [Presence(category=c, present=p >= 0.5, confidence=p) for c, p in presence],
                                "labels": labs, "agreement_type": agreement_type, "playbook_source": source}), s


def _missing(cat="audit_rights"):
    return Finding(id="m", rule_id="x", category=cat, kind="missing", severity="high", message="Missing: audit.")


def _deviation(s):
    return Finding(id="d", rule_id="y", category="confidentiality", kind="deviation", severity="medium",
                   message="no term", evidence=[Span(start=s, end=s + len(CONF))])


def test_a_missing_finding_is_as_sure_as_the_classifier_is_that_the_clause_is_absent():
    r, _ = _report(presence=[("audit_rights", 0.9)])
    assert finding_confidence(r, _missing()) == 0.1
    r, _ = _report(presence=[("audit_rights", 0.05)])
    assert finding_confidence(r, _missing()) == 0.95


def test_a_finding_on_a_labelled_clause_counts_the_label():
    r, s = _report(labels=[("confidentiality", 0.8)])
    assert finding_confidence(r, _deviation(s)) == 0.9
    r, s = _report()
    assert finding_confidence(r, _deviation(s)) == UNLABELLED


def test_a_label_counts_by_its_unit_probability_not_its_span_confidence():
    r, s = _report()
    lab = Label(category="confidentiality", confidence=0.3, unit_confidence=0.8, flagged=True, start=s, end=s + len(CONF))
    assert lab.unit_level_confidence == 0.8
    assert Label(category="x", confidence=0.3, flagged=False, start=0, end=1).unit_level_confidence == 0.3
    r = r.model_copy(update={"labels": [lab]})
    assert finding_confidence(r, _deviation(s)) == 0.9  # 0.5 + 0.5 x 0.8, as before the span model


def test_an_uncertain_agreement_type_lowers_every_finding():
    sure = AgreementType(label="license", confidence=0.9)
    unsure = AgreementType(label="services", confidence=0.2, low_confidence=True)
    assert type_factor(_report(agreement_type=sure)[0]) == 1.0
    assert type_factor(_report(agreement_type=unsure)[0]) == 0.4
    # a playbook the user chose does not depend on the detected type
    assert type_factor(_report(agreement_type=unsure, source="chosen")[0]) == 1.0
    r, s = _report(labels=[("confidentiality", 0.8)], agreement_type=unsure)
    (f,) = with_confidence(r, [_deviation(s)])
    assert f.confidence == 0.36 and f.needs_check


def test_memos_mark_uncertain_findings_as_points_to_check():
    r, s = _report(presence=[("audit_rights", 0.9)])
    r = r.model_copy(update={"findings": with_confidence(r, [_missing(), _deviation(s)])})
    md = to_markdown(r)
    assert md.count("Check: an uncertain finding") == 1 and "confidence 0.10" in md
    assert to_html(r).count("class='check'") == 1
