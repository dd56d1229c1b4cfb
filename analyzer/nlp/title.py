"""The agreement's title ("EXCLUSIVE LICENSE AGREEMENT") near the top of the document."""

from __future__ import annotations

import re
from typing import Optional

from analyzer.core.headings import is_heading_like
from analyzer.nlp.resources import Hit

_KIND = (r"AGREEMENT|CONTRACT|LICEN[CS]E|MEMORANDUM\s+OF\s+UNDERSTANDING|ADDENDUM|AMENDMENT|DEED|"
         r"TERMS\s+AND\s+CONDITIONS|ARRANGEMENT|INDENTURE|UNDERTAKING|PROTOCOL|CHARTER")
_WORD = r"[A-Z0-9][A-Z0-9&'’\-/.,]*"
_UPPER = re.compile(rf"(?<![A-Za-z]){_WORD}(?:(?:[ \t]{{1,2}}|[ \t]*\n[ \t]*){_WORD}){{0,14}}(?![a-z])")
_KIND_RE = re.compile(rf"(?:{_KIND})(?:[ \t]+(?:NO\.|NUMBER)[ \t]*\d+)?(?![A-Za-z])")
_THIS = re.compile(r"\b(?:This|THIS|The|THE)\s+((?:[A-Z][\w&'’\-]*\s+){0,8}?(?:Agreement|Contract|License|Licence|"
                   r"Addendum|Amendment|Memorandum of Understanding))\b")
_LINE = re.compile(r"[^\n]+")
# the line just before a blank line (the title's first words when its last word stands alone)
_BEFORE_BLANK = re.compile(r"(?:^|(?<=\n))(?P<line>[^\n]+)\n[ \t]*\n[ \t]*\Z")
_SKIP = {"EXHIBIT", "EX", "CONFIDENTIAL", "REDACTED", "COPY", "EXECUTION", "VERSION", "FINAL", "DRAFT", "SCHEDULE",
         "ANNEX", "APPENDIX", "ATTACHMENT", "CERTAIN", "PORTIONS", "THE", "THIS", "AND", "OF", "TO"}


def find_title(text: str, limit: int = 3000) -> Optional[Hit]:
    head = text[:limit]
    for m in _UPPER.finditer(head):
        kinds = list(_KIND_RE.finditer(text, m.start(), m.end()))
        if not kinds:
            continue
        s, e = m.start(), kinds[-1].end()
        words = text[s:e].split()
        # drop filing labels and numbers in front ("EXHIBIT 10.1", "CONFIDENTIAL")
        while words and (words[0].rstrip(".:,") in _SKIP or re.fullmatch(r"(?=.*\d)[\d.\-()A-Z]{1,8}", words[0])
                         and not re.search(_KIND, words[0])) and len(words) > 1:
            s = text.index(words[0], s) + len(words[0])
            words = words[1:]
        while s < e and text[s].isspace():
            s += 1
        if _KIND_RE.fullmatch(text, s, e):
            s = _wrapped_start(text, m.start(), s)
        phrase = text[s:e]
        if len(phrase.split()) > 12 or len(phrase) < 5:
            continue
        return Hit(s, e, "document_name", re.sub(r"\s+", " ", phrase))
    for m in _LINE.finditer(head):
        # a cover page's second line names the form it completes ("Cover Page" / "for Bonterms Mutual NDA")
        line = re.sub(r"^(?:for|to)\s+(?=[A-Z])", "", m.group(0).strip())
        if re.search(r"\b(?:Agreement|Contract|License|Licence|NDA)\b", line) and len(line.split()) <= 10 \
                and is_heading_like(line):
            s = m.start() + m.group(0).index(line)
            return Hit(s, s + len(line), "document_name", line)
    m = _THIS.search(head)
    if m:
        return Hit(m.start(1), m.end(1), "document_name", m.group(1))
    return None


def _wrapped_start(text: str, line_start: int, s: int) -> int:
    """A title whose last word stands on a line of its own after a blank line ("RESEARCH AND
    DEVELOPMENT COLLABORATION" / "AGREEMENT"): where the line of its other words starts, else ``s``."""
    lo = max(0, line_start - 200)
    m = _BEFORE_BLANK.search(text[lo:line_start])
    if m is None:
        return s
    words = m.group("line").strip()
    if not words.isupper() or not is_heading_like(words) or len(words.split()) > 10 \
            or words.split()[0].rstrip(".:,") in _SKIP:
        return s
    return lo + m.start("line") + len(m.group("line")) - len(m.group("line").lstrip())
