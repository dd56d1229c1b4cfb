"""Compare drafts page: upload two versions (or one DOCX with tracked changes), see the worse
changes first, download the reply DOCX and the comparison. Rendering only: the comparison
comes from ``analyzer.compare``.

Text from the drafts and file names is shown as escaped HTML (``st.html``); alert texts that
name a file are Markdown-escaped.
"""

from __future__ import annotations

import html
import logging
from pathlib import PurePath

import streamlit as st

from analyzer.core.errors import AnalyzerError
from analyzer.core.settings import Limits
from ui.highlight import CSS, md_escape
from ui.state import classifier, one_line_error, shipped_playbooks, store
from ui.uploads import Upload, check_upload, human_size

log = logging.getLogger(__name__)
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PERSPECTIVES = ["default", "licensee", "licensor", "partner", "neutral"]  # default: the playbook's, as on the CLI
CACHE_SIZE = 4
_STYLE = """<style>
.cmp-diff{white-space:pre-wrap;font-family:Georgia,serif;line-height:1.5;background:#fbfbf8;
  border:1px solid #e6e6e0;border-radius:6px;padding:.5em .8em;max-height:18em;overflow:auto}
.cmp-diff del{background:#fdd;text-decoration:line-through}.cmp-diff ins{background:#dfd;text-decoration:none}
.cmp-ev{font-size:.9rem;color:#444;border-left:3px solid #ccc;margin:.2em 0;padding-left:.6em}
</style>"""
_BADGE = {"worse": ":red-badge[worse]", "better": ":green-badge[better]", "neutral": ":gray-badge[neutral]"}


def _upload(label: str, key: str, limits: Limits) -> Upload | None:
    # ".doc" is accepted so that the bytes, not the name, decide: a legacy Word file gets the same
    # one-line reason as on the review page and in the CLI; a DOCX named .doc is read as one.
    f = st.file_uploader(label, type=["docx", "pdf", "txt", "doc"], key=key,
                         help=f"Up to {human_size(limits.max_upload_bytes)}. Analyzed on this machine only.")
    if f is None:
        return None
    try:
        return check_upload(f.name, f.getvalue(), limits)
    except AnalyzerError as exc:
        st.error(md_escape(str(exc)))
        return None


def _controls() -> tuple[str | None, str | None]:
    books = shipped_playbooks()
    ids = ["auto"] + [b["id"] for b in books]
    left, right = st.columns(2)
    with left:
        pb = st.selectbox("Playbook", ids, key="compare_playbook",
                          format_func=lambda i: "Auto (from the old draft's agreement type)" if i == "auto" else i)
    with right:
        persp = st.selectbox("Perspective (the client)", PERSPECTIVES, key="compare_perspective",
                             format_func=lambda p: "The playbook's default" if p == "default" else p)
    return (None if pb == "auto" else pb), (None if persp == "default" else persp)


def _compare(old: Upload, new: Upload | None, playbook: str | None, perspective: str | None):
    cache = store("comparisons")
    key = (old.sha256, new.sha256 if new else None, playbook, perspective)
    if key in cache:
        return cache[key]
    from analyzer.compare import compare_drafts

    with st.status("Comparing the drafts…", expanded=False) as status:
        try:
            cmp = compare_drafts(old.data, new.data if new else None, old_name=old.name,
                                 new_name=new.name if new else None, playbook=playbook, perspective=perspective,
                                 classifier=classifier(), progress=lambda s: status.update(label=f"Comparing: {s}…"))
        except Exception as exc:  # one line for the user; the log keeps the traceback
            from analyzer.compare import NoTrackedChanges

            if isinstance(exc, NoTrackedChanges):
                status.update(label="Waiting for the new draft", state="complete")
                st.info(md_escape(f"{old.name} has no tracked changes: upload the new draft too."))
                return None
            if not isinstance(exc, AnalyzerError):
                log.exception("comparison failed")
            status.update(label="Could not compare the drafts", state="error")
            st.error(md_escape(one_line_error(exc, new.name if new else old.name)))
            return None
        s = cmp.report.summary
        status.update(label=f"Compared: {s.worse} worse, {s.better} better, {s.neutral} neutral", state="complete")
    if len(cache) >= CACHE_SIZE:
        cache.clear()
    cache[key] = cmp
    return cmp


def _diff_html(change) -> str:
    from analyzer.output.compare_render import diff_html

    return f"<div class='cmp-diff'>{diff_html(change.diff)}</div>"


def _evidence(report, reason) -> str:
    from analyzer.output.compare_render import reason_lines

    _, *rest = reason_lines(report, reason)
    return "".join(f"<div class='cmp-ev'>{html.escape(x)}</div>" for x in rest)


