"""Evidence spans that follow the clauses.

Adjacent flagged units are merged into one evidence span (``units.merge_runs``);
a run that crosses a clause boundary (a clause starting or ending between two of
its units) is cut there, so one span is one clause's evidence. For the candidate
list, the short clause around a flagged unit is offered too, ranked well below the
unit itself: CUAD-style answers are often the whole clause.
"""

from __future__ import annotations

from bisect import bisect_right

from analyzer.classify.units import merge_runs

WHOLE_CLAUSE_MAX = 1500  # characters: longer clauses are not offered whole
WHOLE_CLAUSE_FACTOR = 0.2  # a whole clause's confidence, relative to its best flagged unit


def clause_spans(clauses) -> list[tuple[int, int]]:
    """(start, end) of each clause (anything with ``start``/``end``)."""
    return [(c.start, c.end) for c in clauses]


def document_clause_spans(text: str) -> list[tuple[int, int]]:
    """``clause_spans`` of ``text`` segmented as a plain-text document (as ``document_units`` does)."""
    from analyzer.ingest import parse
    from analyzer.structure.segment import segment

    if not text.strip():
        return []
    return clause_spans(segment(parse(text.encode("utf-8"), filename="document.txt")))


def bounds_of(spans: list[tuple[int, int]]) -> list[int]:
    """Sorted offsets where a clause starts or ends."""
    return sorted({s for s, _ in spans} | {e for _, e in spans})


def clause_runs(units: list[tuple[int, int]], probs, threshold: float,
                bounds: list[int] | None = None) -> list[tuple[int, int, float, list[int]]]:
    """``merge_runs``, with each run cut where a boundary in ``bounds`` lies after one unit's
    start and at or before the next unit's start."""
    out = []
    for s, e, p, idx in merge_runs(units, probs, threshold):
        if len(idx) == 1 or not bounds:
            out.append((s, e, p, idx))
            continue
        group = [idx[0]]
        for prev, cur in zip(idx, idx[1:]):
            k = bisect_right(bounds, units[prev][0])
            if k < len(bounds) and bounds[k] <= units[cur][0]:
                out.append(_run(units, probs, group))
                group = []
            group.append(cur)
        out.append(_run(units, probs, group))
    return out


def whole_clauses(units: list[tuple[int, int]], probs, threshold: float,
                  spans: list[tuple[int, int]]) -> list[tuple[int, int, float]]:
    """For each unit at or above ``threshold``: the smallest clause in ``spans`` around it, when
    that clause is longer than the unit and at most WHOLE_CLAUSE_MAX characters, at
    WHOLE_CLAUSE_FACTOR times the unit's probability (the best such unit per clause), kept just
    below ``threshold``: a whole clause is a candidate, never a flagged label."""
    best: dict[tuple[int, int], float] = {}
    for i, (s, e) in enumerate(units):
        if probs[i] < threshold:
            continue
        around = [(cs, ce) for cs, ce in spans if cs <= s and e <= ce]
        if not around:
            continue
        cs, ce = min(around, key=lambda c: c[1] - c[0])
        if (cs, ce) != (s, e) and ce - cs <= WHOLE_CLAUSE_MAX:
            conf = min(float(probs[i]) * WHOLE_CLAUSE_FACTOR, threshold * 0.99)
            best[(cs, ce)] = max(best.get((cs, ce), 0.0), conf)
    return [(s, e, p) for (s, e), p in best.items()]


def _run(units, probs, idx):
    return units[idx[0]][0], units[idx[-1]][1], float(max(probs[i] for i in idx)), list(idx)
