"""Key terms and a risk score read from a finished ``Report`` (no new analysis).

``key_terms`` picks, for the term, governing law, royalty and liability cap,
the best flagged label of a fitting category and the first extracted entity of
a fitting type inside its evidence; when there is no such entity it falls back
to the evidence sentence itself. ``risk_score`` is a weighted count of findings.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Optional

from analyzer.core.schema import Report, Severity

# key -> (title, categories whose evidence holds it, entity types that state it)
KEY_TERMS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "term": ("Term", ("term", "expiration_date", "renewal_term"), ("duration", "date")),
    "governing_law": ("Governing law", ("governing_law",), ("governing_law", "jurisdiction")),
    "royalty": ("Royalty", ("royalties_payment", "revenue_profit_sharing"), ("percent", "money")),
    "cap": ("Liability cap", ("cap_on_liability", "limitation_of_liability"), ("money", "percent", "duration")),
}
SEVERITY_WEIGHTS = {Severity.HIGH: 15, Severity.MEDIUM: 6, Severity.LOW: 2}
EXCERPT_CHARS = 160


@dataclass(frozen=True)
class KeyTerm:
    key: str
    title: str
    value: str
    start: int
    end: int
    from_entity: bool


def _excerpt(text: str) -> str:
    s = " ".join(text.split())
    return s if len(s) <= EXCERPT_CHARS else s[: EXCERPT_CHARS - 1] + "…"


def _is_short_period(e) -> bool:
    """A period in days, weeks or hours (a notice or cure period), not an agreement's term."""
    return e.type == "duration" and bool(e.value) and e.value[-1] in "DWH"


def _from_entity(key: str, title: str, e) -> KeyTerm:
    # a law's normalized value reads well ("England and Wales"); amounts and periods read best as written
    value = (e.value or e.text) if e.type in ("governing_law", "jurisdiction") else e.text
    return KeyTerm(key, title, value, e.start, e.end, True)


def key_terms(report: Report) -> dict[str, Optional[KeyTerm]]:
    """The four key terms of ``report`` (None where nothing was found)."""
    out: dict[str, Optional[KeyTerm]] = {}
    for key, (title, categories, types) in KEY_TERMS.items():
        labels = sorted((lab for lab in report.labels if lab.flagged and lab.category in categories),
                        key=lambda lab: (categories.index(lab.category), -lab.confidence, lab.start))
        found: Optional[KeyTerm] = None
        if labels:  # only the best label: a lower one is often about something else (a cure period...)
            lab = labels[0]
            ents = sorted((e for e in report.entities
                           if e.type in types and lab.start <= e.start and e.end <= lab.end
                           and not (key == "term" and _is_short_period(e))),
                          key=lambda e: (types.index(e.type), e.start))
            if ents:
                found = _from_entity(key, title, ents[0])
        if found is None and key == "governing_law":
            ents = [e for e in report.entities if e.type == "governing_law"]
            if ents:
                found = _from_entity(key, title, ents[0])
        if found is None and labels:
            lab = labels[0]
            found = KeyTerm(key, title, _excerpt(report.text[lab.start:lab.end]), lab.start, lab.end, False)
        out[key] = found
    return out


def severity_counts(report: Report) -> dict[str, int]:
    """Findings per severity: ``{"high": n, "medium": n, "low": n}``."""
    counts = Counter(f.severity for f in report.findings)
    return {s.value: counts.get(s, 0) for s in Severity}


def risk_score(report: Report) -> int:
    """0-100: 15 per high, 6 per medium and 2 per low finding, capped at 100."""
    counts = severity_counts(report)
    return min(100, sum(SEVERITY_WEIGHTS[Severity(s)] * n for s, n in counts.items()))


__all__ = ["KEY_TERMS", "KeyTerm", "key_terms", "risk_score", "severity_counts"]
