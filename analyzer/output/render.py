"""Render a ``Report`` as JSON, Markdown or HTML. Pure functions: no analysis here.

With a ``Review`` (``analyzer.output.decisions``) the memos carry the
reviewer's decisions: each finding says whether it was accepted (with the
language as accepted or edited), rejected or not applicable (with the note),
or is still undecided; page numbers come from the evidence where the format
has pages. The DOCX memo is ``analyzer.output.memo_docx``.

Text from the document or its file name is escaped in every format: in HTML
with ``html.escape``; in Markdown with ``md_text`` (HTML-escaped, then every
Markdown control character backslash-escaped), so neither raw HTML nor
Markdown links, images or emphasis can come from a contract.
"""

from __future__ import annotations

import html as _html
import re
from collections import Counter, defaultdict
from typing import Optional

from analyzer.core.errors import PlaybookError
from analyzer.core.schema import Report, Severity
from analyzer.output.decisions import (
    ACCEPTED,
    NOT_APPLICABLE,
    PENDING,
    REJECTED,
    Review,
    finding_pages,
    pages_text,
)


def render(report: Report, fmt: str = "json", review: Optional[Review] = None) -> str:
    if fmt == "json":
        return to_json(report)
    if fmt == "md":
        return to_markdown(report, review)
    if fmt == "html":
        return to_html(report, review)
    raise ValueError(f"unknown format {fmt!r}")


_MD_INLINE = re.compile(r"([\\`*{}\[\]()!|~$#])")
_MD_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")  # kept only between letters/digits ("tech_license")
_MD_AUTOLINK = re.compile(r"(?i)(:)(?=//)|(?<=www)(\.)|(@)")
_MD_LINE_START = re.compile(r"^([>+=-]|\d+(?=[.)]))")


def md_text(text: object) -> str:
    """``text`` as literal Markdown text, on one line.

    Whitespace runs become one space; ``& < >`` are HTML-escaped; the
    characters that open Markdown constructs (``\\ ` * _ { } [ ] ( ) ! | ~ $ #``)
    are backslash-escaped (``_`` only where it could delimit emphasis), as are
    ``://``, ``www.`` and ``@`` (bare autolinks) and a leading ``>``, ``+``,
    ``-``, ``=`` or "1." (block markers).
    """
    out = _html.escape(" ".join(str(text).split()), quote=False)
    out = _MD_INLINE.sub(r"\\\1", out)
    out = _MD_UNDERSCORE.sub(r"\\_", out)
    out = _MD_AUTOLINK.sub(lambda m: "\\" + m.group(0), out)
    m = _MD_LINE_START.match(out)
    if m:
        out = out[: m.end()] + "\\" + out[m.end():] if m.group(0)[0].isdigit() else "\\" + out
    return out


