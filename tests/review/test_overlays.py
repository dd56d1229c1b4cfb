"""Jurisdiction overlays: validation, merging into a playbook, suggestions, snippets that trigger
every overlay rule (golden reports of finding, rationale and suggestion), and the CLI."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from overlay_runs import GROUND, RUNS, SNIPPETS, digest, overlay_findings, run_id
from support import verify_golden

from analyzer.cli import main
from analyzer.core.errors import PlaybookError
from analyzer.core.schema import Severity
from analyzer.pipeline import analyze, recompare
from analyzer.review.overlays import (
    DOC_CONDITIONS,
    apply_overlays,
    json_schema_text,
    list_overlays,
    load_overlay,
    overlays_dir,
    resolve_overlay,
    resolve_overlays,
    schema_path,
    suggest_overlays,
    tighten_rule,
)
from analyzer.review.playbook import resolve_playbook

SHIPPED = sorted(overlays_dir().glob("*.yaml"))
EARLIEST_CHECK = date(2026, 12, 1)

MINIMAL = """\
kind: overlay
schema_version: "1"
id: mini
version: "0.1"
title: Minimal overlay
jurisdiction: PRC
sources:
  - {id: civil-code, title: Civil Code, year: 2020, checked: 2026-12-01}
rules:
  - id: mini.extra
    title: Extra export clause
    sources: [civil-code]
    category: export_control
    requirement: recommended
    severity: low
    rationale: Civil Code (2020) Art. 850 voids contracts that illegally monopolise technology.
    preferred: "{licensor} and {licensee} shall comply with export laws."
tighten:
  - id: lic.improvements
    sources: [civil-code]
    severity: high
    rationale: Civil Code (2020) Art. 875 leaves improvements with the improver.
    checks:
      - {attribute: improvement_bar, op: "false", kind: risk, message: improvements are barred}
