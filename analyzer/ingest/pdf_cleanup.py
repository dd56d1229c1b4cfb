"""Clean-up of extracted PDF lines: character normalisation, running headers and
footers, paragraph building and de-hyphenation.

Everything here works on plain lines, so it is shared by every extraction engine.
"""

from __future__ import annotations

import math
import re
import string
import unicodedata
from collections import Counter
from dataclasses import dataclass

from analyzer.core.headings import is_caps_heading
from analyzer.ingest.cjk import (
    CN_NUMBERED,
    FULLWIDTH_PUNCT,
    cjk_paragraph_break,
    display_width,
    joins_without_space,
)

# ---------------------------------------------------------------- characters

_CID = re.compile(r"\(cid:\d+\)")
_KEEP = re.compile(f"([{FULLWIDTH_PUNCT}])")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


@dataclass
class Line:
    """One extracted line. ``gap`` is True when the layout shows a paragraph break before it."""

    text: str
    gap: bool = False
    soft_hyphen: bool = False  # the line ended with a soft hyphen: the word goes on


def _drop_char(ch: str) -> bool:
    if ch in "\ufffe\uffff\ufffd":
        return True
    cat = unicodedata.category(ch)
    # Controls, format characters (soft hyphen, zero-width, BOM) and private-use glyphs.
    return cat in ("Cc", "Cf", "Co", "Cs")


def normalize_line(text: str) -> tuple[str, bool]:
    """NFKC (full-width Chinese punctuation kept), drop control/format/private-use characters,
    collapse spaces.

    Returns the line and whether it ended with a soft hyphen (a hyphenation point).
    """
    soft_break = text.rstrip().endswith("\u00ad")
    text = _CID.sub("", text).replace("\t", " ")
    # NFKC, except for the full-width punctuation of Chinese text, which it would make ASCII
    text = "".join(p if p in FULLWIDTH_PUNCT else unicodedata.normalize("NFKC", p) for p in _KEEP.split(text))
    if any(_drop_char(c) for c in text):
        text = "".join(c for c in text if not _drop_char(c))
    return _SPACES.sub(" ", text).strip(), soft_break


# ---------------------------------------------------------- headers / footers

ZONE = 5  # lines at the top and bottom of a page that may hold headers/footers
_DIGITS = re.compile(r"\d+")
_PAGE_NUMBER = re.compile(
    r"^(?:page\s*)?[-–—(\[]?\s*(?:\d{1,4}|[ivxlc]{1,7})\s*[-–—)\]]?"
    r"(?:\s*(?:of|/)\s*\d{1,4})?$", re.I)
_SOURCE = re.compile(r"^source\s*:\s*.{1,120},\s*\d{1,2}/\d{1,2}/\d{2,4}\s*$", re.I)


def running_key(text: str) -> str:
    """Key under which header/footer lines repeat: digits and case ignored."""
    return _DIGITS.sub("#", " ".join(text.lower().split()))


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(text.strip()))


def is_source_line(text: str) -> bool:
    """EDGAR footers such as 'Source: ACME INC, 10-Q, 5/9/2019'."""
    return bool(_SOURCE.match(text.strip()))


def _zone(n: int) -> list[int]:
    idx = list(range(min(ZONE, n))) + list(range(max(n - ZONE, 0), n))
    return sorted(set(idx))


_NUMBER_LINE = re.compile(r"^(?:page\s*)?[-–—(\[]?\s*(\d{1,4})\s*[-–—)\]]?(?:\s*(?:of|/)\s*\d{1,4})?$", re.I)


def _page_number_offsets(pages: list[list[Line]]) -> set[int]:
    """Offsets ``printed number - page index`` seen on at least two pages' headers/footers."""
    seen: Counter[int] = Counter()
    for p, lines in enumerate(pages, start=1):
        offs = set()
        zone = set(_zone(len(lines)))
        for i, line in enumerate(lines):
            m = _NUMBER_LINE.match(line.text)
            # Bare numbers count in the header/footer zone; "Page N (of M)" anywhere,
            # since some engines return running text in drawing order, not page order.
            if m and (i in zone or line.text[:1] in "Pp"):
                offs.add(int(m.group(1)) - p)
        seen.update(offs)
    return {off for off, c in seen.items() if c >= 2}


