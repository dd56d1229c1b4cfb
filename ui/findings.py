"""Findings: one card per finding with its decision, next to the whole contract with every finding marked.

Each card shows, in reading order, where the finding is (clause, pages, a
link to its place in the text), the message, the evidence, the rationale
(collapsed when long) and the suggested language with the decision:
undecided, accept (as written or edited), reject, or not applicable with a
note. Cards are coloured by their decision. A counter above the cards says
what is still undecided; it is current because decisions are saved in
``on_change`` callbacks (``ui.decisions``). The document view beside the
cards marks every finding; a mark jumps back to its card. Keys: j/k next and
previous finding, a accept, r reject, x not applicable, u undecided.

Document text (evidence, clause headings, messages, suggestions) is shown as
escaped HTML with ``st.html``, never through Markdown (see ``highlight``).
"""

from __future__ import annotations

import streamlit as st

from analyzer.core.schema import Clause, Finding, Report, Severity
from analyzer.core.taxonomy import CATEGORY_ZH
from analyzer.output.decisions import (
    ACCEPTED,
    NOT_APPLICABLE,
    PENDING,
    REJECTED,
    finding_pages,
    pages_text,
)
from analyzer.output.render import check_note
from ui import decisions as dec
from ui import highlight
from ui.document import document_html, search_hits
from ui.highlight import md_escape

SEVERITY_NAMES = [s.value for s in Severity]
ACTION_TEXT = {"insert": "insert", "replace": "replace the current text", "delete": "delete the current text"}
RATIONALE_INLINE_CHARS = 240
EVIDENCE_CONTEXT = 110  # characters of text shown either side of the evidence
SHOW = ["All", "Undecided", "Decided"]
STATUS_TEXT = {PENDING: "Undecided", ACCEPTED: "Accepted", REJECTED: "Rejected", NOT_APPLICABLE: "Not applicable"}

CARD_CSS = """
<style>
[class*="st-key-card_"]{border-left:6px solid #d0d4da !important;scroll-margin-top:4rem}
[class*="st-key-card_"]:has(.ca-head.accepted){border-left-color:#2e7d32 !important;background:#f4faf4}
[class*="st-key-card_"]:has(.ca-head.edited){border-left-color:#1565c0 !important;background:#f3f7fd}
[class*="st-key-card_"]:has(.ca-head.rejected){border-left-color:#b71c1c !important;background:#fbf3f3}
[class*="st-key-card_"]:has(.ca-head.not_applicable){border-left-color:#757575 !important;background:#f5f5f5}
[class*="st-key-card_"].ca-current{outline:2px solid #4a90d9;outline-offset:2px}
.ca-head{margin:0;display:flex;flex-wrap:wrap;gap:.35em;align-items:baseline}
.ca-sev{font-size:.75em;font-weight:700;padding:0 .45em;border-radius:4px;color:#fff}
.ca-sev.high{background:#c0392b}.ca-sev.medium{background:#e67e22}.ca-sev.low{background:#7f8c8d}
.ca-check{font-size:.75em;font-weight:700;padding:0 .45em;border-radius:4px;border:1px solid #8e44ad;color:#8e44ad}
.ca-dec{font-size:.75em;font-weight:600;padding:0 .45em;border-radius:9px;border:1px solid #ccc;background:#fff}
.ca-dec.accepted{border-color:#2e7d32;color:#2e7d32}.ca-dec.edited{border-color:#1565c0;color:#1565c0}
.ca-dec.rejected{border-color:#b71c1c;color:#b71c1c}.ca-dec.not_applicable{border-color:#616161;color:#616161}
.ca-dec.pending{border-color:#b58900;color:#8a6d00;background:#fffbe6}
.ca-where{font-size:.85em;color:rgba(49,51,63,.65)}
.ca-head a,.ca-doc a.ca-back{text-decoration:none;color:inherit}
.ca-head a.ca-jump{color:#1565c0;font-size:.85em}
[class*="st-key-card_"] .ca-text{font-size:.9rem;line-height:1.45}
.ca-doc{max-height:calc(100vh - 14rem);min-height:20rem;font-size:.9rem}
.ca-doc mark.f{background:#fff1a8;padding:0 1px;cursor:pointer}
.ca-doc mark.f.high{background:#ffd0c8}.ca-doc mark.f.medium{background:#ffe3b8}
.ca-doc mark.f.accepted{background:#cdebd0}.ca-doc mark.f.rejected,.ca-doc mark.f.not_applicable{background:#e6e6e6}
.ca-doc mark.hit{background:#8fd3ff;outline:1px solid #1e88e5}
.ca-flash{animation:ca-flash 1.2s ease-out}
@keyframes ca-flash{0%{box-shadow:0 0 0 4px #4a90d9}100%{box-shadow:0 0 0 0 transparent}}
[data-testid="stColumn"]:has(.ca-doc){position:sticky;top:3.75rem;align-self:flex-start}
</style>
"""

