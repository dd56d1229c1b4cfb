"""Changes on the cover page of a cover-page agreement (Common Paper, Bonterms and similar).

Such an agreement is a cover page of key terms followed by standard terms, and the cover page
says that it controls over the standard terms ("If there is any inconsistency between the Cover
Page and the Standard Terms, the Cover Page will control"). The parties negotiate the cover page;
the standard terms are a published form that nobody edits. So a suggestion that would rewrite,
delete or add to the standard terms becomes an insertion on the cover page, in the cover page's
own form: "Changes to the Standard Terms: in clause 9 (Governing Law), ...".
"""

from __future__ import annotations

import re
from typing import Optional

from analyzer.core.schema import Finding, Report, Suggestion
from analyzer.structure.clause_index import ClauseIndex

# the cover page says it controls over the standard terms
_CONTROLS = re.compile(
    r"Cover\s+Page[^.]{0,160}\b(?:will|shall)\s+(?:control|prevail|govern)\b"
    r"|\b(?:control|prevail)\w*\s+over\s+the\s+(?:Standard|NDA|Framework)\s+Terms[^.]{0,40}"
    r"|\bChanges\s+to\s+(?:the\s+)?Standard\s+Terms\b", re.I)


_SIGN = re.compile(r"^\s*(?:By\s+signing\s+this\s+Cover\s+Page|IN\s+WITNESS\s+WHEREOF|Signature\b)", re.I | re.M)


def cover_page_clause(report: Report) -> Optional[str]:
    """The id of the clause that holds the cover page (the text before the first numbered clause),
    when the document has a cover page that controls over its standard terms; else None."""
    first = next((c for c in report.clauses if c.parent_id is None and c.number), None)
    if first is None:
        return None
    head = next((c for c in report.clauses if c.parent_id is None and c.end <= first.start + 1
                 and c.kind not in ("signature", "schedule")), None)
    if head is None or not _CONTROLS.search(report.text, head.start, first.start):
        return None
    return head.id


def onto_cover_page(report: Report, findings: list[Finding]) -> list[Finding]:
    """``findings`` with every suggestion that edits the standard terms moved onto the cover page
    as an insertion; unchanged when the document has no cover page that controls."""
    cover = cover_page_clause(report)
    if cover is None:
        return findings
    index = ClauseIndex(report.clauses)
    cover_end = index.get(cover).end
    # on the cover page, before the parties sign it (else at its end)
    m = _SIGN.search(report.text, index.get(cover).start, cover_end)
    sign = m.start() if m else None
    out = []
    for f in findings:
        s = f.suggestion
        if s is None or (s.action == "insert" and (s.after_clause_id == cover or s.text.startswith("Changes to the Standard Terms"))):
            out.append(f)
            continue
        start = s.start if s.start is not None else (f.evidence[0].start if f.evidence else None)
        if s.action != "insert" and (start is None or start < cover_end):
            out.append(f)  # an edit of the cover page itself stays where it is
            continue
        where = _label(index, s.after_clause_id if s.action == "insert" else index.innermost(start, start + 1))
        if s.action == "delete":
            text = f"Changes to the Standard Terms: {where or 'the text cited in this finding'} does not apply."
        elif s.action == "replace":
            text = f"Changes to the Standard Terms: {where or 'the text cited in this finding'} is replaced by: {s.text}"
        else:
            text = f"Changes to the Standard Terms: the following is added{f' after {where}' if where else ''}: {s.text}"
        moved = Suggestion(action="insert", text=text, after_clause_id=None if sign is not None else cover,
                           start=sign, end=sign,
                           fallback_text=s.fallback_text and text.replace(s.text, s.fallback_text),
                           text_zh=s.text_zh, fallback_text_zh=s.fallback_text_zh)
        out.append(f.model_copy(update={"suggestion": moved}))
    return out


def _label(index: ClauseIndex, clause) -> str:
    """"clause 9 (Governing Law)" for a clause (or its id), from the nearest numbered clause up."""
    c = index.get(clause) if isinstance(clause, str) or clause is None else clause
    while c is not None and not c.number and c.parent_id:
        c = index.get(c.parent_id)
    if c is None or not c.number:
        return ""
    heading = f" ({c.heading})" if c.heading else ""
    return f"clause {c.number.strip().rstrip('.')}{heading}"
