"""Render a ``CompareReport`` as a DOCX memo (python-docx): summary first, worse changes first.

Each change shows its reasons with the evidence on both sides and the word-level diff, with
deleted words struck through in red and inserted words underlined in green.
"""

from __future__ import annotations

import io

from docx import Document
from docx.shared import Pt, RGBColor

from analyzer.core.compare_schema import CompareReport
from analyzer.output.compare_render import counts_line, reason_lines, title_line

_RED = RGBColor(0xC0, 0x39, 0x2B)
_GREEN = RGBColor(0x1E, 0x84, 0x49)
_CONTEXT = 12


def _clean(text: str) -> str:
    """Text python-docx can store: XML 1.0 characters only."""
    return "".join(ch for ch in text if ch in "\t\n" or (ord(ch) >= 0x20 and not 0xD800 <= ord(ch) <= 0xDFFF
                                                          and ch not in "\ufffe\uffff"))


def compare_docx(report: CompareReport) -> bytes:
    doc = Document()
    doc.core_properties.title = _clean(f"Draft comparison: {report.new.source}")
    doc.add_heading(_clean(f"Draft comparison: {report.new.source}"), level=1)
    doc.add_paragraph(_clean(title_line(report)))
    doc.add_paragraph().add_run(_clean(counts_line(report))).bold = True
    for issue in report.issues:
        doc.add_paragraph(_clean(f"Issue [{issue.stage}]: {issue.message}"))
    if report.summary.headline:
        doc.add_heading("Summary (worse first)", level=2)
        for line in report.summary.headline:
            doc.add_paragraph(_clean(line), style="List Bullet")
    for judgement in ("worse", "better", "neutral"):
        group = [c for c in report.changes if c.judgement == judgement]
        if not group:
            continue
        doc.add_heading(f"{judgement.capitalize()} ({len(group)})", level=2)
        for c in group:
            sev = f" [{c.severity}]" if c.severity else ""
            doc.add_heading(_clean(f"{c.kind}{sev}: {c.message}"), level=3)
            for r in c.reasons:
                first, *rest = reason_lines(report, r)
                doc.add_paragraph(style="List Bullet").add_run(_clean(first)).bold = True
                for line in rest:
                    doc.add_paragraph(_clean(line), style="List Bullet 2")
            if c.diff and c.text_changed:
                p = doc.add_paragraph()
                for op in c.diff:
                    if op.op == "equal":
                        words = op.old.split()
                        shown = " ".join(words) if len(words) <= 2 * _CONTEXT else \
                            " ".join(words[:_CONTEXT]) + " … " + " ".join(words[-_CONTEXT:])
                        p.add_run(_clean(shown + " "))
                        continue
                    if op.old:
                        run = p.add_run(_clean(" ".join(op.old.split()) + " "))
                        run.font.strike = True
                        run.font.color.rgb = _RED
                    if op.new:
                        run = p.add_run(_clean(" ".join(op.new.split()) + " "))
                        run.font.underline = True
                        run.font.color.rgb = _GREEN
                for run in p.runs:
                    run.font.size = Pt(10)
    if report.unattributed:
        doc.add_heading("Findings that appear or go without a clause change", level=2)
        for r in report.unattributed:
            doc.add_paragraph(_clean(" — ".join(reason_lines(report, r))), style="List Bullet")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


__all__ = ["compare_docx"]
