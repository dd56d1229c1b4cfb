"""Cross-references ("Section 7.2", "Sections 3.1 and 3.2", "Article IV", "Schedule B",
"clause 5(b)") and their resolution to clauses by number."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from analyzer.core.schema import Clause
from analyzer.nlp.resources import Hit, alternation, load_patterns
from analyzer.structure.clause_numbers import roman_to_int

_PART_KINDS = {"schedule", "exhibit", "annex", "appendix", "attachment"}


@lru_cache(maxsize=1)
def _res() -> dict:
    p = load_patterns("cross_references")
    kw = alternation(p["keywords"], flags_upper=True)
    num = rf"(?:{p['number']}|{p['roman']})"
    return {
        "head": re.compile(rf"(?<![\w-])(?P<kw>{kw})(?:\s+|(?<=§)\s*)"),
        "num": re.compile(num),
        "letter": re.compile(rf"(?:{p['letter']})"),
        "sep": re.compile(p["separators"]),
        "external": re.compile(p["external"]),
        "keywords": {k.lower(): v for k, v in p["keywords"].items()},
    }


def find_cross_references(text: str) -> list[Hit]:
    r = _res()
    hits = []
    for m in r["head"].finditer(text):
        kind = r["keywords"][m.group("kw").lower()]
        rx = r["letter"] if kind in _PART_KINDS else r["num"]
        pos, first, refs = m.end(), True, []
        while True:
            n = rx.match(text, pos)
            if n is None or (kind not in _PART_KINDS and n.group(0).isalpha() and n.group(0).upper() != n.group(0)):
                break
            ref = re.sub(r"\s+", "", n.group(0)).rstrip(".")
            refs.append(((m.start() if first else n.start()), n.end(), f"{kind}:{ref}"))
            first = False
            sep = r["sep"].match(text, n.end())
            if sep is None or sep.end() == n.end():
                break
            pos = sep.end()
        if not refs or r["external"].match(text, refs[-1][1]):
            continue
        hits.extend(Hit(s, e, "cross_reference", v) for s, e, v in refs)
    return hits


def _key(number: str) -> Optional[str]:
    """Comparable key of a clause number: "1.01" -> "1.1", "IV" -> "4", "(b)" -> "(b)"."""
    number = number.strip().rstrip(".")
    if re.fullmatch(r"\d+(?:\.\d+)*", number):
        return ".".join(str(int(x)) for x in number.split("."))
    r = roman_to_int(number) if number.isupper() else None
    if r:
        return str(r)
    return number.lower() if number else None


def clause_index(clauses: list[Clause]) -> dict[str, str]:
    """Reference key -> clause id: "section:7.2", "article:4", "schedule:b", "section:5(b)"."""
    by_id = {c.id: c for c in clauses}
    index: dict[str, str] = {}
    for c in clauses:
        if not c.number:
            continue
        if c.kind == "schedule":
            word, _, ident = c.number.partition(" ")
            index.setdefault(f"{word.lower()}:{(ident or '').lower()}", c.id)
            continue
        num = re.sub(r"^(?:Article|ARTICLE)\s+", "", c.number)
        key = _key(num)
        if key is None:
            continue
        if num.startswith("("):  # "(b)" under "5" -> "5(b)", under "2.1(a)" -> "2.1(a)(i)"
            parent = by_id.get(c.parent_id) if c.parent_id else None
            path = key
            while parent is not None and parent.number and parent.kind != "schedule":
                pk = _key(re.sub(r"^(?:Article|ARTICLE)\s+", "", parent.number))
                path = f"{pk}{path}"
                if not parent.number.startswith("("):
                    break
                parent = by_id.get(parent.parent_id) if parent.parent_id else None
            index.setdefault(f"num:{path}", c.id)
        elif c.number.lower().startswith("article"):
            index.setdefault(f"article:{key}", c.id)
            index.setdefault(f"num:{key}", c.id)
        else:
            index.setdefault(f"num:{key}", c.id)
    return index


def resolve(value: str, index: dict[str, str]) -> Optional[str]:
    kind, _, ref = value.partition(":")
    if kind in _PART_KINDS:
        return index.get(f"{kind}:{ref.lower()}")
    m = re.match(r"([^()]*)((?:\([^)]*\))*)", ref)
    base, subs = m.group(1), m.group(2)
    bkey = _key(base) if base else None
    if kind == "article" and bkey and f"article:{bkey}" in index:
        return index[f"article:{bkey}"]
    if bkey is None:
        return None
    parts = re.findall(r"\([^)]*\)", subs.lower())
    for n in range(len(parts), -1, -1):  # the most specific match: 2.1(a)(i), then 2.1(a), then 2.1
        hit = index.get(f"num:{bkey}{''.join(parts[:n])}")
        if hit:
            return hit
    return None
