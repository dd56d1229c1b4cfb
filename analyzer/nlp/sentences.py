"""Sentence splitting with spaCy (blank English + sentencizer + legal abbreviations)."""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.symbols import ORTH

# Abbreviations that must not end a sentence in contracts.
LEGAL_ABBREVIATIONS = [
    "Sec.", "Secs.", "sec.", "No.", "Nos.", "no.", "Art.", "art.", "Arts.", "Inc.", "Corp.", "Co.",
    "Ltd.", "L.L.C.", "LLC.", "N.V.", "B.V.", "S.A.", "A.G.", "P.C.", "L.P.", "U.S.", "U.S.A.",
    "U.K.", "E.U.", "i.e.", "e.g.", "etc.", "et al.", "seq.", "viz.", "cf.", "Cl.", "cl.",
    "Para.", "para.", "Ex.", "Exh.", "Sched.", "Vol.", "Mr.", "Ms.", "Mrs.", "Dr.", "St.",
    "Jan.", "Feb.", "Mar.", "Apr.", "Jun.", "Jul.", "Aug.", "Sep.", "Sept.", "Oct.", "Nov.", "Dec.",
    "approx.", "incl.", "min.", "max.", "v.", "vs.",
]


@lru_cache(maxsize=1)
def sentence_nlp():
    """spacy.blank('en') with a sentencizer and legal abbreviation special cases."""
    nlp = spacy.blank("en")
    for abbr in LEGAL_ABBREVIATIONS:
        if " " not in abbr:
            nlp.tokenizer.add_special_case(abbr, [{ORTH: abbr}])
    nlp.add_pipe("sentencizer")
    nlp.max_length = 5_000_000
    return nlp


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Half-open sentence spans into ``text`` (restricted to ``[start, end)``).

    Blank lines always end a sentence; leading/trailing whitespace is trimmed.
    """
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    chunks = list(_paragraph_chunks(text, start, end))
    docs = sentence_nlp().pipe(text[s:e] for s, e in chunks)
    for (chunk_start, _), doc in zip(chunks, docs):
        for sent in doc.sents:
            s, e = _trim(text, chunk_start + sent.start_char, chunk_start + sent.end_char)
            if e > s:
                spans.append((s, e))
    return spans


def _paragraph_chunks(text: str, start: int, end: int):
    import re

    pos = start
    for m in re.finditer(r"\n\s*\n", text[start:end]):
        s, e = start + m.start(), start + m.end()
        if s > pos:
            yield pos, s
        pos = e
    if end > pos:
        yield pos, end


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e
