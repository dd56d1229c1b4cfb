"""Playbooks page: browse the clause library; upload a custom playbook YAML and validate it."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import streamlit as st
import yaml

from ..errors import PlaybookError
from .findings import md_escape
from .state import AUTO, playbook_choices, store

MAX_PLAYBOOK_BYTES = 1024 * 1024


def _shipped_rule_sets(text: str) -> list[Path]:
    """Shipped rule-set files a custom playbook includes (copied beside it so includes resolve)."""
    from ..playbook import LIBRARY_DIR

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return []
    names = data.get("includes") if isinstance(data, dict) else None
    if not isinstance(names, list):
        return []
    out = []
    for name in names:
        if isinstance(name, str) and "/" not in name and "\\" not in name and (Path(LIBRARY_DIR) / name).is_file():
            out.append(Path(LIBRARY_DIR) / name)
    return out


def validate_upload(name: str, data: bytes):
    """Load an uploaded playbook; raise ``PlaybookError`` with '[loc] msg' lines. Temp files are removed."""
    from ..playbook import load_playbook

    if len(data) > MAX_PLAYBOOK_BYTES:
        raise PlaybookError(name, [f"[file] {len(data):,} bytes is over the {MAX_PLAYBOOK_BYTES:,}-byte limit"])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise PlaybookError(name, ["[file] not UTF-8 text"]) from None
    safe = Path(name).name if Path(name).suffix.lower() in (".yaml", ".yml") else "playbook.yaml"
    with tempfile.TemporaryDirectory(prefix="clause-analyzer-") as tmp:
        for src in _shipped_rule_sets(text):
            shutil.copyfile(src, Path(tmp) / src.name)
        path = Path(tmp) / safe
        path.write_text(text, encoding="utf-8")
        try:
            return load_playbook(path)
        except PlaybookError as exc:
            raise PlaybookError(name, exc.errors) from None


def _upload_section() -> None:
    st.subheader("Upload a custom playbook")
    up = st.file_uploader("Playbook YAML", type=["yaml", "yml"], key="playbook_upload",
                          help="Validated against the playbook schema (clause_library/schema.json).")
    if up is None:
        return
    try:
        pb = validate_upload(up.name, up.getvalue())
    except PlaybookError as exc:
        st.error(f"{up.name} is not a valid playbook: {len(exc.errors)} problem(s).")
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
    from ..playbook import resolve_playbook

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
