"""Word-level diff with offsets into both texts."""

from __future__ import annotations

import pytest

from analyzer.compare.diff import changed_extent, word_diff


@pytest.mark.parametrize(("old", "new", "ops"), [
    ("within thirty (30) days", "within ten (10) days", [("equal", "within"), ("replace", "thirty (30)"), ("equal", "days")]),
    ("a b c", "a  b\nc", [("equal", "a b c")]),
    ("a b c", "a c", [("equal", "a"), ("delete", "b"), ("equal", "c")]),
    ("a c", "a b c", [("equal", "a"), ("insert", ""), ("equal", "c")]),
])
def test_word_diff_ops_and_offsets(old, new, ops):
    got = word_diff(old, 0, len(old), new, 0, len(new))
    assert [(op.op, op.old if op.op != "equal" else " ".join(op.old.split())) for op in got] == ops
    for op in got:
        assert old[op.old_start:op.old_end] == op.old and new[op.new_start:op.new_end] == op.new


def test_changed_extent_spans_first_to_last_edit():
    old, new = "x a b c d y", "x A b c D y"
    ext = changed_extent(word_diff(old, 0, len(old), new, 0, len(new)))
    assert ext == ((2, 9), (2, 9))
    assert changed_extent(word_diff(old, 0, len(old), old, 0, len(old))) is None
