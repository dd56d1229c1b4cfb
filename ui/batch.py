"""Batch page: several files or a zip; portfolio matrix (contracts x categories); findings table; exports.

The playbook and the perspective apply to every file. The matrix opens on
the categories with risks, then those missing, then those present; a click on
a row opens that contract on the review page with the same playbook and
perspective. Files that were refused are listed with their reasons above the results.

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


def _analyze_all(files, skipped, spec, perspective=None) -> tuple[list[dict], list[dict], dict]:
    """Summary rows and finding rows for every file, and the reports by file name; errors become rows."""
    from analyzer.output.portfolio import error_row, skipped_row, summarize
    from analyzer.pipeline import analyze

    rows: list[dict] = []
    findings: list[dict] = []
    reports: dict = {}
    bar = st.progress(0.0, text="Starting…")
    clf = classifier()
    for i, up in enumerate(files):
        bar.progress(i / max(1, len(files)), text=f"Analyzing {md_escape(up.name)} ({i + 1}/{len(files)})")
        try:
            report = analyze(up.data, filename=up.name, playbook=spec, perspective=perspective, classifier=clf)
        except Exception as exc:  # one bad file must not stop the batch
            if not isinstance(exc, AnalyzerError):
                log.exception("analysis of %s failed", up.name)
            rows.append(error_row(up.name, one_line_error(exc, up.name)))
            continue
        rows.append(summarize(report, up.name))
        reports[up.name] = report
        for f in report.findings:
            findings.append({"file": up.name, "severity": f.severity.value, "kind": f.kind, "category": f.category,
                             "message": f.message, "rule_id": f.rule_id,
                             "evidence": " ".join(report.text[f.evidence[0].start:f.evidence[0].end].split())[:300]
                             if f.evidence else ""})
    for s in skipped:
        make = skipped_row if s.status == Status.SKIPPED else error_row
        rows.append(make(s.name, s.reason))
    bar.progress(1.0, text=f"Done: {len(files)} file(s) analyzed, {len(skipped)} refused")
    return rows, findings, reports


def _style_cell(value) -> str:
    if value in CELL_VALUES or value in STATUS_VALUES:
        return f"background-color: {_colour(value)}; color: #222"
    return ""


def matrix_columns(frame, show_all: bool = False) -> list[str]:
    """The matrix's columns: file, status and severities, then the categories with risks (most first),
    those missing, those present, and the document facts last."""
    from analyzer.output import portfolio

    categories = [c for c in portfolio.CATEGORY_COLUMNS if c in frame.columns]

    def count(c: str, value: str) -> int:
        return int((frame[c].fillna("") == value).sum())

    used = [c for c in categories if (frame[c].fillna("") != "").any()]
    ordered = sorted(used, key=lambda c: (-count(c, "risk"), -count(c, "missing"), -count(c, "present"),
                                          categories.index(c)))
    if show_all:
        ordered += [c for c in categories if c not in used]
    facts = [c for c in ("agreement_type", "confidence", "parties") if c in frame.columns]
    return ["file", "status", *portfolio.SEVERITIES, *ordered, *facts, "error"]


def _matrix(frame):
    """Draw the matrix; give the file name of the row the user clicked, if any."""
    show_all = st.toggle("Show every category", value=False, key="batch_all_categories")
    cols = matrix_columns(frame, show_all)
    cats = [c for c in cols if c not in ("file", "status", "agreement_type", "confidence", "parties", "error",
                                         "high", "medium", "low")]
    view = frame[cols]
    event = st.dataframe(view.style.map(_style_cell, subset=["status"] + cats), hide_index=True, width="stretch",
                         key="batch_matrix", on_select="rerun", selection_mode="single-row",
                         column_config={"file": st.column_config.TextColumn("file", pinned=True)})
    st.caption("Red: risk or deviation · orange: required but missing · green: present · blank: not found. "
               "Click a row to open that contract's review.")
    rows = getattr(getattr(event, "selection", None), "rows", None) or []
    return str(view.iloc[rows[0]]["file"]) if rows else None


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
    """The refused files, each with its one-line reason, shown on the page (not folded away)."""
    if not got.skipped:
        return
    st.error(f"{len(got.skipped)} file(s) not analyzed:", icon=":material/block:")
    st.html('<ul class="ca-line">' + "".join(f"<li>{highlight.esc(s)}</li>" for s in got.skipped) + "</ul>")


def _open_review(name: str, got: Collected, reports: dict, choice, perspective) -> None:
    """Open the review page on the contract ``name`` of this batch, with the batch's playbook and perspective."""
    upload = next((f for f in got.files if f.name == name), None)
    if upload is None:
        st.warning(md_escape(f"{name} was not analyzed, so there is no review to open."))
        return
    memory = store("uploads")
    memory["review"], memory["review:shown"] = upload, False
    report = reports.get(name)
    if report is not None and choice.key == AUTO and perspective is None:
        store("reports")[(upload.sha256, AUTO, None)] = report
    choices = store("review_choices")
    choices["playbook"] = choice.key
    if perspective is not None:
        target = report.playbook if report is not None and choice.key == AUTO else choice.key
        choices[f"review_perspective:{target}"] = perspective
    st.session_state.pop("batch_matrix", None)
    st.switch_page("app_pages/review.py")


def _perspectives(choice) -> list[str]:
    if choice.perspectives:
        return list(choice.perspectives)
    seen: list[str] = []
    for c in playbook_choices():
        seen += [p for p in c.perspectives if p not in seen]
    return seen or ["licensor", "licensee", "partner", "neutral"]


def render() -> None:
    from analyzer.output.portfolio import portfolio_frame

    st.title("Batch review")
    limits = Limits.from_env()
    re_entered = "batch_upload" not in st.session_state
    uploaded = st.file_uploader(
        "Contracts (DOCX, PDF, TXT) or a zip of them", type=["docx", "pdf", "txt", "zip", "doc"],
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
    left, right = st.columns(2)
    key = left.selectbox("Playbook", [c.key for c in choices],
                         format_func={c.key: c.label for c in choices}.__getitem__, key="batch_playbook")
    choice = next(c for c in choices if c.key == key)
    default_label = f"Playbook default ({choice.default_perspective})" if choice.default_perspective \
        else "Each playbook's default"
    persp = right.selectbox("Perspective", [None, *_perspectives(choice)], key=f"batch_perspective:{choice.key}",
                            format_func=lambda p: default_label if p is None else p,
                            help="Whose interests the playbook protects, for every file of the batch.")
    digest = hashlib.sha256("\x1f".join([choice.key, str(persp)] + [f"{f.name}:{f.sha256}" for f in got.files]
                                        + [str(s) for s in got.skipped]).encode()).hexdigest()
    results = store("batch")
    st.caption(f"{len(got.files)} file(s) to analyze" + (f", {len(got.skipped)} refused" if got.skipped else ""))
    _refused(got)
    if digest not in results:
        if not st.button(f"Analyze {len(got.files)} file(s)", type="primary", key="batch_run"):
            return
        results.clear()
        results[digest] = _analyze_all(got.files, got.skipped, None if choice.key == AUTO else choice.spec, persp)
    rows, findings, reports = results[digest]
    frame = portfolio_frame(rows)
    failed = int((frame["status"] == Status.FAILURE.value).sum())
    st.subheader("Portfolio matrix")
    st.caption(f"{len(frame)} contract(s) · {failed} error(s)")
    clicked = _matrix(frame)
    if clicked:
        _open_review(clicked, got, reports, choice, persp)
    st.subheader("Findings")
    _findings_table(findings)
    st.subheader("Export")
    _exports(rows)
