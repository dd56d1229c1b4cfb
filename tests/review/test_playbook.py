"""Playbook schema, loader, errors with locations, shipped playbooks and their coverage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analyzer.cli import main
from analyzer.core.errors import PlaybookError
from analyzer.core.schema import AgreementType
from analyzer.core.taxonomy import ALL_CATEGORIES
from analyzer.review.playbook import (
    LIBRARY_DIR,
    SCHEMA_PATH,
    Playbook,
    json_schema_text,
    list_playbooks,
    load_playbook,
    resolve_playbook,
)

SHIPPED = sorted(p for p in LIBRARY_DIR.glob("*.yaml") if not p.name.startswith("_"))

MINIMAL = """\
schema_version: "1"
id: mini
version: "0.1"
title: Minimal
agreement_types: [license]
perspectives: [licensee, neutral]
default_perspective: licensee
rules:
  - id: mini.conf
    title: Confidentiality
    category: confidentiality
    requirement: required
    severity: high
    rationale: Know-how must stay secret.
    preferred: "{licensor} and {licensee} shall keep {agreement} confidential."
    checks:
      - {attribute: cure_days, op: gte, value: 30, message: short cure}
"""


def _write(tmp_path: Path, text: str, name: str = "pb.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_playbook_shipped_validates(path):
    pb = load_playbook(path)
    assert pb.rules and pb.default_perspective in pb.perspectives
    assert all(r.category in ALL_CATEGORIES for r in pb.rules)
    for persp in pb.perspectives:
        assert pb.rules_for(persp), persp


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_playbook_cli_validate_ok(path, capsys):
    assert main(["playbook", "validate", str(path)]) == 0
    assert "valid playbook" in capsys.readouterr().out


def test_playbook_schema_json_is_current():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == json_schema_text(), \
        "clause_library/schema.json is stale: run python -m analyzer.review.playbook"


def test_playbook_schema_lists_categories():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    rule = schema["$defs"]["Rule"]["properties"]["category"]
    assert rule["enum"] == ALL_CATEGORIES


@pytest.mark.parametrize("edit, location, message", [
    (("severity: high", "severity: urgent"), "[rules.0.severity]", "Input should be 'high', 'medium' or 'low'"),
    (("    rationale:", "    colour: blue\n    rationale:"), "[rules.0.colour]", "Extra inputs are not permitted"),
    (("category: confidentiality", "category: secrecy"), "[rules.0.category]", "unknown category 'secrecy'"),
    (("attribute: cure_days", "attribute: cure_weeks"), "[rules.0.checks.0.attribute]", "unknown attribute 'cure_weeks'"),
    (("op: gte, value: 30", "op: gte"), "[rules.0.checks.0]", "op 'gte' needs a value"),
    (("{licensee} shall", "{licencee} shall"), "[rules.0.preferred]", "unknown placeholder(s) {licencee}"),
    (('schema_version: "1"', 'schema_version: "2"'), "[schema_version]", "Input should be '1'"),
    (("default_perspective: licensee", "default_perspective: licensor"), "[(root)]", "default_perspective 'licensor' is not in perspectives"),
    (("requirement: required", "requirement: mandatory"), "[rules.0.requirement]", "Input should be 'required', 'recommended' or 'must_not_have'"),
])
def test_playbook_errors_have_locations(tmp_path, edit, location, message):
    path = _write(tmp_path, MINIMAL.replace(*edit))
    with pytest.raises(PlaybookError) as exc:
        load_playbook(path)
    assert any(e.startswith(location) and message in e for e in exc.value.errors), exc.value.errors
    assert str(path) in str(exc.value)


@pytest.mark.parametrize("text, where", [
    (MINIMAL.replace("  - id: mini.conf", "  - id: mini.conf\n   bad: [unclosed"), "line 10"),
    ("rules: [\n  {id: x\n", "line 3"),
])
def test_playbook_yaml_syntax_error_has_line(tmp_path, text, where):
    with pytest.raises(PlaybookError) as exc:
        load_playbook(_write(tmp_path, text))
    assert exc.value.errors[0].startswith(f"[{where}") and "YAML syntax error" in exc.value.errors[0]


@pytest.mark.parametrize("bad", ["severity: urgent"])
def test_playbook_cli_validate_prints_errors(tmp_path, capsys, bad):
    path = _write(tmp_path, MINIMAL.replace("severity: high", bad))
    assert main(["playbook", "validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert "[rules.0.severity] Input should be 'high', 'medium' or 'low'" in err


@pytest.mark.parametrize("case", ["missing", "not_mapping"])
def test_playbook_unreadable_files(tmp_path, case):
    path = tmp_path / "nope.yaml" if case == "missing" else _write(tmp_path, "- just\n- a list\n")
    with pytest.raises(PlaybookError):
        load_playbook(path)


def test_playbook_includes_and_overrides(tmp_path):
    _write(tmp_path, 'kind: ruleset\nschema_version: "1"\nid: shared\nversion: "1"\nrules:\n'
                     '  - {id: s.law, title: Law, category: governing_law, requirement: required, severity: low,\n'
                     '     rationale: r, preferred: "p"}\n'
                     '  - {id: mini.conf, title: Old, category: confidentiality, requirement: required, severity: low,\n'
                     '     rationale: r, preferred: "p"}\n', "_shared.yaml")
    pb = load_playbook(_write(tmp_path, MINIMAL.replace("rules:\n", "includes: [_shared.yaml]\nrules:\n")))
    assert [r.id for r in pb.rules] == ["mini.conf", "s.law"]
    assert pb.rules[0].title == "Confidentiality"


def test_playbook_unknown_exclude_is_an_error(tmp_path):
    with pytest.raises(PlaybookError) as exc:
        load_playbook(_write(tmp_path, MINIMAL.replace("rules:\n", "exclude_rules: [nope]\nrules:\n")))
    assert exc.value.errors == ["[exclude_rules.0] unknown rule id 'nope'"]


@pytest.mark.parametrize("label, expected", [
    ("license", "tech-license"), ("jv", "joint-venture"), ("collaboration", "rd-collaboration"),
    ("development", "rd-collaboration"), ("nda", "nda"), ("services", "saas-services"), ("distribution", "supply-manufacturing"), (None, "tech-license"),
])
def test_playbook_resolve_by_agreement_type(label, expected):
    at = AgreementType(label=label, confidence=0.9) if label else None
    assert resolve_playbook(None, at).id == expected


@pytest.mark.parametrize("spec", ["tech-license", str(LIBRARY_DIR / "tech-license.yaml"), LIBRARY_DIR / "tech-license.yaml"])
def test_playbook_resolve_by_id_or_path(spec):
    pb = resolve_playbook(spec, None)
    assert isinstance(pb, Playbook) and pb.id == "tech-license"
    assert resolve_playbook(pb) is pb


def test_playbook_resolve_unknown_id():
    with pytest.raises(PlaybookError, match="unknown playbook id"):
        resolve_playbook("no-such-playbook", None)


def test_playbook_list_for_ui():
    ids = {p["id"] for p in list_playbooks()}
    assert ids == {"tech-license", "joint-venture", "rd-collaboration", "nda", "saas-services", "supply-manufacturing",
                   "trademark-brand-license"}


def _topics(pb: Playbook) -> set[str]:
    """Categories, attributes and check values the playbook tests, over all perspectives."""
    out: set[str] = set()
    for r in pb.rules:
        out |= {r.category, *r.also_categories}
        for checks in [r.checks] + [o.checks or [] for o in r.by_perspective.values()]:
            for c in checks:
                out.add(c.attribute)
                vals = c.value if isinstance(c.value, list) else [c.value]
                out |= {v for v in vals if isinstance(v, str)}
    return out


LICENCE_TOPICS = [
    "license_grant", "field_of_use", "territory", "exclusivity", "sublicensing", "improvements", "grant_back",
    "ip_ownership_assignment", "confidentiality", "technology_transfer_know_how", "patent_prosecution_maintenance",
    "ip_enforcement", "no_challenge", "royalties_payment", "royalty_after_expiry", "audit_rights", "term",
    "termination_for_cause", "cure_days", "insolvency", "change_of_control", "post_termination_services", "warranty",
    "indemnification", "limitation_of_liability", "carve_outs", "uncapped", "governing_law", "dispute_resolution",
    "arbitration_seat", "arbitration_rules", "export_control", "data_protection", "anti_assignment",
]
JV_TOPICS = ["capital_contribution", "governance", "reserved_matters", "deadlock", "transfer_restrictions", "rofr",
             "tag_along", "drag_along", "exit_dissolution", "ip_on_exit", "confidentiality", "governing_law",
             "dispute_resolution", "change_of_control", "limitation_of_liability"]
RD_TOPICS = ["license_grant", "ip_ownership_assignment", "joint_ip_ownership", "confidentiality",
             "patent_prosecution_maintenance", "export_control", "dispute_resolution"]
NDA_TOPICS = ["confidentiality", "exceptions", "survives", "return_or_destroy", "confidentiality_years", "governing_law"]


@pytest.mark.parametrize("pid, topics", [("tech-license", LICENCE_TOPICS), ("joint-venture", JV_TOPICS),
                                         ("rd-collaboration", RD_TOPICS), ("nda", NDA_TOPICS)])
def test_playbook_covers_required_topics(pid, topics):
    covered = _topics(resolve_playbook(pid))
    assert not [t for t in topics if t not in covered]


def test_playbook_licence_perspectives_differ():
    pb = resolve_playbook("tech-license")
    lee = {r.id: r for r in pb.rules_for("licensee")}
    lor = {r.id: r for r in pb.rules_for("licensor")}
    assert lee["lic.no-challenge"].requirement == "must_not_have"
    assert lor["lic.no-challenge"].requirement == "recommended"
    assert lee["lic.grant"].preferred != lor["lic.grant"].preferred


def test_playbook_rationales_cite_law():
    text = " ".join(r.rationale for r in resolve_playbook("tech-license").rules)
    for cite in ["316/2014", "Art. 5(1)(a)", "Art. 5(1)(b)", "Lear v. Adkins", "Brulotte v. Thys", "New York Convention",
                 "GDPR Art. 28", "2021/821", "Export Administration Regulations"]:
        assert cite in text, cite


@pytest.mark.parametrize("pid", ["tech-license", "joint-venture", "rd-collaboration", "nda", "saas-services",
                                 "supply-manufacturing", "trademark-brand-license"])
def test_no_two_rules_report_the_same_category_missing(pid):
    from analyzer.review.playbook import resolve_playbook

    pb = resolve_playbook(pid)
    for perspective in pb.perspectives:
        seen: dict[str, str] = {}
        for rule in pb.rules_for(perspective):
            if rule.requirement == "must_not_have" or not rule.report_missing or rule.applies_if:
                continue
            assert rule.category not in seen, f"{pid}/{perspective}: {seen.get(rule.category)} and {rule.id}"
            seen[rule.category] = rule.id
