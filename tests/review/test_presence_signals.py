"""Presence signals are a parameter (of ``PresenceIndex`` and ``compare``), never a module global that
a caller changes; the heading signal reads the headed sections of ``analyzer.structure.headings``."""

from __future__ import annotations

import pytest
from builders import clause_report

from analyzer.review import presence
from analyzer.review.findings import compare
from analyzer.review.playbook import resolve_playbook
from analyzer.review.presence import SIGNALS, PresenceIndex
from analyzer.structure.headings import HeadingIndex

LAW = "This Agreement is governed by the laws of England and Wales without regard to conflict rules."


def _report():
    # a heading ("Governing Law"), a phrase in loose text and a label, each on its own
    return clause_report([("Governing Law", LAW)],
                         loose="The Licensee shall keep the Licensor's information in strict confidence at all times.\n",
                         labels=[("governing_law", LAW)])


@pytest.mark.parametrize("signals, law, confidentiality", [
    (SIGNALS, {"label"}, {"phrase"}),                   # labels win over the heading of the same sentence
    ({"heading"}, {"heading"}, set()),
    ({"phrase"}, {"phrase"}, {"phrase"}),
    ({"label", "heading"}, {"label"}, set()),
    ((), set(), set()),
])
def test_signals_choose_the_evidence(signals, law, confidentiality):
    index = PresenceIndex(_report(), signals)
    assert {u.source for u in index.evidence("governing_law")} == law
    assert {u.source for u in index.evidence("confidentiality")} == confidentiality


def test_unknown_signal_is_refused():
    with pytest.raises(ValueError, match="unknown presence signal.*'?labels"):
        PresenceIndex(_report(), {"labels"})


def test_signals_thread_through_compare_and_leave_the_module_alone():
    rep = _report()
    playbook = resolve_playbook("tech-license")
    before = frozenset(presence.SIGNALS)
    everything = {f.rule_id for f in compare(rep, playbook, "licensee") if f.kind == "missing"}
    nothing = {f.rule_id for f in compare(rep, playbook, "licensee", signals=()) if f.kind == "missing"}
    assert presence.SIGNALS == before == {"label", "heading", "phrase"}
    assert "common.governing-law" in nothing and "common.governing-law" not in everything
    assert everything < nothing


def test_presence_sections_are_the_heading_finders():
    rep = _report()
    assert PresenceIndex(rep).sections == HeadingIndex(rep.text, rep.clauses).sections


def test_ablation_benchmark_passes_signals_instead_of_setting_them():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    import ablation

    source = Path(ablation.__file__).read_text(encoding="utf-8")
    assert "presence.SIGNALS" not in source and "SIGNALS.update" not in source
    rep = _report()
    assert ablation.survives(rep, {"governing_law"}, signals={"heading"})
    assert not ablation.survives(rep, {"governing_law"}, signals=())
