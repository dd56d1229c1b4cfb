"""How sure each finding is.

- A "missing" finding is as sure as the classifier is that the document lacks the clause:
  1 − the per-document probability that it has one (``Report.presence``).
- A finding on a clause that is there rests on its evidence: a flagged label of the category
  over the evidence counts by its confidence; evidence found by a heading or by wording counts
  less.
- Both are scaled down when the agreement type that chose the playbook is itself uncertain (the
  rules of another playbook may not apply at all).
"""

from __future__ import annotations

from analyzer.core.schema import Finding, Report

UNLABELLED = 0.7  # evidence found by a heading or by wording, with no label of the category over it
NO_PRESENCE = 0.8  # a "missing" finding when the classifier gave no per-document decision
SURE_TYPE = 0.5  # agreement-type confidence from which the playbook choice is taken as sure


def type_factor(report: Report) -> float:
    """1 when the playbook was chosen by the user or by a confident agreement type, less below."""
    at = report.agreement_type
    if report.playbook_source != "agreement_type" or at is None:
        return 1.0
    return min(1.0, at.confidence / SURE_TYPE)


def finding_confidence(report: Report, f: Finding, factor: float = 1.0) -> float:
    if f.kind == "missing":
        p = next((x.confidence for x in report.presence if x.category == f.category), None)
        base = NO_PRESENCE if p is None else 1.0 - p
    else:
        over = [lab.unit_level_confidence for lab in report.labels if lab.flagged and lab.category == f.category
                and any(lab.start < e.end and e.start < lab.end for e in f.evidence)]
        base = 0.5 + 0.5 * max(over) if over else UNLABELLED
    return round(max(0.0, min(1.0, base * factor)), 3)


def with_confidence(report: Report, findings: list[Finding]) -> list[Finding]:
    """``findings`` with their ``confidence`` set."""
    factor = type_factor(report)
    return [f.model_copy(update={"confidence": finding_confidence(report, f, factor)}) for f in findings]
