"""Golden reports of the outbound technology licence from a Chinese licensor, reviewed from the
licensor's side with the cn-outbound overlay: the whole pipeline with the real model, end to end.
Regenerate with ANALYZER_GEN_TEST_DATA=1 after a deliberate change."""

from __future__ import annotations

import pytest
from overlay_runs import digest
from support import DATA, SAMPLES, verify_golden

from analyzer.pipeline import analyze

pytestmark = pytest.mark.slow  # the golden reports record the real model's output

FILES = [f"outbound_license.{ext}" for ext in ("docx", "pdf", "txt")]
GROUND = DATA / "reports" / "cn-outbound"


@pytest.fixture(scope="module", params=FILES)
def outbound_report(request):
    return request.param, analyze(SAMPLES / request.param, perspective="licensor", overlays=["cn-outbound"])


def _summary(report) -> str:
    at = report.agreement_type
    lines = [f"status: {report.status.value}", f"agreement_type: {at.label if at else None}",
             "parties: " + "; ".join(f"{p.name} ({p.role})" for p in report.parties),
             "all findings: " + ", ".join(f"{f.rule_id}:{f.kind}" for f in report.findings)]
    return "\n".join(lines) + "\n"


def test_golden_overlay_sample_matches(outbound_report):
    name, report = outbound_report
    verify_golden(GROUND / f"{name}.txt", _summary(report) + digest(report, ["cn-outbound"]))


def test_golden_overlay_sample_flags_the_outbound_risks(outbound_report):
    _, report = outbound_report
    assert report.versions["overlays"] == "cn-outbound@1.0"
    assert [s.id for s in report.suggested_overlays][:1] == ["cn-outbound"]
    messages = " ".join(f.message for f in report.findings)
    for needle in ("Anti-Foreign Sanctions Law", "technology export licence a condition precedent",
                   "registering it as a technology export contract", "illegal monopolisation of technology",
                   "withholding tax"):
        assert needle in messages, needle
    assert "“6.2 No challenge.”" not in messages  # a run-in heading states no term: the finding quotes the sentence


def test_golden_overlay_sample_a_term_read_across_the_contract_cites_only_its_clause(outbound_report):
    """The export-control checks read the whole contract for their terms; a term found nowhere is
    shown on the export-control clause itself, never on the title, the parties or the grant."""
    _, report = outbound_report
    findings = [f for f in report.findings if f.category == "export_control"]
    assert findings
    clause = report.text.index("EXPORT CONTROL")
    for f in findings:
        for ev in f.evidence:
            assert ev.start >= clause - 4, (f.message, report.text[ev.start:ev.start + 60])
