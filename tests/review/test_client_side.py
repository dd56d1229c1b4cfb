"""A suggestion never worsens the client's position: each rule states whose interest its language
protects, and language protecting the other side is not proposed."""

from __future__ import annotations

import re

import pytest

from analyzer.core.errors import PlaybookError
from analyzer.core.schema import Label
from analyzer.review.findings import compare
from analyzer.review.playbook import list_playbooks, load_playbook_bytes, resolve_playbook
from tests.builders import clause_report

GRANT = ("Licensor hereby grants to Licensee an irrevocable, perpetual, worldwide, royalty-free licence under the "
         "Licensed Patents to make, use and sell Licensed Products.")
ASSIGN_BACK = "Licensee shall assign to Licensor all improvements to the Licensed Technology that Licensee makes."


def _licence(*sections):
    report = clause_report([("Licence", GRANT), *sections])
    labels = [Label(category="license_grant", confidence=0.95, flagged=True,
                    start=report.text.index(GRANT), end=report.text.index(GRANT) + len(GRANT))]
    for _, body in sections:
        if body == ASSIGN_BACK:
            s = report.text.index(body)
            labels.append(Label(category="improvements", confidence=0.95, flagged=True, start=s, end=s + len(body)))
    return report.model_copy(update={"labels": labels})


def _texts(findings):
    return [t for f in findings if f.suggestion for t in (f.suggestion.text, f.suggestion.fallback_text) if t]


def _grants_from(client: str, other: str, text: str) -> bool:
    return bool(re.search(rf"\b{client}\b[^.]{{0,60}}\bgrants?\b[^.]{{0,40}}\b{other}\b", text, re.I))


def test_a_licensees_irrevocable_worldwide_licence_is_not_narrowed():
    findings = compare(_licence(), resolve_playbook("tech-license"), "licensee")
    grant = [f for f in findings if f.rule_id == "lic.grant"]
    assert grant, "the grant is still reviewed"
    field = [f for f in grant if "field of use" in f.message]
    assert field and all(f.suggestion is None for f in field), "reported, but no field of use is proposed"
    for f in grant:
        for text in _texts([f]):
            assert "Field of Use" not in text and "for the term" not in text
            assert not re.search(r"\bsolely\b|\blimited to\b", text)
            assert all(word in text for word in ("irrevocable", "perpetual", "world")), text


def test_the_licensor_still_gets_the_narrowing_language():
    findings = compare(_licence(), resolve_playbook("tech-license"), "licensor")
    texts = _texts(f for f in findings if f.rule_id == "lic.grant")
    assert any("Field of Use" in t for t in texts)


def test_no_grant_back_is_proposed_from_a_licensee():
    for report in (_licence(), _licence(("Improvements", ASSIGN_BACK))):
        findings = compare(report, resolve_playbook("tech-license"), "licensee")
        assert any(f.rule_id == "lic.improvements" for f in findings)
        for text in _texts(findings):
            assert not _grants_from("Licensee", "Licensor", text), text


def test_no_improvement_licence_is_proposed_from_a_licensor():
    findings = compare(_licence(("Improvements", ASSIGN_BACK)), resolve_playbook("tech-license"), "licensor")
    for text in _texts(f for f in findings if f.category == "improvements"):
        assert not _grants_from("Licensor", "Licensee", text), text


def test_every_shipped_rule_states_whose_interest_it_protects():
    for meta in list_playbooks():
        pb = resolve_playbook(meta["id"])
        assert all(r.protects for r in pb.rules), meta["id"]


_PB = """schema_version: "1"
id: t
version: "1"
title: T
description: t
agreement_types: [license]
perspectives: [licensee, neutral]
default_perspective: licensee
rules:
  - id: r
    title: R
    protects: {side}
    category: governing_law
    requirement: required
    severity: low
    rationale: r
    preferred: x
"""


@pytest.mark.parametrize("side", ["nobody", "licensor"])
def test_the_loader_rejects_an_unknown_or_undeclared_side(side):
    with pytest.raises(PlaybookError):
        load_playbook_bytes(_PB.format(side=side).encode(), "t.yaml")


def test_language_that_protects_the_other_side_is_not_proposed():
    pb = load_playbook_bytes(_PB.format(side="licensee").replace("[licensee, neutral]", "[licensee, licensor, neutral]")
                             .encode(), "t.yaml")
    report = clause_report([("Price", "The price is fixed.")])
    assert compare(report, pb, "licensee")[0].suggestion is not None
    assert compare(report, pb, "neutral")[0].suggestion is not None
    burdened = compare(report, pb, "licensor")
    assert burdened and burdened[0].suggestion is None
