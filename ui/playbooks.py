"""Playbooks page: browse the clause library; upload a custom playbook YAML and validate it."""

from __future__ import annotations

import streamlit as st

from analyzer.core.errors import PlaybookError
from ui.findings import md_escape
from ui.state import AUTO, playbook_choices, store


def validate_upload(name: str, data: bytes):
    """Load an uploaded playbook; raise ``PlaybookError`` with '[loc] msg' lines.

    Nothing is written to disk; the playbook's includes resolve against the
    clause library only (``analyzer.review.playbook.load_playbook_bytes``).
    """
    from analyzer.review.playbook import load_playbook_bytes

    return load_playbook_bytes(data, name)


def upload_error_text(exc: PlaybookError) -> str:
    """The one-line summary shown for an upload that is not a valid playbook."""
    first = exc.errors[0] if exc.errors else "invalid playbook"
    more = f" (+{len(exc.errors) - 1} more problem(s), listed below)" if len(exc.errors) > 1 else ""
    return f"{exc.source} is not a valid playbook: {first}{more}"


def _upload_section() -> None:
    st.subheader("Upload a custom playbook")
    up = st.file_uploader("Playbook YAML", type=["yaml", "yml"], key="playbook_upload",
                          help="Validated against the playbook schema (clause_library/schema.json).")
    if up is None:
        return
    try:
        pb = validate_upload(up.name, up.getvalue())
    except PlaybookError as exc:
        st.error(upload_error_text(exc))
        st.code("\n".join(exc.errors), language="text")
        return
    store("custom_playbooks")[pb.id] = pb
    st.success(f"{up.name}: playbook '{pb.id}' v{pb.version} is valid ({len(pb.rules)} rules). "
               "It can now be chosen on the Review and Batch pages.")


def _rule(rule) -> None:
    title = f"{rule.title} · {rule.category} · {rule.requirement} · {rule.severity}"
    with st.expander(title):
        st.markdown(f"`{rule.id}` — {md_escape(rule.rationale)}")
        if rule.perspectives:
            st.caption("Applies to: " + ", ".join(rule.perspectives))
        if rule.preferred:
            st.markdown("**Preferred language**")
            st.code(rule.preferred, language="text", wrap_lines=True)
        if rule.fallback:
            st.markdown("**Fallback language**")
            st.code(rule.fallback, language="text", wrap_lines=True)
        if rule.checks:
            st.markdown("**Checks**")
            st.dataframe([{"attribute": c.attribute, "op": c.op, "value": "" if c.value is None else str(c.value),
                           "kind": c.kind, "message": c.message} for c in rule.checks],
                         hide_index=True, width="stretch")
        for persp, ov in rule.by_perspective.items():
            changed = [k for k, v in ov.model_dump(exclude_none=True).items() if v]
            if changed:
                st.caption(f"For the {persp}: overrides {', '.join(changed)}")


def render() -> None:
    from analyzer.review.playbook import resolve_playbook

    st.title("Playbooks")
    choices = [c for c in playbook_choices() if c.key != AUTO]
    if not choices:
        st.warning("No playbooks found in the clause library.")
    else:
        key = st.selectbox("Playbook", [c.key for c in choices],
                           format_func={c.key: c.label for c in choices}.__getitem__, key="browse_playbook")
        choice = next(c for c in choices if c.key == key)
        try:
            pb = resolve_playbook(choice.spec)
        except PlaybookError as exc:
            st.error(str(exc))
            st.code("\n".join(exc.errors), language="text")
            pb = None
        if pb is not None:
            if pb.description:
                st.markdown(md_escape(pb.description))
            st.caption(f"id {pb.id} · version {pb.version} · for {', '.join(pb.agreement_types)} agreements · "
                       f"perspectives {', '.join(pb.perspectives)} (default {pb.default_perspective})")
            query = st.text_input("Filter rules", key="rule_filter", placeholder="category, title or id")
            rules = [r for r in pb.rules if not query or query.lower() in f"{r.id} {r.title} {r.category}".lower()]
            st.caption(f"{len(rules)} of {len(pb.rules)} rule(s)")
            for rule in rules:
                _rule(rule)
    _upload_section()