def _changes(cmp) -> None:
    report = cmp.report
    s = report.summary
    cols = st.columns(4)
    cols[0].metric("Worse", s.worse)
    cols[1].metric("Better", s.better)
    cols[2].metric("Neutral", s.neutral)
    cols[3].metric("Changes", len(report.changes), help=f"{s.modified} modified, {s.added} added, "
                                                       f"{s.deleted} deleted, {s.moved} moved")
    st.caption(md_escape(f"Playbook {report.playbook or '—'}, perspective {report.perspective or '—'}; "
                         f"{report.old.source} → {report.new.source}"))
    for issue in report.issues:
        st.warning(md_escape(f"{issue.stage}: {issue.message}"))
    for change in report.changes:  # the report lists the worse changes first
        sev = f" · {md_escape(change.severity)}" if change.severity else ""
        with st.container(border=True):
            st.markdown(f"{_BADGE[change.judgement]} **{md_escape(change.kind)}**{sev}")
            st.html(f"<p class='ca-line'>{html.escape(change.message)}</p>")
            for reason in change.reasons:
                st.html(f"<p class='ca-note'>{html.escape(reason.judgement)}: {html.escape(reason.message)}"
                        f"{' [' + html.escape(reason.rule_id) + ']' if reason.rule_id else ''}</p>"
                        + _evidence(report, reason))
            if change.diff and change.text_changed:
                with st.expander("Word-level diff", expanded=change.judgement == "worse"):
                    st.html(_diff_html(change))
    if report.unattributed:
        st.subheader("Findings that appear or go without a clause change")
        for r in report.unattributed:
            st.html(f"<p class='ca-note'>{html.escape(r.judgement)}: {html.escape(r.message)}</p>")


def _downloads(cmp) -> None:
    from analyzer.compare.respond import respond_bytes
    from analyzer.output.compare_docx import compare_docx
    from analyzer.output.compare_render import render_compare

    stem = PurePath(cmp.new_name).stem or "draft"
    cache = store("compare_replies")
    key = (cmp.report.old.sha256, cmp.report.new.sha256, cmp.report.playbook, cmp.report.perspective)
    cols = st.columns(4)
    with cols[0]:
        try:
            if key not in cache:
                cache.clear()
                cache[key] = respond_bytes(cmp)
            reply = cache[key]
        except Exception as exc:  # the other downloads stay available
            if not isinstance(exc, AnalyzerError):
                log.exception("reply to %s failed", cmp.new_name)
            st.error(md_escape(one_line_error(exc, cmp.new_name)))
            reply = None
        st.download_button("Reply DOCX", data=reply[0] if reply else b"", file_name=f"{stem}_reply.docx",
                           mime=DOCX_MIME, disabled=reply is None, key="dl_compare_reply",
                           icon=":material/edit_document:",
                           help="The new draft with its worse changes reversed as tracked changes, each with a comment.")
        if reply:
            st.caption(f"{reply[1]} worse change(s) reversed as tracked changes")
    with cols[1]:
        st.download_button("JSON", data=render_compare(cmp.report, "json"), file_name=f"{stem}_compare.json",
                           mime="application/json", key="dl_compare_json", icon=":material/data_object:")
    with cols[2]:
        st.download_button("Markdown", data=render_compare(cmp.report, "md"), file_name=f"{stem}_compare.md",
                           mime="text/markdown", key="dl_compare_md", icon=":material/article:")
    with cols[3]:
        st.download_button("DOCX memo", data=compare_docx(cmp.report), file_name=f"{stem}_compare.docx",
                           mime=DOCX_MIME, key="dl_compare_docx", icon=":material/description:")


def render() -> None:
    st.title("Compare drafts")
    st.html(CSS + _STYLE)
    limits = Limits.from_env()
    left, right = st.columns(2)
    with left:
        old = _upload("Old draft, or one DOCX with tracked changes", "compare_old", limits)
    with right:
        new = _upload("New draft (their markup)", "compare_new", limits)
    playbook, perspective = _controls()
    if old is None:
        st.info("Upload the earlier and the later draft, or one DOCX whose tracked changes are the other "
                "side's markup. Each change is judged from the client's side; the worse ones come first.")
        return
    cmp = _compare(old, new, playbook, perspective)
    if cmp is None:
        return
    tab_changes, tab_downloads = st.tabs([f"Changes ({len(cmp.report.changes)})", "Downloads"], key="compare_tabs")
    with tab_changes:
        _changes(cmp)
    with tab_downloads:
        _downloads(cmp)
