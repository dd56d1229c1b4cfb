"""Facts read from a finished report with the readers the findings use, so that every view agrees.

``liability_cap`` reads the sentences of the cap and limitation-of-liability
evidence with ``analyzer.review.attributes`` (the reader behind the liability
findings): the first sentence that caps liability gives the cap; otherwise a
sentence that makes liability unlimited; otherwise there is no cap, which is
what a "no overall cap" finding says too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from analyzer.core.schema import Report

CAP_CATEGORIES = ("cap_on_liability", "limitation_of_liability")
CAPPED, UNLIMITED, NO_CAP = "capped", "unlimited", "none"
_SENTENCE_END = re.compile(r"(?<=[.;])\s+(?=[A-Z(])")


@dataclass(frozen=True)
class Cap:
    """``state``: capped, unlimited or none; ``amount``: the cap as written, when stated; the sentence's span."""

    state: str
    amount: Optional[str]
    start: int
    end: int


def sentences(report: Report, start: int, end: int) -> list[tuple[int, int]]:
    """Sentences inside ``[start, end)``: the report's own, or split at sentence ends when it has none."""
    inside = [(s.start, s.end) for s in report.sentences if start <= s.start and s.end <= end]
    if inside:
        return inside
    out, a = [], start
    for m in _SENTENCE_END.finditer(report.text, start, end):
        out.append((a, m.start()))
        a = m.end()
    return out + ([(a, end)] if a < end else [])


def liability_cap(report: Report) -> Optional[Cap]:
    """The liability cap the contract states; None when it has no liability evidence at all."""
    from analyzer.review.attributes import document_context, extract_attributes

    labels = sorted((lab for lab in report.labels if lab.flagged and lab.category in CAP_CATEGORIES),
                    key=lambda lab: lab.start)
    if not labels:
        return None
    ctx = document_context(report.text, report.entities, report.parties)
    unlimited = None
    seen: set[tuple[int, int]] = set()
    for lab in labels:
        for a, b in sentences(report, lab.start, lab.end):
            if (a, b) in seen:
                continue
            seen.add((a, b))
            attrs = extract_attributes(report.text, [(a, b)], ctx)
            if getattr(attrs, "capped", None):
                return Cap(CAPPED, getattr(attrs, "cap_amount", None), a, b)
            if getattr(attrs, "uncapped", None) and unlimited is None:
                unlimited = Cap(UNLIMITED, None, a, b)
    return unlimited or Cap(NO_CAP, None, labels[0].start, labels[0].end)


__all__ = ["CAPPED", "CAP_CATEGORIES", "Cap", "NO_CAP", "UNLIMITED", "liability_cap", "sentences"]