# Keyboard shortcuts and smooth in-page jumps. A fixed script (no document text in it), run once per page.
KEYS_JS = """
<script>
(function () {
  if (window.__caKeys) return;
  window.__caKeys = true;
  const d = document;
  const cards = () => Array.from(d.querySelectorAll('[class*="st-key-card_"]'));
  const fidOf = (card) => { const h = card && card.querySelector('.ca-head'); return h ? h.dataset.f : null; };
  // the current finding is kept by id: the app redraws its cards after every decision
  const currentCard = () => cards().find(c => fidOf(c) === window.__caCurrent) || null;
  const mark = (el) => {
    window.__caCurrent = fidOf(el);
    cards().forEach(c => c.classList.toggle('ca-current', c === el));
  };
  const flash = (el) => { el.classList.add('ca-flash'); setTimeout(() => el.classList.remove('ca-flash'), 1200); };
  function go(step) {
    const cs = cards();
    if (!cs.length) return;
    const i = cs.indexOf(currentCard());
    const j = i < 0 ? 0 : Math.max(0, Math.min(cs.length - 1, i + step));
    mark(cs[j]);
    cs[j].scrollIntoView({block: 'start', behavior: 'smooth'});
    const head = cs[j].querySelector('.ca-head');
    const target = head && d.getElementById('doc-' + head.dataset.f);
    if (target) { target.scrollIntoView({block: 'center'}); }
  }
  function decide(label) {
    const card = currentCard();
    if (!card) return;
    mark(card);
    for (const l of card.querySelectorAll('[data-testid="stRadio"] label')) {
      if (l.innerText.trim() === label) { l.click(); return; }
    }
  }
  d.addEventListener('keydown', (e) => {
    const t = e.target;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    // letters typed into a text field are text; a focused radio button or checkbox (a decision
    // just made with the mouse or with a key) leaves the shortcuts working
    const choice = t && t.tagName === 'INPUT' && /^(radio|checkbox)$/i.test(t.type);
    if (t && !choice && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    const k = e.key.toLowerCase();
    const acts = {j: () => go(1), n: () => go(1), k: () => go(-1), p: () => go(-1),
                  a: () => decide('Accept'), r: () => decide('Reject'), u: () => decide('Undecided'),
                  x: () => decide('Not applicable')};
    if (acts[k]) { acts[k](); e.preventDefault(); }
  });
  d.addEventListener('click', (e) => {
    const a = e.target.closest && e.target.closest('a.ca-jump, a.ca-back, a.ca-hit');
    if (!a) return;
    const el = d.getElementById(a.getAttribute('href').slice(1));
    if (!el) return;
    e.preventDefault();
    el.scrollIntoView({block: 'center', behavior: 'smooth'});
    const card = el.closest('[class*="st-key-card_"]');
    if (card) mark(card);
    flash(el.closest('[class*="st-key-card_"]') || el.nextElementSibling || el);
  });
})();
</script>
"""


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


def accepted(report: Report) -> tuple[set[str], dict[str, str]]:
    """Ids of accepted suggestions and, for those edited, the edited text."""
    return dec.accepted(report)


def _card_state(report: Report, f: Finding) -> str:
    s = dec.status(report, f.id)
    return "edited" if s == ACCEPTED and dec.is_edited(report, f) else s


def _header(report: Report, f: Finding, clauses: dict[str, Clause], lang: str = "en") -> str:
    state = _card_state(report, f)
    label = "Accepted (edited)" if state == "edited" else STATUS_TEXT[dec.status(report, f.id)]
    where = []
    if f.clause_id in clauses:
        where.append(clause_title(clauses[f.clause_id], clauses))
    elif f.suggestion and f.suggestion.action == "insert" and f.suggestion.after_clause_id in clauses:
        where.append("after " + clause_title(clauses[f.suggestion.after_clause_id], clauses))
    pages = pages_text(finding_pages(report, f))
    if pages:
        where.append(pages)
    esc = highlight.esc
    return (f'<p class="ca-head {state}" id="card-{esc(f.id)}" data-f="{esc(f.id)}">'
            f'<span class="ca-sev {f.severity.value}">{esc(f.severity.upper())}</span>'
            f'<b>{esc(category_name(f.category, lang))}</b><span class="ca-where">{esc(f.kind)}</span>'
            + (f'<span class="ca-check" title="{esc(check_note(f))}">CHECK</span>' if f.needs_check else "")
            + f'<span class="ca-dec {state}">{esc(label)}</span>'
            + (f'<span class="ca-where">{esc(" · ".join(where))}</span>' if where else "")
            + f'<a class="ca-jump" href="#doc-{esc(f.id)}">show in text ↗</a></p>')


