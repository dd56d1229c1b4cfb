"""The whole contract as escaped HTML with every finding highlighted, search hits, and jump links.

Each finding's evidence is a ``<mark>`` that links back to the finding's card
(``#card-ID``); the first place of each finding carries the anchor
``doc-ID`` that the card's "show in text" link jumps to. Search hits are
marked and numbered (``hit-N``). Everything from the document is escaped.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from analyzer.core.schema import Finding, Report

MAX_HITS = 500


@dataclass(frozen=True)
class _Mark:
    start: int
    end: int
    cls: str
    fid: str = ""
    title: str = ""


def finding_anchor(report: Report, f: Finding) -> int | None:
    """Where a finding is in the text: its first evidence, its suggestion's span, or its clause."""
    if f.evidence:
        return min(e.start for e in f.evidence)
    s = f.suggestion
    if s is not None and s.start is not None:
        return s.start
    cid = f.clause_id or (s.after_clause_id if s is not None else None)
    c = next((c for c in report.clauses if c.id == cid), None) if cid else None
    return c.start if c is not None else None


def search_hits(text: str, query: str, limit: int = MAX_HITS) -> list[tuple[int, int]]:
    """Case-insensitive places of ``query`` in ``text`` (whitespace in the query matches any run)."""
    words = query.split()
    if not words:
        return []
    pattern = re.compile(r"\s+".join(re.escape(w) for w in words), re.IGNORECASE)
    return [(m.start(), m.end()) for _, m in zip(range(limit), pattern.finditer(text))]


def document_html(report: Report, findings: list[Finding], hits: list[tuple[int, int]],
                  statuses: dict[str, str]) -> str:
    """The report's text as one escaped HTML block, with the marks and anchors described above."""
    text = report.text
    marks = []
    anchors: dict[int, list[str]] = {}
    for f in findings:
        cls = f"f {f.severity.value} {statuses.get(f.id, 'pending')}"
        for ev in f.evidence:
            if 0 <= ev.start < ev.end <= len(text):
                marks.append(_Mark(ev.start, ev.end, cls, f.id, f"{f.severity.value}: {f.category}"))
        at = finding_anchor(report, f)
        if at is not None and 0 <= at <= len(text):
            anchors.setdefault(at, []).append(f"doc-{f.id}")
    for i, (a, b) in enumerate(hits, 1):
        marks.append(_Mark(a, b, "hit", f"hit-{i}"))
        anchors.setdefault(a, []).append(f"hit-{i}")
    cuts = sorted({0, len(text), *anchors, *(m.start for m in marks), *(m.end for m in marks)})
    parts = []
    for a, b in zip(cuts, cuts[1:]):
        parts.extend(f'<a class="ca-anchor" id="{html.escape(x, quote=True)}"></a>' for x in anchors.get(a, ()))
        segment = html.escape(text[a:b])
        active = sorted((m for m in marks if m.start <= a and b <= m.end), key=lambda m: m.end - m.start)
        finding = next((m for m in active if m.cls != "hit"), None)
        if finding is not None:
            segment = (f'<a class="ca-back" href="#card-{html.escape(finding.fid, quote=True)}" '
                       f'title="{html.escape(finding.title, quote=True)}">{segment}</a>')
        for m in active:
            if m is not finding:
                segment = f'<mark class="{m.cls}">{segment}</mark>' if m.cls == "hit" else segment
        if finding is not None:
            segment = f'<mark class="{finding.cls}">{segment}</mark>'
        parts.append(segment)
    parts.extend(f'<a class="ca-anchor" id="{html.escape(x, quote=True)}"></a>' for x in anchors.get(len(text), ()))
    return f'<div class="ca-text ca-doc">{"".join(parts)}</div>'


__all__ = ["document_html", "finding_anchor", "search_hits"]
