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
from analyzer.output.localized import LANGS, messages_in, render_lang
from ui import decisions as dec
from ui import highlight
from ui.clause_map import render_clause_map
from ui.findings import render_findings
from ui.highlight import md_escape
from ui.key_terms import KEY_TERMS, key_terms, risk_score, severity_counts
from ui.state import (
    AUTO,
    PlaybookChoice,
    choice_for_report,
    one_line_error,
    playbook_choices,
    remember,
    run_analysis,
    shipped_overlays,
    start_refining,
    store,
)
from ui.uploads import Upload, check_upload, human_size

log = logging.getLogger(__name__)
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_MIME = "application/pdf"
REDLINE_CACHE_SIZE = 8
LANG_NAMES = {"en": "English", "zh": "中文"}


def _upload() -> Upload | None:
    limits = Limits.from_env()
    re_entered = "review_upload" not in st.session_state
    uploaded = st.file_uploader(
        "Contract (DOCX, PDF or TXT)", type=["docx", "pdf", "txt", "doc"], key="review_upload",
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


def _overlay_control(base: Report, memory: dict) -> tuple[str, ...]:
    """The jurisdiction overlays chosen in a multi-select; those the contract points to are named beside it."""
    ids = [o["id"] for o in shipped_overlays()]
    if not ids:
        return ()
    titles = {o["id"]: o["title"] for o in shipped_overlays()}
    if "review_overlays" not in st.session_state:
        st.session_state["review_overlays"] = [o for o in memory.get("overlays", []) if o in ids]
    chosen = st.multiselect("Jurisdiction overlays", ids, key="review_overlays",
                            format_func=lambda oid: f"{oid}: {titles[oid]}",
                            help="Cross-border rules added to the playbook (PRC, EU, US law). Suggested overlays are "
                                 "never applied until you choose them.")
    memory["overlays"] = list(chosen)
    hints = [s for s in base.suggested_overlays if s.id in ids and s.id not in chosen]
    if hints:
        st.caption(md_escape("Suggested for this contract: "
                             + "; ".join(f"{s.id} ({', '.join(s.reasons)})" for s in hints)))
    return tuple(chosen)


def _controls(base: Report) -> tuple[PlaybookChoice, str | None, tuple[str, ...]]:
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
    overlays = _overlay_control(base, memory)
    return choice, (None if persp == default and choice.key == AUTO else persp), overlays


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
    for col, (key, term) in zip(kcols, terms.items()):
        title = term.title if term is not None else KEY_TERMS[key][0]
        col.html(highlight.line("", strong=title) + highlight.note(term.value if term is not None else "not found"))
    pages = report.document.pages
    st.html(highlight.note(report.document.source, strong="File:"))
    st.caption(f"{report.document.format.value} · "
               f"{f'{pages} page(s) · ' if pages else ''}{report.document.chars:,} characters · "
               f"playbook {md_escape(report.playbook or '—')} · perspective {md_escape(report.perspective or '—')}")
    for issue in report.issues:
        st.warning(md_escape(f"{issue.stage}: {issue.message}" + (f" (page {issue.page})" if issue.page else "")))


def _redline(upload: Upload, report: Report):
    """The ``RedlineResult`` for the accepted suggestions (cached), or None when none is accepted."""
    ids, edits = dec.accepted(report)
    if not ids:
        return None
    prefer = dec.preferred(report)
    cache = store("redlines")
    key = (upload.sha256, report.playbook, report.perspective, frozenset(ids), tuple(sorted(edits.items())),
           frozenset(prefer))
    if key not in cache:
        from analyzer.redline.writer import build_redline

        if len(cache) >= REDLINE_CACHE_SIZE:
            cache.clear()
        cache[key] = build_redline(upload.data, report, accepted=ids, texts=edits, prefer=prefer)
    return cache[key]


def _redline_caption(report: Report, red, accepted_count: int) -> None:
    note = "" if report.document.format.value == "docx" else " in a new DOCX built from the extracted text"
    if red is None:
        st.caption("Accept a suggestion to build the redline.")
        return
    merged = sum(len(m) - 1 for m in red.merged)
    st.caption(f"{red.applied} tracked change(s) for {red.suggestions} of {accepted_count} accepted suggestion(s)"
               + (f"; {merged} duplicate(s) merged into one change" if merged else "") + note)
    if red.not_applied:
        by_id = {f.id: f for f in report.findings}
        items = "".join(f"<li><b>{highlight.esc(by_id[m.finding_id].category if m.finding_id in by_id else m.category)}"
                        f"</b>: {highlight.esc(m.reason)}</li>" for m in red.not_applied)
        st.html(f'<div class="ca-line"><b>Not in the redline ({len(red.not_applied)}):</b><ul>{items}</ul></div>')


def _memo_pdf(report: Report, memo: bytes) -> None:
    """A button that converts the DOCX memo to PDF with LibreOffice (when installed), then offers it."""
    import hashlib

    from analyzer.output.memo_docx import docx_to_pdf, soffice

    if soffice() is None:
        st.caption("PDF memo: LibreOffice is not installed; the DOCX memo opens in any word processor.")
        return
    cache = store("memo_pdf")
    key = hashlib.sha256(memo).hexdigest()
    if cache.get("key") != key:
        if st.button("Make a PDF of the memo", key="mk_pdf", icon=":material/picture_as_pdf:"):
            with st.spinner("Converting the memo with LibreOffice…"):
                pdf = docx_to_pdf(memo)
            if pdf is None:
                st.error("LibreOffice could not convert the memo; the DOCX memo is complete.")
                return
            cache.clear()
            cache.update(key=key, pdf=pdf)
        else:
            return
    st.download_button("PDF memo", data=cache["pdf"], file_name=f"{PurePath(report.document.source).stem}_memo.pdf",
                       mime=PDF_MIME, key="dl_pdf", icon=":material/picture_as_pdf:")


def _language_control() -> str:
    """The language of the finding messages and of the Markdown and HTML memos (``en`` or ``zh``)."""
    memory = store("review_choices")
    if "review_lang" not in st.session_state:
        st.session_state["review_lang"] = memory.get("lang") if memory.get("lang") in LANGS else "en"
    lang = st.selectbox("Language of findings and memos", list(LANGS), key="review_lang",
                        format_func=LANG_NAMES.__getitem__,
                        help="Messages, rationales and the Markdown and HTML memos in Chinese where the playbook "
                             "has Chinese text. Suggested language stays in the contract's language here.")
    memory["lang"] = lang
    return lang


def _downloads(upload: Upload, report: Report, lang: str = "en") -> None:
    from analyzer.output.memo_docx import memo_docx
    from analyzer.output.render import render

    stem = PurePath(upload.name).stem or "contract"
    ids, _ = dec.accepted(report)
    try:
        red = _redline(upload, report)
    except Exception as exc:  # a redline failure must not hide the other downloads
        if not isinstance(exc, AnalyzerError):
            log.exception("redline of %s failed", upload.name)
        st.error(md_escape(one_line_error(exc, upload.name)))
        red = None
    review = dec.review(report, {m.finding_id: m.reason for m in red.not_applied} if red else None)
    st.caption(f"The memos carry your decisions: {review.summary(report)}.")
    cols = st.columns(3)
    with cols[0]:
        st.download_button("Redlined DOCX", data=red.data if red else b"", file_name=f"{stem}_redline.docx",
                           mime=DOCX_MIME, disabled=red is None, key="dl_docx", icon=":material/edit_document:",
                           help="Accepted suggestions as tracked changes, each with a comment giving the reason.")
        _redline_caption(report, red, len(ids))
    with cols[1]:
        memo = memo_docx(report, review)
        st.download_button("DOCX memo", data=memo, file_name=f"{stem}_memo.docx", mime=DOCX_MIME, key="dl_memo_docx",
                           icon=":material/description:")
        st.download_button("Markdown memo", data=render_lang(report, "md", lang, review), file_name=f"{stem}_memo.md",
                           mime="text/markdown", key="dl_md", icon=":material/article:")
        st.download_button("HTML memo", data=render_lang(report, "html", lang, review), file_name=f"{stem}_memo.html",
                           mime="text/html", key="dl_html", icon=":material/html:")
        _memo_pdf(report, memo)
    with cols[2]:
        st.download_button("JSON report", data=render(report, "json"), file_name=f"{stem}_report.json",
                           mime="application/json", key="dl_json", icon=":material/data_object:")


def render() -> None:
    try:
        _render()
    finally:
        start_refining()  # a report from the fast stage is refined once the page is drawn


def _render() -> None:
    st.title("Review a contract")
    st.html(highlight.CSS)
    upload = _upload()
    if upload is None:
        st.info("Upload a licence, collaboration or joint-venture agreement to start.")
        return
    auto = next(c for c in playbook_choices() if c.key == AUTO)
    base = run_analysis(upload, auto, None, notice=False)  # the report shown below says it
    if base is None:
        return
    choice, perspective, overlays = _controls(base)
    report = run_analysis(upload, choice, perspective, overlays)
    if report is None:
        return
    lang = _language_control()
    _summary(report)
    # keyed: the open tab stays open when a notice above it comes or goes (the refined report's rerun)
    tab_findings, tab_map, tab_downloads = st.tabs(
        [f"Findings ({len(report.findings)})", f"Clause map ({len(report.clauses)})", "Downloads"], key="review_tabs")
    with tab_findings:
        render_findings(messages_in(report, lang), lang)
    with tab_map:
        render_clause_map(report)
    with tab_downloads:
        _downloads(upload, report, lang)
