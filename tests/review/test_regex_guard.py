import re

import pytest

from analyzer.review.regex_guard import Guarded, fold, required_words


@pytest.mark.parametrize("pattern, flags, words", [
    (r"royalt(?:y|ies)|running fee|license fees?\s+of", 0, {("royalt", False), ("running fee", False), ("license fee", False)}),
    (r"\bITAR\b|international traffic in arms", re.I, {("itar", True), ("international traffic in arms", True)}),
    (r"(?i:export administration regulations)|\bEAR\b", 0, {("export administration regulations", True), ("EAR", False)}),
    (r"(?P<w>[^.;,]{0,40}?)\s+(?:shall|will) have the (?:first|sole)? ?right", 0, {(" have the ", False)}),
])
def test_required_words(pattern, flags, words):
    assert required_words(pattern, flags) == frozenset(words)


@pytest.mark.parametrize("pattern", [r"(?:the\s+)?\d+", r"[A-Z]\w+|royalty", r"(?<=royalty )\w+", r"x*"])
def test_nothing_required_when_a_branch_or_the_whole_can_match_without_a_word(pattern):
    assert required_words(pattern) is None


TRAPS = ["ITAR controls", "ıtar controls", "İTAR", "itar", "Subject to the ſublicense", "the KELVIN sign: \u212aNOW-HOW",
         "know-how", "no match here", "ROYALTY-FREE", "royaltı-free", "sanctıons of OFAC"]


@pytest.mark.parametrize("pattern, flags", [
    (r"\bITAR\b|international traffic in arms", re.I), (r"sublicen[cs]e", re.I), (r"know-how", re.I),
    (r"royalty[\s-]free", re.I), (r"\bOFAC\b|sanction", 0), (r"(?i:sanction)s", 0), (r"royalty[\s-]free", 0),
])
def test_guarded_search_answers_as_the_pattern_does(pattern, flags):
    g = Guarded(pattern, flags)
    for text in TRAPS:
        want = re.search(pattern, text, flags)
        for folded in (None, fold(text)):
            got = g.search(text, folded)
            assert (got and got.span()) == (want and want.span()), (pattern, text)


def test_fold_keeps_length_and_maps_ignorecase_letters():
    text = "İı ſ \u212a Straße"
    assert fold(text) == "ii s k straße"
    assert len(fold(text)) == len(text)
