"""Is this short piece of text a heading? Predicates over one line or title, no document needed.

Every stage that asks whether a line is a heading asks here: PDF clean-up
(``is_caps_heading``: where paragraphs break), the segmenter (``is_heading_like``,
``is_run_in_heading``: the title after a clause label), sentence splitting and the
title finder (``is_heading_like``), the heading scan of ``analyzer.structure.headings``
(``reads_as_title``) and presence (``is_toc_title``, ``is_document_title``). Which
headings a whole document has, and which one governs an offset, is
``analyzer.structure.headings``.
"""

from __future__ import annotations

import re
from typing import Optional

SMALL_WORDS = frozenset({"of", "and", "the", "to", "for", "in", "on", "or", "a", "an", "with", "by", "upon",
                         "as", "at", "from", "under", "&", "its", "not", "no"})

_TABLE_ROW = re.compile(r"\|" r"|\d[\d,.]*[ \t]*%" r"|(?:EUR|USD|GBP|CHF|JPY|CNY|SGD|[$€£¥])[ \t]?\d")
_VERBS = re.compile(r"\b(?:shall|will|may|must|can|is|are|was|were|be|been|has|have|had|does|do|means?"
                    r"|includes?|agrees?|warrants?)\b", re.I)
_WORDS = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
# a table-of-contents entry ("Section 2.3 Assistance by Employees 5"): a title ending in a page number
_TOC_ENTRY = re.compile(r"\D\s+\d{1,3}\s*$")
# a document title ("MUTUAL NON-DISCLOSURE AGREEMENT"), not a clause heading ("Term of this Agreement")
_DOC_TITLE = re.compile(r"^(?!.*\b(?:of|to|under|in) (?:(?:this|the) )?(?:agreement|contract)\s*$)"
                        r".*\b(?:agreement|contract|deed)\s*$", re.I)
# the heading of a signature page ("SIGNATURES", "Execution Page")
_SIGNATURE_HEADING = re.compile(r"(?:signatures?|execution(?:[ \t]+page)?|signature[ \t]+page)", re.I)


def looks_like_table_row(s: str) -> bool:
    """Cells of a flattened table row (amounts, percentages, "|" separators) or a line that is a
    third digits or more (page footers, filing stamps): never a heading."""
    alnum = [c for c in s if c.isalnum()]
    digits = sum(1 for c in alnum if c.isdigit())
    return bool(_TABLE_ROW.search(s)) or (len(alnum) >= 4 and digits * 3 >= len(alnum))


def is_heading_like(s: str, strict: bool = False) -> bool:
    """Short, capitalised words without sentence punctuation inside.

    ``strict`` (a line that stands alone as a section heading): upper case, or nine in ten
    content words capitalised, and no trailing "." or ":" unless the line is upper case."""
    s = s.strip()
    if not s or len(s) > 100 or s[-1] in ",;" or s[0].islower() or looks_like_table_row(s):
        return False
    words = _WORDS.findall(s)
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
    content = [w for w in words if w.lower() not in SMALL_WORDS]
    if not content:
        return False
    return sum(1 for w in content if w[0].isupper()) >= share * len(content)


def is_run_in_heading(head: str, rest: str) -> bool:
    """A short sentence-case title run into the clause text: "Reserved rights" in
    "Reserved rights. All rights ...", where ``rest`` is the text after the title's full stop."""
    words = head.split()
    if not 1 <= len(words) <= 8 or len(head) > 60 or not head[0].isupper() or _VERBS.search(head):
        return False
    if re.search(r"[^\w\s'’&/-]", head) or looks_like_table_row(head):
        return False
    nxt = rest.lstrip(" \t\u00a0")
    return bool(nxt) and (nxt[0].isupper() or nxt[0] in "\"“(")


def is_caps_heading(line: str) -> bool:
    """An upper-case line of at most 80 characters (nine in ten letters capitals)."""
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and len(line) <= 80 and sum(c.isupper() for c in letters) >= 0.9 * len(letters)


def reads_as_title(title: str) -> bool:
    """One to ten words, upper case (three letters at least) or half the words capitalised."""
    words = title.split()
    if not 1 <= len(words) <= 10:
        return False
    if title.isupper():
        return sum(c.isalpha() for c in title) >= 3
    caps = sum(1 for w in words if w[0].isupper())
    return caps >= max(1, (len(words) + 1) // 2)


def is_toc_title(title: str) -> bool:
    """A table-of-contents entry: a title that ends in a page number."""
    return _TOC_ENTRY.search(title) is not None


def is_document_title(title: str) -> bool:
    """The name of a document ("MUTUAL NON-DISCLOSURE AGREEMENT"), not a clause heading."""
    return _DOC_TITLE.search(title) is not None


def is_signature_heading(line: str) -> bool:
    """The heading of the signature page: "SIGNATURES", "Signature Page", "EXECUTION PAGE"."""
    return _SIGNATURE_HEADING.fullmatch(line.strip()) is not None


def clean_heading(s: str) -> Optional[str]:
    """A heading as reports show it: one space between words, no framing punctuation."""
    s = re.sub(r"\s+", " ", s).strip(" .:-–—")
    return s or None
