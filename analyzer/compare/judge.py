"""Judge each change from the client's side: worse, better or neutral, with the reasons.

Three kinds of reason, each carrying the rule and the evidence on both sides:

- **playbook**: both drafts are reviewed against the same playbook and perspective. A finding
  that appears in the new draft (a rule the old draft met and the new one breaks, a new risk)
  is worse; one that goes is better. Findings are paired across the drafts by rule, kind and
  message (quotes and parentheses left out) and by aligned clause. A finding is tied to the
  change whose clause holds its evidence; a "missing" finding to the change that took away (or
  brought) a clause of its category. What cannot be tied to a change is reported apart.
- **term**: terms read from both wordings (``analyzer.review.attributes``) and compared with a
  fixed direction per perspective (``TERM_RULES``, ``FLAG_RULES``): a liability cap raised or
  removed is worse for the capped party; survival dropped, a shorter confidentiality period or
  cure period is worse for either side; a no-challenge clause or a royalty after expiry is worse
  for a licensee; losing audit rights is worse for a licensor; exclusivity granted is worse for
  a licensor and better for a licensee.
- **category**: a restrictive clause (non-compete, exclusivity, no-solicit...) that appears and
  names the client (or each party) is worse; a clause of a category the playbook requires or
  recommends for the client that the new draft no longer has anywhere is worse ("protection
  removed"), and the reverse is better.

A change with any worse reason is worse; else with a better reason, better; else neutral
(wording only, or nothing the rules can weigh).
"""

from __future__ import annotations

import re
from collections import defaultdict

from analyzer.compare.align import Alignment, Unit
from analyzer.compare.changes import RawChange
from analyzer.core.compare_schema import Reason
from analyzer.core.schema import Finding, Report, Severity, Span
from analyzer.review.attributes import (
    Attributes,
    Context,
    document_context,
    extract_attributes,
)

RESTRICTIVE = ("non_compete", "exclusivity", "no_solicit_of_customers", "no_solicit_of_employees",
               "uncapped_liability", "liquidated_damages", "most_favored_nation", "rofr_rofo_rofn",
               "no_challenge", "minimum_commitment", "volume_restriction", "price_restrictions")
_QUOTED = re.compile(r"“[^”]*”?|\"[^\"]*\"?|\([^)]*\)")
_NUMBER = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(million|billion|m|bn|k)?\b", re.IGNORECASE)
_SCALE = {"million": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9, "k": 1e3}
_EACH = re.compile(r"\b(each|either|neither|both)\s+part(y|ies)\b|\bthe\s+parties\b", re.IGNORECASE)


# ----------------------------------------------------------------------------- the sides

class Side:
    """One draft's report with lookups: clause units, findings by place, flagged labels."""

    def __init__(self, report: Report, units: list[Unit]):
        self.report, self.text, self.units = report, report.text, units
        self.by_id = {u.clause.id: u for u in units}
        self.ctx: Context = document_context(report.text, report.entities, report.parties)
        self.flagged = [lab for lab in report.labels if lab.flagged]

    def clause_at(self, start: int, end: int) -> Unit | None:
        """The innermost clause holding ``[start, end)``'s start."""
        best = None
        for u in self.units:
            c = u.clause
            if c.start <= start < max(c.end, c.start + 1) and (best is None or c.end - c.start <= best.clause.end - best.clause.start):
                best = u
        return best

    def finding_spans(self, f: Finding) -> list[tuple[int, int]]:
        spans = [(e.start, e.end) for e in f.evidence if e.end > e.start]
        if not spans and f.clause_id and f.clause_id in self.by_id:
            c = self.by_id[f.clause_id].clause
            spans = [(c.start, c.end)]
        return spans

    def finding_unit(self, f: Finding) -> Unit | None:
        if f.clause_id and f.clause_id in self.by_id:
            return self.by_id[f.clause_id]
        spans = self.finding_spans(f)
        return self.clause_at(*spans[0]) if spans else None

    def categories(self, span: tuple[int, int] | None) -> dict[str, list[tuple[int, int]]]:
        """Flagged label categories whose evidence starts inside ``span``, with that evidence."""
        out: dict[str, list[tuple[int, int]]] = defaultdict(list)
        if span is None:
            return out
        for lab in self.flagged:
            if span[0] <= lab.start < span[1]:
                out[lab.category].append((lab.start, lab.end))
        return out

    def has_category(self, category: str, outside: tuple[int, int] | None = None) -> bool:
        return any(lab.category == category and not (outside and outside[0] <= lab.start < outside[1])
                   for lab in self.flagged)

    def attributes(self, span: tuple[int, int] | None) -> Attributes:
        if span is None or span[1] <= span[0]:
            return Attributes()
        return extract_attributes(self.text, [span], self.ctx)


