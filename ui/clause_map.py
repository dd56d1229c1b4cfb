"""Clause map: the outline with labels; the selected clause's text, evidence, entities and defined terms.

Clause text, headings and terms are shown as escaped HTML (``st.html``) or in
tables and select boxes, which show plain text; never through Markdown.
"""

from __future__ import annotations

from collections import defaultdict

import streamlit as st

from analyzer.core.schema import Report
from ui import highlight
from ui.findings import clause_title

ENTITY_TYPES_HIDDEN = {"term_use"}


def _labels_by_clause(report: Report) -> dict[str, list]:
    out: dict[str, list] = defaultdict(list)
    for lab in report.labels:
        if lab.flagged and lab.clause_id:
            out[lab.clause_id].append(lab)
    return out


def render_clause_map(report: Report) -> None:
    if not report.clauses:
        st.info("No clauses were found in this document.")
        return
    by_clause = _labels_by_clause(report)
    by_id = {c.id: c for c in report.clauses}
    ids = [c.id for c in report.clauses]
    titles = {}
    for c in report.clauses:
        cats = sorted({lab.category for lab in by_clause.get(c.id, [])})
        tag = f"  [{', '.join(cats)}]" if cats else ""
        titles[c.id] = "\u2003" * c.level + clause_title(c, by_id) + tag
    cid = st.selectbox("Clause", ids, format_func=titles.__getitem__, key=f"clause:{report.document.sha256[:16]}")
    clause = next(c for c in report.clauses if c.id == cid)
    outline, detail = st.columns([2, 3])
    with outline:
        st.markdown("**Outline**")
        rows = [{"clause": "  " * c.level + clause_title(c),
                 "labels": ", ".join(sorted({lab.category for lab in by_clause.get(c.id, [])})),
                 "page": c.page_start or ""} for c in report.clauses]
        st.dataframe(rows, hide_index=True, height=420, width="stretch")
    with detail:
        pages = ""
        if clause.page_start:
            pages = f" · p. {clause.page_start}" + (f"–{clause.page_end}" if clause.page_end not in (None, clause.page_start) else "")
        st.html(f'<p class="ca-line"><b>{highlight.esc(clause_title(clause, by_id))}</b> · '
                f'{highlight.esc(clause.kind)}{highlight.esc(pages)}</p>')
        labels = sorted(by_clause.get(clause.id, []), key=lambda lab: -lab.unit_level_confidence)
        if labels:
            best: dict[str, float] = {}
            for lab in labels:
                best[lab.category] = max(best.get(lab.category, 0.0), lab.unit_level_confidence)
            st.html(highlight.chips([f"{cat} {conf:.2f}" for cat, conf in best.items()]))
        inside = [e for e in report.entities if clause.start <= e.start and e.end <= clause.end]
        marks = [highlight.Mark(lab.start, lab.end, "ev", lab.category) for lab in labels]
        marks += [highlight.Mark(e.start, e.end, "def" if e.type == "defined_term" else "ent", e.type)
                  for e in inside if e.type not in ENTITY_TYPES_HIDDEN]
        st.html(highlight.block(report.text, clause.start, clause.end, marks))
        st.caption("Yellow: evidence sentences for the labels · blue underline: extracted entities · "
                   "green dashes: terms defined here")
        shown = [e for e in inside if e.type not in ENTITY_TYPES_HIDDEN and e.type != "defined_term"]
        if shown:
            st.markdown("**Entities**")
            st.dataframe([{"type": e.type, "text": e.text, "value": e.value or ""} for e in shown],
                         hide_index=True, width="stretch")
        defined = sorted({e.text for e in inside if e.type == "defined_term"})
        used = sorted({e.value or e.text for e in inside if e.type == "term_use"} - set(defined))
        if defined or used:
            st.markdown("**Defined terms**")
            if defined:
                st.html('<p class="ca-line">Defined here: ' + highlight.chips(defined) + "</p>")
            if used:
                st.html('<p class="ca-line">Used here: ' + highlight.chips(used) + "</p>")
