"""The reply to a new draft: a DOCX of it that reverses its worse changes as tracked changes.

Each worse change becomes one suggestion on the new draft, written by the redline writer
(``analyzer.redline.writer``) as tracked changes by "Clause Analyzer" with a comment that
says what the change did and why it is worse for the client:

- a **modified** (or moved and reworded) clause: the words from the first change to the last
  are replaced by the old draft's words (a pure insertion is deleted; a pure deletion is
  restored next to the word before it);
- an **added** clause: deleted (its heading stays, as the writer never deletes headings);
- a **deleted** clause: inserted again after the clause that preceded it.

With ``fallback=True``, a change made worse by a playbook finding that proposes language
gets that language (the playbook's fallback where it has one) instead of the old wording.
Every other change is accepted: the new draft's wording stays, and where the input is one
DOCX with the other side's tracked changes, those are accepted first (Word's "Accept All"),
so the reply shows only the reversals. Rejecting the reply's changes gives back the new draft.
"""

from __future__ import annotations

import re
from pathlib import Path

from analyzer.compare.drafts import Comparison
from analyzer.core.compare_schema import Change
from analyzer.core.files import write_bytes
from analyzer.core.schema import Finding, Severity, Span, Suggestion
from analyzer.core.settings import Limits
from analyzer.ooxml.revisions import accept_revisions
from analyzer.redline.writer import redline_bytes

_WORD = re.compile(r"\S+")
_SNIPPET = 300


def _snip(text: str) -> str:
    t = " ".join(text.split())
    return t if len(t) <= _SNIPPET else t[:_SNIPPET - 1].rstrip() + "…"


def _word_before(text: str, lo: int, at: int) -> tuple[int, int] | None:
    found = None
    for m in _WORD.finditer(text, lo, at):
        found = (m.start(), m.end())
    return found


def _word_after(text: str, at: int, hi: int) -> tuple[int, int] | None:
    m = _WORD.search(text, at, hi)
    return (m.start(), m.end()) if m else None


def _reverse_edit(ch: Change, old_text: str, new_text: str) -> Suggestion | None:
    """Replace the new words from the first edit to the last with the old ones."""
    edits = [op for op in ch.diff if op.op != "equal"]
    if not edits or ch.old is None or ch.new is None:
        return None
    os_, oe = edits[0].old_start, edits[-1].old_end
    ns, ne = edits[0].new_start, edits[-1].new_end
    if ne <= ns:  # words deleted from the new draft: widen to a neighbouring word kept on both sides
        before_n, before_o = _word_before(new_text, ch.new.start, ns), _word_before(old_text, ch.old.start, os_)
        if before_n and before_o and new_text[before_n[0]:before_n[1]] == old_text[before_o[0]:before_o[1]]:
            ns, os_ = before_n[0], before_o[0]
        else:
            after_n, after_o = _word_after(new_text, ne, ch.new.end), _word_after(old_text, oe, ch.old.end)
            if not (after_n and after_o):
                return None
            ne, oe = after_n[1], after_o[1]
    restored = old_text[os_:oe]
    if not restored.strip():
        return Suggestion(action="delete", start=ns, end=ne)
    return Suggestion(action="replace", text=restored, start=ns, end=ne)


def _insert_after(cmp: Comparison, ch: Change) -> str | None:
    """The new clause after which a deleted clause goes back: the partner of the nearest old clause
    before it that both drafts share (a previous sibling before a parent)."""
    old_ids = {c.id: c for c in cmp.old.clauses}
    deleted = old_ids.get(ch.old_clause.id) if ch.old_clause else None
    if deleted is None:
        return None
    from analyzer.compare.align import align

    partner = {}
    al = align(cmp.old.clauses, cmp.old.text, cmp.new.clauses, cmp.new.text)
    for p in al.pairs:
        partner[al.old[p.old].clause.id] = al.new[p.new].clause.id
    before = [c for c in cmp.old.clauses if c.end <= deleted.start and c.id in partner]
    siblings = [c for c in before if c.parent_id == deleted.parent_id]
    pick = max(siblings or before, key=lambda c: (c.end, -c.start), default=None)
    if pick is None and deleted.parent_id in partner:
        return partner[deleted.parent_id]
    return partner.get(pick.id) if pick is not None else None


