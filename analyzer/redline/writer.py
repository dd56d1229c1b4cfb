"""Suggestions → a DOCX with real Word tracked changes and comments.

Every applied suggestion becomes tracked changes by "Clause Analyzer" (``w:ins``
/ ``w:del`` with ``w:delText``, a date and an id above every id already in the
package), plus a comment that explains the finding (severity, message,
rationale, rule). ``w:trackRevisions`` is switched on.

- **insert**: new paragraph(s) after the last paragraph of ``after_clause_id``,
  or, without a clause (or when that clause runs into the signature block or lies in
  a schedule), at the end of the body before the signature block. The
  paragraph mark and the text are both marked inserted, and the paragraph copies
  the anchor paragraph's style without its list numbering, so no following
  clause is renumbered and no cross-reference goes stale.
- **replace** / **delete**: the ``[start, end)`` span of ``Report.text`` (the
  first evidence span when the suggestion has none) is cut out of its runs and
  wrapped in ``w:del``; a replacement follows it in a ``w:ins``. Run properties are
  kept on both sides of every cut. A span never takes a clause heading: one that
  starts on a heading starts after it, and one with a heading inside is skipped.

DOCX input is edited in place: styles, numbering, headers, earlier tracked
changes and comments are kept as they are. Only the parts a DOCX needs are
written (no macros, no stray members, no DTDs; see
``analyzer.ooxml.editable.EditablePackage``), and the result must open again in
python-docx and in the DOCX parser before it is returned or written. PDF and
TXT input first become a plain DOCX with one paragraph per line of the report
text (headings in bold).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional, Union

from lxml import etree

from analyzer.core.errors import AnalyzerError, escape_name
from analyzer.core.files import write_bytes
from analyzer.core.headings import is_signature_heading
from analyzer.core.schema import Finding, Format, Report
from analyzer.core.settings import Limits
from analyzer.ingest import read_regular
from analyzer.ooxml.text_map import (
    TextMap,
    W,
    isolate,
    make_run,
    map_docx_text,
    max_revision_id,
    place_after,
    revision,
    wrap_deleted,
)
from analyzer.redline.docx_package import (
    RedlineDocument,
    clean_docx,
    ensure_comments_part,
    ensure_track_revisions,
    new_paragraph,
    open_docx,
    verify_docx,
)
from analyzer.structure.clause_index import ClauseIndex
from analyzer.structure.headings import body_start

AUTHOR = "Clause Analyzer"
INITIALS = "CA"
_SIGNATURE = re.compile(r"^[ \t]*(IN WITNESS WHEREOF|Signed (for|by|on behalf)|Executed (as|by))", re.I | re.M)


@dataclass
class Change:
    finding: Finding
    action: str
    text: str
    start: Optional[int] = None
    end: Optional[int] = None
    after_clause_id: Optional[str] = None


class _Ids:
    def __init__(self, start: int):
        self.n = start

    def __call__(self) -> int:
        self.n += 1
        return self.n


def redline_bytes(source: Union[Path, str, bytes], report: Report, *, accepted: Optional[set[str]] = None,
                  texts: Optional[dict[str, str]] = None, date: Optional[str] = None,
                  output_name: Optional[str] = None) -> tuple[bytes, int]:
    """Return the redlined DOCX and the number of suggestions applied as tracked changes.

    ``accepted``: ids of the findings to apply (None: every finding with a
    suggestion). ``texts``: edited suggestion text per finding id. The package
    is checked to open again (``verify_docx``) before it is returned; a failure
    is an ``AnalyzerError`` naming ``output_name`` (default: "redline of SOURCE").
    """
    changes = collect_changes(report, accepted, texts)
    name = str(source) if isinstance(source, (str, Path)) else report.document.source
    if report.document.format is Format.DOCX:
        if isinstance(source, (str, Path)):
            data = read_regular(source, Path(source).name, max_bytes=Limits.from_env().max_bytes)
        else:
            data = bytes(source)
        pkg = open_docx(data, name)
        tm = map_docx_text(pkg.document, pkg.styles, pkg.numbering)
        if not report.text.startswith(tm.text):
            raise AnalyzerError(f"{escape_name(name)}: the report's text does not match this document "
                                "(was the report made from another file?)")
    else:
        pkg, tm = clean_docx(report)
    stamp = date or datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    ids = _Ids(max_revision_id(pkg.document, pkg.comments))
    applied = _apply(pkg, tm, report, changes, ids, stamp)
    if applied:
        ensure_track_revisions(pkg)
    out = pkg.to_bytes()
    verify_docx(out, output_name or f"redline of {name}")
    return out, applied


def write_redline(source: Union[Path, str], report: Report, output: Union[Path, str], **kw) -> int:
    """Write the redline to ``output`` atomically (temp file + rename); return the count.

    Nothing is written when the redline cannot be built or does not open again.
    """
    output = Path(output)
    data, count = redline_bytes(source, report, output_name=str(output), **kw)
    write_bytes(output, data)
    return count


def collect_changes(report: Report, accepted: Optional[set[str]] = None,
                    texts: Optional[dict[str, str]] = None) -> list[Change]:
    out = []
    for f in report.findings:
        s = f.suggestion
        if s is None or (accepted is not None and f.id not in accepted):
            continue
        text = (texts or {}).get(f.id, s.text) or ""
        if s.action == "insert":
            if text.strip():
                out.append(Change(f, "insert", text, after_clause_id=s.after_clause_id))
            continue
        start, end = s.start, s.end
        if start is None or end is None:
            if not f.evidence:
                continue
            start, end = f.evidence[0].start, f.evidence[0].end
        span = _outside_headings(report, start, end) if 0 <= start < end <= len(report.text) else None
        if span is not None:
            out.append(Change(f, s.action, text if s.action == "replace" else "", *span))
    return out


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


# --------------------------------------------------------------------------- applying

def _apply(pkg: RedlineDocument, tm: TextMap, report: Report, changes: list[Change], ids: _Ids, date: str) -> int:
    ctx = _Ctx(pkg, ids, date)
    applied = 0
    spans = sorted((c for c in changes if c.action != "insert"), key=lambda c: (c.start, c.end))
    kept, last_end = [], -1
    for c in spans:  # overlapping edits cannot both be tracked: the first one wins
        if c.start >= last_end:
            kept.append(c)
            last_end = c.end
    for c in reversed(kept):  # from the end, so earlier offsets stay valid while runs are cut
        applied += _apply_span(ctx, tm, c)
    after_anchor: dict[int, etree._Element] = {}
    clauses = ClauseIndex(report.clauses)
    for c in changes:
        if c.action == "insert":
            applied += _apply_insert(ctx, tm, report, clauses, c, after_anchor)
    return applied


class _Ctx:
    def __init__(self, pkg: RedlineDocument, ids: _Ids, date: str):
        self.pkg, self.ids, self.date = pkg, ids, date

    def comment(self, finding: Finding, first: etree._Element, last: etree._Element) -> None:
        """Anchor a comment on ``first``..``last`` (siblings or nested in others' revisions)."""
        cid = self.ids()
        start = etree.Element(W + "commentRangeStart")
        start.set(W + "id", str(cid))
        first.addprevious(start)
        end = etree.Element(W + "commentRangeEnd")
        end.set(W + "id", str(cid))
        place_after(last, end, self.ids)
        ref = etree.Element(W + "r")
        rpr = etree.SubElement(ref, W + "rPr")
        if self.pkg.has_style("CommentReference"):
            etree.SubElement(rpr, W + "rStyle").set(W + "val", "CommentReference")
        etree.SubElement(ref, W + "commentReference").set(W + "id", str(cid))
        end.addnext(ref)
        comments = ensure_comments_part(self.pkg)
        comments.append(_comment_xml(cid, finding, self.date, self.pkg.has_style("CommentText")))


def _apply_span(ctx: _Ctx, tm: TextMap, c: Change) -> int:
    segs = tm.overlapping(c.start, c.end)
    if not segs:
        return 0  # only list labels or separators: nothing Word stores as text
    deleted: list[etree._Element] = []
    rpr, most = None, -1
    for seg in reversed(segs):
        if seg.el.tag == W + "t" and seg.exact:
            a, b = max(c.start, seg.start) - seg.start, min(c.end, seg.end) - seg.start
        else:
            a, b = 0, len(seg.el.text or "")
        run = isolate(seg.el, a, b)
        if b - a > most:  # the replacement is formatted like most of the text it replaces
            rpr, most = run.find(W + "rPr"), b - a
        deleted.append(wrap_deleted(run, ctx.ids(), AUTHOR, ctx.date))
    deleted.reverse()
    last = deleted[-1]
    if c.action == "replace" and c.text.strip():
        ins = revision("ins", ctx.ids(), AUTHOR, ctx.date)
        ins.append(make_run(rpr, " ".join(c.text.split("\n"))))
        place_after(last, ins, ctx.ids)
        last = ins
    ctx.comment(c.finding, deleted[0], last)
    return 1


def _apply_insert(ctx: _Ctx, tm: TextMap, report: Report, clauses: ClauseIndex, c: Change,
                  after_anchor: dict[int, etree._Element]) -> int:
    paras = [p.strip() for p in c.text.split("\n") if p.strip()]
    anchor, before = _insert_anchor(tm, report, clauses, c.after_clause_id, ctx.pkg.body)
    if c.after_clause_id and anchor is None and before is None:
        return 0  # unknown clause: do not guess a place
    template = anchor if anchor is not None and anchor.tag == W + "p" else None
    new = [new_paragraph(ctx.pkg, template, text, ctx.ids, AUTHOR, ctx.date) for text in paras]
    if before is not None:
        for p in new:
            before.addprevious(p)
    else:
        prev = after_anchor.get(id(anchor), anchor)
        for p in new:
            prev.addnext(p)
            prev = p
        after_anchor[id(anchor)] = prev
    first_ins = new[0].find(W + "ins")
    last_ins = new[-1].findall(W + "ins")[-1]
    ctx.comment(c.finding, first_ins, last_ins)
    return 1


def _insert_anchor(tm: TextMap, report: Report, clauses: ClauseIndex, clause_id: Optional[str],
                   body: etree._Element):
    """(element to insert after, element to insert before): exactly one is set. After the last
    paragraph of ``clause_id``; without a clause, or for a clause that runs into the signature block
    or lies in a schedule, before the signature block (else the first schedule, else the body's end)."""
    sig = _signature_offset(report.text, clauses)
    if clause_id:
        clause = clauses.get(clause_id)
        if clause is None:
            return None, None
        end = clause.start + len(report.text[clause.start:clause.end].rstrip())
        top = clauses.top_level(clause.id) or clause
        # never after the signature block or inside schedules: such an anchor falls back to the
        # end of the body, before the signature block
        if top.kind not in ("signature", "schedule") and (sig is None or end <= sig):
            ps = tm.paragraph_at(max(clause.start, end - 1))
            return (_body_child(ps.p, body) if ps else None), None
        if sig is None:  # no signature block: before the first schedule
            sched = clauses.first_of_kind("schedule")
            ps = tm.paragraph_at(sched.start) if sched is not None else None
            if ps is not None:
                return None, _body_child(ps.p, body)
    if sig is not None:
        ps = tm.paragraph_at(sig)
        if ps is not None:
            i = tm.paragraphs.index(ps)
            if i > 0 and is_signature_heading(tm.text[tm.paragraphs[i - 1].start:tm.paragraphs[i - 1].end]):
                ps = tm.paragraphs[i - 1]
            return None, _body_child(ps.p, body)
    sect = body.find(W + "sectPr")
    if sect is not None and sect.getparent() is body and body[-1] is sect:
        return None, sect
    return (body[-1] if len(body) else None), None


def _signature_offset(text: str, clauses: ClauseIndex) -> Optional[int]:
    sig = clauses.first_of_kind("signature")
    if sig is not None:
        return sig.start
    m = _SIGNATURE.search(text)
    return m.start() if m else None


def _body_child(el: etree._Element, body: etree._Element) -> etree._Element:
    """The ancestor of ``el`` (or ``el``) that is a direct child of the body."""
    while el.getparent() is not None and el.getparent() is not body:
        el = el.getparent()
    return el


def _comment_xml(cid: int, f: Finding, date: str, styled: bool) -> etree._Element:
    c = etree.Element(W + "comment")
    c.set(W + "id", str(cid))
    c.set(W + "author", AUTHOR)
    c.set(W + "date", date)
    c.set(W + "initials", INITIALS)
    lines = [f"{f.severity.upper()} ({f.kind}, {f.category}): {f.message}"]
    if f.rationale:
        lines.append(f.rationale)
    lines.append(f"Rule: {f.rule_id}")
    for i, line in enumerate(lines):
        p = etree.SubElement(c, W + "p")
        if styled:
            ppr = etree.SubElement(p, W + "pPr")
            etree.SubElement(ppr, W + "pStyle").set(W + "val", "CommentText")
        if i == 0:
            r = etree.SubElement(p, W + "r")
            etree.SubElement(r, W + "annotationRef")
        p.append(make_run(None, line))
    return c


__all__ = ["AUTHOR", "Change", "collect_changes", "redline_bytes", "write_redline"]