def _suggestion(report: Report, f: Finding, clauses: dict[str, Clause]) -> None:
    """The suggested language in a collapsed box: what it does, the text it changes, the editable text."""
    s = f.suggestion
    sha = report.document.sha256
    k = dec.keys(sha, f.id)
    status = dec.status(report, f.id)
    where = ""
    if s.action == "insert" and s.after_clause_id in clauses:
        where = f" after {clause_title(clauses[s.after_clause_id], clauses)}"
    with st.expander(md_escape(f"Suggested language: {ACTION_TEXT.get(s.action, s.action)}{where}"),
                     expanded=False):
        if status in (REJECTED, NOT_APPLICABLE):
            st.caption("Not proposed: this finding is " + STATUS_TEXT[status].lower() + ".")
        if s.action in ("replace", "delete") and s.start is not None and s.end is not None:
            st.html(highlight.note(" ".join(report.text[s.start:s.end].split())[:400], strong="Current text:"))
        if s.action != "delete":
            st.text_area("Suggested language (editable)", key=k["txt"], height=120, label_visibility="collapsed",
                         on_change=dec.save_text, args=(sha, f.id),
                         disabled=status in (REJECTED, NOT_APPLICABLE))


def category_name(category: str, lang: str = "en") -> str:
    """A category as a card shows it: its Chinese name for ``zh``, else its id in words."""
    return CATEGORY_ZH.get(category, category) if lang == "zh" else category.replace("_", " ")


def render_finding(report: Report, f: Finding, clauses: dict[str, Clause], lang: str = "en") -> None:
    sha = report.document.sha256
    dec.restore_widgets(sha, f)
    k = dec.keys(sha, f.id)
    with st.container(border=True, key=f"card_{f.id}"):
        st.html(_header(report, f, clauses, lang))
        st.html(highlight.line(f.message))
        if f.evidence:
            ev = f.evidence[0]
            st.html(highlight.snippet(report.text, ev.start, ev.end, context=EVIDENCE_CONTEXT))
            if len(f.evidence) > 1:
                with st.expander(f"{len(f.evidence) - 1} more passage(s)"):
                    for ev in f.evidence[1:3]:
                        st.html(highlight.snippet(report.text, ev.start, ev.end))
        elif f.kind == "missing":
            st.caption("Not found in the document.")
        if f.rationale:
            if len(f.rationale) <= RATIONALE_INLINE_CHARS:
                st.html(highlight.note(f.rationale, strong="Why it matters:"))
            else:
                with st.expander("Why it matters"):
                    st.html(highlight.note(f.rationale))
        has_text = f.suggestion and (f.suggestion.text or f.suggestion.action == "delete")
        if has_text:
            _suggestion(report, f, clauses)
        status = dec.status(report, f.id)
        fallback = has_text and f.suggestion.fallback_text and f.suggestion.action != "delete"
        cols = st.columns([8, 2], vertical_alignment="center") if fallback else [st.container()]
        with cols[0]:
            st.radio("Decision", list(dec.CHOICES), key=k["dec"], horizontal=True, label_visibility="collapsed",
                     on_change=dec.save_decision, args=(sha, f.id))
        if fallback:
            with cols[1]:
                st.button("Fallback", key=k["fb"], on_click=dec.use_text, args=(sha, f.id, f.suggestion.fallback_text),
                          help="Use the playbook's fallback language: " + md_escape(f.suggestion.fallback_text),
                          disabled=status in (REJECTED, NOT_APPLICABLE))
        if status != PENDING or st.session_state.get(k["note"]):
            st.text_input("Note", key=k["note"], label_visibility="collapsed", on_change=dec.save_note,
                          args=(sha, f.id),
                          placeholder="Why it does not apply (shown in the memo)" if status == NOT_APPLICABLE
                          else "Note for the memo (optional)")


