"""Clause labels ("ARTICLE IV", "Section 1.01", "7.2", "(a)", "B.").

A label can be read several ways ("(i)" is the ninth letter or roman one), so
``parse_label`` returns every reading as ``(style, value, number)``; the
segmenter keeps the one that continues an open numbering sequence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from analyzer.structure.headings import heading_after

_ROMAN = re.compile(r"^(?=[MDCLXVI])M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
NUMBER_WORDS = {
    "ONE": 1, "TWO": 2, "THREE": 3, "FOUR": 4, "FIVE": 5, "SIX": 6, "SEVEN": 7, "EIGHT": 8,
    "NINE": 9, "TEN": 10, "ELEVEN": 11, "TWELVE": 12, "THIRTEEN": 13, "FOURTEEN": 14,
    "FIFTEEN": 15, "SIXTEEN": 16, "SEVENTEEN": 17, "EIGHTEEN": 18, "NINETEEN": 19, "TWENTY": 20,
}

LABEL_RE = re.compile(
    r"(?P<art>(?:ARTICLE|Article)[ \t]+(?P<artn>[IVXLC]{1,6}|\d{1,2}|[A-Z][A-Za-z]{2,9})\b\.?)"
    r"|(?P<sec>(?:SECTION|Section|§)[ \t]*(?P<secn>\d{1,3}(?:\.\d{1,3}){0,3})(?!\.?\d)\.?)"
    r"|(?P<dec>(?P<decn>\d{1,3}(?:\.\d{1,3}){0,3})(?P<decdot>\.?)(?![\d,%]|\.\d))"
    r"|(?P<par>\((?P<parn>[a-z]{1,4}|[A-Z]{1,4}|\d{1,2})\))"
    r"|(?P<dot>(?P<dotn>[IVX]{1,5}|[ivx]{1,5}|[A-Za-z])\.(?![A-Za-z]\.|\d))"
)


_CN_FIRST = "第（("


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
class ClauseNumber:
    start: int
    end: int
    styles: list = field(default_factory=list)  # [(style, value, number)]
    trusted: bool = False
    _heading: object = field(default=False, repr=False)

    def heading(self, text: str) -> Optional[str]:
        if self._heading is False:
            self._heading = heading_after(text, self.end)
        return self._heading


def parse_label(text: str, pos: int, trusted: bool = False) -> Optional[ClauseNumber]:
    """Read a clause label at ``text[pos]``; None when there is none or it is not followed
    by what a clause body starts with. Chinese labels (第一条, 一、, （一）, "1.1" before Chinese text)
    are read by ``analyzer.structure.cjk_numbers``."""
    if pos < len(text) and (text[pos] in _CN_FIRST or "\u4e00" <= text[pos] <= "\u9fff" or text[pos].isdigit()):
        from analyzer.structure.cjk_numbers import parse_cn_label

        cn = parse_cn_label(text, pos, trusted)
        if cn is not None:
            return cn
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
    return ClauseNumber(start=pos, end=end, styles=styles, trusted=trusted)
