"""Placeholders in playbook language, filled from the contract's own parties and defined terms.

``{licensor}`` becomes the licensor's short name as the contract defines it
(its alias, e.g. "Acme"), else its full name, else the default "the Licensor".
Defined terms ("Territory", "Field of Use", "Licensed Patents") are used when
the contract defines them; otherwise a bracketed default tells the reader what
to fill in. A playbook can change the defaults (``defaults:``).
"""

from __future__ import annotations

import re
from typing import Iterable, Optional

# name -> default value
PLACEHOLDERS: dict[str, str] = {
    "licensor": "the Licensor",
    "licensee": "the Licensee",
    "party_a": "[Party A]",
    "party_b": "[Party B]",
    "disclosing_party": "the Disclosing Party",
    "receiving_party": "the Receiving Party",
    "agreement": "this Agreement",
    "territory": "[the Territory]",
    "field": "[the Field of Use]",
    "licensed_technology": "the Licensed Technology",
    "licensed_patents": "the Licensed Patents",
    "know_how": "the Licensed Know-How",
    "products": "Licensed Products",
    "jv_company": "the Company",
    "governing_law": "[England and Wales]",
    "arbitration_seat": "[London, England]",
    "arbitration_rules": "the Rules of Arbitration of the International Chamber of Commerce",
    "courts": "[the courts of England and Wales]",
}

# placeholder -> defined terms that fill it, most specific first
_DEFINED_TERMS: dict[str, list[str]] = {
    "territory": ["Territory", "Licensed Territory"],
    "field": ["Field of Use", "Licensed Field", "Field"],
    "licensed_technology": ["Licensed Technology", "Licensed IP", "Licensed Intellectual Property", "Technology",
                            "Licensed Rights", "Licensed Patents", "Licensed Know-How", "Licensed Software", "Software"],
    "licensed_patents": ["Licensed Patents", "Licensed Patent Rights", "Patent Rights", "Patents"],
    "know_how": ["Licensed Know-How", "Know-How", "Know How", "Technical Information"],
    "products": ["Licensed Products", "Licensed Product", "Products", "Product"],
    "jv_company": ["JV Company", "JVC", "Joint Venture Company", "JV", "Company", "Joint Venture"],
    "agreement": ["Agreement"],
}

_ROLE_KEYS = {
    "licensor": ("licensor",),
    "licensee": ("licensee",),
    "disclosing_party": ("discloser", "disclosing_party", "disclosing party"),
    "receiving_party": ("recipient", "receiving_party", "receiving party"),
}

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def _clean_term(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().strip("\"'“”‘’()[] ")).strip()


def _party_label(party) -> str:
    alias = _clean_term(party.alias or "") if getattr(party, "alias", None) else ""
    if alias:
        return alias if not alias.islower() else party.name
    return party.name.strip()


def _with_article(term: str) -> str:
    """'Territory' -> 'the Territory' (a defined term used in running text)."""
    return term if term.lower().startswith(("the ", "this ")) else f"the {term}"


def placeholder_values(report=None, defaults: Optional[dict[str, str]] = None) -> dict[str, str]:
    """Values for every placeholder, from ``report`` (parties, defined terms, governing law)."""
    values = dict(PLACEHOLDERS)
    values.update(defaults or {})
    if report is None:
        return values
    parties = list(getattr(report, "parties", []) or [])
    for key, roles in _ROLE_KEYS.items():
        for p in parties:
            if (p.role or "").lower() in roles:
                values[key] = _party_label(p)
                break
    named = [p for p in parties if p.name and p.name.strip()]
    if named:
        values["party_a"] = _party_label(named[0])
    if len(named) > 1:
        values["party_b"] = _party_label(named[1])
    terms = _defined_terms(getattr(report, "entities", []) or [])
    for key, candidates in _DEFINED_TERMS.items():
        for cand in candidates:
            if cand.lower() in terms:
                term = terms[cand.lower()]
                values[key] = term if key in ("products",) else _with_article(term)
                if key == "agreement":
                    values[key] = f"this {term}"
                break
    for e in getattr(report, "entities", []) or []:
        if e.type == "governing_law" and (e.value or e.text):
            values["governing_law"] = _clean_term(e.value or e.text)
            break
    return values


def _defined_terms(entities: Iterable) -> dict[str, str]:
    out: dict[str, str] = {}
    for e in entities:
        if e.type == "defined_term":
            term = _clean_term(e.value or e.text)
            if term:
                out.setdefault(term.lower(), term)
    return out


def fill(template: Optional[str], values: dict[str, str]) -> Optional[str]:
    """Replace ``{name}`` placeholders; a sentence-initial 'the X' is capitalised."""
    if template is None:
        return None

    def sub(m: re.Match) -> str:
        val = values.get(m.group(1), m.group(0))
        before = template[: m.start()].rstrip(" \"“(")
        if val[:1].islower() and (not before or before.endswith((".", ":", "\n"))):
            val = val[0].upper() + val[1:]
        return val

    return _PLACEHOLDER.sub(sub, template)
