"""The review memo as a Word document (python-docx), and as a PDF where LibreOffice is installed.

The DOCX memo holds what the Markdown and HTML memos hold: the routing and
the document facts, the decisions summary, and per finding its severity,
clause and pages, the decision (accepted, accepted as edited, rejected, not
applicable, undecided), the evidence, the rationale, the accepted or
suggested language and the reviewer's note. Text from the document is
written as plain runs, so nothing in a contract can become a field or a link.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from collections import Counter
from typing import Optional

from analyzer.core.schema import Report, Severity
from analyzer.output.decisions import NOT_APPLICABLE, Review
from analyzer.output.render import (
    _excerpt,
    _finding_clause,
    check_note,
    decision_parts,
    format_line,
    memo_findings,
    routing_lines,
)

SEVERITY_COLOURS = {Severity.HIGH: "C0392B", Severity.MEDIUM: "E67E22", Severity.LOW: "7F8C8D"}
DECISION_COLOURS = {"accepted": "1E7E34", "rejected": "A71D2A", "not_applicable": "555555", "pending": "8A6D00"}
PDF_TIMEOUT_S = 120
_CONTROL = {c: None for c in range(32) if c not in (9, 10, 13)}


def _clean(text: object) -> str:
    """Text python-docx can store: XML-illegal control characters removed."""
    return str(text).translate(_CONTROL)


def memo_docx(report: Report, review: Optional[Review] = None) -> bytes:
    """The memo as DOCX bytes."""
    import docx
    from docx.shared import Pt, RGBColor

    doc = docx.Document()
    doc.core_properties.title = _clean(f"Contract review: {report.document.source}")
    doc.core_properties.author = "Clause Analyzer"
    doc.add_heading(_clean(f"Contract review: {report.document.source}"), level=0)

    def fact(head: str, value: str) -> None:
        p = doc.add_paragraph(style="List Bullet")
        p.add_run(_clean(head) + ": ").bold = True
        p.add_run(_clean(value))

    for line in routing_lines(report):
        head, _, rest = line.partition(": ")
        fact(head, rest)
    fact("Format", format_line(report))
    if report.parties:
        fact("Parties", "; ".join(p.name + (f" ({p.role})" if p.role else "") for p in report.parties))
    fact("Status", report.status.value)
    for issue in report.issues:
        fact(f"Issue [{issue.stage}]" + (f" p.{issue.page}" if issue.page else ""), issue.message)

    if report.findings:
        counts = Counter(f.severity for f in report.findings)
        doc.add_heading("Executive summary", level=1)
        doc.add_paragraph(f"{len(report.findings)} finding(s): "
                          + ", ".join(f"{counts.get(s, 0)} {s.value}" for s in Severity))
        if review is not None:
            doc.add_paragraph(_clean(f"Decisions: {review.summary(report)}."))
        doc.add_heading("Findings by severity", level=1)
    for f in memo_findings(report):
        dp = decision_parts(report, review, f)
        h = doc.add_heading(level=2)
        sev = h.add_run(f"[{f.severity.upper()}] ")
        sev.font.color.rgb = RGBColor.from_string(SEVERITY_COLOURS.get(f.severity, "000000"))
        h.add_run(_clean(f"{f.kind}: {f.category}{_finding_clause(report, f)}"))
        if dp["label"]:
            p = doc.add_paragraph()
            run = p.add_run(_clean(f"Decision: {dp['label']}"))
            run.bold = True
            run.font.color.rgb = RGBColor.from_string(DECISION_COLOURS.get(dp["status"] or "", "000000"))
        if note := check_note(f):
            doc.add_paragraph().add_run(_clean(note)).italic = True
        doc.add_paragraph(_clean(f.message))
        for ev in f.evidence:
            doc.add_paragraph(_clean(_excerpt(report, ev.start, ev.end)), style="Quote")
        if f.rationale:
            p = doc.add_paragraph()
            p.add_run("Why it matters: ").italic = True
            p.add_run(_clean(f.rationale))
        if dp["text_title"]:
            p = doc.add_paragraph()
            p.add_run(_clean(dp["text_title"]) + ":").bold = True
            if dp["text"]:
                body = doc.add_paragraph()
                run = body.add_run(_clean(dp["text"]))
                run.font.size = Pt(10)
                body.paragraph_format.left_indent = Pt(18)
        if dp["status"] == NOT_APPLICABLE:
            p = doc.add_paragraph()
            p.add_run("Not applicable: ").italic = True
            p.add_run(_clean(dp["note"] or "no note given"))
        elif dp["note"]:
            p = doc.add_paragraph()
            p.add_run("Note: ").italic = True
            p.add_run(_clean(dp["note"]))
        if dp["redline"]:
            p = doc.add_paragraph()
            p.add_run("Not in the redline: ").italic = True
            p.add_run(_clean(dp["redline"]))
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def soffice() -> Optional[str]:
    """The LibreOffice command, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(data: bytes, timeout: float = PDF_TIMEOUT_S) -> Optional[bytes]:
    """``data`` (a DOCX) converted to PDF by headless LibreOffice; None when LibreOffice is not
    installed, fails or takes longer than ``timeout`` seconds. Runs in a private temporary folder
    with its own LibreOffice profile, so it neither reads nor changes the user's."""
    exe = soffice()
    if exe is None:
        return None
    with tempfile.TemporaryDirectory(prefix="clause-analyzer-pdf-") as tmp:
        src = os.path.join(tmp, "memo.docx")
        with open(src, "wb") as fh:
            fh.write(data)
        profile = "file://" + os.path.join(tmp, "profile")
        cmd = [exe, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", "pdf",
               "--outdir", tmp, src]
        try:
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=timeout, check=False,
                           start_new_session=True)
        except (OSError, subprocess.TimeoutExpired):
            return None
        out = os.path.join(tmp, "memo.pdf")
        if not os.path.isfile(out):
            return None
        with open(out, "rb") as fh:
            pdf = fh.read()
    return pdf if pdf.startswith(b"%PDF-") else None


__all__ = ["docx_to_pdf", "memo_docx", "soffice"]
