"""Context features of the classifier: the unit text, its governing headings and position, its neighbours.

These fields are what the TF-IDF and encoder stages read, at training and at run time; a change here
changes every training example.
"""

from __future__ import annotations

import pytest

from analyzer.classify.features import (
    normalise,
    position_bucket,
    unit_fields,
)

LICENCE = """TECHNOLOGY LICENSE AGREEMENT

1. GRANT OF LICENSE
1.1 Scope. Licensor grants Licensee a licence in the Field.
1.2 Sublicensing. Licensee may sublicense to Affiliates.

2. CONFIDENTIALITY
Each party shall keep information secret for 5 years.
"""


def _span(text: str, first: str, last: str) -> tuple[int, int]:
    start = text.index(first)
    return start, text.index(last, start) + len(last)


UNITS = [_span(LICENCE, "Licensor grants", "Field."), _span(LICENCE, "Licensee may", "Affiliates."),
         _span(LICENCE, "Each party", "years.")]


@pytest.mark.parametrize(("text", "expected"), [
    ("  Pay  $1,000 within\n 30 days  ", "Pay $0,0 within 0 days"),
    ("Section 12.3\t(a)\n\nterm of 24 months", "Section 0.0 (a) term of 0 months"),
    ("no digits, one line", "no digits, one line"),
    ("", ""),
])
def test_normalise_collapses_whitespace_and_numbers(text, expected):
    assert normalise(text) == expected


@pytest.mark.parametrize(("offset", "length", "bucket"), [
    (0, 100_000, "__pos_head"), (399, 100_000, "__pos_head"),
    (400, 100_000, "__pos_open"), (2499, 100_000, "__pos_open"),
    (2500, 100_000, "__pos_body"), (90_000, 100_000, "__pos_body"),  # exactly 0.9 is still the body
    (90_001, 100_000, "__pos_end"), (2500, 2600, "__pos_end"),
    (3000, 0, "__pos_end"),  # a zero length does not divide by zero
])
def test_position_bucket_boundaries(offset, length, bucket):
    assert position_bucket(offset, length) == bucket


def test_unit_fields_text_head_and_neighbours():
    fields = unit_fields(LICENCE, UNITS)
    assert fields["text"] == ["Licensor grants Licensee a licence in the Field.",
                              "Licensee may sublicense to Affiliates.",
                              "Each party shall keep information secret for 0 years."]
    assert fields["head"] == ["grant of license / scope __pos_head",
                              "grant of license / sublicensing __pos_head",
                              "confidentiality __pos_head"]
    assert fields["ctx"] == [" Licensee may sublicense to Affiliates.",
                             "Licensor grants Licensee a licence in the Field. "
                             "Each party shall keep information secret for 0 years.",
                             "Licensee may sublicense to Affiliates. "]


def test_unit_fields_drop_heading_keeps_the_position_token():
    fields = unit_fields(LICENCE, UNITS, [False, True, False])
    assert fields["head"] == ["grant of license / scope __pos_head", " __pos_head", "confidentiality __pos_head"]
    assert fields["text"] == unit_fields(LICENCE, UNITS)["text"]


def test_unit_fields_context_is_trimmed_to_300_characters_each_side():
    long_a, long_b = "A" * 500 + ".", "B" * 500 + "."
    text = f"{long_a} short middle. {long_b}"
    units = [(0, len(long_a)), _span(text, "short", "middle."), (text.index("B"), len(text))]
    ctx = unit_fields(text, units)["ctx"][1]
    assert ctx == long_a[-300:] + " " + long_b[:300]


def test_unit_fields_position_token_follows_the_offset():
    text = "x" * 3000 + " The Licensee pays royalties. " + "y" * 30
    s = text.index("The Licensee")
    head = unit_fields(text, [(s, s + 28)])["head"][0]
    assert head == " __pos_end" and unit_fields(text, [])["text"] == []
