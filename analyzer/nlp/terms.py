"""Defined terms ('"Field" means', '(the "Territory")', 'hereinafter "X"') and their later uses."""

from __future__ import annotations

import re
from functools import lru_cache

from analyzer.nlp.resources import Hit, load_patterns


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


# around a use of a term: not inside a word or quotes; a plural or possessive ending may follow
_USE_BEFORE = r'(?<![\w"“])'
_USE_AFTER = re.compile(r"(?='s\b|’s\b|s\b|\b)(?![\"”])")


def find_term_uses(text: str, definitions: list[Hit]) -> list[Hit]:
    """Capitalised uses of each defined term outside its definitions ("Party" also matches "Party's").

    At each place where a term may start, the longest term whose ending fits is taken, as an
    alternation of the terms (longest first) would; the terms are walked as a character trie,
    so the work per place is bounded by the term length, not the number of terms."""
    terms = {h.value for h in definitions if h.value and any(c.isupper() for c in h.value)}
    if not terms:
        return []
    trie: dict = {}
    for term in terms:
        node = trie
        for ch in term:
            node = node.setdefault(ch, {})
        node[""] = True  # a term ends here
    starts = re.compile(_USE_BEFORE + "[" + "".join(re.escape(ch) for ch in sorted(trie)) + "]")
    defined = sorted((h.start, h.end) for h in definitions)
    out = []
    j = 0
    resume = 0
    for m in starts.finditer(text):
        s = m.start()
        if s < resume:
            continue  # inside the previous use
        node, q, ends = trie, s, []
        while node is not None:
            if "" in node:
                ends.append(q)
            node = node.get(text[q]) if q < len(text) else None
            q += 1
        e = next((end for end in reversed(ends) if _USE_AFTER.match(text, end)), None)
        if e is None:
            continue
        resume = e
        while j < len(defined) and defined[j][1] <= s:
            j += 1
        if j < len(defined) and defined[j][0] < e and s < defined[j][1]:
            continue
        out.append(Hit(s, e, "term_use", text[s:e]))
    return out
