"""A reviewer's decisions on a report's findings, as the memos show them.

A ``Review`` maps finding ids to a ``Decision``: accepted (with the
suggestion as written or as edited), rejected, not applicable (with a
note), or still pending. ``not_applied`` holds, per finding id, why an
accepted suggestion is not in the redline (see ``analyzer.redline.plan``).
Page numbers of a finding come from the pages of its evidence.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Optional

from analyzer.core.schema import Finding, Report

PENDING, ACCEPTED, REJECTED, NOT_APPLICABLE = "pending", "accepted", "rejected", "not_applicable"
STATUSES = (PENDING, ACCEPTED, REJECTED, NOT_APPLICABLE)
LABELS = {PENDING: "Undecided", ACCEPTED: "Accepted", REJECTED: "Rejected", NOT_APPLICABLE: "Not applicable"}


@dataclass(frozen=True)
class Decision:
    """What the reviewer decided on one finding.

    ``text``: the suggestion's text as the reviewer edited it (None: as
    suggested). ``note``: the reviewer's note (the reason a finding is not applicable).
    """

    status: str = PENDING
    text: Optional[str] = None
    note: str = ""

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown decision {self.status!r}; expected one of {', '.join(STATUSES)}")


@dataclass
class Review:
    decisions: dict[str, Decision] = field(default_factory=dict)
    not_applied: dict[str, str] = field(default_factory=dict)

    def get(self, finding_id: str) -> Decision:
        return self.decisions.get(finding_id, Decision())

    def edited(self, f: Finding) -> bool:
        d = self.get(f.id)
        return (d.status == ACCEPTED and f.suggestion is not None and d.text is not None
                and " ".join(d.text.split()) != " ".join((f.suggestion.text or "").split()))

    def label(self, f: Finding) -> str:
        """"Accepted", "Accepted (edited)", "Rejected", "Not applicable" or "Undecided"."""
        d = self.get(f.id)
        if d.status == ACCEPTED and f.suggestion is None:
            return "Agreed"
        return LABELS[d.status] + (" (edited)" if self.edited(f) else "")

    def final_text(self, f: Finding) -> str:
        """The language an accepted finding's suggestion puts in the contract."""
        d = self.get(f.id)
        if f.suggestion is None:
            return ""
        return d.text if d.text is not None else (f.suggestion.text or "")

    def counts(self, report: Report) -> Counter:
        """Findings per status, plus ``edited`` for accepted findings whose text was changed."""
        out: Counter = Counter({s: 0 for s in STATUSES})
        for f in report.findings:
            out[self.get(f.id).status] += 1
            out["edited"] += self.edited(f)
        return out

    def summary(self, report: Report) -> str:
        """"3 accepted (1 edited), 2 rejected, 1 not applicable, 4 undecided"."""
        c = self.counts(report)
        return (f"{c[ACCEPTED]} accepted" + (f" ({c['edited']} edited)" if c["edited"] else "")
                + f", {c[REJECTED]} rejected, {c[NOT_APPLICABLE]} not applicable, {c[PENDING]} undecided")


def finding_pages(report: Report, f: Finding) -> list[int]:
    """The pages holding the finding's evidence (or its clause), in order; empty where the format has none."""
    spans = [(e.start, e.end) for e in f.evidence]
    if not spans and f.suggestion is not None and f.suggestion.start is not None and f.suggestion.end is not None:
        spans = [(f.suggestion.start, f.suggestion.end)]
    pages: set[int] = set()
    paged = [b for b in report.blocks if b.page is not None]
    for start, end in spans:
        for b in paged:
            if b.start < max(end, start + 1) and start < max(b.end, b.start + 1):
                pages.add(b.page)
    if not pages and f.clause_id:
        c = next((c for c in report.clauses if c.id == f.clause_id), None)
        if c is not None and c.page_start:
            pages.update(range(c.page_start, (c.page_end or c.page_start) + 1))
    return sorted(pages)


def pages_text(pages: list[int]) -> str:
    """"p. 4", "pp. 4–5", "pp. 4, 7"; "" for no pages."""
    if not pages:
        return ""
    if len(pages) == 1:
        return f"p. {pages[0]}"
    if pages == list(range(pages[0], pages[-1] + 1)):
        return f"pp. {pages[0]}–{pages[-1]}"
    return "pp. " + ", ".join(str(p) for p in pages)


def _overlap(a: Finding, b: Finding) -> int:
    return sum(max(0, min(x.end, y.end) - max(x.start, y.start)) for x in a.evidence for y in b.evidence)


def successors(old: list[Finding], new: list[Finding]) -> dict[str, str]:
    """Old finding id -> the id of the finding in ``new`` that takes its place, for two analyses of one
    document (the fast stage's first findings and the refined ones, whose evidence may differ).

    A finding keeps its id where it can; otherwise it passes to the one new finding of the same rule
    and kind, or among several to the one whose evidence overlaps it most. An old finding with no
    successor is left out (the refined analysis no longer reports it)."""
    new_ids = {f.id for f in new}
    out = {f.id: f.id for f in old if f.id in new_ids}
    free = [f for f in new if f.id not in out.values()]
    for f in old:
        if f.id in out:
            continue
        same = [g for g in free if (g.rule_id, g.kind) == (f.rule_id, f.kind)]
        if len(same) > 1:
            best = max(_overlap(f, g) for g in same)
            same = [g for g in same if best and _overlap(f, g) == best]
        if len(same) == 1:
            out[f.id] = same[0].id
            free.remove(same[0])
    return out


__all__ = ["ACCEPTED", "LABELS", "NOT_APPLICABLE", "PENDING", "REJECTED", "STATUSES", "Decision", "Review",
           "finding_pages", "pages_text", "successors"]
