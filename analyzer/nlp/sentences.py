"""Sentence splitting with spaCy (blank English + sentencizer + legal abbreviations).

Contracts wrap lines mid-sentence (CUAD text, PDF lines), so a single newline
does not end a sentence unless the line before looks like a heading or the
next line starts with a clause label ("1.", "(a)", "Section 2"). Blank lines
and runs of spaces after an upper-case heading always end one, and callers
can force breaks (clause starts) so sentences never cross clause boundaries.
The ``legal_sentence_breaks`` component presets these starts; the stock
sentencizer then splits at ".", "?" and "!" tokens without overwriting them.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional

import numpy as np
import spacy
from spacy.attrs import IDX, IS_SPACE, SENT_START
from spacy.language import Language
from spacy.symbols import ORTH
from spacy.tokens import Doc

from analyzer.core.headings import is_heading_like
from analyzer.structure.clause_numbers import parse_label

PATTERNS = Path(__file__).resolve().parent / "patterns"
LEGAL_ABBREVIATIONS: list[str] = json.loads(
    (PATTERNS / "abbreviations.json").read_text(encoding="utf-8"))["abbreviations"]
BREAKS_KEY = "legal_breaks"
TEXT_KEY = "legal_text"


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed once per doc (spaCy rebuilds it from the tokens on every access)."""
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.text
        doc.user_data[TEXT_KEY] = text
    return text

_NEWLINE = re.compile(r"\n")
_BLANK = re.compile(r"\n[ \t\f\v\r\u00a0]*\n\s*")
_GAP = re.compile(r"(?<=\S)[ \t\u00a0]{3,}(?=\S)")
_BULLET = re.compile(r"[•·●▪\-–—*]\s")


def line_breaks(text: str, start: int = 0, end: Optional[int] = None) -> list[int]:
    """Offsets in ``[start, end)`` where a new sentence must begin, from the layout alone."""
    end = len(text) if end is None else end
    out: list[int] = []
    for m in _BLANK.finditer(text, start, end):
        out.append(m.end())
    for m in _NEWLINE.finditer(text, start, end):
        nxt = m.end()
        while nxt < end and text[nxt] in " \t\u00a0":
            nxt += 1
        if nxt >= end or text[nxt] == "\n":
            continue
        ls = text.rfind("\n", start, m.start()) + 1
        prev = text[max(ls, start):m.start()].strip()
        if not prev:
            continue
        if (prev[-1] in ":;" or parse_label(text, nxt) is not None or _BULLET.match(text, nxt)
                or (len(prev) <= 80 and prev[-1] not in ",(-" and is_heading_like(prev, strict=True))):
            out.append(nxt)
    for m in _GAP.finditer(text, start, end):
        ls = max(text.rfind("\n", start, m.start()) + 1, start)
        prev = text[ls:m.start()]
        # "9.   PRODUCT DESIGN   During the term ..." (a flattened heading line)
        tail = re.split(r"[.;:]\s", prev)[-1].strip()
        if tail and len(tail) <= 80 and tail.isupper() and is_heading_like(tail):
            out.append(m.end())
        elif parse_label(text, m.end()) is not None and prev.rstrip()[-1:] in (".", ";", ":"):
            out.append(m.end())
    return sorted(set(out))


@Language.component("legal_sentence_breaks")
def legal_sentence_breaks(doc: Doc) -> Doc:
    """Preset sentence starts at layout breaks and at offsets in ``doc.user_data['legal_breaks']``
    (clause starts); keep a label such as "9." with the heading after it. Runs before the
    sentencizer, which keeps preset values."""
    if len(doc) < 2:
        return doc
    text = doc_text(doc)
    breaks = set(line_breaks(text))
    breaks.update(doc.user_data.get(BREAKS_KEY, ()))
    arr = doc.to_array([IDX, SENT_START, IS_SPACE]).astype(np.int64)
    idx, starts, space = arr[:, 0], arr[:, 1].copy(), arr[:, 2]
    n = len(idx)

    def token_at(offset: int) -> int:
        i = int(np.searchsorted(idx, offset))
        while i < n and space[i]:
            i += 1
        return i

    for b in breaks:
        i = token_at(b)
        if 0 < i < n:
            starts[i] = 1
    for b in breaks | {0}:
        label = parse_label(text, b) if b < len(text) else None
        if label is not None and text[label.end - 1] == ".":
            j, i = int(np.searchsorted(idx, label.end)), token_at(label.end)
            if 0 < i < n and starts[i] != 1:
                starts[j:i + 1] = -1
    doc.from_array([SENT_START], starts.astype(np.uint64).reshape(-1, 1))
    return doc


def build_sentence_pipeline():
    """A new spacy.blank('en') + legal abbreviation special cases + layout breaks + sentencizer."""
    nlp = spacy.blank("en")
    add_abbreviations(nlp)
    nlp.add_pipe("legal_sentence_breaks")
    nlp.add_pipe("sentencizer")
    nlp.max_length = 10_000_000
    return nlp


@lru_cache(maxsize=1)
def sentence_nlp():
    """The shared sentence pipeline (see ``build_sentence_pipeline``)."""
    return build_sentence_pipeline()


def add_abbreviations(nlp) -> None:
    for abbr in LEGAL_ABBREVIATIONS:
        if " " in abbr:
            continue
        for form in {abbr, abbr.upper()}:
            nlp.tokenizer.add_special_case(form, [{ORTH: form}])


def doc_sentences(doc: Doc, offset: int = 0) -> list[tuple[int, int]]:
    """Trimmed sentence spans of a processed doc, shifted by ``offset``."""
    text = doc_text(doc)
    if len(doc) == 0:
        return []
    arr = doc.to_array([IDX, SENT_START]).astype(np.int64)
    firsts = np.flatnonzero(arr[:, 1] == 1).tolist()
    bounds = sorted({0, *(int(arr[i, 0]) for i in firsts)}) + [len(text)]
    out: list[tuple[int, int]] = []
    for a, b in zip(bounds, bounds[1:]):
        s, e = trim_span(text, a, b)
        if e > s:
            out.append((s + offset, e + offset))
    return out


def sentence_spans(text: str, start: int = 0, end: Optional[int] = None,
                   breaks: Iterable[int] = ()) -> list[tuple[int, int]]:
    """Half-open sentence spans into ``text`` (restricted to ``[start, end)``).

    ``breaks`` are extra offsets (into ``text``) where a sentence must start.
    """
    end = len(text) if end is None else end
    nlp = sentence_nlp()
    doc = nlp.make_doc(text[start:end])
    doc.user_data[BREAKS_KEY] = [b - start for b in breaks if start < b < end]
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return doc_sentences(doc, start)


def trim_span(text: str, s: int, e: int) -> tuple[int, int]:
    """``[s, e)`` without leading and trailing whitespace."""
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e
