"""The deletion protocol of benchmarks/ablation.py: what a deletion removes and when a clause survives."""

from __future__ import annotations

import sys
from pathlib import Path

from analyzer.core.schema import Report
from analyzer.review.presence import PresenceIndex

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import ablation  # noqa: E402
from builders import clause_report  # noqa: E402

GOV = "This Agreement shall be governed by the laws of England."
WARRANTY = "The Supplier warrants that the Products will conform to the Specifications."


def report(sections: list[tuple[str, str]], loose: str = "") -> Report:
    return clause_report(sections, loose, source="a.txt")


def annotated(rep: Report, name: str, snippet: str) -> dict:
    s = rep.text.index(snippet)
    return {"labels": {name: [{"start": s, "end": s + len(snippet), "text": snippet}]}}


def test_a_cuad_clause_goes_with_its_section_and_every_section_named_for_it():
    rep = report([("Governing Law", GOV), ("Notices", "Notices shall be in writing."),
                  ("Choice of Law", "The laws of England apply to any non-contractual claim.")])
    spans, basis = ablation.deletion_spans(annotated(rep, "Governing Law", GOV), PresenceIndex(rep), {"governing_law"}, True)
    left = ablation.delete_spans(rep.text, spans)
    assert basis == {"cuad"}
    assert "Governing Law" not in left and "Choice of Law" not in left and "laws of England" not in left
    assert "Notices shall be in writing." in left


def test_the_section_an_annotation_makes_up_is_deleted_whatever_its_heading():
    rep = report([("Miscellaneous", GOV), ("Notices", "Notices shall be in writing.")])
    spans, _ = ablation.deletion_spans(annotated(rep, "Governing Law", GOV), PresenceIndex(rep), {"governing_law"}, True)
    left = ablation.delete_spans(rep.text, spans)
    assert "Miscellaneous" not in left and "Notices" in left


def test_a_large_section_around_a_short_annotation_stays():
    filler = " ".join(f"Clause {i} of the general terms applies to the Products." for i in range(20))
    rep = report([("General", f"{filler} {GOV}")])
    spans, _ = ablation.deletion_spans(annotated(rep, "Governing Law", GOV), PresenceIndex(rep), {"governing_law"}, True)
    left = ablation.delete_spans(rep.text, spans)
    assert GOV not in left and "General" in left and "Clause 3 of the general terms" in left


def test_no_annotation_and_no_heading_means_not_present():
    rep = report([("Notices", "Notices shall be in writing.")])
    assert ablation.deletion_spans({"labels": {}}, PresenceIndex(rep), {"governing_law"}, True) == ([], set())


def test_a_category_cuad_lacks_is_deleted_by_heading():
    rep = report([("Warranty", WARRANTY), ("Notices", "Notices shall be in writing.")])
    spans, basis = ablation.deletion_spans({"labels": {}}, PresenceIndex(rep), {"warranty"}, True)
    assert basis == {"heading"} and WARRANTY not in ablation.delete_spans(rep.text, spans)


def test_survives_only_for_a_sentence_of_that_kind():
    kept = report([("Notices", "Notices shall be in writing.")], loose="The Supplier represents and warrants that it owns the Products.")
    assert ablation.survives(kept, {"warranty"})
    severability = report([("Notices", "Notices shall be in writing.")],
                          loose="If any term is held invalid, the rest of this Agreement shall remain in full force and effect.")
    assert not ablation.survives(severability, {"term"})
