"""Review page: upload one contract, choose playbook and perspective, review findings, download.

File names, party names and extracted terms are shown as escaped HTML
(``st.html``); alert texts that name a file are Markdown-escaped.
"""

from __future__ import annotations

import logging
from pathlib import PurePath

import streamlit as st

from analyzer.core.errors import AnalyzerError
from analyzer.core.schema import Report
from analyzer.core.settings import Limits
from ui import highlight
from ui.clause_map import render_clause_map
from ui.findings import accepted, render_findings
from ui.highlight import md_escape
from ui.key_terms import key_terms, risk_score, severity_counts
from ui.state import (
    AUTO,
    PlaybookChoice,
    choice_for_report,
    one_line_error,
    playbook_choices,
    remember,
    run_analysis,
    store,
)
from ui.uploads import Upload, check_upload, human_size

log = logging.getLogger(__name__)
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
REDLINE_CACHE_SIZE = 8


def _upload() -> Upload | None:
    limits = Limits.from_env()
    re_entered = "review_upload" not in st.session_state
    uploaded = st.file_uploader(
        "Contract (DOCX, PDF or TXT)", type=["docx", "pdf", "txt"], key="review_upload",
        help=f"Up to {human_size(limits.max_upload_bytes)}. The file is analyzed on this machine and never sent elsewhere.")
    try:
        upload = check_upload(uploaded.name, uploaded.getvalue(), limits) if uploaded is not None else None
    except AnalyzerError as exc:
        st.error(md_escape(str(exc)))
        upload = None
    kept = remember("review", re_entered, upload)
    if kept is not None and upload is None:
        st.caption("Showing the contract uploaded earlier (named below). Upload another file to replace it.")
    return kept


def _controls(base: Report) -> tuple[PlaybookChoice, str | None]:
    choices = playbook_choices()
    auto_target = choice_for_report(base, choices)
    labels = {c.key: c.label for c in choices}
    if base.playbook:
        at = base.agreement_type
        detected = f"{at.label}, confidence {at.confidence:.2f}" if at else "unknown"
        labels[AUTO] = f"Auto: {base.playbook} (detected agreement type: {detected})"
        if at and at.low_confidence:
            others = ", ".join(a.label for a in at.alternatives)
            st.warning(md_escape(f"Check the agreement type: {at.label} is uncertain (confidence {at.confidence:.2f}"
                                 + (f"; it may be {others}" if others else "") + "). Pick the playbook below if it is wrong."))
    memory = store("review_choices")  # widget state is dropped on page switches; restore it from here
    if "review_playbook" not in st.session_state:
        st.session_state["review_playbook"] = memory.get("playbook") if memory.get("playbook") in labels else AUTO
    left, right = st.columns(2)
    with left:
        key = st.selectbox("Playbook", [c.key for c in choices], format_func=labels.__getitem__, key="review_playbook")
    memory["playbook"] = key
    choice = next(c for c in choices if c.key == key)
    effective = auto_target if choice.key == AUTO and auto_target else choice
    perspectives = list(effective.perspectives) or ["licensor", "licensee", "partner", "neutral"]
    default = effective.default_perspective or base.perspective
    pkey = f"review_perspective:{effective.key}"
    if pkey not in st.session_state:
        kept = memory.get(pkey)
        st.session_state[pkey] = kept if kept in perspectives else (default if default in perspectives else perspectives[0])
    with right:
        persp = st.selectbox("Perspective", perspectives, key=pkey,
                             help="Whose interests the playbook protects. The default comes from the playbook.")
    memory[pkey] = persp
    return choice, (None if persp == default and choice.key == AUTO else persp)


