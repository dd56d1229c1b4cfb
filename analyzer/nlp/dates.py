"""Dates ("May 8, 2014", "the 8th day of May 2014", "01/13/2005") with ISO values, and the
agreement / effective / expiration date readings from the words around them."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Optional

from analyzer.nlp.resources import (
    Hit,
    alternation,
    drop_overlaps,
    load_patterns,
    windowed,
    windows,
)

_BLANK = r"(?:_{2,}|\[\s*[*•_ ]*\s*\]|\s{2,}|•)"


@lru_cache(maxsize=1)
def _res() -> dict:
    p = load_patterns("dates")
    month = alternation(p["months"], flags_upper=True)
    year = r"(?P<y>(?:19|20)\d{2})(?!\d)"
    return {
        "mdy": re.compile(rf"\b(?P<m>{month})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s*{year}"),
        "dmy": re.compile(rf"\b(?P<d>\d{{1,2}})\s*(?:s\s?t|n\s?d|r\s?d|t\s?h)?\s+(?:day\s+of\s+|DAY\s+OF\s+)?(?P<m>{month})\.?\s*,?\s*{year}"),
        "dayblank": re.compile(rf"(?:\b(?:this|the)\s+)?(?:_+|\[[^\]\n]{{0,10}}\]|\d{{1,2}}(?:st|nd|rd|th)?)?\s*(?i:day)\s+(?i:of)\s+"
                               rf"(?:_+|(?P<m>{month}))\s*,?\s*(?:(?P<y>(?:19|20)\d{{2}})(?!\d)|(?:19|20)?_+)"),
        "day_anchor": re.compile(r"(?i:day\s+of)"),
        "my": re.compile(rf"\b(?P<m>{month})\.?\s*,?\s+{year}"),
        "blank": re.compile(rf"\b(?P<m>{month})\s*{_BLANK}\s*,?\s*{year}"),
        "anchor": re.compile(month),
        "numeric": re.compile(r"(?<![\d/.])(?P<mo>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4}|\d{2})(?![\d/])"),
        "iso": re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})-(?P<mo>\d{2})-(?P<d>\d{2})(?!\d)"),
        "effective_before": re.compile(p["effective_cues"], re.I),
        "effective_after": re.compile(p["effective_after"], re.I),
        "agreement_before": re.compile(p["agreement_cues"], re.I),
        "agreement_after": re.compile(p["agreement_after"], re.I),
        "expiry_before": re.compile(p["expiry_cues"], re.I),
    }


def _iso(y: str, m: Optional[int], d: Optional[str]) -> Optional[str]:
    year = int(y) if len(y) == 4 else 2000 + int(y) if int(y) < 50 else 1900 + int(y)
    if m is None:
        return f"{year:04d}"
    if d is None:
        return f"{year:04d}-{m:02d}"
    try:
        return date(year, m, int(d)).isoformat()
    except ValueError:
        return None


def find_dates(text: str) -> list[Hit]:
    months = {k.lower(): v for k, v in load_patterns("dates")["months"].items()}
    r = _res()
    hits = []
    spans = windows(r["anchor"], text, 30, 40)
    for key in ("mdy", "dmy", "my", "blank", "numeric", "iso", "dayblank"):
        if key == "dayblank":
            matches = windowed(r[key], r["day_anchor"], text, 30, 40)
        else:
            matches = r[key].finditer(text) if key in ("numeric", "iso") else windowed(r[key], spans, text)
        for m in matches:
            gd = m.groupdict()
            if key == "dayblank":
                if "_" not in m.group(0) and "[" not in m.group(0):
                    continue  # complete dates are read by "dmy"
                y = gd.get("y")
                mo = months.get(gd["m"].lower()) if gd.get("m") else None
                value = (f"{y}-{mo:02d}" if mo else y) if y else None
                hits.append(Hit(m.start(), m.end(), "date", value))
                continue
            mo = months.get(gd["m"].lower()) if gd.get("m") else int(gd["mo"]) if gd.get("mo") else None
            if mo is None or not 1 <= mo <= 12:
                continue
            value = _iso(gd["y"], mo, gd.get("d") if key not in ("my", "blank") else None)
            if value is None and key in ("numeric", "iso"):
                continue
            hits.append(Hit(m.start(), m.end(), "date", value))
    return drop_overlaps(hits)


def date_roles(text: str, hit: Hit, in_preamble: bool, first_in_preamble: bool) -> list[str]:
    """Extra types for a date: "agreement_date", "effective_date", "expiration_date"."""
    r = _res()
    line_start = text.rfind("\n", 0, hit.start) + 1
    if "Source:" in text[line_start:hit.start] or "Page" in text[line_start:hit.start]:
        return []  # filing headers and footers
    cut = max(text.rfind(". ", 0, hit.start), text.rfind("\n\n", 0, hit.start), hit.start - 150)
    before = text[cut + 1:hit.start]
    after = text[hit.end:hit.end + 80]
    roles = []
    effective = bool(r["effective_before"].search(before) or r["effective_after"].match(after))
    if effective:
        roles.append("effective_date")
    if in_preamble and (r["agreement_before"].search(before) or r["agreement_after"].match(after)
                        or (first_in_preamble and not effective and "/" not in text[hit.start:hit.end])):
        roles.append("agreement_date")
    if r["expiry_before"].search(before[-60:]):
        roles.append("expiration_date")
    return roles

