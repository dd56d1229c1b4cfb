"""Render sample agreements as PDF with reportlab (invariant mode, so rebuilds are identical).

Numbers are printed as the reader sees them. Every page has the running header
"CONFIDENTIAL — Draft" and the footer "Page N of M" (two passes: the first
counts the pages).
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

BASE = ParagraphStyle("base", fontName="Times-Roman", fontSize=12, leading=15, spaceAfter=7, alignment=TA_JUSTIFY)
STYLES = {
    "title": ParagraphStyle("title", parent=BASE, fontName="Times-Bold", fontSize=15, leading=19,
                            alignment=TA_CENTER, spaceBefore=6, spaceAfter=16),
    "heading": ParagraphStyle("heading", parent=BASE, fontName="Times-Bold", fontSize=12, spaceBefore=10, spaceAfter=5,
                              leftIndent=10 * mm, bulletFontName="Times-Bold", bulletFontSize=12),
    "heading2": ParagraphStyle("heading2", parent=BASE, fontName="Times-Bold", spaceBefore=6),
    "clause1": ParagraphStyle("clause1", parent=BASE, leftIndent=10 * mm, bulletFontName="Times-Roman", bulletFontSize=12),
    "clause2": ParagraphStyle("clause2", parent=BASE, leftIndent=20 * mm, bulletIndent=10 * mm,
                              bulletFontName="Times-Roman", bulletFontSize=12),
    "recital": ParagraphStyle("recital", parent=BASE, leftIndent=10 * mm, bulletFontName="Times-Roman", bulletFontSize=12),
    "party": ParagraphStyle("party", parent=BASE, leftIndent=10 * mm),
    "para": BASE,
    "cell": ParagraphStyle("cell", parent=BASE, fontSize=10, leading=12, spaceAfter=0, alignment=0),
    "cellhead": ParagraphStyle("cellhead", parent=BASE, fontName="Times-Bold", fontSize=10, leading=12,
                               spaceAfter=0, alignment=0),
}
HEADER_TEXT = "CONFIDENTIAL — Draft"


def _markup(runs) -> str:
    out = []
    for r in runs:
        if r.kind not in ("text", "ins") or not r.text:
            continue
        t = escape(r.text)
        out.append(f"<b>{t}</b>" if r.bold else t)
    return "".join(out)


def _numbered(label: str, body: str, style: str) -> Paragraph:
    # The number hangs in the left indent, as Word renders a numbered paragraph.
    return Paragraph(body, STYLES[style], bulletText=label or None)


def _flowables(elements, width: float):
    story = []
    for el in elements:
        if el.kind == "table":
            ncols = len(el.rows[0])
            data = [[Paragraph(escape(c), STYLES["cellhead" if i == 0 else "cell"])
                     for c in list(row) + [""] * (ncols - len(row))] for i, row in enumerate(el.rows)]
            t = Table(data, colWidths=[width / ncols] * ncols, repeatRows=1)
            t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8E8E8"))]))
            story += [t, Spacer(1, 6)]
            continue
        body = _markup(el.runs)
        if el.kind == "title":
            story.append(Paragraph(body.upper(), STYLES["title"]))
        elif el.kind == "heading":
            story.append(_numbered(el.label if el.numbered else "", body.upper(), "heading"))
        elif el.kind == "heading2":
            story.append(Paragraph(body, STYLES["heading2"]))
        elif el.kind == "clause":
            story.append(_numbered(el.label, body, "clause2" if el.level == 2 else "clause1"))
        elif el.kind == "recital":
            story.append(_numbered(el.label, body, "recital"))
        else:
            story.append(Paragraph(body, STYLES["party" if el.kind == "party" else "para"]))
    # keep each heading with the paragraph that follows it
    out, i = [], 0
    while i < len(story):
        f = story[i]
        if isinstance(f, Paragraph) and f.style.name in ("heading", "heading2") and i + 1 < len(story):
            out.append(KeepTogether([f, story[i + 1]]))
            i += 2
        else:
            out.append(f)
            i += 1
    return out


def _build(elements, out, title: str, total: int | None) -> int:
    pages = [0]

    def on_page(canvas, doc):
        pages[0] = doc.page
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawRightString(A4[0] - 20 * mm, A4[1] - 12 * mm, HEADER_TEXT)
        canvas.drawCentredString(A4[0] / 2, 10 * mm, f"Page {doc.page} of {total or '?'}")
        canvas.restoreState()

    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=22 * mm, rightMargin=22 * mm, topMargin=20 * mm,
                            bottomMargin=20 * mm, title=title, author="Clause Analyzer samples",
                            creator="clause-analyzer samples/build_samples.py", subject=title, invariant=1)
    doc.build(_flowables(elements, doc.width), onFirstPage=on_page, onLaterPages=on_page)
    return pages[0]


def write_pdf(elements, out, *, title: str) -> int:
    """Write the PDF to ``out`` (a binary file object); return the page count."""
    total = _build(elements, io.BytesIO(), title, None)
    _build(elements, out, title, total)
    return total