"""


def _write(tmp_path: Path, text: str, name: str = "ov.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


# ------------------------------------------------------------------ validation


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_overlays_shipped_validate_and_cite_dated_sources(path):
    ov = load_overlay(path)
    assert ov.entries and ov.all_sources
    known = {s.id for s in ov.all_sources}
    for e in ov.entries:
        assert e.item.sources and set(e.item.sources) <= known, e.item.id
        assert re.search(r"\b(?:19|20)\d{2}\b", e.item.rationale), e.item.id
    # each source was checked on a real date, no earlier than the version relied on
    assert all(s.year <= s.checked.year and EARLIEST_CHECK <= s.checked <= date.today() for s in ov.all_sources)


def test_overlays_listed_for_the_app_and_cli():
    assert [o["id"] for o in list_overlays()] == ["cn-inbound", "cn-outbound", "eu", "us"]


def test_overlays_schema_json_is_current():
    assert schema_path().read_text(encoding="utf-8") == json_schema_text(), (
        "clause_library/overlays/schema.json is stale: run python -m analyzer.review.overlays")


@pytest.mark.parametrize("edit, location, message", [
    (("rationale: Civil Code (2020) Art. 850", "rationale: Civil Code Art. 850"), "rules.0.rationale", "no year"),
    (("rationale: Civil Code (2020) Art. 875 leaves", "rationale: Civil Code (2020) leaves"), "tighten.0.rationale",
     "no article"),
    (("    sources: [civil-code]\n    category", "    sources: [nowhere]\n    category"), "(root)", "unknown source id"),
    (("  - id: mini.extra", "  - id: other.extra"), "(root)", "must start with 'mini.'"),
    (("attribute: improvement_bar", "attribute: no_such_thing"), "tighten.0.checks.0.attribute", "unknown attribute"),
    (("{licensor} and", "{vendor} and"), "rules.0.preferred", "unknown placeholder"),
    (("year: 2020", "year: 20"), "sources.0.year", "greater than or equal to 1900"),
])
def test_overlays_errors_have_locations(tmp_path, edit, location, message):
    path = _write(tmp_path, MINIMAL.replace(*edit))
    with pytest.raises(PlaybookError) as exc:
        load_overlay(path)
    assert any(e.startswith(f"[{location}]") and message in e for e in exc.value.errors), exc.value.errors


def test_overlays_include_must_be_a_shared_overlay(tmp_path):
    _write(tmp_path, "kind: ruleset\n", "_shared.yaml")
    path = _write(tmp_path, MINIMAL.replace("jurisdiction: PRC\n", "jurisdiction: PRC\nincludes: [_shared.yaml, plain.yaml]\n"))
    with pytest.raises(PlaybookError) as exc:
        load_overlay(path)
    assert exc.value.errors == ["[includes.0] _shared.yaml: not an overlay (kind: overlay)",
                                "[includes.1] plain.yaml: an included overlay's file name starts with '_'"]


def test_overlays_unknown_id_is_one_error():
    with pytest.raises(PlaybookError, match="unknown overlay id"):
        resolve_overlay("cn-sideways")
    with pytest.raises(PlaybookError, match="unknown overlay id"):
        resolve_overlay("_cn-common")


# ------------------------------------------------------------------ merging


def test_overlays_tighten_raises_severity_and_adds_checks_to_every_perspective():
    pb = resolve_playbook("tech-license")
    rule = next(r for r in pb.rules if r.id == "lic.improvements")
    from analyzer.review.overlays import Tightening

    t = Tightening.model_validate({"id": "lic.improvements", "sources": ["s"], "severity": "high",
                                   "rationale": "Civil Code (2020) Art. 875.",
                                   "checks": [{"attribute": "improvement_bar", "op": "false", "kind": "risk",
                                               "message": "improvements are barred"}]})
    out = tighten_rule(rule.model_copy(update={"severity": Severity.LOW}), t, "cn-outbound")
    assert out.severity == Severity.HIGH
    assert out.rationale.endswith("Overlay cn-outbound: Civil Code (2020) Art. 875.")
    assert out.checks[-1].attribute == "improvement_bar"
    # the licensor's own checks replace the rule's, so the overlay's check is added to them too
    assert out.for_perspective("licensor").checks[-1].attribute == "improvement_bar"
    lowered = Tightening.model_validate({**t.model_dump(), "severity": "low"})
    assert tighten_rule(rule, lowered, "x").severity == rule.severity


def _report(name: str, stub_classifier, **kw):
    return analyze(SNIPPETS / f"{name}.txt", classifier=stub_classifier, **kw)


def test_overlays_add_replace_and_tighten_rules(stub_classifier):
    report = _report("improvements_challenge_inbound", stub_classifier, playbook="tech-license")
    pb = resolve_playbook("tech-license")
    merged, skipped = apply_overlays(pb, resolve_overlays(["cn-inbound"]), report)
    by_id = {r.id: r for r in merged.rules}
    assert "cn-inbound.restrictive-terms" in by_id and "cn-common.service-inventions" in by_id  # added
    assert by_id["lic.improvements"].title.endswith("(PRC technology-contract law)")  # replaced
    assert "Overlay cn-inbound:" in by_id["common.export-control"].rationale  # tightened
    assert skipped == ["sep-frand.commitment"]  # no standard-essential patents in this contract
    assert [r.id for r in merged.rules[:len(pb.rules)]] == [r.id for r in pb.rules]


def test_overlays_shared_rules_apply_once(stub_classifier):
    report = _report("export_sanctions", stub_classifier, playbook="tech-license")
    pb = resolve_playbook("tech-license")
    both, _ = apply_overlays(pb, resolve_overlays(["cn-outbound", "cn-inbound"]), report)
    rule = next(r for r in both.rules if r.id == "common.export-control")
    assert [c.attribute for c in rule.checks].count("blocking_rules") == 1
    assert [r.id for r in both.rules].count("cn-common.service-inventions") == 1


def test_overlays_document_conditions_are_known():
    assert set(DOC_CONDITIONS) >= {"grants_licence", "prc_party", "sino_foreign_jv", "standards", "personal_data"}


@pytest.mark.parametrize("name, outbound, inbound", [
    ("export_sanctions", True, False), ("export_sanctions_inbound", False, True),
    ("improvements_challenge_inbound", False, True), ("sino_foreign_jv", False, True), ("data_transfer", False, True),
])
def test_overlays_direction_of_the_technology(stub_classifier, name, outbound, inbound):
    from analyzer.review.overlays import Facts

    facts = Facts(_report(name, stub_classifier)).named()
    assert (facts["prc_transferor"], facts["prc_transferee"]) == (outbound, inbound)


# ------------------------------------------------------------------ suggestions


@pytest.mark.parametrize("name, expected", [
    ("export_sanctions", ["cn-outbound", "us"]),
    ("sep_licence", ["cn-inbound", "eu"]),
    ("sino_foreign_jv", ["cn-inbound"]),
    ("data_transfer", ["cn-inbound", "eu"]),
])
def test_overlays_suggested_from_parties_law_and_origin(stub_classifier, name, expected):
    report = _report(name, stub_classifier)
    assert [s.id for s in report.suggested_overlays] == expected
    assert all(s.reasons and not s.applied for s in report.suggested_overlays)
    assert "overlays" not in report.versions  # suggested, never applied silently


def test_overlays_technology_origin_suggests(stub_classifier):
    report = _report("export_sanctions", stub_classifier)
    text = report.text.replace("Licensed Technology to make", "Licensed Technology, developed in the United States, to make")
    report = report.model_copy(update={"text": text, "parties": []})
    [us] = suggest_overlays(report)
    assert us.id == "us" and "technology origin: “Technology, developed in the United States”" in us.reasons


def test_overlays_recorded_in_versions_and_recompare(stub_classifier):
    report = _report("export_sanctions", stub_classifier, overlays=["cn-outbound"], perspective="licensor")
    assert report.versions["overlays"] == "cn-outbound@1.0"
    assert [s.applied for s in report.suggested_overlays if s.id == "cn-outbound"] == [True]
    again = recompare(report, perspective="licensor")
    assert "overlays" not in again.versions
    assert not any(f.rule_id.startswith("cn-common.") for f in again.findings)
    eu = recompare(report, perspective="licensor", overlays=["eu"])
    assert eu.versions["overlays"] == "eu@1.1"


# ------------------------------------------------------------------ snippets and golden reports


@pytest.fixture(scope="module")
def snippet_reports():
    from stub_classifier import StubClassifier

    stub = StubClassifier()
    return {run: analyze(SNIPPETS / f"{run[0]}.txt", playbook=run[2], perspective=run[3], overlays=[run[1]],
                         classifier=stub) for run in RUNS}


@pytest.mark.parametrize("run", RUNS, ids=run_id)
def test_overlays_snippet_golden_reports(snippet_reports, run):
    verify_golden(GROUND / f"{run_id(run)}.txt", digest(snippet_reports[run], [run[1]]))


def test_overlays_every_rule_and_check_is_triggered_by_a_snippet(snippet_reports):
    """Every change an overlay makes (a rule added or replaced, a check added, a perspective's own
    check) yields a finding on some snippet reviewed with that overlay."""
    untriggered = []
    entries = {}
    for oid in ("cn-outbound", "cn-inbound", "eu", "us"):
        for e in resolve_overlay(oid).entries:
            entries.setdefault((e.origin, e.op, e.seq), (e, set()))[1].add(oid)
    for (origin, op, _seq), (e, oids) in entries.items():
        found = [f for run, r in snippet_reports.items() if run[1] in oids for f in overlay_findings(r, [run[1]])
                 if f.rule_id == e.item.id]
        if not found:
            untriggered.append(f"{origin}: {op} {e.item.id}")
        own = [c for ov in (getattr(e.item, "by_perspective", None) or {}).values() for c in ov.checks or []]
        for c in [*e.item.checks, *own]:
            if not any(c.message in f.message for f in found):
                untriggered.append(f"{origin}: {op} {e.item.id} check {c.attribute}")
    assert not untriggered


def test_overlays_findings_name_their_source(snippet_reports):
    for run, report in snippet_reports.items():
        for f in overlay_findings(report, [run[1]]):
            assert re.search(r"\b(?:19|20)\d{2}\b", f.rationale) and re.search(r"Arts?\.|§|para", f.rationale), f.rule_id


# ------------------------------------------------------------------ CLI


def test_overlays_cli_analyze_repeatable(stub_classifier, tmp_path, capsys):
    out = tmp_path / "r.json"
    rc = main(["analyze", str(SNIPPETS / "export_sanctions.txt"), "--perspective", "licensor",
               "--overlay", "cn-outbound", "--overlay", "us", "-o", str(out)])
    assert rc == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["versions"]["overlays"] == "cn-outbound@1.0, us@1.0"
    assert {s["id"]: s["applied"] for s in report["suggested_overlays"]} == {"cn-outbound": True, "us": True}
    assert any(f["rule_id"] == "common.export-control" and "deemed exports" in f["message"] for f in report["findings"])


def test_overlays_cli_unknown_overlay_is_one_line(stub_classifier, capsys):
    rc = main(["analyze", str(SNIPPETS / "export_sanctions.txt"), "--overlay", "mars"])
    err = capsys.readouterr().err
    assert rc == 1 and err.count("\n") == 1 and "unknown overlay id" in err


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_overlays_cli_validate(path, capsys):
    assert main(["playbook", "validate", str(path)]) == 0
    assert "valid overlay" in capsys.readouterr().out


def test_overlays_cli_validate_prints_errors(tmp_path, capsys):
    path = _write(tmp_path, MINIMAL.replace("rationale: Civil Code (2020) Art. 850", "rationale: Civil Code Art. 850"))
    assert main(["playbook", "validate", str(path)]) == 1
    assert "[rules.0.rationale]" in capsys.readouterr().err
