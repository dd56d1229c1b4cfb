"""Clauses that live in another document: findings of "missing" do not apply there.

- A cover page or order form that brings in published terms by reference ("the parties enter into
  the Bonterms Mutual NDA (Version 1.0) (available at ...)") without containing them.
- An amendment, addendum or supplement to an agreement that is not in the document ("Amendment
  No. 2 to the Distribution Agreement", "This DPA forms part of and supplements the Agreement").

What such a document lacks may be in the other one, so a clause not found is not reported
missing; a note names the other document and the clauses to check there.
"""

from __future__ import annotations

import re
from typing import Optional

from analyzer.core.schema import Finding, Report

# the document brings in published terms by reference ("the parties enter into the Bonterms Mutual
# NDA (Version 1.0) (available at https://...)", "... Standard Terms Version 1.1 posted at ...,
# which is incorporated by reference")
_INCORPORATES = re.compile(
    r"\b(?:enter\s+into|incorporat\w*(?:\s+by\s+reference)?|accept\w*)\s+the\s+(?P<a>[A-Z][\w&’'\- ]{2,60}?)"
    r"\s*(?:\((?:Version|v\.?)\s*[\d.]+\)\s*)?\(?(?:available|posted)\s+at\b"
    r"|\b(?P<b>[A-Z][\w&’'\- ]{2,60}?)\s+(?:\(?Version\s*[\d.]+\)?\s+)?(?:available|posted)\s+at\s+\S+\s*,?\s*"
    r"which\s+(?:is|are)\s+incorporated\s+(?:herein\s+)?by\s+reference")
# numbered top-level clauses below which the incorporated terms are taken to be absent from the document
_TERMS_IN_DOCUMENT = 3


def incorporated_terms(report: Report) -> Optional[str]:
    """The name of the published terms the document incorporates by reference when those terms
    are not in the document itself (a cover page or order form alone), else None."""
    m = _INCORPORATES.search(report.text[:20000])
    if m is None:
        return None
    numbered = sum(1 for c in report.clauses if c.parent_id is None and c.number and c.kind not in ("signature", "schedule"))
    if numbered >= _TERMS_IN_DOCUMENT:
        return None
    return " ".join((m.group("a") or m.group("b")).split())


# the document amends or supplements another agreement: by its title ("AMENDMENT NO. 1 TO THE
# SUPPLY AGREEMENT", "SECOND AMENDMENT TO ...", "ADDENDUM I") or by saying so ("This DPA forms part
# of and supplements the Agreement"); a restated agreement ("Amended and Restated ...",
# "Cooperation Agreement (2014 Amendment)") is whole and does not count
_AMENDMENT_TITLE = re.compile(
    r"^\W*(?:(?:first|second|third|fourth|fifth|sixth)\s+)?(?:amendment|addendum)\b(?!\s+and\s+restat)"
    r"|\b(?:amendment|addendum)\s+(?:no\.?|number|n°|#)\s*\d+|\baddendum\s+[IVX]+\b", re.I)
_SUPPLEMENTS = re.compile(
    r"\bThis\s+(?!(?:Schedule|Exhibit|Annex|Appendix|Attachment)\b)"
    r"(?:DPA|Addendum|Amendment|Supplement|[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*){0,4})\s+"
    r"(?:forms?\s+(?:an?\s+(?:integral\s+)?)?part\s+of(?:\s+and\s+supplements)?|supplements|amends|"
    r"is\s+(?:an?\s+)?(?:addendum|supplement|amendment)\s+to)\s+the\b[^.;:\n]{0,60}")
_TITLE_CHARS = 400
_OPENING_CHARS = 3000  # where a document says what it supplements (a schedule saying so later is part of the whole)


def supplemented_agreement(report: Report) -> Optional[str]:
    """How the document says that it amends or supplements another agreement, else None."""
    from analyzer.nlp.title import find_title

    hit = find_title(report.text[:_TITLE_CHARS], _TITLE_CHARS)
    lines = [ln.strip() for ln in report.text[:_TITLE_CHARS].splitlines() if ln.strip()][:3]
    for title in ([hit.value] if hit is not None and hit.value else []) + lines:
        m = _AMENDMENT_TITLE.search(title)
        if m is not None:
            return " ".join(title[m.start():].split())[:100]
    m = _SUPPLEMENTS.search(report.text[:_OPENING_CHARS])
    return " ".join(m.group(0).split()) if m is not None else None


def without_missing(report: Report, findings: list[Finding]) -> tuple[list[Finding], Optional[str]]:
    """``findings`` less its "missing" ones when clauses may live in another document (published
    terms incorporated by reference, or the agreement this one amends), and a note that says so;
    else unchanged."""
    dropped = sorted({f.category for f in findings if f.kind == "missing"})
    if not dropped:
        return findings, None
    terms = incorporated_terms(report)
    if terms is not None:
        note = (f"the document incorporates the {terms} by reference and does not contain it, so clauses not "
                f"found here were not reported missing: {', '.join(dropped)}; check them in the {terms}")
    else:
        other = supplemented_agreement(report)
        if other is None:
            return findings, None
        note = (f"the document amends or supplements another agreement (“{other}”), which is not in it, so clauses "
                f"not found here were not reported missing: {', '.join(dropped)}; check them in that agreement")
    return [f for f in findings if f.kind != "missing"], note


