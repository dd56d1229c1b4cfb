"""Heading-derived (distant) labels: the training labels of the licensing/JV categories CUAD lacks."""

from __future__ import annotations

import pytest

from analyzer.classify.features import HeadingIndex
from analyzer.core.taxonomy import LICENSING_JV_CATEGORIES
from analyzer.evaluation.heading_labels import (
    DEFINED_TERMS,
    HEADING_PATTERNS,
    TEXT_PATTERNS,
    TEXT_REQUIREMENTS,
    distant_labels,
    heading_labels,
    text_labels,
)


def test_every_rule_names_a_licensing_jv_category():
    for rules in (HEADING_PATTERNS, TEXT_REQUIREMENTS, TEXT_PATTERNS, DEFINED_TERMS):
        assert set(rules) <= set(LICENSING_JV_CATEGORIES)
    assert set(TEXT_REQUIREMENTS) <= set(HEADING_PATTERNS)


@pytest.mark.parametrize(("heading", "text", "expected"), [
    ("confidentiality", "Each party keeps the other's information secret.", {"confidentiality"}),
    ("grant of license / territory", "The licence extends to Canada.", {"territory"}),
    ("sublicensing", "Licensee may appoint others.", {"sublicensing"}),
    ("force majeure", "Neither party is liable for delays beyond its control.", {"force_majeure"}),
    ("indemnification", "Licensee shall hold Licensor harmless.", {"indemnification"}),
    ("", "Licensee shall hold Licensor harmless.", set()),
    ("miscellaneous", "Notices shall be in writing.", set()),
])
def test_distant_labels_from_the_governing_heading(heading, text, expected):
    assert distant_labels(heading, text) == expected


@pytest.mark.parametrize(("heading", "text", "expected"), [
    # a heading that covers several things also needs fitting wording in the unit
    ("termination", "Either party may terminate upon a material breach not cured in 30 days.",
     {"termination_for_cause"}),
    ("termination", "On termination each party returns the other's documents.", set()),
    ("payment", "Licensee shall pay the fees within 30 days of invoice.", {"royalties_payment"}),
    ("payment", "All amounts are stated in the schedule.", set()),
    ("term", "This Agreement continues for five years.", {"term"}),
    ("term", "The parties shall meet quarterly.", set()),
    ("limitation of liability", "In no event shall damages exceed the fees paid.", {"limitation_of_liability"}),
    ("limitation of liability", "This section survives.", set()),
])
def test_heading_labels_with_text_requirements(heading, text, expected):
    assert heading_labels(heading, text) == expected


@pytest.mark.parametrize("heading", ["termination", "terms of payment / taxes", "determination of fees"])
def test_term_heading_pattern_does_not_fire_on_longer_words(heading):
    assert "term" not in heading_labels(heading, "The term of five years renews and continues in effect.")


def test_heading_patterns_expect_lower_case_context():
    """``HeadingIndex.context`` lower-cases headings; the patterns are written for that."""
    assert heading_labels("Confidentiality", "secret") == set()
    text = "1. CONFIDENTIALITY\nEach party keeps the other's information secret.\n"
    context = HeadingIndex(text).context(text.index("Each"))
    assert context == "confidentiality"
    assert distant_labels(context, "Each party keeps the other's information secret.") == {"confidentiality"}


@pytest.mark.parametrize(("text", "expected"), [
    ("Licensee shall not challenge the validity of the Licensed Patents.", {"no_challenge"}),
    ("Licensee shall not sell outside the Territory.", set()),
    ("Licences on FRAND terms are offered to all implementers.", {"standards_frand"}),
    ("If the Board reaches a deadlock, the matter is referred to the CEOs.", {"deadlock"}),
    ("A Force Majeure event suspends performance.", {"force_majeure"}),
    ("Each party complies with all export control laws.", {"export_control"}),
    ('"Territory" means the United States and Canada.', {"territory"}),
    ('"Licensed Field of Use" shall mean human diagnostics.', {"field_of_use"}),
    ('"Field Representative" means a salesperson of Licensee.', set()),  # another term that starts alike
    ('“Confidential Information” means any information disclosed.', {"confidentiality"}),
    ('"Know-How" means unpatented technical information.', {"technology_transfer_know_how"}),
])
def test_text_labels_from_wording_and_definitions(text, expected):
    assert text_labels(text) == expected
    assert distant_labels("", text) == expected


def test_a_definition_counts_only_near_the_start_of_the_unit():
    definition = '"Territory" means the United States.'
    assert text_labels(definition) == {"territory"}
    assert text_labels("x" * 190 + " " + definition) == set()


def test_distant_labels_is_the_union_of_heading_and_text_labels():
    text = "Licensee shall not contest the validity of the patents after a breach."
    assert distant_labels("termination", text) == {"termination_for_cause", "no_challenge"}
