"""Batch page: several files or a zip; portfolio matrix (contracts x categories); findings table; exports.

A file that cannot be analyzed gets a row with its error; the others go on.
All uploads of a batch share one budget of files and uncompressed bytes
(``Limits.max_batch_files`` / ``max_batch_bytes``); the extracted files of
the current batch are the only ones a session keeps. File names and evidence
are shown in tables or as escaped HTML, never through Markdown.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
from pathlib import Path

import streamlit as st

from analyzer.core.errors import AnalyzerError
from analyzer.core.schema import Severity, Status
from analyzer.core.settings import Limits
from ui import highlight
from ui.highlight import md_escape
from ui.state import AUTO, classifier, one_line_error, playbook_choices, remember, store
from ui.uploads import Collected, collect, human_size

log = logging.getLogger(__name__)
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

def _colour(name: str) -> str:
    from analyzer.output.portfolio import COLOURS

    return "#" + COLOURS[name]


CELL_VALUES = ("present", "missing", "risk")
STATUS_VALUES = tuple(s.value for s in Status)
SEVERITY_NAMES = [s.value for s in Severity]


def _analyze_all(files, skipped, spec) -> tuple[list[dict], list[dict]]:
    """Summary rows and finding rows for every file; errors become rows."""
    from analyzer.output.portfolio import error_row, skipped_row, summarize
    from analyzer.pipeline import analyze

    rows: list[dict] = []
    findings: list[dict] = []
    bar = st.progress(0.0, text="Starting…")
    clf = classifier()
    for i, up in enumerate(files):
        bar.progress(i / max(1, len(files)), text=f"Analyzing {md_escape(up.name)} ({i + 1}/{len(files)})")
        try:
            report = analyze(up.data, filename=up.name, playbook=spec, classifier=clf)
        except Exception as exc:  # one bad file must not stop the batch
            if not isinstance(exc, AnalyzerError):
                log.exception("analysis of %s failed", up.name)
            rows.append(error_row(up.name, one_line_error(exc, up.name)))
            continue
        rows.append(summarize(report, up.name))
        for f in report.findings:
            findings.append({"file": up.name, "severity": f.severity.value, "kind": f.kind, "category": f.category,
                             "message": f.message, "rule_id": f.rule_id,
                             "evidence": " ".join(report.text[f.evidence[0].start:f.evidence[0].end].split())[:300]
                             if f.evidence else ""})
    for s in skipped:
        make = skipped_row if s.status == Status.SKIPPED else error_row
        rows.append(make(s.name, s.reason))
    bar.progress(1.0, text=f"Done: {len(files)} file(s) analyzed, {len(skipped)} refused")
    return rows, findings


def _style_cell(value) -> str:
    if value in CELL_VALUES or value in STATUS_VALUES:
        return f"background-color: {_colour(value)}; color: #222"
    return ""


def _matrix(frame) -> None:
    from analyzer.output import portfolio

    categories = [c for c in getattr(portfolio, "CATEGORY_COLUMNS", portfolio.COLUMNS) if c in frame.columns
                  and c not in (*portfolio.HEAD_COLUMNS, *portfolio.SEVERITIES, "error")]
    show_all = st.toggle("Show every category", value=False, key="batch_all_categories")
    used = [c for c in categories if (frame[c].fillna("") != "").any()]
    cats = categories if show_all else used
    cols = ["file", "status", "agreement_type", *portfolio.SEVERITIES] + cats + ["error"]
    view = frame[cols]
    st.dataframe(view.style.map(_style_cell, subset=["status"] + cats), hide_index=True, width="stretch",
                 key="batch_matrix")
    st.caption("Green: present · orange: required but missing · red: risk or deviation · blank: not found")


def _findings_table(findings: list[dict]) -> None:
    import pandas as pd

    from analyzer.output.portfolio import csv_text

    if not findings:
        st.info("No findings in the analyzed files.")
        return
    table = pd.DataFrame(findings)
    c1, c2, c3 = st.columns(3)
    sev = c1.multiselect("Severity", SEVERITY_NAMES, default=SEVERITY_NAMES, key="batch_sev")
    cats = c2.multiselect("Category", sorted(table["category"].unique()), key="batch_cat")
    files = c3.multiselect("Contract", sorted(table["file"].unique()), key="batch_file")
    mask = table["severity"].isin(sev)
    if cats:
        mask &= table["category"].isin(cats)
    if files:
        mask &= table["file"].isin(files)
    shown = table[mask].sort_values(["severity", "file"],
                                    key=lambda s: s.map(lambda v: Severity(v).rank) if s.name == "severity" else s)
    st.dataframe(shown, hide_index=True, width="stretch", key="batch_findings")
    st.download_button("Findings CSV", data=csv_text(shown), file_name="findings.csv", mime="text/csv",
                       key="dl_findings_csv")


def _exports(rows: list[dict]) -> None:
    from analyzer.output.portfolio import write_summary

    with tempfile.TemporaryDirectory(prefix="clause-analyzer-") as tmp:
        write_summary(rows, Path(tmp))
        csv = (Path(tmp) / "summary.csv").read_bytes()
        xlsx = (Path(tmp) / "summary.xlsx").read_bytes()
        heat = (Path(tmp) / "summary.html").read_bytes()
    c1, c2, c3 = st.columns(3)
    c1.download_button("Summary CSV", data=csv, file_name="summary.csv", mime="text/csv", key="dl_csv")
    c2.download_button("Summary XLSX", data=xlsx, file_name="summary.xlsx", mime=XLSX_MIME, key="dl_xlsx")
    c3.download_button("Heatmap HTML", data=heat, file_name="summary.html", mime="text/html", key="dl_heatmap")


def _upload_key(u) -> tuple:
    """Identity of one uploaded file: Streamlit's file id, or the content hash when there is none."""
    ident = getattr(u, "file_id", None) or hashlib.sha256(u.getvalue()).hexdigest()
    return (u.name, ident, u.size)


