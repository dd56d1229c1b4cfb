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
  starts on a heading starts after it, and one with a heading inside is not applied.

Overlapping and duplicate suggestions are merged or resolved by
``analyzer.redline.plan``; every accepted suggestion that is not in the redline
is reported in ``RedlineResult.not_applied`` with its reason.

DOCX input is edited in place: styles, numbering, headers, earlier tracked
changes and comments are kept as they are. Only the parts a DOCX needs are
written (no macros, no stray members, no DTDs; see
``analyzer.ooxml.editable.EditablePackage``), and the result must open again in
python-docx and in the DOCX parser before it is returned or written. PDF and
TXT input first become a plain DOCX with one paragraph per line of the report
text (headings in bold).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field, replace
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
from analyzer.redline.plan import Change, Conflict, NotApplied, Plan, plan_changes
from analyzer.structure.clause_index import ClauseIndex

AUTHOR = "Clause Analyzer"
INITIALS = "CA"
_SIGNATURE = re.compile(r"^[ \t]*(IN WITNESS WHEREOF|Signed (for|by|on behalf)|Executed (as|by))", re.I | re.M)


@dataclass
class RedlineResult:
    """The redlined DOCX and what became of each accepted suggestion.

    ``applied``: tracked changes written (a merged change counts once);
    ``suggestions``: accepted suggestions those changes carry; ``comments``: comments
    on unchanged text for findings without suggested language; ``merged``: groups
    of finding ids made as one change; ``conflicts``: overlapping edits of which
    one was applied; ``not_applied``: every accepted suggestion left out, with why;
    ``joined``: findings without suggested language whose evidence is edited, named
    in that edit's comment instead of a comment of their own.
    """

    data: bytes
    applied: int
    suggestions: int
    comments: int = 0
    merged: list[tuple[str, ...]] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    not_applied: list[NotApplied] = field(default_factory=list)
    joined: int = 0


class _Ids:
    def __init__(self, start: int):
        self.n = start

    def __call__(self) -> int:
        self.n += 1
        return self.n


def redline_bytes(source: Union[Path, str, bytes], report: Report, *, accepted: Optional[set[str]] = None,
                  texts: Optional[dict[str, str]] = None, date: Optional[str] = None,
                  output_name: Optional[str] = None) -> tuple[bytes, int]:
    """Return the redlined DOCX and the number of tracked changes in it (see ``build_redline``)."""
    result = build_redline(source, report, accepted=accepted, texts=texts, date=date, output_name=output_name)
    return result.data, result.applied


def build_redline(source: Union[Path, str, bytes], report: Report, *, accepted: Optional[set[str]] = None,
                  texts: Optional[dict[str, str]] = None, prefer: Optional[set[str]] = None,
                  date: Optional[str] = None, output_name: Optional[str] = None) -> RedlineResult:
    """The redlined DOCX with every accepted suggestion that could be applied, and why others were not.

    ``accepted``: ids of the findings to apply (None: every finding with a
    suggestion). ``texts``: edited suggestion text per finding id. ``prefer``:
    the finding ids to apply where suggestions conflict (see
    ``analyzer.redline.plan``). The package is checked to open again
    (``verify_docx``) before it is returned; a failure is an ``AnalyzerError``
    naming ``output_name`` (default: "redline of SOURCE").
    """
    plan = plan_changes(report, accepted, texts, prefer)
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
    done = _apply(pkg, tm, report, plan, ids, stamp)
    if any(c.action != "comment" for c in done):
        ensure_track_revisions(pkg)
    out = pkg.to_bytes()
    verify_docx(out, output_name or f"redline of {name}")
    tracked = [c for c in done if c.action != "comment"]
    carried = [f for c in tracked for f in c.findings]
    return RedlineResult(out, len(tracked), sum(1 for f in carried if f.suggestion is not None),
                         len(done) - len(tracked), plan.merged, plan.conflicts, plan.not_applied,
                         sum(1 for f in carried if f.suggestion is None))


def write_redline(source: Union[Path, str], report: Report, output: Union[Path, str], **kw) -> int:
    """Write the redline to ``output`` atomically (temp file + rename); return the count."""
    return write_redline_result(source, report, output, **kw).applied


