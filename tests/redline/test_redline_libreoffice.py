"""A redline renders in LibreOffice: headless DOCX → PDF shows the tracked changes.

Skipped when LibreOffice is not installed (``make system-deps`` installs it).
"""

from __future__ import annotations

import shutil
import subprocess

import pdfplumber
import pytest

from analyzer.core.schema import DocumentInfo, Finding, Report, Suggestion
from analyzer.ingest import parse
from analyzer.redline.writer import write_redline

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")


def _report(path) -> Report:
    doc = parse(path)
    report = Report(document=DocumentInfo(source=doc.source, format=doc.format, sha256=doc.sha256,
                                          chars=len(doc.text)), text=doc.text, blocks=doc.blocks)
    s = doc.text.index("an exclusive, worldwide")
    e = s + len("an exclusive")
    report.findings = [
        Finding(id="gb", rule_id="improvements.grant_back", category="improvements", kind="risk", severity="high",
                message="Grant-back of improvements is exclusive",
                suggestion=Suggestion(action="replace", text="a non-exclusive", start=s, end=e)),
        Finding(id="ex", rule_id="export_control.present", category="export_control", kind="missing",
                severity="high", message="No export-control clause",
                suggestion=Suggestion(action="insert", text="Each Party shall comply with all export control laws "
                                                            "that apply to the Licensed Technology.")),
    ]
    return report


@pytest.mark.parametrize("name", ["tech_license.docx", "tech_license.txt"])
def test_redline_libreoffice_renders_changes(samples_dir, tmp_path, name):
    src = samples_dir / name
    out = tmp_path / "redline.docx"
    assert write_redline(src, _report(src), out) == 2
    profile = (tmp_path / "lo-profile").as_uri()
    proc = subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                           "--outdir", str(tmp_path), str(out)], capture_output=True, timeout=180)
    pdf = tmp_path / "redline.pdf"
    assert pdf.exists(), proc.stderr.decode(errors="replace")
    with pdfplumber.open(pdf) as doc:
        text = " ".join((page.extract_text() or "") for page in doc.pages)
    text = " ".join(text.split())
    assert "Each Party shall comply with all export control laws that apply to the Licensed Technology." in text
    assert "a non-exclusive" in text
    assert "an exclusive" in text  # LibreOffice shows the deletion struck through
