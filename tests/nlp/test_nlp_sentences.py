"""Sentence splitting: legal abbreviations, wrapped lines, headings, clause boundaries.

Speed is measured by benchmarks/bench_classify.py (sentence split rows), not asserted here."""

from __future__ import annotations

import pytest

from analyzer.nlp.sentences import line_breaks, sentence_spans


def _sents(text: str, **kw) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text, **kw)]


@pytest.mark.parametrize("text", [
    "Notwithstanding Sec. 2.1(a), the Licensee shall pay.",
    "Acme Corp. and Beta Inc. shall act in the U.S. under Agreement No. 5 only.",
    "Each party, i.e. Licensor and Licensee, and e.g. their Affiliates, shall comply with Art. 3.",
    "ACME CORP., a Delaware corporation, shall comply.",
    "The fee is $1,000,000.00 payable on Jan. 5 each year.",
])
def test_nlp_sentences_abbreviations_do_not_split(text):
    assert _sents(text) == [text]


@pytest.mark.parametrize("text,expected", [
    ("Licensee shall notify Licensor of all\nimprovements made. The parties agree.",
     ["Licensee shall notify Licensor of all\nimprovements made.", "The parties agree."]),
    ("ARTICLE 1\nDEFINITIONS\nIn this Agreement the following terms apply.",
     ["ARTICLE 1", "DEFINITIONS", "In this Agreement the following terms apply."]),
    ("Licensee may grant sublicenses:\n(a) to its Affiliates; and\n(b) to third parties.",
     ["Licensee may grant sublicenses:", "(a) to its Affiliates; and", "(b) to third parties."]),
    ("9.   PRODUCT DESIGN   During the term, CONSULTANT shall cooperate.",
     ["9.   PRODUCT DESIGN", "During the term, CONSULTANT shall cooperate."]),
    ("7.2 Improvements. Licensee owns them.", ["7.2 Improvements.", "Licensee owns them."]),
    ("First paragraph text\n\nSecond paragraph text", ["First paragraph text", "Second paragraph text"]),
])
def test_nlp_sentences_layout(text, expected):
    assert _sents(text) == expected


@pytest.mark.parametrize("word", ["across", "clause"])
def test_nlp_sentences_forced_breaks(word):
    text = "This sentence runs on and on across a clause start without a period"
    cut = text.index(word)
    spans = sentence_spans(text, breaks=[cut])
    assert any(s >= cut for s, _ in spans) and all(not (s < cut < e) for s, e in spans)


@pytest.mark.parametrize("start,end,expected", [
    (0, None, ["Intro line.", "The first sentence.", "The second sentence.", "Third one here."]),
    (12, None, ["The first sentence.", "The second sentence.", "Third one here."]),
    (10, 60, [".", "The first sentence.", "The second sentence.", "Third"]),  # clipped to the range
])
def test_nlp_sentences_offsets_inside_range(start, end, expected):
    text = "Intro line.\nThe first sentence. The second sentence.\n\nThird one here."
    spans = sentence_spans(text, start, end)
    assert [text[s:e] for s, e in spans] == expected
    for s, e in spans:
        assert start <= s < e <= (end or len(text))
        assert text[s:e] == text[s:e].strip()


def test_nlp_sentences_empty_range_has_no_sentences():
    assert sentence_spans("   \n\n  ") == []
    assert sentence_spans("Some text here.", 5, 5) == []


@pytest.mark.parametrize("text,breaks", [("A line ending in a word\nnext line", 0), ("HEADING\nBody text.", 1)])
def test_nlp_sentences_line_breaks(text, breaks):
    assert len(line_breaks(text)) == breaks