def remove_running_lines(pages: list[list[Line]]) -> tuple[list[list[Line]], int]:
    """Drop running headers/footers and page numbers.

    A line is dropped when it lies in the top or bottom ``ZONE`` lines of its page
    and either (a) its ``running_key`` occurs in that zone on at least half the
    pages (and on two pages at least), or (b) it is a page number ("7",
    "Page 3 of 12", "- 4 -"). Anywhere on the page, EDGAR "Source: ..." lines,
    dash-wrapped numbers ("-7-"), bare numbers that continue the document's page
    numbering (the printed number minus the page index matches other pages') and
    runs of page numbers re-flowed into the text (``_page_number_runs``) are
    dropped too. Returns the pages and the number of lines dropped.
    """
    n_pages = len(pages)
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({running_key(lines[i].text) for i in _zone(len(lines))})
    need = max(2, math.ceil(n_pages / 2))
    repeated = {k for k, c in counts.items() if c >= need and k.strip("#. ")}
    offsets = _page_number_offsets(pages)
    runs = _page_number_runs(pages)
    out: list[list[Line]] = []
    dropped = 0
    for p, lines in enumerate(pages, start=1):
        zone = set(_zone(len(lines)))
        kept: list[Line] = []
        for i, line in enumerate(lines):
            t = line.text
            m = _NUMBER_LINE.match(t)
            if (i in zone and (running_key(t) in repeated or is_page_number(t))) or is_source_line(t) \
                    or (m and int(m.group(1)) - p in offsets) or (p - 1, i) in runs or _DASHED.match(t):
                dropped += 1
                continue
            kept.append(line)
        out.append(kept)
    return out, dropped


_DASHED = re.compile(r"^[-–—]\s*\d{1,4}\s*[-–—]$")  # "-7-", "- 12 -": a page number wherever it is
_RUN_NUMBER = re.compile(r"^(?:page\s+)?(?:[-–—]\s*)?(\d{1,4})(?:\s*[-–—])?$", re.I)


def _page_number_runs(pages: list[list[Line]]) -> set[tuple[int, int]]:
    """Page numbers anywhere on the page, also mid-page (text re-flowed from another
    page size): bare number lines ("7", "-7-", "Page 7") that count up through
    the document in steps of one to three, at least three of them over three
    pages or more, at most three on one page. Returns (page index, line index) pairs."""
    chains: list[list[tuple[int, int, int]]] = []  # [(page index, line index, value)]
    for p, lines in enumerate(pages):
        for i, line in enumerate(lines):
            m = _RUN_NUMBER.match(line.text)
            if not m:
                continue
            v = int(m.group(1))
            for chain in reversed(chains):
                if 1 <= v - chain[-1][2] <= 3 and chain[-1][0] <= p:
                    chain.append((p, i, v))
                    break
            else:
                chains.append([(p, i, v)])
    found: set[tuple[int, int]] = set()
    for chain in chains:
        per_page = Counter(p for p, _, _ in chain)
        if len(chain) >= 3 and max(per_page.values()) <= 3 and len(per_page) >= 3:
            found.update((p, i) for p, i, _ in chain)
    return found


# ---------------------------------------------------------------- paragraphs

_NUMBERED = re.compile(
    r"^(?:"
    r"\(?\d{1,3}(?:\.\d{1,3})*[.)]\s+"          # 1.  1.2.  3)  (4)
    r"|\d{1,3}(?:\.\d{1,3})+\s+"                # 1.2 Title
    r"|\(\s*[a-zA-Z]{1,2}\s*\)\s+"              # (a) (aa) (A)
    r"|\(\s*[ivxlcIVXLC]{1,6}\s*\)\s+"          # (iv)
    r"|[a-zA-Z][.)]\s+"                         # a. b)
    r"|(?:ARTICLE|Article|SECTION|Section|SCHEDULE|Schedule|EXHIBIT|Exhibit|ANNEX|Annex|APPENDIX|Appendix)\s+[0-9IVXLC]+[A-Z]?\b"
    r"|WHEREAS\b|NOW,? THEREFORE\b|IN WITNESS WHEREOF\b|RECITALS\b"
    r"|[•●▪■◦○·\-–—*]\s+"
    r")")
