"""Evidence spans: classification units, merging of adjacent units, entity spans.

A *unit* is a sentence, or a piece of a long sentence cut at a clause boundary
(semicolon, "(a)" list marker, line break, wide gap). Labels are predicted per
unit; adjacent units of one category are merged into one evidence span.
"""

from __future__ import annotations

import re

from analyzer.nlp.sentences import trim_span as _trim

MAX_UNIT = 2000  # sentences longer than this are cut at clause boundaries
MIN_PIECE = 80   # ...into pieces at least this long (shorter ones join their neighbour)

_BOUNDARY = re.compile(r";\s+|:\s+(?=\(?[a-zA-Z0-9]{1,4}\))|\n\s*|\s{3,}|\s(?=\((?:[a-z]{1,3}|[ivx]{1,5}|\d{1,2})\)\s)")


def split_long(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cut ``[start, end)`` at clause boundaries when it is longer than MAX_UNIT."""
    if end - start <= MAX_UNIT:
        return [(start, end)]
    cuts = [start]
    for m in _BOUNDARY.finditer(text, start, end):
        if m.end() - cuts[-1] >= MIN_PIECE and end - m.end() >= MIN_PIECE:
            cuts.append(m.end())
    cuts.append(end)
    pieces = [_trim(text, a, b) for a, b in zip(cuts, cuts[1:])]
    out = [(a, b) for a, b in pieces if b > a]
    # pieces still too long are cut at the last space before MAX_UNIT*2 chars
    final: list[tuple[int, int]] = []
    for a, b in out:
        while b - a > 2 * MAX_UNIT:
            cut = text.rfind(" ", a + MIN_PIECE, a + 2 * MAX_UNIT)
            if cut <= a:
                break
            final.append(_trim(text, a, cut))
            a = _trim(text, cut, b)[0]
        final.append((a, b))
    return final


def make_units(text: str, sentences: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Classification units from sentence spans (long sentences cut)."""
    units: list[tuple[int, int]] = []
    for s, e in sentences:
        units.extend(split_long(text, s, e))
    return [(s, e) for s, e in units if e > s and any(c.isalpha() for c in text[s:e])]


def document_units(text: str) -> list[tuple[int, int]]:
    """The units that ``analyze()`` classifies for a plain text ``text``.

    The text goes the runtime's way: the TXT parser, ``segment``, sentences with a
    break at every clause start (as ``analyzer.nlp.run_nlp`` splits them), then
    ``make_units``. Training and evaluation call this so that they see the units
    users get.
    """
    from analyzer.core.cjk import has_cjk
    from analyzer.core.schema import Sentence
    from analyzer.ingest import parse
    from analyzer.nlp.cjk_sentences import split_chinese
    from analyzer.nlp.sentences import sentence_spans
    from analyzer.structure.segment import segment

    if not text.strip():
        return []
    doc = parse(text.encode("utf-8"), filename="document.txt")
    if doc.text != text:
        raise ValueError("the TXT parser changed the text; offsets would not index it")
    breaks = sorted({c.start for c in segment(doc)})
    spans = sentence_spans(text, breaks=breaks)
    if has_cjk(text):  # Chinese sentences are split further, as run_nlp does
        spans = [(x.start, x.end) for x in split_chinese(text, [Sentence(start=a, end=b) for a, b in spans], lambda a, b: None)]
    return make_units(text, spans)


def merge_runs(units: list[tuple[int, int]], probs, threshold: float, max_gap: int = 200) -> list[tuple[int, int, float, list[int]]]:
    """Merge runs of adjacent units whose probability is >= ``threshold``.

    Units are adjacent when they follow each other in the list with at most
    ``max_gap`` characters between them. Returns (start, end, max_prob, unit
    indices); units below the threshold come back alone.
    """
    out: list[tuple[int, int, float, list[int]]] = []
    run: list[int] = []

    def flush():
        if run:
            out.append((units[run[0]][0], units[run[-1]][1], float(max(probs[i] for i in run)), list(run)))
            run.clear()

    for i, p in enumerate(probs):
        if p >= threshold:
            if run and units[i][0] - units[run[-1]][1] > max_gap:
                flush()
            run.append(i)
        else:
            flush()
            out.append((units[i][0], units[i][1], float(p), [i]))
    flush()
    return out


# ---- entity spans: the entity extractor's (analyzer.nlp) dates and title -------------

def date_spans(text: str, start: int, end: int, entities=None) -> list[tuple[int, int]]:
    """The dates inside ``[start, end)``: the extracted ``entities`` of type "date" when given,
    else the dates ``analyzer.nlp.dates.find_dates`` reads in that part of the text."""
    if entities is not None:
        return [(e.start, e.end) for e in entities if e.type == "date" and start <= e.start and e.end <= end]
    from analyzer.nlp.dates import find_dates

    return [(h.start + start, h.end + start) for h in find_dates(text[start:end])]


def title_span(text: str, limit: int = 3000) -> tuple[int, int] | None:
    """The document title in the first ``limit`` characters (``analyzer.nlp.title.find_title``)."""
    from analyzer.nlp.title import find_title

    hit = find_title(text, limit)
    return (hit.start, hit.end) if hit is not None else None
