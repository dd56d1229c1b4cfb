"""Context features for clause classification, computed from the text alone.

The heading that governs a sentence is found here (nearest preceding
heading-like line or numbered clause heading, plus its top-level parent), so the
classifier does not depend on how well the document was segmented.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

_SMALL = r"(?:of|and|or|the|to|for|in|on|by|with|upon|&|a|an|its|their|non|under)"
_TITLE_WORD = rf"(?:[A-Z][A-Za-z'/\-]*|{_SMALL})"
_NUM = r"(?:(?:ARTICLE|Article|SECTION|Section|Clause|CLAUSE)\s+)?(?P<num>\d{1,2}(?:\.\d{1,2}){0,3}|[IVX]{1,5}|[A-Z])\.?\)?"

# "7.2 Improvements. The Licensee..." / "1. RIGHTS GRANTED   Licensor grants" / "ARTICLE IV - TERM"
_NUMBERED = re.compile(
    rf"(?:(?<=\n)|(?<=\s\s)|(?<=[.:;]\s)|^)[ \t]*{_NUM}[ \t]*[-–—:]?[ \t]+"
    rf"(?P<title>[A-Z][A-Z0-9'/&,\- ]{{2,80}}?[A-Z)](?=\.|:|\s{{2,}}|\n|$)"
    rf"|[A-Z][a-z'/\-]+(?:[ \t]+{_TITLE_WORD}){{0,7}}(?=\.\s|:\s|\s*\n))",
)
# A whole short line that looks like a heading ("CONFIDENTIALITY", "Governing Law").
_LINE = re.compile(r"(?m)^[ \t]*(?P<title>[A-Z][A-Za-z0-9'/&,\- ]{2,70}?)[ \t]*:?[ \t]*$")


@dataclass(frozen=True)
class Heading:
    start: int
    level: int
    title: str


def _level(num: str | None) -> int:
    if not num:
        return 0
    return num.count(".") if num[0].isdigit() else 0


def _clean(title: str) -> str:
    return re.sub(r"\s+", " ", title).strip(" .:-").lower()


def _is_headingish(title: str) -> bool:
    words = title.split()
    if not 1 <= len(words) <= 10:
        return False
    if title.isupper():
        return sum(c.isalpha() for c in title) >= 3
    caps = sum(1 for w in words if w[0].isupper())
    return caps >= max(1, (len(words) + 1) // 2)


def find_headings(text: str) -> list[Heading]:
    """Heading-like spans in ``text``, in order of position."""
    found: dict[int, Heading] = {}
    for m in _NUMBERED.finditer(text):
        title = m.group("title")
        if _is_headingish(title):
            found[m.start("title")] = Heading(m.start(), _level(m.group("num")), _clean(title))
    for m in _LINE.finditer(text):
        title = m.group("title")
        if _is_headingish(title) and not re.search(r"\b(page|exhibit \d|source:)\b", title, re.I):
            at = m.start("title")
            if not any(at + d in found for d in range(-2, 3)):  # no heading within 2 characters
                found[at] = Heading(m.start(), 0 if title.isupper() else 1, _clean(title))
    return sorted(found.values(), key=lambda h: h.start)


class HeadingIndex:
    """Answers "which heading governs offset x?" in O(log n)."""

    def __init__(self, text: str):
        self.headings = find_headings(text)
        self._starts = [h.start for h in self.headings]

    def context(self, offset: int) -> str:
        """'top heading / nearest heading' for ``offset`` ('' before the first heading)."""
        i = bisect.bisect_right(self._starts, offset) - 1
        if i < 0:
            return ""
        near = self.headings[i]
        if near.level == 0:
            return near.title
        for j in range(i - 1, max(-1, i - 60), -1):
            h = self.headings[j]
            if h.level < near.level:
                return f"{h.title} / {near.title}"
        return near.title


def normalise(text: str) -> str:
    """Text as the vectorisers see it: one line, numbers collapsed."""
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"\d+", "0", text).strip()


def position_bucket(offset: int, length: int) -> str:
    """A coarse document-position token (the opening lines carry titles, parties and dates)."""
    if offset < 400:
        return "__pos_head"
    if offset < 2500:
        return "__pos_open"
    frac = offset / max(1, length)
    return "__pos_end" if frac > 0.9 else "__pos_body"


def unit_fields(text: str, units: list[tuple[int, int]], drop_heading: list[bool] | None = None) -> dict[str, list[str]]:
    """The three text fields the classifier reads for each unit.

    ``text``: the unit; ``head``: governing headings + a position token;
    ``ctx``: the previous and next units (trimmed).
    """
    index = HeadingIndex(text)
    out: dict[str, list[str]] = {"text": [], "head": [], "ctx": []}
    norm = [normalise(text[s:e]) for s, e in units]
    for i, (s, e) in enumerate(units):
        head = "" if drop_heading and drop_heading[i] else index.context(s)
        out["text"].append(norm[i])
        out["head"].append(f"{head} {position_bucket(s, len(text))}")
        prev = norm[i - 1][-300:] if i > 0 else ""
        nxt = norm[i + 1][:300] if i + 1 < len(units) else ""
        out["ctx"].append(f"{prev} {nxt}")
    return out
