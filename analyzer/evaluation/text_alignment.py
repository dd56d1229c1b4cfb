"""Carry character spans of one text over to another rendering of the same document.

CUAD's answers are offsets into its TXT files; the text that the PDF parser gives for the
same contract differs in whitespace, quotes, hyphenation and page furniture. Both texts are
cut into words (runs of letters and digits, NFKC-folded and case-folded) and the two word
sequences are aligned (longest common subsequence, ``rapidfuzz.distance.Indel``); a span is
carried over through the words it covers. A span whose words do not align well enough (a
word split or joined differently, "15t h" for "15th") is looked for as its letters and digits
alone, exactly, then fuzzily (``rapidfuzz.fuzz.partial_ratio_alignment``) near where its
neighbours went.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

_WORD = re.compile(r"[^\W_]+")

MIN_COVERAGE = 0.8  # share of a span's words that must be aligned for it to be carried over by words
MAX_STRETCH = 2.0   # the carried span may hold at most this many times the words (+ SLACK)...
SLACK = 20          # ...so an inserted page header or footer fits, a far-off match does not
MIN_FUZZY = 90.0    # least partial-ratio score of the fuzzy fallback
WINDOW = 5000       # letters and digits either side of the expected place searched by the fuzzy fallback


@dataclass(frozen=True)
class MappedSpan:
    start: int
    end: int
    coverage: float  # words: share of the span's words aligned; chars: 1.0; fuzzy: score / 100
    method: str      # "words", "chars" or "fuzzy"


def _fold(word: str) -> str:
    return unicodedata.normalize("NFKC", word).casefold()


def words(text: str) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The words of ``text`` (folded) with their start and end offsets."""
    found = [(_fold(m.group()), m.start(), m.end()) for m in _WORD.finditer(text)]
    return ([w for w, _, _ in found], np.array([s for _, s, _ in found], dtype=np.int64),
            np.array([e for _, _, e in found], dtype=np.int64))


class WordAlignment:
    """The word alignment of ``source`` onto ``target``; ``map_span`` carries spans across."""

    def __init__(self, source: str, target: str):
        self.source, self.target = source, target
        src, self._src_starts, self._src_ends = words(source)
        dst, self._dst_starts, self._dst_ends = words(target)
        self._dst_words = dst
        self._to_target = np.full(len(src), -1, dtype=np.int64)
        for tag, i1, i2, j1, j2 in Indel.opcodes(src, dst):
            if tag == "equal":
                self._to_target[i1:i2] = np.arange(j1, j2)
        self.aligned_words = int((self._to_target >= 0).sum())
        self.source_words = len(src)
        self._chars: str | None = None

    def map_span(self, start: int, end: int, min_coverage: float = MIN_COVERAGE) -> MappedSpan | None:
        """``[start, end)`` of the source as a span of the target, or None when it cannot be found."""
        first = bisect_right(self._src_ends, start)  # first word ending after start
        last = bisect_left(self._src_starts, end)    # words starting before end
        if last <= first:
            return None
        return self._by_words(start, end, first, last, min_coverage) or self._by_chars(start, end, first)

    def _by_words(self, start, end, first, last, min_coverage) -> MappedSpan | None:
        hits = self._to_target[first:last]
        hits = hits[hits >= 0]
        coverage = len(hits) / (last - first)
        if not len(hits) or coverage < min_coverage:
            return None
        j0, j1 = int(hits.min()), int(hits.max())
        if j1 - j0 + 1 > MAX_STRETCH * (last - first) + SLACK:
            return None
        s, e = int(self._dst_starts[j0]), int(self._dst_ends[j1])
        if self._to_target[first] == j0:  # the span's first word is there: keep what it keeps of it
            inside = start - int(self._src_starts[first])
            if inside > 0 and inside < e - s:
                s += inside
            else:
                s = _extend(self.target, s, -1, max(0, -inside))
        if self._to_target[last - 1] == j1:
            cut = int(self._src_ends[last - 1]) - end
            if cut > 0 and cut < e - s:
                e -= cut
            else:
                e = _extend(self.target, e, 1, max(0, -cut))
        return MappedSpan(s, e, coverage, "words")

    def _by_chars(self, start: int, end: int, first: int) -> MappedSpan | None:
        """The span's letters and digits in the target's: the occurrence nearest the expected
        place, else the best fuzzy match around it."""
        if self._chars is None:
            self._chars, self._char_pos = _squeeze(self._dst_words, self._dst_starts, self._dst_ends)
        needle = "".join(_fold(m.group()) for m in _WORD.finditer(self.source, start, end))
        if not needle or not self._chars:
            return None
        before = self._to_target[:first]
        aligned = np.flatnonzero(before >= 0)
        expected = (bisect_left(self._char_pos, int(self._dst_ends[before[aligned[-1]]])) if len(aligned) else 0)
        found, k = [], self._chars.find(needle)
        while k >= 0:
            found.append(k)
            k = self._chars.find(needle, k + 1)
        if found:
            k = min(found, key=lambda x: abs(x - expected))
            return MappedSpan(self._char_pos[k], self._char_pos[k + len(needle) - 1] + 1, 1.0, "chars")
        lo = max(0, expected - WINDOW)
        hay = self._chars[lo:expected + len(needle) + WINDOW]
        m = fuzz.partial_ratio_alignment(needle, hay, score_cutoff=MIN_FUZZY)
        if m is None or m.dest_end <= m.dest_start:
            return None
        return MappedSpan(self._char_pos[lo + m.dest_start], self._char_pos[lo + m.dest_end - 1] + 1,
                          m.score / 100, "fuzzy")


def _squeeze(folded: list[str], starts: np.ndarray, ends: np.ndarray) -> tuple[str, list[int]]:
    """The folded words run together, and the target offset of each of their characters."""
    pos: list[int] = []
    for w, s, e in zip(folded, starts, ends):
        n = int(e - s)
        pos.extend(int(s) + min(k, n - 1) for k in range(len(w)))
    return "".join(folded), pos


def _extend(text: str, pos: int, step: int, limit: int) -> int:
    """``pos`` moved by up to ``limit`` punctuation characters (left for step -1, right for +1)."""
    for _ in range(limit):
        k = pos - 1 if step < 0 else pos
        if not 0 <= k < len(text) or text[k].isspace() or _WORD.match(text[k]):
            break
        pos += step
    return pos
