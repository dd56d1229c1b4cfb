"""Context features for clause classification, computed from the text alone.

The heading that governs a unit is ``analyzer.structure.headings.HeadingIndex.context``:
the nearest preceding heading written in the text (a heading-like line or a
numbered clause title) plus its top-level parent, so the features do not depend
on how well the document was segmented. Training, evaluation and the runtime all
read it through ``unit_fields``.
"""

from __future__ import annotations

import re

from analyzer.structure.headings import HeadingIndex

__all__ = ["POSITION_TOKEN", "HeadingIndex", "normalise", "position_bucket", "unit_fields"]


def normalise(text: str) -> str:
    """Text as the vectorisers see it: one line, numbers collapsed."""
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"\d+", "0", text).strip()


# the tokens ``position_bucket`` adds to the ``head`` field, for readers that want the headings alone
POSITION_TOKEN = re.compile(r"__pos_\w+")


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