def _collect(uploaded, limits: Limits) -> Collected:
    """The files of the current uploads, extracted once per set of uploads.

    All uploads draw on one budget, and only the latest batch is kept, so a
    session never holds more than the batch limits however often the page reruns.
    """
    memory = store("batch_collected")
    key = (tuple(_upload_key(u) for u in uploaded), limits)
    if memory.get("key") != key:
        memory.clear()  # the previous batch's extracted files are released first
        memory["got"] = collect([(u.name, u.getvalue()) for u in uploaded], limits)
        memory["key"] = key
    return memory["got"]


def _refused(got: Collected) -> None:
    if not got.skipped:
        return
    with st.expander(f"{len(got.skipped)} file(s) not analyzed", expanded=False):
        st.html("<ul>" + "".join(f"<li>{highlight.esc(s)}</li>" for s in got.skipped) + "</ul>")


def render() -> None:
    from analyzer.output.portfolio import portfolio_frame

    st.title("Batch review")
    limits = Limits.from_env()
    re_entered = "batch_upload" not in st.session_state
    uploaded = st.file_uploader(
        "Contracts (DOCX, PDF, TXT) or a zip of them", type=["docx", "pdf", "txt", "zip"],
        accept_multiple_files=True, key="batch_upload",
        help=f"Up to {human_size(limits.max_upload_bytes)} per file; zips up to {limits.max_archive_members} files; "
             f"{limits.max_batch_files} files and {human_size(limits.max_batch_bytes)} in all. "
             "Everything is analyzed on this machine.")
    got = _collect(uploaded, limits) if uploaded else None
    kept = remember("batch", re_entered, got)
    if kept is None:
        store("batch_collected").clear()
        st.info("Upload several contracts, or one zip archive, to build a portfolio view.")
        return
    if got is None:
        st.caption("Showing the files uploaded earlier. Upload files to start a new batch.")
    got = kept
    choices = [c for c in playbook_choices()]
    key = st.selectbox("Playbook", [c.key for c in choices],
                       format_func={c.key: c.label for c in choices}.__getitem__, key="batch_playbook")
    choice = next(c for c in choices if c.key == key)
    digest = hashlib.sha256("\x1f".join([choice.key] + [f"{f.name}:{f.sha256}" for f in got.files]
                                        + [str(s) for s in got.skipped]).encode()).hexdigest()
    results = store("batch")
    st.caption(f"{len(got.files)} file(s) to analyze" + (f", {len(got.skipped)} refused" if got.skipped else ""))
    _refused(got)
    if digest not in results:
        if not st.button(f"Analyze {len(got.files)} file(s)", type="primary", key="batch_run"):
            return
        results.clear()
        results[digest] = _analyze_all(got.files, got.skipped, None if choice.key == AUTO else choice.spec)
    rows, findings = results[digest]
    frame = portfolio_frame(rows)
    failed = int((frame["status"] == Status.FAILURE.value).sum())
    st.subheader("Portfolio matrix")
    st.caption(f"{len(frame)} contract(s) · {failed} error(s)")
    _matrix(frame)
    st.subheader("Findings")
    _findings_table(findings)
    st.subheader("Export")
    _exports(rows)