def write_redline_result(source: Union[Path, str], report: Report, output: Union[Path, str],
                         **kw) -> RedlineResult:
    """Write the redline to ``output`` atomically (temp file + rename); return what was applied.

    Nothing is written when the redline cannot be built or does not open again.
    """
    output = Path(output)
    result = build_redline(source, report, output_name=str(output), **kw)
    write_bytes(output, result.data)
    return result


def collect_changes(report: Report, accepted: Optional[set[str]] = None,
                    texts: Optional[dict[str, str]] = None) -> list[Change]:
    """The tracked changes the suggestions of ``accepted`` findings make (see ``plan_changes``)."""
    return plan_changes(report, accepted, texts).changes


# --------------------------------------------------------------------------- applying

def _apply(pkg: RedlineDocument, tm: TextMap, report: Report, plan: Plan, ids: _Ids, date: str) -> list[Change]:
    """Apply the plan's changes (its span changes never overlap); give the changes written.

    A change that finds no place in the document is added to ``plan.not_applied``.
    """
    ctx = _Ctx(pkg, ids, date)
    done: list[Change] = []
    spans = sorted((c for c in plan.changes if c.action != "insert"), key=lambda c: (c.start, c.end))
    for c in reversed(spans):  # from the end, so earlier offsets stay valid while runs are cut
        if _apply_span(ctx, tm, c):
            done.append(c)
        else:
            _not_placed(plan, c, "its text lies only in list numbering, which Word does not store as text")
    after_anchor: dict[int, etree._Element] = {}
    clauses = ClauseIndex(report.clauses)
    for c in plan.changes:
        if c.action == "insert":
            if _apply_insert(ctx, tm, report, clauses, c, after_anchor):
                done.append(c)
            else:
                _not_placed(plan, c, "the clause it should follow is not in this document")
    return done


def _not_placed(plan: Plan, c: Change, reason: str) -> None:
    plan.not_applied.extend(NotApplied(f.id, f.category, reason) for f in c.findings)


class _Ctx:
    def __init__(self, pkg: RedlineDocument, ids: _Ids, date: str):
        self.pkg, self.ids, self.date = pkg, ids, date

    def comment(self, findings: list[Finding], first: etree._Element, last: etree._Element) -> None:
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
        comments.append(_comment_xml(cid, findings, self.date, self.pkg.has_style("CommentText")))


def _apply_span(ctx: _Ctx, tm: TextMap, c: Change) -> int:
    segs = tm.overlapping(c.start, c.end)
    if not segs:
        return 0  # only list labels or separators: nothing Word stores as text
    if c.action == "comment":  # a comment on the text, which stays as it is
        runs = []
        for seg in reversed(segs):  # from the end, as for an edit
            if seg.el.tag == W + "t" and seg.exact:
                a, b = max(c.start, seg.start) - seg.start, min(c.end, seg.end) - seg.start
            else:
                a, b = 0, len(seg.el.text or "")
            runs.append(isolate(seg.el, a, b))
        ctx.comment(c.findings, runs[-1], runs[0])
        return 1
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
    ctx.comment(c.findings, deleted[0], last)
    return 1


def _apply_insert(ctx: _Ctx, tm: TextMap, report: Report, clauses: ClauseIndex, c: Change,
                  after_anchor: dict[int, etree._Element], comment: bool = True) -> int:
    if c.counterpart_id and c.counterpart_text:
        if _insert_row(ctx, tm, report, clauses, c, after_anchor):
            return 1
        if not _apply_insert(ctx, tm, report, clauses, replace(c, counterpart_id=None, counterpart_text=None),
                             after_anchor, comment):
            return 0
        other = replace(c, text=c.counterpart_text, after_clause_id=c.counterpart_id, counterpart_id=None,
                        counterpart_text=None, start=None)
        _apply_insert(ctx, tm, report, clauses, other, after_anchor, comment=False)
        return 1
    paras = [p.strip() for p in c.text.split("\n") if p.strip()]
    anchor, before = _insert_anchor(tm, report, clauses, c.after_clause_id, ctx.pkg.body)
    if c.after_clause_id is None and c.start is not None:  # before the paragraph at that offset
        ps = tm.paragraph_at(c.start)
        if ps is not None:
            anchor, before = None, _body_child(ps.p, ctx.pkg.body)
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
    if comment:
        ctx.comment(c.findings, new[0].find(W + "ins"), new[-1].findall(W + "ins")[-1])
    return 1


