"""Two analyzed drafts -> a ``CompareReport``: align, list the changes, judge them, summarise."""

from __future__ import annotations

import logging

from analyzer.compare.align import Alignment, align
from analyzer.compare.changes import RawChange, changes, clause_ref
from analyzer.compare.judge import Side, category_reasons, playbook_reasons
from analyzer.compare.terms import term_reasons
from analyzer.core.compare_schema import (
    JUDGEMENT_ORDER,
    Change,
    CompareReport,
    Reason,
    Summary,
    VersionInfo,
)
from analyzer.core.errors import AnalyzerError
from analyzer.core.schema import Report, Severity, Span, make_id
from analyzer.core.version import __version__

log = logging.getLogger(__name__)
_KIND_WORDS = {"added": "added", "deleted": "deleted", "modified": "changed", "moved": "moved"}


def _rank(r: Reason) -> tuple[int, int]:
    return JUDGEMENT_ORDER[r.judgement], r.severity.rank if r.severity else 3


def playbook_weights(playbook, perspective: str | None) -> tuple[dict[str, Severity], dict[str, Severity]]:
    """(categories the playbook requires or recommends for the client, with the rule's severity;
    every rule category with its severity)."""
    if playbook is None or not perspective:
        return {}, {}
    protective: dict[str, Severity] = {}
    severities: dict[str, Severity] = {}
    for rule in playbook.rules_for(perspective):
        severities.setdefault(rule.category, rule.severity)
        if rule.requirement in ("required", "recommended") and (rule.protects in (None, "both", perspective)
                                                                 or perspective == "neutral"):
            protective.setdefault(rule.category, rule.severity)
    return protective, severities


def _resolve(report: Report, playbook):
    if playbook is not None and not isinstance(playbook, (str,)) and hasattr(playbook, "rules_for"):
        return playbook
    from analyzer.review.playbook import resolve_playbook

    spec = playbook or report.playbook
    if not spec:
        return None
    try:
        return resolve_playbook(spec, report.agreement_type)
    except AnalyzerError as exc:
        log.warning("playbook %s unavailable for the comparison: %s", spec, exc)
        return None


def _where(ch: RawChange) -> str:
    u = ch.new or ch.old
    c = u.clause
    label = " ".join(x for x in (c.number, c.heading) if x)
    if not label:
        label = c.kind if c.kind in ("preamble", "recitals", "signature") else \
            " ".join(u.key.split()[:6]) + ("…" if len(u.key.split()) > 6 else "")
    if ch.kind == "moved" and ch.old and ch.new and ch.old.clause.number != ch.new.clause.number and ch.old.clause.number:
        label += f" (was {ch.old.clause.number})"
    return f"clause {label}" if c.number else label or "clause"


def _neutral_message(ch: RawChange) -> str:
    words = sum(len((op.new or op.old).split()) for op in ch.diff if op.op != "equal")
    if ch.kind == "moved" and not ch.text_changed:
        return "moved; the wording is the same"
    if ch.kind in ("added", "deleted"):
        return "no rule or tracked term is affected"
    return f"wording only ({words} word(s) differ); no rule or tracked term is affected"


def _change(ch: RawChange, reasons: list[Reason], old: Report, new: Report, side_old: Side, side_new: Side) -> Change:
    reasons = sorted(reasons, key=_rank)
    judgement = reasons[0].judgement if reasons else "neutral"
    lead = reasons[0] if reasons else None
    detail = lead.message if lead else _neutral_message(ch)
    extra = len([r for r in reasons if r.judgement == judgement]) - 1
    if extra > 0:
        detail += f"; and {extra} more"
    category = lead.category if lead else None
    if category is None:
        cats = side_new.categories(ch.new_span) or side_old.categories(ch.old_span)
        category = next(iter(cats), None)
    old_span = Span(start=ch.old_span[0], end=ch.old_span[1]) if ch.old_span else None
    new_span = Span(start=ch.new_span[0], end=ch.new_span[1]) if ch.new_span else None
    return Change(
        id=make_id(old.document.sha256, new.document.sha256, ch.kind, ch.old_span, ch.new_span),
        kind=ch.kind, category=category, judgement=judgement,
        message=f"{_where(ch)} {_KIND_WORDS[ch.kind]}: {detail}",
        rule_id=lead.rule_id if lead else None, old=old_span, new=new_span,
        severity=lead.severity if lead else None, old_clause=clause_ref(ch.old), new_clause=clause_ref(ch.new),
        text_changed=ch.text_changed or ch.kind in ("added", "deleted"), similarity=ch.similarity,
        matched_by=ch.matched_by, diff=ch.diff, reasons=reasons)