_LIST_END = re.compile(r"[;,]\s*(?:and|or|and/or)$")  # "...; and" before "(b) ..."
_TERMINAL = re.compile(r"[.:;!?][\"'”’)\]]*$")
_CONNECTOR = re.compile(r"(?:,|\b(?:and|or|of|the|a|an|to|in|by|for|with|under|any|such|this|that|as|be|is|on|at|from|its|which|whether|than|between|each)|[-–/(])$", re.I)
_FIRST_WORD_CAPS = re.compile(r"^[A-Z][A-Z'’&-]+\b")

_COMPOUND_PREFIXES = {
    "non", "co", "self", "sub", "pre", "post", "anti", "cross", "multi", "semi", "quasi", "pro",
    "ex", "third", "well", "long", "short", "full", "part", "high", "low", "first", "second",
    "end", "on", "off", "re", "mid", "inter", "intra", "over", "under", "out", "year", "day",
}
# A word broken by a line-end hyphen is looked for in this many characters of the paragraph's
# end; a longer run of letters is read only as far as that (it is no compound prefix either way).
WORD_TAIL_CHARS = 200
_ASCII_LETTERS = string.ascii_letters
_WORD_HEAD = re.compile(r"^([a-z]+)")


def typical_length(lines: list[Line]) -> int:
    """Roughly the length of a full line on this page (80th percentile, at least 40)."""
    lengths = sorted(display_width(line.text) for line in lines)
    if not lengths:
        return 80
    return max(40, lengths[int(0.8 * (len(lengths) - 1))])


def starts_new_paragraph(prev: str, cur: Line, full: int) -> bool:
    """Should ``cur`` start a new paragraph after the line ``prev``?"""
    text = cur.text
    cjk = cjk_paragraph_break(prev, text, cur.gap, full)
    if cjk is not None:
        return cjk
    prev_terminal = bool(_TERMINAL.search(prev))
    prev_short = len(prev) < 0.8 * full
    if cur.gap:
        return not (text[:1].islower() and not prev_terminal)
    if _NUMBERED.match(text):
        return prev_terminal or prev_short or is_caps_heading(prev) or bool(_LIST_END.search(prev))
    if (is_caps_heading(prev) and not prev_terminal and _NUMBERED.match(prev)
            and _FIRST_WORD_CAPS.match(text)):
        return False  # a numbered heading wrapped onto the next line
    if is_caps_heading(prev) and not is_caps_heading(text) and not _CONNECTOR.search(prev):
        return True
    if is_caps_heading(text) and len(text) < 0.6 * full and not text[:1].islower() and (prev_terminal or prev_short):
        return True
    if prev_terminal and prev_short and not text[:1].islower():
        return True
    if len(prev) < 0.5 * full and not _CONNECTOR.search(prev) and not text[:1].islower():
        return True
    return False


def _joint(prev: str, nxt: str, keep_hyphen: set[str], soft: bool = False) -> tuple[int, str]:
    """How ``nxt`` joins a paragraph ending in ``prev``: the number of characters to drop
    from the paragraph's end (0 or 1, the line-end hyphen) and the separator.

    Only the last ``WORD_TAIL_CHARS`` characters of ``prev`` are looked at, so ``prev``
    may be just the paragraph's tail: a join costs the same however long the paragraph is.
    """
    if soft or joins_without_space(prev, nxt):
        return 0, ""
    if prev.endswith("-") and not prev.endswith("--"):
        before = prev[max(0, len(prev) - WORD_TAIL_CHARS):-1]
        word = before[len(before.rstrip(_ASCII_LETTERS)):]
        if word:
            head = _WORD_HEAD.match(nxt)
            if head is None:
                return 0, ""  # "Multi-" + "Modality", "pre-" + "2020"
            if word.lower() in _COMPOUND_PREFIXES or f"{word}-{head.group(1)}".lower() in keep_hyphen:
                return 0, ""
            return 1, ""
    return 0, " "