def _counter(report: Report) -> None:
    c = dec.counts(report)
    total = len(report.findings)
    done = total - c[PENDING]
    st.progress(done / total if total else 1.0,
                text=f"**{c[PENDING]} of {total} undecided** · {c[ACCEPTED]} accepted"
                     + (f" ({c['edited']} edited)" if c["edited"] else "")
                     + f" · {c[REJECTED]} rejected · {c[NOT_APPLICABLE]} not applicable")


def _choose(sha: str, group: tuple[str, ...]) -> None:
    dec.preferences(sha)[group] = st.session_state[f"conflict:{sha[:16]}:{'+'.join(group)}"]


def render_conflicts(report: Report) -> None:
    """Accepted suggestions that change the same text: show them and let the user choose one."""
    from analyzer.redline.plan import plan_changes

    ids, edits = dec.accepted(report)
    if len(ids) < 2:
        return
    plan = plan_changes(report, ids, edits, dec.preferred(report))
    if not plan.conflicts:
        return
    sha = report.document.sha256
    by_id = {f.id: f for f in report.findings}
    texts = dec.edited_texts(sha)
    for conflict in plan.conflicts:
        group = tuple(sorted(conflict.finding_ids))
        with st.container(border=True, key=f"conflict_{'_'.join(group)}"):
            st.warning("These accepted suggestions change the same text, and only one edit of it can be tracked. "
                       "Choose the one to put in the redline; the others stay accepted in the memo but are left out "
                       "of the redline.", icon=":material/call_split:")
            st.html(highlight.snippet(report.text, conflict.start, conflict.end))

            def label(fid: str) -> str:
                f = by_id[fid]
                text = texts.get(fid, f.suggestion.text) if f.suggestion.action != "delete" else "(delete the text)"
                short = " ".join((text or "").split())
                return f"{f.severity.upper()} {f.category}: {f.suggestion.action} → {short[:140]}" \
                    + ("…" if len(short) > 140 else "")

            key = f"conflict:{sha[:16]}:{'+'.join(group)}"
            if key not in st.session_state:
                st.session_state[key] = dec.preferences(sha).get(group, conflict.applied)
            st.radio("Apply", list(group), key=key, format_func=lambda fid: md_escape(label(fid)),
                     on_change=_choose, args=(sha, group))
            dec.preferences(sha).setdefault(group, st.session_state[key])


def render_findings(report: Report, lang: str = "en") -> None:
    """The finding cards beside the contract text; ``lang`` names the categories (``zh``: in Chinese)."""
    if not report.findings:
        if any(i.stage == "compare" for i in report.issues):
            st.warning("The playbook comparison did not run; see the issues above.")
        else:
            st.success("No findings: the contract meets the playbook.")
        return
    st.html(CARD_CSS)
    st.html(KEYS_JS, unsafe_allow_javascript=True)
    clauses = {c.id: c for c in report.clauses}
    _counter(report)
    c1, c2, c3 = st.columns([3, 2, 2])
    severities = c1.multiselect("Severity", SEVERITY_NAMES, default=SEVERITY_NAMES, key="sev_filter")
    show = c2.radio("Show", SHOW, horizontal=True, key="show_filter")
    query = c3.text_input("Search the text", key=f"doc_search:{report.document.sha256[:16]}",
                          placeholder="word or phrase")
    render_conflicts(report)
    shown = [f for f in sorted_findings(report) if f.severity in severities
             and (show == "All" or (dec.status(report, f.id) == PENDING) == (show == "Undecided"))]
    st.caption(f"{len(shown)} of {len(report.findings)} finding(s) shown · keys: j/k next/previous finding, "
               "a accept, r reject, x not applicable, u undecided · click a highlight in the text to see its finding")
    left, right = st.columns([3, 2], gap="medium")
    with left:
        for f in shown:
            render_finding(report, f, clauses, lang)
        if not shown:
            st.info("No finding matches the filters.")
    with right:
        hits = search_hits(report.text, query) if query else []
        if query:
            st.html(highlight.note(f"{len(hits)}{'+' if len(hits) >= 500 else ''} match(es) for “{query}”"
                                   + (" · " if hits else ""), strong="Search:")
                    .replace("</p>", ('<a class="ca-hit" href="#hit-1">first match ↗</a></p>' if hits else "</p>")))
        statuses = {f.id: _card_state(report, f) for f in report.findings}
        st.html(document_html(report, sorted_findings(report), hits, statuses))