def _ancestor(el: etree._Element, tag: str) -> Optional[etree._Element]:
    el = el.getparent()
    while el is not None and el.tag != tag:
        el = el.getparent()
    return el


def _last_paragraph(tm: TextMap, report: Report, clauses: ClauseIndex, clause_id: str):
    clause = clauses.get(clause_id)
    if clause is None:
        return None
    end = clause.start + len(report.text[clause.start:clause.end].rstrip())
    return tm.paragraph_at(max(clause.start, end - 1))


def _insert_row(ctx: _Ctx, tm: TextMap, report: Report, clauses: ClauseIndex, c: Change,
                after_anchor: dict[int, etree._Element]) -> bool:
    """A clause and its counterpart in two cells of one table (a bilingual table): the insert becomes
    a new tracked row below both, each language in its clause's column. False when they are not."""
    here = _last_paragraph(tm, report, clauses, c.after_clause_id)
    there = _last_paragraph(tm, report, clauses, c.counterpart_id)
    if here is None or there is None:
        return False
    cells = [_ancestor(here.p, W + "tc"), _ancestor(there.p, W + "tc")]
    if None in cells or cells[0] is cells[1]:
        return False
    rows = [cell.getparent() for cell in cells]
    tbl = rows[0].getparent()
    if rows[1].getparent() is not tbl or rows[0].tag != W + "tr":
        return False
    cols = [list(r.iterchildren(W + "tc")).index(cell) for r, cell in zip(rows, cells)]
    if cols[0] == cols[1]:
        return False
    last = max(rows, key=lambda r: tbl.index(r))
    new_row = copy.deepcopy(last)
    for el in list(new_row):
        if el.tag not in (W + "tc", W + "trPr", W + "tblPrEx"):
            new_row.remove(el)
    trpr = new_row.find(W + "trPr")
    if trpr is None:
        trpr = etree.Element(W + "trPr")
        new_row.insert(1 if new_row[0].tag == W + "tblPrEx" else 0, trpr)
    for el in list(trpr):
        if el.tag in (W + "ins", W + "del"):
            trpr.remove(el)
    trpr.append(revision("ins", ctx.ids(), AUTHOR, ctx.date))
    texts = {cols[0]: (c.text, here.p), cols[1]: (c.counterpart_text, there.p)}
    first = None
    for i, tc in enumerate(new_row.iterchildren(W + "tc")):
        for el in list(tc):
            if el.tag != W + "tcPr":
                tc.remove(el)
        text, template = texts.get(i, ("", None))
        paras = [p.strip() for p in (text or "").split("\n") if p.strip()]
        new = [new_paragraph(ctx.pkg, template, t, ctx.ids, AUTHOR, ctx.date) for t in paras]
        for p in new or [etree.Element(W + "p")]:
            tc.append(p)
        if i == cols[0] and new:
            first = new
    prev = after_anchor.get(id(last), last)
    prev.addnext(new_row)
    after_anchor[id(last)] = new_row
    if first:
        ctx.comment(c.findings, first[0].find(W + "ins"), first[-1].findall(W + "ins")[-1])
    return True


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


def _comment_xml(cid: int, findings: list[Finding], date: str, styled: bool) -> etree._Element:
    """A comment explaining every finding one change answers (severity, message, rationale, rule)."""
    c = etree.Element(W + "comment")
    c.set(W + "id", str(cid))
    c.set(W + "author", AUTHOR)
    c.set(W + "date", date)
    c.set(W + "initials", INITIALS)
    lines = []
    if len(findings) > 1:
        lines.append(f"One change for {len(findings)} findings:")
    for f in findings:
        lines.append(f"{f.severity.upper()} ({f.kind}, {f.category}): {f.message}")
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


__all__ = ["AUTHOR", "Change", "Conflict", "NotApplied", "RedlineResult", "build_redline", "collect_changes",
           "redline_bytes", "write_redline", "write_redline_result"]
