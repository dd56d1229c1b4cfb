"""Decisions made on the fast stage's first findings go with them when the refined report replaces
the first one: a finding whose evidence moved keeps its decision, edited text and note; a finding the
refined analysis no longer reports is named, not dropped in silence."""

from __future__ import annotations

import logging

import pytest
import streamlit as st

from analyzer.core.schema import DocumentInfo, Finding, Format, Report, Span, Suggestion
from analyzer.output.decisions import ACCEPTED, NOT_APPLICABLE, REJECTED, successors

TEXT = ("1. Liability. Liability is unlimited. 2. Assignment. Either party may assign freely. "
        "3. Indemnity. The Licensee shall indemnify the Licensor without limitation.")
SHA = "ab" * 32


def _f(fid: str, rule: str, needle: str, kind: str = "deviation", suggestion: str | None = None) -> Finding:
    s = TEXT.index(needle)
    return Finding(id=fid, rule_id=rule, category=rule.split(".")[0], kind=kind, severity="medium",
                   message=f"message {fid}", evidence=[Span(start=s, end=s + len(needle))],
                   suggestion=Suggestion(action="replace", text=suggestion, start=s, end=s + len(needle))
                   if suggestion else None)


def _report(findings: list[Finding]) -> Report:
    return Report(document=DocumentInfo(source="c.txt", format=Format.TXT, sha256=SHA, chars=len(TEXT)),
                  text=TEXT, findings=findings)


def test_successors_keep_ids_then_follow_rule_and_kind_then_evidence():
    old = [_f("same", "liability.cap", "Liability is unlimited"),
           _f("moved", "assignment.consent", "Either party may assign"),
           _f("gone", "indemnity.mutual", "shall indemnify"),
           _f("left", "liability.carve", "1. Liability."),
           _f("right", "liability.carve", "Liability is unlimited")]
    new = [_f("same", "liability.cap", "Liability is unlimited"),
           _f("moved2", "assignment.consent", "Either party may assign freely"),
           _f("other_kind", "indemnity.mutual", "shall indemnify", kind="missing"),
           _f("right2", "liability.carve", "is unlimited"),
           _f("left2", "liability.carve", "1. Liability")]
    assert successors(old, new) == {"same": "same", "moved": "moved2", "left": "left2", "right": "right2"}


def test_successors_leave_a_tie_without_evidence_undecided():
    old = [_f("a", "liability.carve", "Either party")]
    new = [_f("b", "liability.carve", "1. Liability."), _f("c", "liability.carve", "shall indemnify")]
    assert successors(old, new) == {}  # two candidates, neither overlapping: no guess


@pytest.fixture
def session():
    for name in ("scriptrunner_utils.script_run_context", "state.session_state_proxy"):  # bare mode: no script run
        logging.getLogger(f"streamlit.runtime.{name}").setLevel(logging.ERROR)
    for name in ("decisions", "edited_texts", "notes", "conflict_choices"):
        st.session_state.pop(name, None)
    yield st.session_state
    for name in ("decisions", "edited_texts", "notes", "conflict_choices"):
        st.session_state.pop(name, None)


def test_carry_over_moves_decisions_texts_notes_and_names_what_is_gone(session):
    from ui import decisions as dec

    first = _report([_f("cap1", "liability.cap", "Liability is unlimited", suggestion="Liability is capped."),
                     _f("asg1", "assignment.consent", "Either party may assign", suggestion="No assignment."),
                     _f("ind1", "indemnity.mutual", "shall indemnify"),
                     _f("quiet", "law.choice", "1. Liability.")])
    refined = _report([_f("cap2", "liability.cap", "Liability is unlimited.", suggestion="Liability is capped."),
                       _f("asg2", "assignment.consent", "Either party may assign freely", suggestion="No assignment."),
                       _f("new", "law.choice", "2. Assignment.", kind="missing")])
    dec.decisions(SHA).update(cap1=ACCEPTED, asg1=ACCEPTED, ind1=REJECTED)
    dec.edited_texts(SHA).update(cap1="Liability is capped at the fees paid.", asg1="No assignment.")
    dec.notes(SHA).update(asg1="agreed with the client", quiet="")
    dec.preferences(SHA)[("asg1", "cap1")] = "cap1"

    lost = dec.carry_over(first, refined)

    assert [f.id for f in lost] == ["ind1"]  # decided, and the refined analysis has no such finding
    assert dec.decisions(SHA) == {"cap2": ACCEPTED, "asg2": ACCEPTED, "ind1": REJECTED}  # ind1's stays where it was
    assert dec.edited_texts(SHA) == {"cap2": "Liability is capped at the fees paid."}  # an unedited text is not kept
    assert dec.notes(SHA) == {"asg2": "agreed with the client", "quiet": ""}
    assert dec.preferences(SHA) == {("asg2", "cap2"): "cap2"}
    ids, edits = dec.accepted(refined)
    assert ids == {"cap2", "asg2"} and edits == {"cap2": "Liability is capped at the fees paid."}


def test_carry_over_of_an_unchanged_report_changes_nothing(session):
    from ui import decisions as dec

    report = _report([_f("cap1", "liability.cap", "Liability is unlimited", suggestion="Liability is capped.")])
    dec.decisions(SHA)["cap1"] = NOT_APPLICABLE
    dec.notes(SHA)["cap1"] = "capped in the side letter"
    assert dec.carry_over(report, report.model_copy(deep=True)) == []
    assert dec.decisions(SHA) == {"cap1": NOT_APPLICABLE} and dec.notes(SHA) == {"cap1": "capped in the side letter"}
