"""Word-level diff of two stretches of text, with offsets into both texts."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from analyzer.core.compare_schema import DiffOp

_WORD = re.compile(r"\S+")


def _words(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    return [(m.group(0), m.start(), m.end()) for m in _WORD.finditer(text, start, end)]


def word_diff(old_text: str, old_start: int, old_end: int, new_text: str, new_start: int, new_end: int,
              *, keep_equal: bool = True) -> list[DiffOp]:
    """Diff ``old_text[old_start:old_end]`` against ``new_text[new_start:new_end]`` word by word.

    Words are runs of non-space characters; whitespace alone never makes a difference. Each
    operation carries the text of both sides (from the first word to the last of its run) and
    absolute offsets; an empty side is a zero-width span where the text was or goes.
    """
    a, b = _words(old_text, old_start, old_end), _words(new_text, new_start, new_end)
    sm = SequenceMatcher(None, [w for w, _, _ in a], [w for w, _, _ in b], autojunk=False)
    out: list[DiffOp] = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal" and not keep_equal:
            continue
        os_, oe = _extent(a, i1, i2, old_start, old_end)
        ns, ne = _extent(b, j1, j2, new_start, new_end)
        out.append(DiffOp(op=tag, old=old_text[os_:oe], new=new_text[ns:ne],
                          old_start=os_, old_end=oe, new_start=ns, new_end=ne))
    return out


def _extent(words: list[tuple[str, int, int]], i: int, j: int, lo: int, hi: int) -> tuple[int, int]:
    """Offsets from the first to the last of ``words[i:j]``; zero-width where the run is empty
    (just after the previous word, or at ``lo`` before the first)."""
    if j > i:
        return words[i][1], words[j - 1][2]
    at = words[i - 1][2] if i > 0 else (words[0][1] if words else lo)
    return min(at, hi), min(at, hi)


def changed(ops: list[DiffOp]) -> bool:
    return any(op.op != "equal" for op in ops)


def changed_extent(ops: list[DiffOp]) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The old and new spans from the first changed word to the last; None when nothing changed."""
    edits = [op for op in ops if op.op != "equal"]
    if not edits:
        return None
    return ((edits[0].old_start, edits[-1].old_end), (edits[0].new_start, edits[-1].new_end))


__all__ = ["changed", "changed_extent", "word_diff"]