def _tie_by_category(loose: list[Reason], per_change: list[list[Reason]]) -> list[Reason]:
    """A finding tied to no clause change goes to the change that moved the same category the
    same way (a survival clause deleted makes the confidentiality clause fail its survival check)."""
    left = []
    for r in loose:
        home = next((rs for rs in per_change if any(x.category == r.category and x.judgement == r.judgement
                                                     and x.source != "playbook" for x in rs)), None)
        if home is None:
            left.append(r)
        else:
            home.append(r)
    return left


def _version(report: Report) -> VersionInfo:
    d = report.document
    return VersionInfo(source=d.source, sha256=d.sha256, text=report.text, format=d.format.value,
                       playbook=report.playbook, agreement_type=report.agreement_type.label if report.agreement_type else None,
                       findings=len(report.findings), status=report.status.value)


def compare_reports(old: Report, new: Report, *, playbook=None, perspective: str | None = None,
                    input_kind: str = "two_files") -> CompareReport:
    """Compare two analyzed drafts (reviewed with the same playbook and perspective)."""
    perspective = perspective or new.perspective or old.perspective
    al: Alignment = align(old.clauses, old.text, new.clauses, new.text)
    raw = changes(al, old.text, new.text)
    side_old, side_new = Side(old, al.old), Side(new, al.new)
    pb = _resolve(new, playbook)
    protective, severities = playbook_weights(pb, perspective)
    by_change, loose = playbook_reasons(raw, al, side_old, side_new)
    per_change: list[list[Reason]] = []
    for k, ch in enumerate(raw):
        reasons = list(by_change.get(k, []))
        reasons += term_reasons(ch, side_old, side_new, perspective or "neutral", severities)
        cats = {r.category for r in reasons if r.source == "playbook"}
        reasons += [r for r in category_reasons(ch, side_old, side_new, perspective or "neutral", protective, severities)
                    if r.category not in cats]
        per_change.append(reasons)
    loose = _tie_by_category(loose, per_change)
    out = [_change(ch, reasons, old, new, side_old, side_new) for ch, reasons in zip(raw, per_change)]
    position = {id(c): k for k, c in enumerate(out)}
    out.sort(key=lambda c: (JUDGEMENT_ORDER[c.judgement], c.severity.rank if c.severity else 3, position[id(c)]))
    loose.sort(key=_rank)
    summary = Summary(**{j: sum(1 for c in out if c.judgement == j) for j in ("worse", "better", "neutral")},
                      **{k: sum(1 for c in out if c.kind == k) for k in ("added", "deleted", "modified", "moved")})
    for c in out:
        summary.headline.append(f"{c.judgement.upper()}{f' [{c.severity}]' if c.severity else ''}: {c.message}")
    for r in loose:
        summary.headline.append(f"{r.judgement.upper()}{f' [{r.severity}]' if r.severity else ''} "
                                f"(no clause change to tie it to): {r.message}")
    summary.headline.sort(key=lambda line: JUDGEMENT_ORDER[line.split(" ", 1)[0].split(":")[0].lower()])
    issues = [i.model_copy(update={"stage": f"old:{i.stage}"}) for i in old.issues] + \
             [i.model_copy(update={"stage": f"new:{i.stage}"}) for i in new.issues]
    versions = {"analyzer": __version__, **{k: v for k, v in new.versions.items() if k != "analyzer"}}
    return CompareReport(perspective=perspective, playbook=new.playbook or old.playbook, old=_version(old),
                         new=_version(new), input=input_kind, changes=out, summary=summary, unattributed=loose,
                         issues=issues, versions=versions)


__all__ = ["compare_reports", "playbook_weights"]
