"""Key terms and a risk score read from a finished ``Report`` (no new analysis).

``key_terms`` picks, for the term, governing law, royalty and liability cap,
the best flagged label of a fitting category and the first extracted entity of
a fitting type inside its evidence. Without such an entity:

- the term is the sentence of that evidence that states how long the
  agreement runs (never a heading or a sentence about something else), or
  None when no sentence does;
- the liability cap is read with the same attribute reader the findings use
  (``analyzer.review.attributes``): the cap's amount or the sentence that
  sets it, "Unlimited" where liability is stated to be unlimited, and "None
  stated" when no sentence caps liability, as the findings then say;
- the others fall back to the evidence sentence.

``risk_score`` is a weighted count of findings.
"""

from __future__ import annotations

import re
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


_TERM_WORDS = re.compile(r"\b(?:lasts?|continues?|remains?|in (?:full )?force|in effect|until|expir\w*|"
                         r"period of|term of|initial term|renew\w*|terminates? (?:on|at)|for a (?:fixed )?period)\b",
                         re.IGNORECASE)
_LEAD_HEADING = re.compile(r"\s*(?:\(?[0-9]+(?:\.[0-9]+)*[.)]?\s+)?"
                           r"(?:[A-Z][A-Za-z]*(?:\s+(?:[A-Z][A-Za-z]*|and|of|&)){0,3}\.\s+(?=[A-Z]))?")
NO_CAP = "None stated"
UNLIMITED = "Unlimited"


def _sentences(report: Report, start: int, end: int) -> list[tuple[int, int]]:
    from analyzer.output.facts import sentences

    return sentences(report, start, end)


def _without_heading(text: str, start: int, end: int) -> tuple[int, int]:
    m = _LEAD_HEADING.match(text, start, end)
    return (m.end(), end) if m and m.end() < end - 20 else (start, end)


def _term_sentence(report: Report, lab) -> Optional[KeyTerm]:
    """The sentence of ``lab`` that states how long the agreement runs; when the label holds only
    a heading, the first such sentence of the clause it heads."""
    spans = _sentences(report, lab.start, lab.end)
    clause = next((c for c in report.clauses if c.id == lab.clause_id), None) if lab.clause_id else None
    if clause is not None and lab.end - lab.start < 80:
        spans += [x for x in _sentences(report, clause.start, clause.end) if x[0] >= lab.end]
    for a, b in spans:
        a, b = _without_heading(report.text, a, b)
        piece = report.text[a:b]
        if _TERM_WORDS.search(piece) and sum(ch.islower() for ch in piece) > len(piece) // 3:
            return KeyTerm("term", "Term", _excerpt(piece), a, b, False)
    return None


def _cap(report: Report) -> Optional[KeyTerm]:
    """The liability cap, as ``analyzer.output.facts.liability_cap`` reads it."""
    from analyzer.output.facts import CAPPED, liability_cap
    from analyzer.output.facts import UNLIMITED as STATED_UNLIMITED

    title = KEY_TERMS["cap"][0]
    cap = liability_cap(report)
    if cap is None:
        return None
    if cap.state == CAPPED:
        a, b = _without_heading(report.text, cap.start, cap.end)
        return KeyTerm("cap", title, cap.amount or _excerpt(report.text[a:b]), a, b, bool(cap.amount))
    value = UNLIMITED if cap.state == STATED_UNLIMITED else NO_CAP
    return KeyTerm("cap", title, value, cap.start, cap.end, False)


def key_terms(report: Report) -> dict[str, Optional[KeyTerm]]:
    """The four key terms of ``report`` (None where nothing was found)."""
    out: dict[str, Optional[KeyTerm]] = {}
    for key, (title, categories, types) in KEY_TERMS.items():
        if key == "cap":
            out[key] = _cap(report)
            continue
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
        if found is None and labels and key == "term":
            found = _term_sentence(report, labels[0])
        elif found is None and labels:
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
