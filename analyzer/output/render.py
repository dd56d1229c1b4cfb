"""Render a ``Report`` as JSON, Markdown or HTML. Pure functions: no analysis here.

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

from analyzer.core.schema import Report, Severity


def render(report: Report, fmt: str = "json") -> str:
    if fmt == "json":
        return to_json(report)
    if fmt == "md":
        return to_markdown(report)
    if fmt == "html":
        return to_html(report)
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
    if report.skipped_rules:
        out.append("Not applied (the contract grants no licence): " + ", ".join(report.skipped_rules))
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
    ref = clause_reference(report, getattr(f, "clause_id", None))
    return f" (clause {ref})" if ref else ""


def to_markdown(report: Report) -> str:
    md = md_text
    d = report.document
    lines = [f"# Contract review: {md(d.source)}", ""]
    for line in routing_lines(report):
        head, _, rest = line.partition(": ")
        lines.append(f"- **{md(head)}:** {md(rest)}")
    lines.append(f"- **Format:** {md(d.format.value)}, {d.pages or 'n/a'} page(s), {d.chars:,} characters")
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
        lines += ["## Findings by severity", ""]
        for f in sorted(report.findings, key=lambda f: (f.severity.rank, f.category)):
            lines.append(f"### \\[{md(f.severity.upper())}\\] {md(f.kind)}: {md(f.category)}{md(_finding_clause(report, f))}")
            lines.append("")
            lines.append(md(f.message))
            if f.rationale:
                lines += ["", f"*Why it matters:* {md(f.rationale)}"]
            for ev in f.evidence:
                lines += ["", f"> {md(_excerpt(report, ev.start, ev.end))}"]
            if f.suggestion and f.suggestion.text:
                lines += ["", f"**Suggested ({md(f.suggestion.action)}):**", "", _md_code_block(f.suggestion.text)]
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


def to_html(report: Report) -> str:
    esc = _html.escape
    d = report.document
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>Contract review: {esc(d.source)}</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:960px;margin:2em auto;line-height:1.45}"
        ".high{border-left:6px solid #c0392b}.medium{border-left:6px solid #e67e22}.low{border-left:6px solid #7f8c8d}"
        ".finding{padding:.5em 1em;margin:1em 0;background:#fafafa}blockquote{color:#444;border-left:3px solid #ccc;margin:.5em 0;padding-left:1em}"
        "pre{white-space:pre-wrap;background:#eef6ee;padding:.6em}code{background:#eee;padding:0 .2em}</style></head><body>",
        f"<h1>Contract review: {esc(d.source)}</h1><ul>",
    ]
    for line in routing_lines(report):
        head, _, rest = line.partition(": ")
        parts.append(f"<li><b>{esc(head)}:</b> {esc(rest)}</li>")
    parts.append(f"<li><b>Format:</b> {esc(d.format.value)}, {d.pages or 'n/a'} page(s), {d.chars:,} characters</li>")
    if report.parties:
        parts.append("<li><b>Parties:</b> " + "; ".join(esc(p.name + (f" ({p.role})" if p.role else "")) for p in report.parties) + "</li>")
    parts.append(f"<li><b>Status:</b> {esc(report.status.value)}</li></ul>")
    for issue in report.issues:
        parts.append(f"<p class='issue'>Issue [{esc(issue.stage)}]: {esc(issue.message)}</p>")
    if report.findings:
        counts = Counter(f.severity for f in report.findings)
        parts.append("<h2>Executive summary</h2><p>" + f"{len(report.findings)} finding(s): "
                     + ", ".join(f"{counts.get(s, 0)} {s}" for s in Severity) + "</p><h2>Findings by severity</h2>")
        for f in sorted(report.findings, key=lambda f: (f.severity.rank, f.category)):
            parts.append(f"<div class='finding {f.severity}'><h3>[{f.severity.upper()}] {esc(f.kind)}: {esc(f.category)}{esc(_finding_clause(report, f))}</h3><p>{esc(f.message)}</p>")
            if f.rationale:
                parts.append(f"<p><i>Why it matters:</i> {esc(f.rationale)}</p>")
            for ev in f.evidence:
                parts.append(f"<blockquote>{esc(_excerpt(report, ev.start, ev.end))}</blockquote>")
            if f.suggestion and f.suggestion.text:
                parts.append(f"<p><b>Suggested ({esc(f.suggestion.action)}):</b></p><pre>{esc(f.suggestion.text)}</pre>")
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
