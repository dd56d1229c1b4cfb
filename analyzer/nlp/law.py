"""Governing law, forum (courts, venue) and arbitration (rules, seat)."""

from __future__ import annotations

import re
from functools import lru_cache

from analyzer.nlp.resources import Hit, drop_overlaps, load_patterns

_NOT_PLACES = {"this", "such", "any", "each", "agreement", "the", "that", "said", "which", "all", "its", "their",
               "competent", "applicable", "appropriate", "united"}
_PREFIX = re.compile(r"^(?:the\s+)?(?:State|Commonwealth|Province|Canton|Emirate)\s+of\s+", re.I)


@lru_cache(maxsize=1)
def _res() -> dict:
    p = load_patterns("law")
    return {
        "law": [re.compile(x) for x in p["governing_law"]],
        "forum": [re.compile(x, re.S) for x in p["forum"]],
        "rules": re.compile(rf"\b{p['arbitration_rules']}\b"),
        "seat": [re.compile(x) for x in p["arbitration_seat"]],
    }


def _place(m: re.Match) -> tuple[int, int, str] | None:
    g = "j" if m.groupdict().get("j") else "j2"
    s, e = m.span(g)
    value = m.group(g)
    value = value.strip()
    first = value.split()[0].lower() if value.split() else ""
    if not value or first in _NOT_PLACES and not value.lower().startswith("united "):
        return None
    return s, e, _PREFIX.sub("", value).rstrip(".,")


def find_law(text: str) -> list[Hit]:
    r = _res()
    hits = []
    for rx in r["law"]:
        for m in rx.finditer(text):
            p = _place(m)
            if p:
                hits.append(Hit(m.start(), max(p[1], m.end()), "governing_law", p[2]))
    for rx in r["forum"]:
        for m in rx.finditer(text):
            p = _place(m)
            if p:
                hits.append(Hit(p[0], p[1], "jurisdiction", p[2]))
    for m in r["rules"].finditer(text):
        window = text[max(0, m.start() - 250):m.end() + 150].lower()
        if "arbitra" in window:
            hits.append(Hit(m.start(), m.end(), "arbitration", "rules:" + re.sub(r"\s+", " ", m.group(0))))
    for rx in r["seat"]:
        for m in rx.finditer(text):
            p = _place(m)
            if p:
                hits.append(Hit(p[0], p[1], "arbitration", "seat:" + p[2]))
    by_type: dict[str, list[Hit]] = {}
    for h in hits:
        by_type.setdefault(h.label, []).append(h)
    return [h for hs in by_type.values() for h in drop_overlaps(hs)]
