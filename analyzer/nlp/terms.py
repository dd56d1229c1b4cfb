"""Defined terms ('"Field" means', '(the "Territory")', 'hereinafter "X"') and their later uses."""

from __future__ import annotations

import re
from functools import lru_cache

from .resources import Hit, load_patterns


@lru_cache(maxsize=1)
def _res() -> dict:
    p = load_patterns("definitions")
    return {k: re.compile(p[k]) for k in ("means", "paren", "paren_ok", "hereinafter", "quoted")}


def _clean(text: str, s: int, e: int) -> tuple[int, int]:
    while e > s and text[e - 1] in " ,.;:":
        e -= 1
    while s < e and text[s] == " ":
        s += 1
    return s, e


def _ok(term: str) -> bool:
    words = term.split()
    return bool(words) and len(words) <= 8 and (term[0].isupper() or term[0].isdigit()) and len(term) >= 2


def find_defined_terms(text: str) -> list[Hit]:
    r = _res()
    found: dict[tuple[int, int], Hit] = {}

    def add(s: int, e: int) -> None:
        s, e = _clean(text, s, e)
        term = text[s:e]
        if _ok(term) and (s, e) not in found:
            found[(s, e)] = Hit(s, e, "defined_term", term)

    for m in r["means"].finditer(text):
        add(*m.span("t"))
    for m in r["paren"].finditer(text):
        body = m.group("body")
        if not r["paren_ok"].match(body):
            continue
        for q in r["quoted"].finditer(body):
            add(m.start("body") + q.start("t"), m.start("body") + q.end("t"))
    for m in r["hereinafter"].finditer(text):
        for q in r["quoted"].finditer(text, m.start("body"), m.end("body")):
            add(*q.span("t"))
    return sorted(found.values(), key=lambda h: h.start)


def find_term_uses(text: str, definitions: list[Hit]) -> list[Hit]:
    """Capitalised uses of each defined term outside its definitions ("Party" also matches "Party's")."""
    terms = sorted({h.value for h in definitions if h.value and any(c.isupper() for c in h.value)},
                   key=len, reverse=True)
    if not terms:
        return []
    rx = re.compile(r"(?<![\w\"“])(" + "|".join(re.escape(t) for t in terms) + r")(?='s\b|’s\b|s\b|\b)(?![\"”])")
    defined = sorted((h.start, h.end) for h in definitions)
    out = []
    j = 0
    for m in rx.finditer(text):
        s, e = m.span(1)
        while j < len(defined) and defined[j][1] <= s:
            j += 1
        if j < len(defined) and defined[j][0] < e and s < defined[j][1]:
            continue
        out.append(Hit(s, e, "term_use", m.group(1)))
    return out