def _spans(pairs) -> list[Span]:
    return [Span(start=s, end=e) for s, e in pairs]


def _overlap(a: tuple[int, int], b: tuple[int, int] | None) -> int:
    if b is None:
        return 0
    return max(0, min(a[1], b[1]) - max(a[0], b[0])) or (1 if a[0] == a[1] and b[0] <= a[0] < b[1] else 0)


def finding_key(f: Finding) -> tuple[str, str, str]:
    """What makes two findings "the same" across drafts: rule, kind and message without quotes."""
    head = " ".join(_QUOTED.sub("", f.message).split()).rstrip(" .:—-")
    return f.rule_id, f.kind, head if f.kind != "missing" else ""


# ----------------------------------------------------------------------------- playbook findings

def _pair_findings(al: Alignment, old: Side, new: Side) -> tuple[list[Finding], list[Finding]]:
    """(findings only in the new draft, findings only in the old draft)."""
    olds: dict[tuple, list[Finding]] = defaultdict(list)
    news: dict[tuple, list[Finding]] = defaultdict(list)
    for f in old.report.findings:
        olds[finding_key(f)].append(f)
    for f in new.report.findings:
        news[finding_key(f)].append(f)
    introduced, resolved = [], []
    for key in list(olds) + [k for k in news if k not in olds]:
        a, b = list(olds.get(key, [])), list(news.get(key, []))
        for fo in list(a):  # same rule at aligned clauses
            uo = old.finding_unit(fo)
            target = al.old_to_new.get(uo.index) if uo is not None else None
            match = next((fn for fn in b if (new.finding_unit(fn) or _NONE).index == target), None) \
                if target is not None else None
            if match is not None:
                a.remove(fo)
                b.remove(match)
        while a and b:  # the same rule elsewhere: still there
            a.pop(0)
            b.pop(0)
        resolved += a
        introduced += b
    return introduced, resolved


class _NoUnit:
    index = -1


_NONE = _NoUnit()


def playbook_reasons(raw: list[RawChange], al: Alignment, old: Side, new: Side) -> tuple[dict[int, list[Reason]], list[Reason]]:
    """Reasons per change (by position in ``raw``) and the reasons tied to no change."""
    introduced, resolved = _pair_findings(al, old, new)
    out: dict[int, list[Reason]] = defaultdict(list)
    loose: list[Reason] = []
    for f in introduced:
        k = _tie(raw, new.finding_spans(f), "new") if f.evidence or f.clause_id else _tie_missing(raw, f, old, new)
        old_ev = raw[k].old_span if k is not None and raw[k].old_span else None
        r = Reason(judgement="worse", source="playbook", rule_id=f.rule_id, category=f.category,
                   severity=f.severity, message=f"new finding: {f.message}",
                   old_evidence=_spans([old_ev] if old_ev else []), new_evidence=f.evidence)
        (out[k] if k is not None else loose).append(r)
    for f in resolved:
        k = _tie(raw, old.finding_spans(f), "old") if f.evidence or f.clause_id else _tie_found(raw, f, new)
        new_ev = raw[k].new_span if k is not None and raw[k].new_span else None
        r = Reason(judgement="better", source="playbook", rule_id=f.rule_id, category=f.category,
                   severity=f.severity, message=f"finding resolved: {f.message}",
                   old_evidence=f.evidence, new_evidence=_spans([new_ev] if new_ev else []))
        (out[k] if k is not None else loose).append(r)
    return out, loose


