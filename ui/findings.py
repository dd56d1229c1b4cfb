"""Findings list: evidence in context, suggested language, accept / reject / edit per suggestion.

Decisions and edited texts live in ``st.session_state`` (per document hash and
finding id), so they survive reruns, playbook changes and page switches.
Document text (evidence, clause headings, messages, suggestions) is shown as
escaped HTML with ``st.html``, never through Markdown (see ``highlight``).
"""

from __future__ import annotations

import streamlit as st

from analyzer.core.schema import Clause, Finding, Report, Severity
from ui import highlight
from ui.highlight import md_escape
from ui.state import store

DECISIONS = ["Pending", "Accept", "Reject"]
SEVERITY_BADGE = {Severity.HIGH: ":red-background[HIGH]", Severity.MEDIUM: ":orange-background[MEDIUM]",
                  Severity.LOW: ":gray-background[LOW]"}
SEVERITY_NAMES = [s.value for s in Severity]
ACTION_TEXT = {"insert": "Insert", "replace": "Replace the highlighted text with", "delete": "Delete the highlighted text"}


def sorted_findings(report: Report) -> list[Finding]:
    return sorted(report.findings, key=lambda f: (f.severity.rank, f.category, f.id))


def clause_title(c: Clause | None, by_id: dict[str, Clause] | None = None) -> str:
    """"7.2 Improvements"; a bare "(a)" gets its parents' numbers ("1.1(a)") when ``by_id`` is given."""
    if c is None:
        return ""
    number = c.number or ""
    parent = by_id.get(c.parent_id) if by_id and c.parent_id else None
    while parent is not None and number.startswith("(") and parent.number:
        number = parent.number.rstrip(".") + number
        parent = by_id.get(parent.parent_id) if parent.parent_id else None
    return " ".join(x for x in (number, c.heading or "") if x).strip() or f"({c.kind})"


def _keys(sha: str, fid: str) -> tuple[str, str]:
    return f"dec:{sha[:16]}:{fid}", f"txt:{sha[:16]}:{fid}"


def decisions(sha: str) -> dict[str, str]:
    """Finding id -> "Pending" | "Accept" | "Reject" for the document ``sha``."""
    return store("decisions").setdefault(sha, {})


def edited_texts(sha: str) -> dict[str, str]:
    """Finding id -> suggestion text as edited by the user."""
    return store("edited_texts").setdefault(sha, {})


def accepted(report: Report) -> tuple[set[str], dict[str, str]]:
    """Ids of accepted suggestions and, for those edited, the edited text."""
    sha = report.document.sha256
    dec, texts = decisions(sha), edited_texts(sha)
    ids = {f.id for f in report.findings if f.suggestion and dec.get(f.id) == "Accept"}
    edits = {fid: texts[fid] for fid in ids
             if fid in texts and texts[fid] != next(f.suggestion.text for f in report.findings if f.id == fid)}
    return ids, edits


def _use_fallback(text_key: str, fallback: str) -> None:
    st.session_state[text_key] = fallback


def _suggestion(report: Report, f: Finding, clauses: dict[str, Clause]) -> None:
    s = f.suggestion
    sha = report.document.sha256
    dec_key, text_key = _keys(sha, f.id)
    dec, texts = decisions(sha), edited_texts(sha)
    # widget state is dropped when a page is not shown: restore it from the stores
    if dec_key not in st.session_state:
        st.session_state[dec_key] = dec.get(f.id, "Pending")
    if text_key not in st.session_state:
        st.session_state[text_key] = texts.get(f.id, s.text)
    where = ""
    if s.action == "insert" and s.after_clause_id in clauses:
        where = f" after {clause_title(clauses[s.after_clause_id], clauses)}"
    st.html(highlight.line(f"— {ACTION_TEXT.get(s.action, s.action)}{where}:", strong="Suggested language"))
    if s.action in ("replace", "delete") and s.start is not None and s.end is not None:
        st.html(highlight.note(" ".join(report.text[s.start:s.end].split())[:400], strong="Current text:"))
    if s.action != "delete":
        st.text_area("Suggested language (editable)", key=text_key, height=110, label_visibility="collapsed")
    cols = st.columns([3, 2])
    with cols[0]:
        st.radio("Decision", DECISIONS, key=dec_key, horizontal=True, label_visibility="collapsed")
    with cols[1]:
        if s.fallback_text and s.action != "delete":
            st.button("Use fallback language", key=f"fb:{sha[:16]}:{f.id}", on_click=_use_fallback,
                      args=(text_key, s.fallback_text), help=md_escape(s.fallback_text))
    dec[f.id] = st.session_state[dec_key]
    texts[f.id] = st.session_state.get(text_key, s.text)


def render_finding(report: Report, f: Finding, clauses: dict[str, Clause]) -> None:
    with st.container(border=True):
        badge = SEVERITY_BADGE.get(f.severity, md_escape(f.severity))
        st.markdown(f"{badge} **{md_escape(f.category.replace('_', ' '))}** · {md_escape(f.kind)}")
        if f.clause_id in clauses:
            st.html(highlight.note(clause_title(clauses.get(f.clause_id), clauses), strong="In"))
        st.html(highlight.line(f.message))
        if f.rationale:
            st.html(highlight.note(f.rationale, strong="Why it matters:"))
        for ev in f.evidence[:3]:
            st.html(highlight.snippet(report.text, ev.start, ev.end))
        if not f.evidence and f.kind == "missing":
            st.caption("Not found in the document.")
        if f.suggestion and (f.suggestion.text or f.suggestion.action == "delete"):
            _suggestion(report, f, clauses)


def render_findings(report: Report) -> None:
    if not report.findings:
        if any(i.stage == "compare" for i in report.issues):
            st.warning("The playbook comparison did not run; see the issues above.")
        else:
            st.success("No findings: the contract meets the playbook.")
        return
    clauses = {c.id: c for c in report.clauses}
    severities = st.multiselect("Severity", SEVERITY_NAMES, default=SEVERITY_NAMES, key="sev_filter")
    shown = [f for f in sorted_findings(report) if f.severity in severities]
    ids, _ = accepted(report)
    st.caption(f"{len(shown)} of {len(report.findings)} finding(s) shown · {len(ids)} suggestion(s) accepted")
    for f in shown:
        render_finding(report, f, clauses)