def _playbook_language(cmp: Comparison, ch: Change) -> Finding | None:
    """A new-draft finding behind this change that proposes language (fallback text preferred)."""
    rules = {r.rule_id for r in ch.reasons if r.source == "playbook" and r.judgement == "worse"}
    span = (ch.new.start, ch.new.end) if ch.new else None
    for f in cmp.new.findings:
        s = f.suggestion
        if f.rule_id not in rules or s is None or not (s.fallback_text or s.text):
            continue
        if span and f.evidence and not any(e.start < span[1] and span[0] < e.end for e in f.evidence):
            continue
        text = s.fallback_text or s.text
        return f.model_copy(update={"suggestion": s.model_copy(update={"text": text})})
    return None


def _finding(cmp: Comparison, ch: Change, suggestion: Suggestion, action: str) -> Finding:
    who = cmp.report.perspective or "client"
    lead = ch.reasons[0] if ch.reasons else None
    evidence = []
    if ch.old is not None:
        evidence.append(f"Earlier draft: “{_snip(cmp.old.text[ch.old.start:ch.old.end])}”")
    if lead and lead.old_value is not None and lead.new_value is not None:
        evidence.append(f"Was {lead.old_value}, now {lead.new_value}.")
    return Finding(id=ch.id, rule_id=ch.rule_id or "compare.change", category=ch.category or "other",
                   kind="deviation", severity=ch.severity or Severity.MEDIUM,
                   message=f"Their change is worse for the {who}: {ch.message}. {action}",
                   rationale=" ".join(evidence) or None, clause_id=ch.new_clause.id if ch.new_clause else None,
                   evidence=[Span(start=ch.new.start, end=ch.new.end)] if ch.new else [], suggestion=suggestion)


def respond_findings(cmp: Comparison, *, fallback: bool = False) -> list[Finding]:
    """One finding with a suggestion per worse change that can be reversed."""
    out = []
    old_text, new_text = cmp.old.text, cmp.new.text
    for ch in cmp.report.changes:
        if ch.judgement != "worse":
            continue
        if fallback:
            f = _playbook_language(cmp, ch)
            if f is not None:
                out.append(_finding(cmp, ch, f.suggestion, "Proposes the playbook's language instead.")
                           .model_copy(update={"rationale": f.rationale}))
                continue
        if ch.kind in ("modified", "moved") and ch.text_changed:
            s = _reverse_edit(ch, old_text, new_text)
            action = "Restores the earlier wording."
        elif ch.kind == "added" and ch.new is not None:
            s = Suggestion(action="delete", start=ch.new.start, end=ch.new.end)
            action = "Deletes the clause they added."
        elif ch.kind == "deleted" and ch.old is not None:
            after = _insert_after(cmp, ch)
            s = Suggestion(action="insert", text=old_text[ch.old.start:ch.old.end], after_clause_id=after)
            action = "Reinstates the clause they deleted."
        else:
            s = None
        if s is not None:
            out.append(_finding(cmp, ch, s, action))
    return out


def respond_bytes(cmp: Comparison, *, fallback: bool = False, date: str | None = None) -> tuple[bytes, int]:
    """The reply DOCX and the number of worse changes it reverses as tracked changes."""
    findings = respond_findings(cmp, fallback=fallback)
    report = cmp.new.model_copy(update={"findings": findings})
    data = cmp.new_data
    if cmp.report.input == "tracked_changes":  # their changes are the new draft: accept them
        data = accept_revisions(data, cmp.new_name, Limits.from_env())
    return redline_bytes(data, report, date=date, output_name=f"reply to {cmp.new_name}")


def write_respond(cmp: Comparison, output: str | Path, **kw) -> int:
    """Write the reply DOCX to ``output`` atomically; return the number of changes reversed."""
    data, count = respond_bytes(cmp, **kw)
    write_bytes(Path(output), data)
    return count


__all__ = ["respond_bytes", "respond_findings", "write_respond"]