def _tie(raw: list[RawChange], spans: list[tuple[int, int]], side: str) -> int | None:
    best, most = None, 0
    for k, ch in enumerate(raw):
        span = ch.new_span if side == "new" else ch.old_span
        got = sum(_overlap(s, span) for s in spans)
        if got > most:
            best, most = k, got
    return best


def _tie_missing(raw: list[RawChange], f: Finding, old: Side, new: Side) -> int | None:
    """The change that took away the clause a "missing" finding now misses."""
    for k, ch in enumerate(raw):
        if ch.old_span and f.category in old.categories(ch.old_span) and f.category not in new.categories(ch.new_span):
            return k
    same_rule = [g for g in old.report.findings if g.rule_id == f.rule_id]
    for g in same_rule:
        k = _tie(raw, old.finding_spans(g), "old")
        if k is not None:
            return k
    return None


def _tie_found(raw: list[RawChange], f: Finding, new: Side) -> int | None:
    """The change that brought the clause an old "missing" finding missed."""
    for k, ch in enumerate(raw):
        if ch.new_span and f.category in new.categories(ch.new_span):
            return k
    return None


# ----------------------------------------------------------------------------- categories

def _names_client(text: str, persp: str, report: Report) -> bool | None:
    """True when ``text`` names the client (or each party), False when only the other side, None
    when no party is named."""
    low = text.lower()
    if _EACH.search(text):
        return True
    mine, theirs = {persp}, set()
    for p in report.parties:
        names = {x.lower() for x in (p.name, p.alias) if x}
        (mine if p.role == persp else theirs).update(names)
    theirs |= {r for r in ("licensor", "licensee") if r != persp}
    if any(re.search(rf"\b{re.escape(n)}\b", low) for n in mine if n):
        return True
    if any(re.search(rf"\b{re.escape(n)}\b", low) for n in theirs if n):
        return False
    return None


def category_reasons(ch: RawChange, old: Side, new: Side, persp: str, protective: dict[str, Severity],
                     severities: dict[str, Severity]) -> list[Reason]:
    co, cn = old.categories(ch.old_span), new.categories(ch.new_span)
    out = []
    for cat in RESTRICTIVE:
        if cat in cn and cat not in co:
            ev = cn[cat]
            who = _names_client(" ".join(new.text[s:e] for s, e in ev), persp, new.report)
            if who is False and persp in ("licensor", "licensee"):
                judgement, message = "better", f"{cat.replace('_', ' ')} clause added that binds the other side"
            else:
                judgement, message = "worse", f"{cat.replace('_', ' ')} clause added against the client"
            out.append(Reason(judgement=judgement, source="category", rule_id=f"compare.category.{cat}", category=cat,
                              severity=severities.get(cat, Severity.MEDIUM), message=message,
                              old_evidence=_spans([ch.old_span] if ch.old_span else []), new_evidence=_spans(ev)))
    for cat, severity in protective.items():
        if cat in co and cat not in cn and not new.has_category(cat, outside=ch.new_span):
            out.append(Reason(judgement="worse", source="category", rule_id=f"compare.category.{cat}", category=cat,
                              severity=severity, message=f"protection removed: no {cat.replace('_', ' ')} clause is left",
                              old_evidence=_spans(co[cat]), new_evidence=_spans([ch.new_span] if ch.new_span else [])))
        elif cat in cn and cat not in co and not old.has_category(cat, outside=ch.old_span):
            out.append(Reason(judgement="better", source="category", rule_id=f"compare.category.{cat}", category=cat,
                              severity=severity, message=f"protection added: a {cat.replace('_', ' ')} clause",
                              old_evidence=_spans([ch.old_span] if ch.old_span else []), new_evidence=_spans(cn[cat])))
    return out


__all__ = [
    "RESTRICTIVE",
    "Side",
    "category_reasons",
    "finding_key",
    "playbook_reasons",
]
