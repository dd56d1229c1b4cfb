"""Golden reports for the sample agreements: the whole pipeline, end to end.

The golden file is a compact, reviewable digest of the Report (agreement type, parties,
findings with their evidence and insertion points, flagged labels per clause). Regenerate
with ANALYZER_GEN_TEST_DATA=1 after a deliberate change to a stage or the model.
"""

from __future__ import annotations

import json

import pytest
from support import DATA, SAMPLES, verify_golden

from analyzer.core.schema import Report
from analyzer.output.render import to_json
from analyzer.pipeline import analyze

pytestmark = pytest.mark.slow  # the golden reports record the real model's output

SAMPLE_FILES = [f"{name}.{ext}" for name in ("tech_license", "jv_agreement", "rd_collaboration", "mutual_nda")
                for ext in ("docx", "pdf", "txt")]
GROUND = DATA / "reports" / "groundtruth"
OUTSIDE_BODY = {"preamble", "recitals", "signature", "schedule", "definitions", "definition"}


def _digest(report: Report) -> str:
    by_id = {c.id: c for c in report.clauses}

    def where(cid):
        c = by_id.get(cid)
        return None if c is None else f"{c.kind}:{c.number or ''}:{c.heading or ''}"

    at = report.agreement_type
    lines = [
        f"status: {report.status.value}",
        f"agreement_type: {at.label if at else None}",
        f"playbook: {report.playbook} / {report.perspective}",
        "parties: " + "; ".join(f"{p.name} ({p.role})" for p in report.parties),
        f"clauses: {len(report.clauses)}",
        "findings:",
    ]
    for f in report.findings:
        s = f.suggestion
        ev = " | ".join(" ".join(report.text[e.start:e.end].split())[:80] for e in f.evidence)
        lines.append(f"  - [{f.severity}] {f.kind} {f.category} ({f.rule_id})")
        lines.append(f"    evidence: {ev or '-'}")
        if s:
            lines.append(f"    suggestion: {s.action} after={where(s.after_clause_id)} text={s.text[:60]!r}")
    lines.append("labels (flagged) by clause:")
    per_clause: dict[str, set[str]] = {}
    for lab in report.labels:
        if lab.flagged:
            per_clause.setdefault(where(lab.clause_id) or "-", set()).add(lab.category)
    for k in sorted(per_clause):
        lines.append(f"  {k}: {', '.join(sorted(per_clause[k]))}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module", params=SAMPLE_FILES)
def sample_report(request):
    return request.param, analyze(SAMPLES / request.param)


def test_golden_reports_match(sample_report):
    name, report = sample_report
    verify_golden(GROUND / f"{name}.txt", _digest(report))


def test_golden_reports_spans_index_text_and_round_trip(sample_report):
    _, report = sample_report
    n = len(report.text)
    spans = [(c.start, c.end) for c in report.clauses] + [(x.start, x.end) for x in report.labels]
    spans += [(e.start, e.end) for e in report.entities] + [(e.start, e.end) for f in report.findings for e in f.evidence]
    assert all(0 <= s <= e <= n for s, e in spans)
    assert Report.model_validate(json.loads(to_json(report))) == report


def test_golden_reports_insertions_land_in_the_body(sample_report):
    _, report = sample_report
    by_id = {c.id: c for c in report.clauses}
    for f in report.findings:
        if f.suggestion and f.suggestion.action == "insert" and f.suggestion.after_clause_id:
            assert by_id[f.suggestion.after_clause_id].kind not in OUTSIDE_BODY, f.category


def test_golden_reports_licence_sample_finds_its_deliberate_gaps():
    report = analyze(SAMPLES / "tech_license.docx", perspective="licensee")
    got = {(f.kind, f.category) for f in report.findings}
    assert report.agreement_type.label == "license"
    assert ("missing", "export_control") in got
    assert ("risk", "improvements") in got          # exclusive grant-back
    assert ("risk", "no_challenge") in got
    assert ("deviation", "termination_for_cause") in got  # 10-day cure period
