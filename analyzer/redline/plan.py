"""Which accepted suggestions become tracked changes, which are merged, and which cannot be applied.

Nothing is dropped without a reason:

- **Merged.** Suggestions that make the same edit become one tracked change
  whose comment names every finding: the same text inserted by several
  findings is inserted once (at the anchor of the most severe one); overlapping
  deletions become one deletion of their union; overlapping replacements with
  the same new text become one replacement of their union.
- **Conflicts.** Overlapping edits that differ (two different replacements of
  one sentence, a deletion inside a replacement) cannot both be tracked. One is
  applied: the one named in ``prefer`` (a choice the user made), else the most
  severe, else the first in the text. Each other one is reported as not
  applied, naming the edit it overlaps; ``Plan.conflicts`` lists every group
  so that a user interface can offer the choice.
- **Comments only.** A finding with no suggested language (for example a term that
  protects the other side, which is never rewritten against the client) gets a
  comment on its evidence and no change to the text; where that evidence is
  also edited, the finding joins the edit's comment.
- **Languages.** In a Chinese contract the Chinese text of a suggestion is used. In a
  bilingual one, an inserted clause is written in both versions: each language after its
  own version's clause (the other after the counterpart), or both, one after the other,
  where the clause has no counterpart; a replacement is written in the language of the
  text it replaces. A text the user edited is used as it is.
- **Not applicable.** A suggestion with no text to insert, with no place in
  the text, or whose span would delete a clause heading is reported with that
  reason. The writer adds the changes it could not anchor in the document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Optional

from analyzer.core.cjk import language_of
from analyzer.core.schema import Finding, Report
from analyzer.structure.clause_index import ClauseIndex
from analyzer.structure.headings import body_start


@dataclass
class Change:
    """One tracked change (or, for ``action == "comment"``, a comment on unchanged text): ``finding`` is
    the main finding; ``merged`` the others it also answers."""

    finding: Finding
    action: str
    text: str
    start: Optional[int] = None
    end: Optional[int] = None
    after_clause_id: Optional[str] = None
    merged: list[Finding] = field(default_factory=list)
    # a bilingual contract: the same language in the other version, after ``counterpart_id``
    counterpart_text: Optional[str] = None
    counterpart_id: Optional[str] = None

    @property
    def findings(self) -> list[Finding]:
        return [self.finding, *self.merged]


@dataclass(frozen=True)
class NotApplied:
    """An accepted suggestion that is not in the redline, with the reason in words."""

    finding_id: str
    category: str
    reason: str

    def __str__(self) -> str:
        return f"{self.finding_id} ({self.category}): {self.reason}"


@dataclass(frozen=True)
class Conflict:
    """Accepted suggestions that change overlapping text in different ways; only one can be tracked.

    ``finding_ids`` are in the order of preference (the applied one first);
    ``start``/``end`` cover the text they all touch.
    """

    finding_ids: tuple[str, ...]
    start: int
    end: int
    applied: str


@dataclass
class Plan:
    changes: list[Change] = field(default_factory=list)
    merged: list[tuple[str, ...]] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    not_applied: list[NotApplied] = field(default_factory=list)


def _norm(text: str) -> str:
    return " ".join((text or "").split()).casefold()


def clause_label(report: Report, clause_id: Optional[str]) -> str:
    """"clause 7.2 Improvements" for a clause id, "" when the clause is unknown."""
    c = ClauseIndex(report.clauses).get(clause_id)
    if c is None:
        return ""
    words = " ".join(x for x in ((c.number or "").strip().rstrip("."), c.heading or "") if x).strip()
    return f"clause {words}" if words else ""


def _where(report: Report, index: ClauseIndex, change: Change) -> str:
    if change.action == "insert":
        c = index.get(change.after_clause_id)
    else:
        c = index.innermost(change.start, change.end)
    if c is None:
        return ""
    words = " ".join(x for x in ((c.number or "").strip().rstrip("."), c.heading or "") if x).strip()
    return f" in clause {words}" if words else ""


def plan_changes(report: Report, accepted: Optional[Iterable[str]] = None,
                 texts: Optional[dict[str, str]] = None, prefer: Optional[Iterable[str]] = None) -> Plan:
    """The plan for the suggestions of ``accepted`` findings (None: every suggestion).

    ``texts``: edited suggestion text per finding id. ``prefer``: finding ids
    the user chose where suggestions conflict.
    """
    accepted = None if accepted is None else set(accepted)
    prefer = set(prefer or ())
    plan = Plan()
    inserts: list[Change] = []
    spans: list[Change] = []
    notes: list[Change] = []
    for f in report.findings:
        s = f.suggestion
        if accepted is not None and f.id not in accepted:
            continue
        if s is None:
            ev = next((e for e in f.evidence if 0 <= e.start < e.end <= len(report.text)), None)
            if ev is not None:
                notes.append(Change(f, "comment", "", ev.start, ev.end))
            continue
        edited = f.id in (texts or {})
        text = (texts or {}).get(f.id, s.text) or ""
        if s.action == "insert":
            if text.strip():
                # an insert without a clause to follow may name the offset it goes before
                before = s.start if s.after_clause_id is None and s.start is not None else None
                change = Change(f, "insert", text, start=before, after_clause_id=s.after_clause_id)
                if not edited and s.text_zh:
                    _in_languages(report, change, s.text, s.text_zh)
                inserts.append(change)
            else:
                plan.not_applied.append(NotApplied(f.id, f.category, "there is no text to insert"))
            continue
        start, end = s.start, s.end
        if start is None or end is None:
            if not f.evidence:
                plan.not_applied.append(NotApplied(f.id, f.category, "the suggestion names no text to change"))
                continue
            start, end = f.evidence[0].start, f.evidence[0].end
        if not 0 <= start < end <= len(report.text):
            plan.not_applied.append(NotApplied(f.id, f.category, "the text to change lies outside the document"))
            continue
        span = _outside_headings(report, start, end)
        if span is None:
            plan.not_applied.append(NotApplied(
                f.id, f.category, "the text to change holds a clause heading, which a redline never deletes"))
            continue
        if s.action == "replace" and not edited and s.text_zh and _chinese_at(report, *span):
            text = s.text_zh
        spans.append(Change(f, s.action, text if s.action == "replace" else "", *span))
    index = ClauseIndex(report.clauses)
    plan.changes = _merge_inserts(report, index, inserts, plan) + _resolve_spans(report, index, spans, prefer, plan)
    plan.changes += _comments(plan.changes, notes)
    return plan


def _chinese_at(report: Report, start: int, end: int) -> bool:
    """Is ``[start, end)`` Chinese text (in a Chinese or a bilingual contract)?"""
    if report.document.language == "zh":
        return True
    return report.document.language == "mixed" and language_of(report.text[start:end]) == "zh"


def _in_languages(report: Report, change: Change, en: str, zh: str) -> None:
    """Set the languages of an insert (see the module doc)."""
    language = report.document.language
    if language == "zh":
        change.text = zh
        return
    if report.bilingual is None:
        return
    anchor = ClauseIndex(report.clauses).get(change.after_clause_id)
    if anchor is not None and anchor.counterpart_id:
        first, second = (zh, en) if anchor.language == "zh" else (en, zh)
        change.text, change.counterpart_text, change.counterpart_id = first, second, anchor.counterpart_id
    else:
        change.text = f"{en}\n{zh}"


def _comments(changes: list[Change], notes: list[Change]) -> list[Change]:
    """Comment-only changes for ``notes``; a note on text that an edit (or an earlier note) already
    covers joins that change's comment instead."""
    out: list[Change] = []
    for n in sorted(notes, key=lambda c: (c.start, c.end)):
        host = next((c for c in (*changes, *out) if c.action != "insert" and c.start < n.end and n.start < c.end), None)
        if host is not None:
            host.merged.append(n.finding)
        else:
            out.append(n)
    return out


