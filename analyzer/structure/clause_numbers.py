"""Clause labels ("ARTICLE IV", "Section 1.01", "7.2", "(a)", "B.") and short headings.

A label can be read several ways ("(i)" is the ninth letter or roman one), so
``parse_label`` returns every reading as ``(style, value, number)``; the
segmenter keeps the one that continues an open numbering sequence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

_ROMAN = re.compile(r"^(?=[MDCLXVI])M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
NUMBER_WORDS = {
    "ONE": 1, "TWO": 2, "THREE": 3, "FOUR": 4, "FIVE": 5, "SIX": 6, "SEVEN": 7, "EIGHT": 8,
    "NINE": 9, "TEN": 10, "ELEVEN": 11, "TWELVE": 12, "THIRTEEN": 13, "FOURTEEN": 14,
    "FIFTEEN": 15, "SIXTEEN": 16, "SEVENTEEN": 17, "EIGHTEEN": 18, "NINETEEN": 19, "TWENTY": 20,
}
_SMALL_WORDS = {"of", "and", "the", "to", "for", "in", "on", "or", "a", "an", "with", "by", "upon",
                "as", "at", "from", "under", "&", "its", "not", "no"}

LABEL_RE = re.compile(
    r"(?P<art>(?:ARTICLE|Article)[ \t]+(?P<artn>[IVXLC]{1,6}|\d{1,2}|[A-Z][A-Za-z]{2,9})\b\.?)"
    r"|(?P<sec>(?:SECTION|Section|§)[ \t]*(?P<secn>\d{1,3}(?:\.\d{1,3}){0,3})(?!\.?\d)\.?)"
    r"|(?P<dec>(?P<decn>\d{1,3}(?:\.\d{1,3}){0,3})(?P<decdot>\.?)(?![\d,%]|\.\d))"
    r"|(?P<par>\((?P<parn>[a-z]{1,4}|[A-Z]{1,4}|\d{1,2})\))"
    r"|(?P<dot>(?P<dotn>[IVX]{1,5}|[ivx]{1,5}|[A-Za-z])\.(?![A-Za-z]\.|\d))"
)


def roman_to_int(s: str) -> Optional[int]:
    u = s.upper()
    if not _ROMAN.match(u):
        return None
    total, prev = 0, 0
    for ch in reversed(u):
        v = _ROMAN_VALUES[ch]
        total = total - v if v < prev else total + v
        prev = max(prev, v)
    return total


def letter_value(s: str) -> Optional[int]:
    """a=1 ... z=26, aa=27 (repeated letters), else None."""
    if len(set(s)) != 1 or not s.isalpha():
        return None
    return (ord(s[0].lower()) - 96) + 26 * (len(s) - 1)


@dataclass
class Label:
    start: int
    end: int
    styles: list = field(default_factory=list)  # [(style, value, number)]
    trusted: bool = False
    _heading: object = field(default=False, repr=False)

    def heading(self, text: str) -> Optional[str]:
        if self._heading is False:
            self._heading = heading_after(text, self.end)
        return self._heading


def parse_label(text: str, pos: int, trusted: bool = False) -> Optional[Label]:
    """Read a clause label at ``text[pos]``; None when there is none or it is not followed
    by what a clause body starts with."""
    m = LABEL_RE.match(text, pos)
    if m is None:
        return None
    end = m.end()
    nxt = text[end:end + 1]
    after = text[end:end + 60].lstrip(" \t\u00a0")
    first = after[:1]
    styles: list = []
    if m.group("art"):
        tok = m.group("artn")
        n = int(tok) if tok.isdigit() else roman_to_int(tok) if tok.isupper() and roman_to_int(tok) else \
            NUMBER_WORDS.get(tok.upper())
        if n is None or not (nxt in ("", "\n", "\r") or nxt.isspace() or nxt in ".:-–—"):
            return None
        if first and not (first.isupper() or first in "\n\r.:-–—\"“(" or first.isdigit()):
            return None
        styles.append((("article",), (n,), f"Article {tok}"))
    elif m.group("sec") or m.group("dec"):
        num = m.group("secn") or m.group("decn")
        value = tuple(int(x) for x in num.split("."))
        if any(v > 300 for v in value) or value[0] == 0:
            return None
        is_sec = bool(m.group("sec"))
        dotted = is_sec or bool(m.group("decdot")) or len(value) > 1
        if not (nxt in ("", "\n", "\r") or nxt.isspace()):
            if not (m.group("decdot") and (nxt.isupper() or nxt in "\"“[")):
                return None
        if not dotted and not trusted:
            if not first.isupper():  # "1 Definitions" only, never "1 year"
                return None
        if first and not (first.isupper() or first in "\"“([\n\r" or (is_sec and first in ".:-–—")):
            if not trusted:
                return None
        styles.append((("dec", len(value)), value, num))
    elif m.group("par"):
        tok = m.group("parn")
        if not (nxt in ("", "\n", "\r") or nxt.isspace()) and not trusted:
            return None
        number = f"({tok})"
        if tok.isdigit():
            styles.append((("paren", "digit"), (int(tok),), number))
        else:
            kind = "lower" if tok.islower() else "upper"
            lv = letter_value(tok)
            rv = roman_to_int(tok)
            if lv is not None and len(tok) <= 2:
                styles.append((("paren", kind), (lv,), number))
            if rv is not None:
                styles.append((("paren", "roman_" + kind), (rv,), number))
    else:
        tok = m.group("dotn")
        if not (nxt in ("", "\n", "\r") or nxt.isspace() or nxt.isalpha() or nxt in "\"“"):
            return None
        if not first or first in ",;":
            return None
        rv = roman_to_int(tok)
        if len(tok) == 1:
            kind = "lower" if tok.islower() else "upper"
            styles.append((("dot", kind), (letter_value(tok),), tok))
        if rv is not None and tok.isupper():
            styles.append((("roman_dot_upper",), (rv,), tok))
        elif rv is not None:
            styles.append((("roman_dot_lower",), (rv,), tok))
    if not styles:
        return None
    return Label(start=pos, end=end, styles=styles, trusted=trusted)


_TABLE_ROW = re.compile(r"\|" r"|\d[\d,.]*[ \t]*%" r"|(?:EUR|USD|GBP|CHF|JPY|CNY|SGD|[$€£¥])[ \t]?\d")
_VERBS = re.compile(r"\b(?:shall|will|may|must|can|is|are|was|were|be|been|has|have|had|does|do|means?"
                    r"|includes?|agrees?|warrants?)\b", re.I)


def looks_like_table_row(s: str) -> bool:
    """Cells of a flattened table row (amounts, percentages, "|" separators) or a line that is a
    third digits or more (page footers, filing stamps): never a heading."""
    alnum = [c for c in s if c.isalnum()]
    digits = sum(1 for c in alnum if c.isdigit())
    return bool(_TABLE_ROW.search(s)) or (len(alnum) >= 4 and digits * 3 >= len(alnum))


def is_heading_like(s: str, strict: bool = False) -> bool:
    """Short, capitalised words without sentence punctuation inside."""
    s = s.strip()
    if not s or len(s) > 100 or s[-1] in ",;" or s[0].islower() or looks_like_table_row(s):
        return False
    words = re.findall(r"[A-Za-z][A-Za-z'’\-]*", s)
    if not words or len(words) > 12:
        return False
    if strict:
        if s[-1] in ".:" and not s[:-1].isupper():
            return False
        if sum(1 for w in words if w.isupper()) < len(words) * 0.8 and not _title_case(words, 0.9):
            return False
        return sum(1 for c in s if c.isalpha()) >= 3
    return s.isupper() or _title_case(words, 0.7)


def _title_case(words: list[str], share: float) -> bool:
    content = [w for w in words if w.lower() not in _SMALL_WORDS]
    if not content:
        return False
    return sum(1 for w in content if w[0].isupper()) >= share * len(content)


def heading_after(text: str, pos: int) -> Optional[str]:
    """The short title right after a label: "Improvements" in "7.2 Improvements. Licensee ...",
    "TERM OF CONTRACT" in "1.   TERM OF CONTRACT\\n", or the next line after a bare label."""
    line_end = text.find("\n", pos)
    line_end = len(text) if line_end == -1 else line_end
    line = text[pos:line_end]
    body = line.lstrip(" \t\u00a0.:-–—")
    if not body.strip():
        nxt = re.match(r"\n[ \t]*(?:\n[ \t]*)?([^\n]{2,100})(?=\n|$)", text[line_end:line_end + 120])
        if nxt and is_heading_like(nxt.group(1)):
            return _clean(nxt.group(1))
        return None
    # "HEADING   Body text" (line breaks flattened into runs of spaces)
    gap = re.search(r"[ \t\u00a0]{3,}", body)
    if gap and gap.start() > 1 and is_heading_like(body[:gap.start()]) and body[:gap.start()].isupper():
        return _clean(body[:gap.start()])
    stop = re.search(r"(?<![A-Z][a-z]\.)(?<!\b[A-Z])[.:](?=\s|$)|\s[-–—]\s", body[:120])
    if stop:
        head = body[:stop.start()]
        if 0 < len(head) <= 80 and not re.search(r"[\"“]", head[:1]) and (
                is_heading_like(head) or (stop.group() == "." and _run_in_heading(head, body[stop.end():]))):
            return _clean(head)
        return None
    if len(body.strip()) <= 80 and is_heading_like(body):
        return _clean(body)
    return None


def _run_in_heading(head: str, rest: str) -> bool:
    """A short sentence-case title run into the clause text: "Reserved rights. All rights ..."."""
    words = head.split()
    if not 1 <= len(words) <= 8 or len(head) > 60 or not head[0].isupper() or _VERBS.search(head):
        return False
    if re.search(r"[^\w\s'’&/-]", head) or looks_like_table_row(head):
        return False
    nxt = rest.lstrip(" \t\u00a0")
    return bool(nxt) and (nxt[0].isupper() or nxt[0] in "\"“(")


def _clean(s: str) -> str:
    s = re.sub(r"\s+", " ", s).strip(" .:-–—")
    return s or None