def _md_code_block(text: str, info: str = "text") -> str:
    """``text`` in a fenced code block whose fence is longer than any backtick run inside it."""
    longest = max((len(r) for r in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{text}\n{fence}"


def to_json(report: Report) -> str:
    return report.model_dump_json(indent=2)


def _excerpt(report: Report, start: int, end: int, limit: int = 240) -> str:
    s = " ".join(report.text[start:end].split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


def routing_lines(report: Report) -> list[str]:
    """Plain-text lines on how the report was routed: type, playbook and, when uncertain, a check note."""
    at = report.agreement_type
    out = []
    if at:
        alt = ", ".join(f"{a.label} {a.confidence:.2f}" for a in at.alternatives)
        out.append(f"Agreement type: {at.label} (confidence {at.confidence:.2f}"
                   + (f"; next: {alt}" if alt else "") + ")")
    if report.playbook:
        how = {"agreement_type": "chosen from the agreement type", "chosen": "chosen by the user"}.get(
            report.playbook_source or "", "")
        out.append(f"Playbook: {report.playbook} ({how + ', ' if how else ''}perspective: {report.perspective})")
    if at and at.low_confidence:
        out.append("Check: the agreement type is uncertain; confirm it and pick another playbook if it is wrong.")
    added = _overlay_rule_ids(report)
    licence_only = [r for r in report.skipped_rules if r not in added]
    unmet = [r for r in report.skipped_rules if r in added]
    if licence_only:
        out.append("Not applied (the contract grants no licence): " + ", ".join(licence_only))
    if report.versions.get("overlays"):
        out.append("Overlays: " + report.versions["overlays"]
                   + (f" (rules whose conditions the contract does not meet: {', '.join(unmet)})" if unmet else ""))
    hints = [s for s in report.suggested_overlays if not s.applied]
    if hints:
        out.append("Suggested overlays (not applied): "
                   + "; ".join(f"{s.id} ({', '.join(s.reasons)})" for s in hints))
    return out


def _overlay_rule_ids(report: Report) -> set[str]:
    """Ids of the rules that the report's overlays (``versions["overlays"]``) add; an overlay that
    cannot be loaded by its id counts the rule ids that start with that id."""
    from analyzer.review.overlays import resolve_overlay

    ids = [part.split("@")[0].strip() for part in (report.versions.get("overlays") or "").split(",") if part.strip()]
    out: set[str] = set()
    for oid in ids:
        try:
            out |= {e.item.id for e in resolve_overlay(oid).entries if e.op == "add"}
        except (PlaybookError, OSError):  # an overlay given by path: its added rules' ids start with its id
            out |= {r for r in report.skipped_rules if r.startswith(oid + ".")}
    return out


def _clause_title(c) -> str:
    return " ".join(x for x in (c.number or "", c.heading or "") if x).strip() or f"({c.kind})"


_RELATIVE_NUMBER = re.compile(r"^\(?[A-Za-z0-9]{1,6}\)$|^\([A-Za-z0-9]{1,6}\)?$")


def clause_reference(report: Report, clause_id) -> Optional[str]:
    """The number of the clause ``clause_id`` names, read from the clause tree: a relative
    number ("(b)") is prefixed with its ancestors' numbering ("7.3(b)")."""
    by_id = {c.id: c for c in report.clauses}
    c = by_id.get(clause_id) if clause_id else None
    if c is None or not (c.number or "").strip():
        return None
    parts = [_relative(c.number)]
    seen = {c.id}
    while parts[0].startswith("(") and c.parent_id in by_id and c.parent_id not in seen:
        c = by_id[c.parent_id]
        seen.add(c.id)
        num = _relative(c.number or "")
        if not num:
            break
        parts.insert(0, num)
    return "".join(parts)


def _relative(number: str) -> str:
    """'b)' and '(b)' -> '(b)'; an absolute number ('7.3.') loses its trailing dot."""
    num = number.strip().rstrip(".")
    if _RELATIVE_NUMBER.match(num):
        return "(" + num.strip("()") + ")"
    return num


def _finding_clause(report: Report, f) -> str:
    """" (clause 7.3(b), p. 4)": where the finding is, as far as it is known."""
    ref = clause_reference(report, getattr(f, "clause_id", None))
    where = [x for x in (f"clause {ref}" if ref else "", pages_text(finding_pages(report, f))) if x]
    return f" ({', '.join(where)})" if where else ""


def format_line(report: Report) -> str:
    """"docx, 63,792 characters" or "pdf, 28 pages, 63,792 characters": pages only where the format has them."""
    d = report.document
    pages = f"{d.pages} page{'s' if d.pages != 1 else ''}, " if d.pages else ""
    return f"{d.format.value}, {pages}{d.chars:,} characters"


def check_note(f) -> Optional[str]:
    """The line that marks a finding the analyzer is not sure of, or None."""
    if not f.needs_check:
        return None
    return f"Check: an uncertain finding (confidence {f.confidence:.2f}); confirm it against the text."


def memo_findings(report: Report):
    """The findings in memo order: most severe first, then by category."""
    return sorted(report.findings, key=lambda f: (f.severity.rank, f.category))


def decision_parts(report: Report, review: Optional[Review], f) -> dict:
    """What a memo says about the decision on ``f``: label, language, note, redline remark (plain text)."""
    if review is None:
        return {"label": "", "status": None, "text": f.suggestion.text if f.suggestion and f.suggestion.text else "",
                "text_title": f"Suggested ({f.suggestion.action})" if f.suggestion else "", "note": "", "redline": ""}
    d = review.get(f.id)
    out = {"label": review.label(f), "status": d.status, "note": d.note, "text": "", "text_title": "",
           "redline": review.not_applied.get(f.id, "") if d.status == ACCEPTED else ""}
    s = f.suggestion
    if s is None:
        return out
    if d.status == ACCEPTED:
        out["text"] = review.final_text(f) if s.action != "delete" else ""
        out["text_title"] = ("Accepted language, as edited" if review.edited(f) else "Accepted language") + \
            f" ({s.action})" if s.action != "delete" else "Accepted: delete the quoted text"
    elif d.status == PENDING and s.text:
        out["text"], out["text_title"] = s.text, f"Suggested ({s.action})"
    elif d.status == REJECTED and s.text:
        out["text_title"] = "Suggested language rejected; the clause stays as it is"
    return out


def to_markdown(report: Report, review: Optional[Review] = None) -> str:
    md = md_text
    d = report.document
    lines = [f"# Contract review: {md(d.source)}", ""]
    for line in routing_lines(report):
        head, _, rest = line.partition(": ")
        lines.append(f"- **{md(head)}:** {md(rest)}")
    lines.append(f"- **Format:** {md(format_line(report))}")
    if report.parties:
        lines.append("- **Parties:** " + "; ".join(md(p.name + (f" ({p.role})" if p.role else "")) for p in report.parties))
    lines.append(f"- **Status:** {md(report.status.value)}")
    for issue in report.issues:
        lines.append(f"  - issue \\[{md(issue.stage)}\\]" + (f" p.{issue.page}" if issue.page else "") + f": {md(issue.message)}")
    lines.append("")
    if report.findings:
        counts = Counter(f.severity for f in report.findings)
        lines += ["## Executive summary", "",
                  f"{len(report.findings)} finding(s): " + ", ".join(f"{counts.get(s, 0)} {s}" for s in Severity), ""]
        if review is not None:
            lines += [f"Decisions: {md(review.summary(report))}.", ""]
        lines += ["## Findings by severity", ""]
        for f in memo_findings(report):
            dp = decision_parts(report, review, f)
            label = f" — {md(dp['label'].upper())}" if dp["label"] else ""
            where = _finding_clause(report, f)
            lines.append(f"### \\[{md(f.severity.upper())}\\] {md(f.kind)}: {md(f.category)}"
                         f"{' ' + md(where) if where else ''}{label}")
            lines.append("")
            if note := check_note(f):
                lines += [f"*{md(note)}*", ""]
            lines.append(md(f.message))
            for ev in f.evidence:
                lines += ["", f"> {md(_excerpt(report, ev.start, ev.end))}"]
            if f.rationale:
                lines += ["", f"*Why it matters:* {md(f.rationale)}"]
            if dp["text_title"]:
                lines += ["", f"**{md(dp['text_title'])}:**"]
                if dp["text"]:
                    lines += ["", _md_code_block(dp["text"])]
            if dp["status"] == NOT_APPLICABLE:
                lines += ["", f"*Not applicable:* {md(dp['note'] or 'no note given')}"]
            elif dp["note"]:
                lines += ["", f"*Note:* {md(dp['note'])}"]
            if dp["redline"]:
                lines += ["", f"*Not in the redline:* {md(dp['redline'])}"]
            lines.append("")
    labels_by_clause = defaultdict(list)
    for lab in report.labels:
        if lab.flagged:
            labels_by_clause[lab.clause_id].append(lab.category)
    lines += ["## Clauses", ""]
    for c in report.clauses:
        indent = "  " * c.level
        cats = sorted(set(labels_by_clause.get(c.id, [])))
        pages = f" (p. {c.page_start}" + (f"–{c.page_end}" if c.page_end and c.page_end != c.page_start else "") + ")" if c.page_start else ""
        lines.append(f"{indent}- **{md(_clause_title(c))}**{pages}" + (f" — {', '.join(md(x) for x in cats)}" if cats else ""))
    lines.append("")
    return "\n".join(lines)


def to_html(report: Report, review: Optional[Review] = None) -> str:
    esc = _html.escape
    d = report.document
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>Contract review: {esc(d.source)}</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:960px;margin:2em auto;line-height:1.45}"
        ".high{border-left:6px solid #c0392b}.medium{border-left:6px solid #e67e22}.low{border-left:6px solid #7f8c8d}"
        ".finding{padding:.5em 1em;margin:1em 0;background:#fafafa}blockquote{color:#444;border-left:3px solid #ccc;margin:.5em 0;padding-left:1em}"
        "pre{white-space:pre-wrap;background:#eef6ee;padding:.6em}code{background:#eee;padding:0 .2em}"
        ".decision{font-size:.8em;padding:.1em .5em;border-radius:4px;margin-left:.5em;background:#eee}"
        ".decision.accepted{background:#d4edda}.decision.rejected{background:#f8d7da}"
        ".decision.not_applicable{background:#e2e3e5}.decision.pending{background:#fff3cd}"
        ".finding.rejected,.finding.not_applicable{opacity:.8}.finding.rejected pre{text-decoration:line-through}"
        "</style></head><body>",
        f"<h1>Contract review: {esc(d.source)}</h1><ul>",
    ]
    for line in routing_lines(report):
        head, _, rest = line.partition(": ")
        parts.append(f"<li><b>{esc(head)}:</b> {esc(rest)}</li>")
    parts.append(f"<li><b>Format:</b> {esc(format_line(report))}</li>")
    if report.parties:
        parts.append("<li><b>Parties:</b> " + "; ".join(esc(p.name + (f" ({p.role})" if p.role else "")) for p in report.parties) + "</li>")
    parts.append(f"<li><b>Status:</b> {esc(report.status.value)}</li></ul>")
    for issue in report.issues:
        parts.append(f"<p class='issue'>Issue [{esc(issue.stage)}]: {esc(issue.message)}</p>")
    if report.findings:
        counts = Counter(f.severity for f in report.findings)
        parts.append("<h2>Executive summary</h2><p>" + f"{len(report.findings)} finding(s): "
                     + ", ".join(f"{counts.get(s, 0)} {s}" for s in Severity) + "</p>")
        if review is not None:
            parts.append(f"<p class='decisions'>Decisions: {esc(review.summary(report))}.</p>")
        parts.append("<h2>Findings by severity</h2>")
        for f in memo_findings(report):
            dp = decision_parts(report, review, f)
            status = dp["status"] or ""
            badge = f"<span class='decision {status}'>{esc(dp['label'])}</span>" if dp["label"] else ""
            note = check_note(f)
            parts.append(f"<div class='finding {f.severity} {status}' id='finding-{esc(f.id)}'>"
                         f"<h3>[{f.severity.upper()}] {esc(f.kind)}: {esc(f.category)}"
                         f"{esc(_finding_clause(report, f))}{badge}</h3>"
                         + (f"<p class='check'><i>{esc(note)}</i></p>" if note else "")
                         + f"<p>{esc(f.message)}</p>")
            for ev in f.evidence:
                parts.append(f"<blockquote>{esc(_excerpt(report, ev.start, ev.end))}</blockquote>")
            if f.rationale:
                parts.append(f"<p><i>Why it matters:</i> {esc(f.rationale)}</p>")
            if dp["text_title"]:
                parts.append(f"<p><b>{esc(dp['text_title'])}:</b></p>")
                if dp["text"]:
                    parts.append(f"<pre>{esc(dp['text'])}</pre>")
            if dp["status"] == NOT_APPLICABLE:
                parts.append(f"<p><i>Not applicable:</i> {esc(dp['note'] or 'no note given')}</p>")
            elif dp["note"]:
                parts.append(f"<p><i>Note:</i> {esc(dp['note'])}</p>")
            if dp["redline"]:
                parts.append(f"<p><i>Not in the redline:</i> {esc(dp['redline'])}</p>")
            parts.append("</div>")
    labels_by_clause = defaultdict(list)
    for lab in report.labels:
        if lab.flagged:
            labels_by_clause[lab.clause_id].append(lab.category)
    parts.append("<h2>Clauses</h2><ul>")
    for c in report.clauses:
        cats = sorted(set(labels_by_clause.get(c.id, [])))
        tag = " ".join(f"<code>{esc(x)}</code>" for x in cats)
        parts.append(f"<li style='margin-left:{c.level * 1.5}em'><b>{esc(_clause_title(c))}</b> {tag}</li>")
    parts.append("</ul></body></html>")
    return "\n".join(parts)