def _summary(report: Report) -> None:
    at = report.agreement_type
    counts = severity_counts(report)
    cols = st.columns(5)
    cols[0].metric("Agreement type", at.label if at else "unknown",
                   help=f"confidence {at.confidence:.2f}" if at else None)
    cols[1].metric("Risk score", f"{risk_score(report)}/100", help="15 per high, 6 per medium, 2 per low finding")
    cols[2].metric("High", counts["high"])
    cols[3].metric("Medium", counts["medium"])
    cols[4].metric("Low", counts["low"])
    if report.parties:
        st.html(highlight.line("; ".join(p.name + (f" ({p.role})" if p.role else "") for p in report.parties),
                               strong="Parties:"))
    terms = key_terms(report)
    kcols = st.columns(len(terms))
    for col, term in zip(kcols, terms.values()):
        if term is None:
            continue
        col.html(highlight.line("", strong=term.title) + highlight.note(term.value))
    pages = report.document.pages
    st.html(highlight.note(report.document.source, strong="File:"))
    st.caption(f"{report.document.format.value} · "
               f"{f'{pages} page(s) · ' if pages else ''}{report.document.chars:,} characters · "
               f"playbook {md_escape(report.playbook or '—')} · perspective {md_escape(report.perspective or '—')}")
    for issue in report.issues:
        st.warning(md_escape(f"{issue.stage}: {issue.message}" + (f" (page {issue.page})" if issue.page else "")))


def _redline(upload: Upload, report: Report) -> tuple[bytes, int] | None:
    ids, edits = accepted(report)
    if not ids:
        return None
    cache = store("redlines")
    key = (upload.sha256, report.playbook, report.perspective, frozenset(ids), tuple(sorted(edits.items())))
    if key not in cache:
        from analyzer.redline.writer import redline_bytes

        if len(cache) >= REDLINE_CACHE_SIZE:
            cache.clear()
        cache[key] = redline_bytes(upload.data, report, accepted=ids, texts=edits)
    return cache[key]


def _downloads(upload: Upload, report: Report) -> None:
    from analyzer.output.render import render

    stem = PurePath(upload.name).stem or "contract"
    ids, _ = accepted(report)
    cols = st.columns(4)
    with cols[0]:
        try:
            red = _redline(upload, report)
        except Exception as exc:  # a redline failure must not hide the other downloads
            if not isinstance(exc, AnalyzerError):
                log.exception("redline of %s failed", upload.name)
            st.error(md_escape(one_line_error(exc, upload.name)))
            red = None
        st.download_button("Redlined DOCX", data=red[0] if red else b"", file_name=f"{stem}_redline.docx",
                           mime=DOCX_MIME, disabled=red is None, key="dl_docx", icon=":material/edit_document:",
                           help="Accepted suggestions as tracked changes, each with a comment giving the reason.")
        note = "" if report.document.format.value == "docx" else " in a new DOCX built from the extracted text"
        st.caption(f"{red[1]} tracked change(s) from {len(ids)} accepted suggestion(s){note}" if red
                   else "Accept a suggestion to build the redline.")
    with cols[1]:
        st.download_button("JSON report", data=render(report, "json"), file_name=f"{stem}_report.json",
                           mime="application/json", key="dl_json", icon=":material/data_object:")
    with cols[2]:
        st.download_button("Markdown memo", data=render(report, "md"), file_name=f"{stem}_memo.md",
                           mime="text/markdown", key="dl_md", icon=":material/article:")
    with cols[3]:
        st.download_button("HTML memo", data=render(report, "html"), file_name=f"{stem}_memo.html",
                           mime="text/html", key="dl_html", icon=":material/html:")


def render() -> None:
    st.title("Review a contract")
    st.html(highlight.CSS)
    upload = _upload()
    if upload is None:
        st.info("Upload a licence, collaboration or joint-venture agreement to start.")
        return
    auto = next(c for c in playbook_choices() if c.key == AUTO)
    base = run_analysis(upload, auto, None)
    if base is None:
        return
    choice, perspective = _controls(base)
    report = run_analysis(upload, choice, perspective)
    if report is None:
        return
    _summary(report)
    tab_findings, tab_map, tab_downloads = st.tabs(
        [f"Findings ({len(report.findings)})", f"Clause map ({len(report.clauses)})", "Downloads"])
    with tab_findings:
        render_findings(report)
    with tab_map:
        render_clause_map(report)
    with tab_downloads:
        _downloads(upload, report)
