"""Render a ``CompareReport`` as JSON, Markdown or HTML. Pure functions: no analysis here.

The worse changes come first, each with its reasons (rule, old and new evidence) and the
word-level diff. Text from the drafts is escaped as in ``analyzer.output.render``.
"""

from __future__ import annotations

import html as _html

from analyzer.core.compare_schema import Change, CompareReport, DiffOp, Reason
from analyzer.output.render import md_text

EXCERPT = 400


def render_compare(report: CompareReport, fmt: str = "json") -> str:
    if fmt == "json":
        return report.model_dump_json(indent=2)
    if fmt == "md":
        return compare_markdown(report)
    if fmt == "html":
        return compare_html(report)
    raise ValueError(f"unknown format {fmt!r}")


def excerpt(text: str, start: int, end: int, limit: int = EXCERPT) -> str:
    s = " ".join(text[start:end].split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


def title_line(report: CompareReport) -> str:
    how = "one DOCX with tracked changes" if report.input == "tracked_changes" else "two drafts"
    return (f"{report.old.source} → {report.new.source} ({how}); playbook {report.playbook or '—'}, "
            f"perspective {report.perspective or '—'}")


def counts_line(report: CompareReport) -> str:
    s = report.summary
    return (f"{len(report.changes)} change(s): {s.worse} worse, {s.better} better, {s.neutral} neutral "
            f"({s.modified} modified, {s.added} added, {s.deleted} deleted, {s.moved} moved)")


def reason_lines(report: CompareReport, r: Reason) -> list[str]:
    """A reason and its evidence on each side, as plain text lines."""
    rule = f" [{r.rule_id}]" if r.rule_id else ""
    lines = [f"{r.judgement}{f' ({r.severity})' if r.severity else ''}: {r.message}{rule}"]
    for side, spans, text in (("old", r.old_evidence, report.old.text), ("new", r.new_evidence, report.new.text)):
        for sp in spans[:2]:
            lines.append(f"{side}: “{excerpt(text, sp.start, sp.end)}”")
    return lines


def diff_text(ops: list[DiffOp], context: int = 8) -> str:
    """The diff on one line: ``[-deleted-]{+inserted+}``, long equal runs shortened."""
    out = []
    for op in ops:
        if op.op == "equal":
            words = op.old.split()
            out.append(" ".join(words) if len(words) <= 2 * context else
                       " ".join(words[:context]) + " … " + " ".join(words[-context:]))
        else:
            if op.old:
                out.append(f"[-{' '.join(op.old.split())}-]")
            if op.new:
                out.append(f"{{+{' '.join(op.new.split())}+}}")
    return " ".join(out)


def compare_markdown(report: CompareReport) -> str:
    lines = [f"# Draft comparison: {md_text(report.new.source)}", "",
             f"- **Drafts:** {md_text(title_line(report))}", f"- **Summary:** {md_text(counts_line(report))}"]
    for issue in report.issues:
        lines.append(f"- **Issue** \\[{md_text(issue.stage)}\\]: {md_text(issue.message)}")
    lines.append("")
    if report.summary.headline:
        lines += ["## Summary (worse first)", ""] + [f"- {md_text(h)}" for h in report.summary.headline] + [""]
    for judgement in ("worse", "better", "neutral"):
        group = [c for c in report.changes if c.judgement == judgement]
        if not group:
            continue
        lines += [f"## {judgement.capitalize()} ({len(group)})", ""]
        for c in group:
            lines += _md_change(report, c)
    if report.unattributed:
        lines += ["## Findings that appear or go without a clause change", ""]
        for r in report.unattributed:
            lines.append("- " + md_text(" — ".join(reason_lines(report, r))))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _md_change(report: CompareReport, c: Change) -> list[str]:
    sev = f" [{c.severity}]" if c.severity else ""
    out = [f"### {md_text(c.kind + sev)}: {md_text(c.message)}", ""]
    if c.category:
        out.append(f"- **Category:** {md_text(c.category)}")
    for r in c.reasons:
        first, *rest = reason_lines(report, r)
        out.append(f"- **{md_text(first)}**")
        out += [f"  - {md_text(x)}" for x in rest]
    if c.diff and c.text_changed:
        out.append(f"- **Diff:** {md_text(diff_text(c.diff))}")
    out.append("")
    return out


_CSS = ("body{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto;line-height:1.45}"
        ".change{padding:.5em 1em;margin:1em 0;background:#fafafa}.worse{border-left:6px solid #c0392b}"
        ".better{border-left:6px solid #27ae60}.neutral{border-left:6px solid #95a5a6}"
        "del{background:#fdd;text-decoration:line-through}ins{background:#dfd;text-decoration:none}"
        "blockquote{color:#444;border-left:3px solid #ccc;margin:.3em 0;padding-left:1em}"
        ".diff{white-space:pre-wrap;font-family:Georgia,serif;background:#fff;border:1px solid #eee;padding:.5em}")


def diff_html(ops: list[DiffOp]) -> str:
    esc = _html.escape
    out = []
    for op in ops:
        if op.op == "equal":
            out.append(esc(op.old))
            continue
        if op.old:
            out.append(f"<del>{esc(op.old)}</del>")
        if op.new:
            out.append(f"<ins>{esc(op.new)}</ins>")
    return " ".join(out)


def _html_reason(report: CompareReport, r: Reason) -> str:
    esc = _html.escape
    first, *rest = reason_lines(report, r)
    quotes = "".join(f"<blockquote>{esc(x)}</blockquote>" for x in rest)
    return f"<li><b>{esc(first)}</b>{quotes}</li>"


def compare_html(report: CompareReport) -> str:
    esc = _html.escape
    parts = ["<!doctype html><html><head><meta charset='utf-8'>",
             f"<title>Draft comparison: {esc(report.new.source)}</title><style>{_CSS}</style></head><body>",
             f"<h1>Draft comparison: {esc(report.new.source)}</h1>",
             f"<p>{esc(title_line(report))}</p><p><b>{esc(counts_line(report))}</b></p>"]
    for issue in report.issues:
        parts.append(f"<p class='issue'>Issue [{esc(issue.stage)}]: {esc(issue.message)}</p>")
    if report.summary.headline:
        parts.append("<h2>Summary (worse first)</h2><ul>" +
                     "".join(f"<li>{esc(h)}</li>" for h in report.summary.headline) + "</ul>")
    for judgement in ("worse", "better", "neutral"):
        group = [c for c in report.changes if c.judgement == judgement]
        if not group:
            continue
        parts.append(f"<h2>{judgement.capitalize()} ({len(group)})</h2>")
        for c in group:
            sev = f" [{c.severity}]" if c.severity else ""
            parts.append(f"<div class='change {c.judgement}'><h3>{esc(c.kind)}{esc(sev)}: {esc(c.message)}</h3>")
            if c.reasons:
                parts.append("<ul>" + "".join(_html_reason(report, r) for r in c.reasons) + "</ul>")
            if c.diff and c.text_changed:
                parts.append(f"<div class='diff'>{diff_html(c.diff)}</div>")
            parts.append("</div>")
    if report.unattributed:
        parts.append("<h2>Findings that appear or go without a clause change</h2><ul>" +
                     "".join(_html_reason(report, r) for r in report.unattributed) + "</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)


def change_excerpts(report: CompareReport, c: Change) -> tuple[str | None, str | None]:
    """The changed clause's text in the old and the new draft (None where it has no side)."""
    old = excerpt(report.old.text, c.old.start, c.old.end) if c.old else None
    new = excerpt(report.new.text, c.new.start, c.new.end) if c.new else None
    return old, new


__all__ = [
    "change_excerpts",
    "compare_html",
    "compare_markdown",
    "counts_line",
    "diff_html",
    "diff_text",
    "excerpt",
    "reason_lines",
    "render_compare",
    "title_line",
]
