"""The headings of a document, and the heading that governs an offset.

Headings come from two places:

- the segmenter's clauses: ``Clause.heading`` over ``[Clause.start, Clause.end)``
  (read by ``heading_after`` right after a clause label, or a DOCX heading paragraph);
- the text (``find_headings``): numbered run-in titles ("7.2 Improvements. The
  Licensee ...", "ARTICLE IV - TERM") and short lines that read as a heading
  ("CONFIDENTIALITY", "Governing Law"), which also finds the headings that the
  segmenter leaves inside a clause.

``HeadingIndex(text, clauses)`` holds both: ``context(offset)`` names the text
headings over an offset ("top heading / nearest heading"), ``sections`` lists the
headed sections (every clause heading, plus the text headings no clause heading
already covers) and ``heading_line_starts`` the lines that hold a heading. Whether a
single line reads as a heading is decided in ``analyzer.core.headings``.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Optional, Sequence

from analyzer.core.headings import (
    clean_heading,
    is_heading_like,
    is_run_in_heading,
    is_toc_title,
    reads_as_title,
)
from analyzer.core.schema import Block, Clause

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
_NOT_A_HEADING = re.compile(r"\b(page|exhibit \d|source:)\b", re.I)
_NEAR_CLAUSE = 8  # a text heading this close to a clause's start is that clause's own heading
_BODY_SEARCH = 300  # how far past a section's start its heading's words are looked for


# --------------------------------------------------------------------------- after a label

def heading_after(text: str, pos: int) -> Optional[str]:
    """The short title right after a clause label: "Improvements" in "7.2 Improvements. Licensee ...",
    "TERM OF CONTRACT" in "1.   TERM OF CONTRACT\\n", or the next line after a bare label."""
    line_end = text.find("\n", pos)
    line_end = len(text) if line_end == -1 else line_end
    line = text[pos:line_end]
    body = line.lstrip(" \t\u00a0.:-–—")
    if not body.strip():
        nxt = re.match(r"\n[ \t]*(?:\n[ \t]*)?([^\n]{2,100})(?=\n|$)", text[line_end:line_end + 120])
        if nxt and is_heading_like(nxt.group(1)):
            return clean_heading(nxt.group(1))
        return None
    # "HEADING   Body text" (line breaks flattened into runs of spaces)
    gap = re.search(r"[ \t\u00a0]{3,}", body)
    if gap and gap.start() > 1 and is_heading_like(body[:gap.start()]) and body[:gap.start()].isupper():
        return clean_heading(body[:gap.start()])
    stop = re.search(r"(?<![A-Z][a-z]\.)(?<!\b[A-Z])[.:](?=\s|$)|\s[-–—]\s", body[:120])
    if stop:
        head = body[:stop.start()]
        if 0 < len(head) <= 80 and not re.search(r"[\"“]", head[:1]) and (
                is_heading_like(head) or (stop.group() == "." and is_run_in_heading(head, body[stop.end():]))):
            return clean_heading(head)
        return None
    if len(body.strip()) <= 80 and is_heading_like(body):
        return clean_heading(body)
    return None


# --------------------------------------------------------------------------- in the text

@dataclass(frozen=True)
class Heading:
    """A heading written in the text: where its line starts, its level (0 for a top-level or
    upper-case heading, the number of dots in "7.2.1" otherwise) and its title, lower-cased."""

    start: int
    level: int
    title: str


def _level(num: Optional[str]) -> int:
    if not num:
        return 0
    return num.count(".") if num[0].isdigit() else 0


def _key(title: str) -> str:
    return re.sub(r"\s+", " ", title).strip(" .:-").lower()


def find_headings(text: str) -> list[Heading]:
    """Headings written in ``text`` (numbered titles and heading lines), in order of position."""
    found: dict[int, Heading] = {}
    for m in _NUMBERED.finditer(text):
        title = m.group("title")
        if reads_as_title(title):
            found[m.start("title")] = Heading(m.start(), _level(m.group("num")), _key(title))
    for m in _LINE.finditer(text):
        title = m.group("title")
        if reads_as_title(title) and not _NOT_A_HEADING.search(title):
            at = m.start("title")
            if not any(at + d in found for d in range(-2, 3)):  # no heading within 2 characters
                found[at] = Heading(m.start(), 0 if title.isupper() else 1, _key(title))
    return sorted(found.values(), key=lambda h: h.start)


def _next_at_or_above(heads: Sequence[Heading], default: int) -> list[int]:
    """For each heading, where the next heading of the same or a higher level (a level number
    no greater) starts, else ``default``: one pass with a stack of still-open headings."""
    out = [default] * len(heads)
    open_: list[int] = []
    for j, g in enumerate(heads):
        while open_ and g.level <= heads[open_[-1]].level:
            out[open_.pop()] = g.start
        open_.append(j)
    return out


# The characters other than ASCII letters that a case-insensitive regular expression matches
# to an ASCII letter ("İ", dotless "ı", long "ſ", the Kelvin sign); lower-casing does the rest.
_FOLD = {0x130: "i", 0x131: "i", 0x17F: "s", 0x212A: "k"}
_SEPARATOR = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=4096)
def _heading_words(heading: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in re.findall(r"[A-Za-z0-9]+", heading))


def body_start(text: str, start: int, heading: str, end: int) -> int:
    """Where the text under ``heading`` starts in ``[start, end)``: just after the first place,
    within ``_BODY_SEARCH`` characters (plus the heading's length) of ``start``, where the heading's
    words follow each other in any case, separated by anything but letters and digits (the first
    word may end a longer word, the last may begin one); ``start`` when they are not found there.

    The text is case-folded as ``re.IGNORECASE`` compares it, and the words are looked up as
    plain strings, so no pattern is compiled per heading."""
    words = _heading_words(heading)
    if not words:
        return start
    window = text[start:min(end, start + _BODY_SEARCH + len(heading))]
    folded = (window if window.isascii() else window.translate(_FOLD)).lower()
    first, rest = words[0], words[1:]
    at = folded.find(first)
    while at >= 0:
        pos = at + len(first)
        for word in rest:
            sep = _SEPARATOR.match(folded, pos)
            if sep is None or not folded.startswith(word, sep.end()):
                break
            pos = sep.end() + len(word)
        else:
            return start + pos
        at = folded.find(first, at + 1)
    return start


# --------------------------------------------------------------------------- the document

@dataclass(frozen=True)
class Section:
    """A headed section: ``[start, end)``, the text under the heading from ``body_start``, and the
    clause whose heading it is (None for a heading found in the text only)."""

    title: str
    start: int
    body_start: int
    end: int
    clause_id: Optional[str]


class HeadingIndex:
    """The headings of one document: the text's (``headings``) and, given the segmenter's
    clauses, the headed sections (``sections``). "Which heading governs offset x?" in O(log n)."""

    def __init__(self, text: str, clauses: Iterable[Clause] = ()):
        self.text = text
        self.clauses = list(clauses)
        self.headings = find_headings(text)
        self._starts = [h.start for h in self.headings]
        self._sections: Optional[list[Section]] = None

    def context(self, offset: int) -> str:
        """'top heading / nearest heading' of the text headings over ``offset`` ('' before the first)."""
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

    @property
    def sections(self) -> list[Section]:
        """Headed sections in order of position (an enclosing one first): every clause with a
        heading (signature blocks and definitions aside), plus each text heading that starts no
        clause heading, reaching to the next text heading of its level or above."""
        if self._sections is None:
            self._sections = self._find_sections()
        return self._sections

    def _find_sections(self) -> list[Section]:
        text = self.text
        out: list[Section] = []
        for c in self.clauses:
            if c.heading and c.kind not in ("signature", "definition", "definitions"):
                out.append(Section(c.heading.strip(), c.start, body_start(text, c.start, c.heading, c.end), c.end, c.id))
        starts = sorted({sec.start for sec in out})
        heads = self.headings
        ends = _next_at_or_above(heads, len(text))
        for i, h in enumerate(heads):
            k = bisect.bisect_right(starts, h.start - _NEAR_CLAUSE)  # the first clause start past h.start - 8
            if (k < len(starts) and starts[k] < h.start + _NEAR_CLAUSE) or is_toc_title(h.title):
                continue
            out.append(Section(h.title, h.start, body_start(text, h.start, h.title, ends[i]), ends[i], None))
        return sorted(out, key=lambda x: (x.start, -x.end))

    def sections_titled(self, pattern: re.Pattern) -> list[Section]:
        """The sections whose heading matches ``pattern``."""
        return [sec for sec in self.sections if pattern.search(sec.title)]

    def heading_line_starts(self, blocks: Iterable[Block] = ()) -> set[int]:
        """Offsets of the line starts that hold a heading: heading blocks, and clause headings on
        a line of their own (with the clause number at most)."""
        text = self.text
        out: set[int] = set()

        def line_start(offset: int) -> int:
            return text.rfind("\n", 0, offset) + 1

        for b in blocks:
            if b.kind == "heading":
                out.add(line_start(b.start))
        for c in self.clauses:
            if not c.heading:
                continue
            ls = line_start(c.start)
            le = text.find("\n", c.start)
            line = text[ls:le if le >= 0 else len(text)].strip()
            if c.heading.lower() in line.lower() and len(line) <= len(c.heading) + len(c.number or "") + 4:
                out.add(ls)
        return out
