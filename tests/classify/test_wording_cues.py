"""The wording cues of the per-document decision, on sentences written for these tests."""

from __future__ import annotations

import pytest

from analyzer.classify.features import normalise
from analyzer.classify.wording_cues import DEFAULT_CUES, WORDING_CUES, WordingCues
from analyzer.core.taxonomy import (
    CUAD_CATEGORIES,
    ENTITY_CATEGORIES,
    MISSION_CATEGORIES,
)


def test_wording_cues_cover_the_mission_categories_and_only_cuad_ones():
    assert set(MISSION_CATEGORIES) <= set(WORDING_CUES) <= set(CUAD_CATEGORIES) - set(ENTITY_CATEGORIES)


@pytest.mark.parametrize("category, text, expected", [
    ("irrevocable_or_perpetual_license", "Licensor grants a perpetual, royalty-free licence to use the Software.", True),
    ("irrevocable_or_perpetual_license", "The licence ends when this Agreement expires.", False),
    ("termination_for_convenience", "Either party may terminate this Agreement for convenience on 90 days' notice.", True),
    ("termination_for_convenience", "Customer may terminate this Agreement at any time upon written notice.", True),
    ("termination_for_convenience", "Either party may terminate this Agreement if the other party is insolvent.", False),
    ("non_transferable_license", "A non-exclusive, non-transferable licence to use the Know-How.", True),
    ("exclusivity", "Distributor shall be the exclusive distributor of the Products in the Territory.", True),
    ("exclusivity", "This is the sole and exclusive remedy of Customer.", False),
    ("exclusivity", "A non-exclusive licence.", False),
    ("joint_ip_ownership", "Inventions developed jointly by the parties shall be owned jointly.", True),
    ("change_of_control", "A Change of Control of Licensee is deemed an assignment.", True),
    ("change_of_control", "Notices shall be in writing.", False),
    ("governing_law", "This Agreement is governed by the laws of the State of New York.", True),
    ("rofr_rofo_rofn", "Licensee shall have a right of first refusal to acquire the Patents.", True),
    ("liquidated_damages", "The parties agree the sum is liquidated damages and not a penalty.", True),
    ("non_disparagement", "Neither party shall make any disparaging statement about the other.", True),
    ("source_code_escrow", "Licensor shall deposit the source code with the escrow agent.", True),
])
def test_wording_cue_on_a_sentence(category, text, expected):
    assert DEFAULT_CUES.uses(category, normalise(text)) is expected


def test_wording_cues_are_lower_case_and_ignore_the_text_case():
    """The patterns read lower-cased text, so they must not spell a capital letter themselves."""
    for pattern, exclusion in WORDING_CUES.values():
        assert pattern == pattern.lower() and (exclusion is None or exclusion == exclusion.lower())
    assert DEFAULT_CUES.uses("change_of_control", "UPON A CHANGE OF CONTROL OF LICENSEE")
    assert DEFAULT_CUES.hits(["Governed By The Laws Of Delaware."], ["governing_law"]).tolist() == [[True]]


def test_wording_cue_reads_normalised_text():
    """Digits are collapsed to 0 in the text the classifier reads; the cues match it the same."""
    assert DEFAULT_CUES.uses("revenue_profit_sharing", normalise("Licensee shall pay 5% of Net Sales as a royalty."))


def test_wording_hits_is_a_unit_by_category_table():
    texts = [normalise(t) for t in ["This Agreement is governed by the laws of England.",
                                    "Licensee may not assign this Agreement without consent.", "Definitions."]]
    hits = DEFAULT_CUES.hits(texts, ["governing_law", "anti_assignment", "parties"])
    assert hits.tolist() == [[True, False, False], [False, True, False], [False, False, False]]


def test_wording_cues_round_trip_through_an_artifact_config():
    """An artifact keeps the cues it was trained with; its own cues decide, not the defaults."""
    own = WordingCues({"governing_law": (r"lex loci", None)})
    again = WordingCues.from_config(own.to_config())
    assert again.uses("governing_law", "The Lex Loci applies.") and not again.uses("governing_law", "governed by")
    assert "insurance" not in again and not again.uses("insurance", "insurance")
    with pytest.raises(ValueError, match="lower case"):
        WordingCues({"governing_law": (r"Governed By", None)})
    for damaged in (["governed by"], {"governing_law": "governed by"}, {"governing_law": ["governed by"]}):
        with pytest.raises(ValueError, match="pattern, exclusion"):
            WordingCues.from_config(damaged)
