"""Key terms and risk score read from a report."""

from __future__ import annotations

import pytest

from analyzer.core.schema import DocumentInfo, Entity, Finding, Label, Report
from ui.key_terms import key_terms, risk_score, severity_counts

TEXT = ("This Agreement lasts for five (5) years. Licensee shall pay a royalty of 4% of Net Sales. "
        "Liability is limited to the fees paid. This Agreement is governed by the laws of England.")


def _span(s: str) -> tuple[int, int]:
    i = TEXT.index(s)
    return i, i + len(s)


def _report(findings=(), with_entities=True) -> Report:
    labels = []
    for cat, sent in [("term", "This Agreement lasts for five (5) years."),
                      ("royalties_payment", "Licensee shall pay a royalty of 4% of Net Sales."),
                      ("cap_on_liability", "Liability is limited to the fees paid."),
                      ("governing_law", "This Agreement is governed by the laws of England.")]:
        s, e = _span(sent)
        labels.append(Label(category=cat, confidence=0.9, flagged=True, start=s, end=e))
    labels.append(Label(category="exclusivity", confidence=0.2, flagged=False, start=0, end=10))
    ents = []
    if with_entities:
        for typ, txt, val in [("duration", "five (5) years", "P5Y"), ("percent", "4%", "0.04"),
                              ("governing_law", "the laws of England", "England")]:
            s, e = _span(txt)
            ents.append(Entity(type=typ, text=txt, start=s, end=e, value=val))
    return Report(document=DocumentInfo(source="k.txt", format="txt", sha256="0" * 64, chars=len(TEXT)),
                  text=TEXT, labels=labels, entities=ents, findings=list(findings))


@pytest.mark.parametrize("key,value,from_entity", [
    ("term", "five (5) years", True), ("royalty", "4%", True), ("governing_law", "England", True),
    ("cap", "Liability is limited to the fees paid.", False),
])
def test_keyterms_from_entities_inside_label_evidence(key, value, from_entity):
    term = key_terms(_report())[key]
    assert term is not None and term.value == value and term.from_entity is from_entity
    assert TEXT[term.start:term.end]


@pytest.mark.parametrize("key", ["term", "royalty", "cap", "governing_law"])
def test_keyterms_fall_back_to_evidence_sentence(key):
    term = key_terms(_report(with_entities=False))[key]
    assert term is not None and not term.from_entity and term.value == TEXT[term.start:term.end]


def _f(i: int, sev: str) -> Finding:
    return Finding(id=str(i), rule_id="r", category="term", kind="missing", severity=sev, message="m")


@pytest.mark.parametrize("sevs,score", [([], 0), (["low"], 2), (["high", "medium", "low"], 23),
                                        (["high"] * 8, 100)])
def test_keyterms_risk_score(sevs, score):
    report = _report([_f(i, s) for i, s in enumerate(sevs)])
    assert risk_score(report) == score
    assert sum(severity_counts(report).values()) == len(sevs)


@pytest.mark.parametrize("unused", [None])
def test_keyterms_ignore_entities_of_weaker_labels(unused):
    report = _report()
    s, e = _span("This Agreement lasts for five (5) years.")
    report.labels = [lab for lab in report.labels if lab.category != "term"]
    report.labels += [Label(category="term", confidence=0.99, flagged=True, start=0, end=14),
                      Label(category="term", confidence=0.6, flagged=True, start=s, end=e)]
    term = key_terms(report)["term"]
    assert term is None  # the best label states no term, and the weaker label's period is not taken


def _liability_report(sentence: str, finding: str = "") -> Report:
    text = f"10. LIABILITY\n10.1 Term. {sentence}"
    s = text.index(sentence)
    labels = [Label(category="cap_on_liability", confidence=0.8, flagged=True, start=s, end=len(text)),
              Label(category="term", confidence=0.7, flagged=True, start=0, end=len(text))]
    findings = [Finding(id="c", rule_id="common.liability", category="limitation_of_liability", kind="deviation",
                        severity="medium", message=finding)] if finding else []
    return Report(document=DocumentInfo(source="l.txt", format="txt", sha256="0" * 64, chars=len(text)),
                  text=text, labels=labels, findings=findings)


@pytest.mark.parametrize("sentence, value", [
    ("Licensor shall not be liable for any indirect or consequential loss.", "None stated"),
    ("Each party's total liability shall not exceed EUR 500,000.", "EUR 500,000"),
    ("Each party's liability for a breach of clause 7 is unlimited.", "Unlimited"),
])
def test_keyterms_cap_shows_a_cap_or_says_there_is_none(sentence, value):
    cap = key_terms(_liability_report(sentence))["cap"]
    assert cap is not None and cap.value == value


@pytest.mark.parametrize("unused", [None])
def test_keyterms_term_is_a_sentence_that_states_the_term_not_a_heading(unused):
    report = _liability_report("This Agreement continues until the last patent expires.")
    term = key_terms(report)["term"]
    assert term.value == "This Agreement continues until the last patent expires."
    report = _liability_report("Licensor shall not be liable for any indirect loss.")
    assert key_terms(report)["term"] is None


@pytest.mark.slow
def test_keyterms_term_ignores_cure_and_notice_periods(samples_dir):
    from analyzer.pipeline import analyze
    from ui.key_terms import key_terms

    term = key_terms(analyze(samples_dir / "tech_license.docx"))["term"]
    assert term is not None and "(10) days" not in term.value
