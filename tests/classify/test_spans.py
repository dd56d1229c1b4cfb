"""Evidence runs stay inside one clause."""

from __future__ import annotations

import numpy as np
import pytest

from analyzer.classify.spans import bounds_of, clause_runs, document_clause_spans, whole_clauses

UNITS = [(0, 10), (11, 20), (21, 30), (31, 40), (41, 50)]


@pytest.mark.parametrize("bounds, expected", [
    (None, [(0, 30), (31, 40), (41, 50)]),
    ([0, 50], [(0, 30), (31, 40), (41, 50)]),  # one clause around everything
    ([0, 21, 50], [(0, 20), (21, 30), (31, 40), (41, 50)]),  # a clause starts at the third unit
    ([0, 15, 50], [(0, 20), (21, 30), (31, 40), (41, 50)]),  # a boundary inside the second unit ends its run
    ([0, 11, 21, 50], [(0, 10), (11, 20), (21, 30), (31, 40), (41, 50)]),
])
def test_spans_clause_runs(bounds, expected):
    probs = np.array([0.9, 0.8, 0.7, 0.1, 0.6])
    runs = clause_runs(UNITS, probs, 0.5, bounds)
    assert [(s, e) for s, e, _, _ in runs] == expected
    for s, e, p, idx in runs:
        assert p == pytest.approx(max(probs[i] for i in idx))
        assert (UNITS[idx[0]][0], UNITS[idx[-1]][1]) == (s, e)


def test_spans_clause_spans_of_a_document():
    text = "1. Assignment\n\nNeither party may assign.\n\n2. Governing Law\n\nThis Agreement is governed by the laws of Texas.\n"
    spans = document_clause_spans(text)
    assert text.index("2. Governing") in bounds_of(spans)
    assert bounds_of([(5, 9), (0, 9)]) == [0, 5, 9]
    assert document_clause_spans("   ") == []


def test_spans_whole_clauses_rank_below_the_threshold():
    clauses = [(0, 30), (0, 50), (31, 50), (60, 5000)]
    units = [(0, 10), (11, 20), (31, 50), (60, 70)]
    probs = np.array([0.9, 0.3, 0.6, 0.9])
    out = whole_clauses(units, probs, 0.5, clauses)
    # unit 0's innermost clause (0, 30) is offered; (31, 50) is the unit itself; (60, 5000) is too long
    assert out == [(0, 30, pytest.approx(0.18))]
    # capped just below a low threshold: a whole clause is never flagged
    assert whole_clauses(units, probs, 0.1, clauses) == [(0, 30, pytest.approx(0.099))]