def _rank(c: Change, prefer: set[str]) -> tuple:
    return (c.finding.id not in prefer, c.finding.severity.rank,
            c.start if c.start is not None else 0, c.finding.id)


def _merge_inserts(report: Report, index: ClauseIndex, inserts: list[Change], plan: Plan) -> list[Change]:
    """Inserts of the same text are made once, at the anchor of the most severe finding."""
    groups: dict[str, list[Change]] = {}
    for c in inserts:
        groups.setdefault(_norm(c.text), []).append(c)
    out = []
    for group in groups.values():
        group.sort(key=lambda c: _rank(c, set()))
        head = group[0]
        for other in group[1:]:
            head.merged.append(other.finding)
        if len(group) > 1:
            plan.merged.append(tuple(c.finding.id for c in group))
        out.append(head)
    order = {f.id: i for i, f in enumerate(report.findings)}
    return sorted(out, key=lambda c: order.get(c.finding.id, 0))


def _same_edit(a: Change, b: Change) -> bool:
    return a.action == b.action and (a.action == "delete" or _norm(a.text) == _norm(b.text))


def _resolve_spans(report: Report, index: ClauseIndex, spans: list[Change], prefer: set[str],
                   plan: Plan) -> list[Change]:
    # 1. overlapping spans that make the same edit become one change over their union
    merged: list[Change] = []
    for c in sorted(spans, key=lambda c: (c.start, c.end)):
        host = next((m for m in merged if m.start < c.end and c.start < m.end and _same_edit(m, c)), None)
        if host is None:
            merged.append(c)
            continue
        first = min((host, c), key=lambda x: _rank(x, prefer))
        other = c if first is host else host
        first.start, first.end = min(host.start, c.start), max(host.end, c.end)
        first.merged.extend([other.finding, *other.merged])
        if first is c:
            merged[merged.index(host)] = c
    for m in merged:
        if m.merged:
            plan.merged.append(tuple(f.id for f in m.findings))
    # 2. overlapping spans that differ: the preferred, most severe, first one is applied
    kept: list[Change] = []
    lost: list[tuple[Change, Change]] = []
    for c in sorted(merged, key=lambda c: _rank(c, prefer)):
        clash = next((k for k in kept if k.start < c.end and c.start < k.end), None)
        if clash is None:
            kept.append(c)
        else:
            lost.append((c, clash))
    groups: dict[int, list[Change]] = {}
    for loser, winner in lost:
        groups.setdefault(id(winner), [winner]).append(loser)
        where = _where(report, index, winner)
        for f in loser.findings:
            plan.not_applied.append(NotApplied(
                f.id, f.category,
                f"its {loser.action} overlaps the {winner.action} of {winner.finding.id} "
                f"({winner.finding.category}){where}, which was applied instead; only one edit of the "
                "same text can be tracked"))
    for group in groups.values():
        plan.conflicts.append(Conflict(tuple(c.finding.id for c in group), min(c.start for c in group),
                                       max(c.end for c in group), group[0].finding.id))
    return sorted(kept, key=lambda c: (c.start, c.end))


def _outside_headings(report: Report, start: int, end: int) -> Optional[tuple[int, int]]:
    """``[start, end)`` less the heading words it starts on; None when it would delete a heading
    of a clause inside it (a heading is never deleted) or holds nothing else."""
    text = report.text
    for c in report.clauses:
        if not c.heading:
            continue
        hs, he = c.start, body_start(text, c.start, c.heading, c.end)
        if he <= hs or he <= start or hs >= end or not text[hs:he].strip():
            continue
        if hs <= start:
            start = he
            while start < end and text[start].isspace():
                start += 1
        else:
            return None
    return (start, end) if start < end else None


__all__ = ["Change", "Conflict", "NotApplied", "Plan", "clause_label", "plan_changes"]
