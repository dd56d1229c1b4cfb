"""The reviewer's decisions, kept in ``st.session_state`` per document hash and finding id.

Every widget that changes a decision, a text or a note saves it in its
``on_change`` callback. Streamlit runs callbacks before the script reruns, so
everything drawn above the cards (the undecided counter, the filters) already
sees the new value; nothing waits for the card itself to be drawn.
"""

from __future__ import annotations

from typing import Optional

import streamlit as st

from analyzer.core.schema import Finding, Report
from analyzer.output.decisions import (
    ACCEPTED,
    NOT_APPLICABLE,
    PENDING,
    REJECTED,
    Decision,
    Review,
    successors,
)
from ui.state import store

# Radio labels, in the order shown, and the decision each stands for.
CHOICES = {"Undecided": PENDING, "Accept": ACCEPTED, "Reject": REJECTED, "Not applicable": NOT_APPLICABLE}
LABEL_OF = {v: k for k, v in CHOICES.items()}


def keys(sha: str, fid: str) -> dict[str, str]:
    """Widget keys of one finding's decision, text and note."""
    tag = f"{sha[:16]}:{fid}"
    return {"dec": f"dec:{tag}", "txt": f"txt:{tag}", "note": f"note:{tag}", "fb": f"fb:{tag}"}


def decisions(sha: str) -> dict[str, str]:
    """Finding id -> "pending" | "accepted" | "rejected" | "not_applicable" for the document ``sha``."""
    return store("decisions").setdefault(sha, {})


def edited_texts(sha: str) -> dict[str, str]:
    """Finding id -> suggestion text as edited by the user."""
    return store("edited_texts").setdefault(sha, {})


def notes(sha: str) -> dict[str, str]:
    """Finding id -> the reviewer's note."""
    return store("notes").setdefault(sha, {})


def preferences(sha: str) -> dict[tuple[str, ...], str]:
    """Conflicting suggestions (sorted finding ids) -> the one the user chose to apply."""
    return store("conflict_choices").setdefault(sha, {})


def save_decision(sha: str, fid: str) -> None:
    decisions(sha)[fid] = CHOICES.get(st.session_state.get(keys(sha, fid)["dec"]), PENDING)


def save_text(sha: str, fid: str) -> None:
    edited_texts(sha)[fid] = st.session_state.get(keys(sha, fid)["txt"], "")


def save_note(sha: str, fid: str) -> None:
    notes(sha)[fid] = st.session_state.get(keys(sha, fid)["note"], "")


def set_decision(sha: str, fid: str, status: str) -> None:
    """Set a decision from code (a button, a bulk action): the store and the widget agree."""
    decisions(sha)[fid] = status
    st.session_state[keys(sha, fid)["dec"]] = LABEL_OF[status]


def use_text(sha: str, fid: str, text: str) -> None:
    st.session_state[keys(sha, fid)["txt"]] = text
    edited_texts(sha)[fid] = text


def restore_widgets(sha: str, f: Finding) -> None:
    """Widget state is dropped when a page is not shown: put the stored values back first."""
    k = keys(sha, f.id)
    if k["dec"] not in st.session_state:
        st.session_state[k["dec"]] = LABEL_OF[decisions(sha).get(f.id, PENDING)]
    if f.suggestion is not None and k["txt"] not in st.session_state:
        st.session_state[k["txt"]] = edited_texts(sha).get(f.id, f.suggestion.text)
    if k["note"] not in st.session_state:
        st.session_state[k["note"]] = notes(sha).get(f.id, "")


def status(report: Report, fid: str) -> str:
    return decisions(report.document.sha256).get(fid, PENDING)


def is_edited(report: Report, f: Finding) -> bool:
    text = edited_texts(report.document.sha256).get(f.id)
    return (f.suggestion is not None and text is not None
            and " ".join(text.split()) != " ".join((f.suggestion.text or "").split()))


def accepted(report: Report) -> tuple[set[str], dict[str, str]]:
    """Ids of accepted suggestions and, for those edited, the edited text."""
    sha = report.document.sha256
    dec, texts = decisions(sha), edited_texts(sha)
    ids = {f.id for f in report.findings if f.suggestion and dec.get(f.id) == ACCEPTED}
    edits = {f.id: texts[f.id] for f in report.findings if f.id in ids and is_edited(report, f)}
    return ids, edits


def preferred(report: Report) -> set[str]:
    """The finding ids chosen where accepted suggestions conflict."""
    return set(preferences(report.document.sha256).values())


def review(report: Report, not_applied: Optional[dict[str, str]] = None) -> Review:
    """The decisions on ``report`` as the memos take them."""
    sha = report.document.sha256
    dec, texts, kept_notes = decisions(sha), edited_texts(sha), notes(sha)
    out = {}
    for f in report.findings:
        st_ = dec.get(f.id, PENDING)
        text = texts.get(f.id) if st_ == ACCEPTED and is_edited(report, f) else None
        note = (kept_notes.get(f.id) or "").strip()
        if st_ != PENDING or note:
            out[f.id] = Decision(st_, text, note)
    return Review(out, dict(not_applied or {}))


def carry_over(old: Report, new: Report) -> list[Finding]:
    """Move the decisions, edited texts, notes and conflict choices made on ``old``'s findings to the
    findings of ``new`` (the same document analyzed again) that take their place.

    Returns the findings of ``old`` that carried a decision or a note and have no successor."""
    sha = old.document.sha256
    succ = successors(old.findings, new.findings)
    dec, texts, kept_notes = decisions(sha), edited_texts(sha), notes(sha)
    lost = []
    for f in old.findings:
        to = succ.get(f.id)
        decided = dec.get(f.id, PENDING) != PENDING or (kept_notes.get(f.id) or "").strip()
        if to is None:
            if decided:
                lost.append(f)
            continue
        if to == f.id:
            continue
        if f.id in dec:
            dec[to] = dec.pop(f.id)
        if f.id in texts:
            edited = is_edited(old, f)
            text = texts.pop(f.id)
            if edited:
                texts[to] = text
        if f.id in kept_notes:
            kept_notes[to] = kept_notes.pop(f.id)
    prefs = preferences(sha)
    for ids, chosen in list(prefs.items()):
        del prefs[ids]
        if chosen in succ and all(i in succ for i in ids):
            prefs[tuple(sorted(succ[i] for i in ids))] = succ[chosen]
    return lost


def counts(report: Report) -> dict[str, int]:
    """Findings per decision, plus ``edited``."""
    out = {PENDING: 0, ACCEPTED: 0, REJECTED: 0, NOT_APPLICABLE: 0, "edited": 0}
    for f in report.findings:
        s = status(report, f.id)
        out[s] += 1
        out["edited"] += s == ACCEPTED and is_edited(report, f)
    return out


__all__ = ["CHOICES", "LABEL_OF", "accepted", "carry_over", "counts", "decisions", "edited_texts", "is_edited", "keys", "notes",
           "preferences", "preferred", "restore_widgets", "review", "save_decision", "save_note", "save_text",
           "set_decision", "status", "use_text"]