def join_lines(prev: str, nxt: str, keep_hyphen: set[str], soft: bool = False) -> str:
    """Join two wrapped lines of one paragraph, undoing line-end hyphenation.

    "Agree-" + "ment" -> "Agreement" (lower-case continuation, and the hyphenated
    form is not a known compound); "Multi-" + "Modality" -> "Multi-Modality";
    a soft hyphen at the line end always joins.
    """
    cut, sep = _joint(prev, nxt, keep_hyphen, soft)
    return (prev[:-1] if cut else prev) + sep + nxt


_HYPHENATED = re.compile(r"\b([A-Za-z]+-[a-z]+)\b")


def hyphenated_words(pages: list[list[Line]]) -> set[str]:
    """Hyphenated words written inside lines anywhere in the document ("non-exclusive")."""
    found: set[str] = set()
    for lines in pages:
        for line in lines:
            if "-" in line.text:
                found.update(w.lower() for w in _HYPHENATED.findall(line.text[:-1]))
    return found


def paragraphs(lines: list[Line], keep_hyphen: set[str]) -> list[str]:
    """Group a page's lines into paragraphs; wrapped lines are joined with a space.

    A paragraph is built from its pieces, and each join looks only at the paragraph's
    last ``WORD_TAIL_CHARS`` characters, so the work is linear in the page's text."""
    full = typical_length(lines)
    out: list[list[str]] = []
    tail = ""  # the current paragraph's last WORD_TAIL_CHARS characters (or all of it)
    prev: Line | None = None
    for line in lines:
        if not line.text:
            continue
        if prev is not None and (prev.soft_hyphen or not starts_new_paragraph(prev.text, line, full)):
            cut, sep = _joint(tail, line.text, keep_hyphen, prev.soft_hyphen)
            pieces = out[-1]
            if cut:
                pieces[-1] = pieces[-1][:-1]
                tail = tail[:-1]
            pieces += [sep, line.text] if sep else [line.text]
            tail = (tail + sep + line.text)[-WORD_TAIL_CHARS:]
        else:
            out.append([line.text])
            tail = line.text[-WORD_TAIL_CHARS:]
        prev = line
    return ["".join(pieces) for pieces in out]


def continues_paragraph(prev_par: str, next_par: str) -> bool:
    """Does the first paragraph of a page continue the last one of the previous page?"""
    if not prev_par or not next_par:
        return False
    if _TERMINAL.search(prev_par) or is_caps_heading(prev_par):
        return False
    if _NUMBERED.match(next_par) or CN_NUMBERED.match(next_par):
        return False
    if joins_without_space(prev_par, next_par):
        return len(prev_par) > 30 and prev_par.rstrip()[-1:] not in "。！？；："
    return next_par[:1].islower() or bool(_CONNECTOR.search(prev_par)) or prev_par.endswith("-")


# ------------------------------------------------------------------ checking

_PAGE_OF = re.compile(r"\bpage\s+\d+\s+of\s+\d+\b", re.I)
_LIST_MARK = re.compile(r"\(?[a-z]{1,3}\)|[ivxlc]{1,3}\.?")


def leftover_running_lines(text: str, page_spans: list[tuple[int, int]],
                           max_len: int = 120) -> list[tuple[str, str]]:
    """Lines of the final text that still look like running headers or footers.

    Returns ``(kind, line)`` pairs. Kinds: ``repeated`` (a line up to ``max_len``
    characters whose ``running_key`` occurs on at least half the pages, three
    pages at least), ``page_of`` ("Page N of M"), ``source`` (EDGAR "Source: ..."
    lines) and ``page_number`` (a bare number or "Page N" line).
    """
    per_page: list[set[str]] = []
    found: list[tuple[str, str]] = []
    for s, e in page_spans:
        keys = set()
        for line in text[s:e].split("\n"):
            line = line.strip()
            if not line or len(line) > max_len:
                continue
            if _PAGE_OF.search(line) and len(line) < 40:
                found.append(("page_of", line))
            elif is_source_line(line):
                found.append(("source", line))
            elif is_page_number(line) and not _LIST_MARK.fullmatch(line):
                found.append(("page_number", line))
            keys.add(running_key(line))
        per_page.append(keys)
    n = len(page_spans)
    if n >= 3:
        need = max(3, math.ceil(n / 2))
        counts = Counter(k for keys in per_page for k in keys)
        found += [("repeated", k) for k, c in sorted(counts.items()) if c >= need]
    return found
