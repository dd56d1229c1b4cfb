"""Placeholders in playbook language, filled from the contract's own parties and defined terms.

``{licensor}`` becomes the licensor's short name as the contract defines it
(its alias, e.g. "Acme"), else its full name; in a two-party contract where only
the other party's role is known, the remaining party fills the role. A role the
contract leaves open becomes the defined term when the contract defines it
("the Licensor"), else a bracketed description ("[the Licensor]").
Defined terms ("Territory", "Field of Use", "Licensed Patents") are used only when
the contract defines them; otherwise a bracketed default tells the reader what
to fill in. A playbook can change the defaults (``defaults:``).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterable, Optional

# name -> default value
PLACEHOLDERS: dict[str, str] = {
    "licensor": "[the Licensor]",
    "licensee": "[the Licensee]",
    "party_a": "[Party A]",
    "party_b": "[Party B]",
    "disclosing_party": "[the Disclosing Party]",
    "receiving_party": "[the Receiving Party]",
    "agreement": "this Agreement",
    "territory": "[the Territory]",
    "field": "[the Field of Use]",
    "licensed_technology": "[the licensed technology]",
    "licensed_patents": "[the licensed patents]",
    "know_how": "[the licensed know-how]",
    "products": "[the licensed products]",
    "jv_company": "[the joint venture company]",
    "governing_law": "[England and Wales]",
    "arbitration_seat": "[London, England]",
    "arbitration_rules": "the Rules of Arbitration of the International Chamber of Commerce",
    "courts": "[the courts of England and Wales]",
    "export_control_laws": ("the US Export Administration Regulations, the International Traffic in Arms Regulations "
                            "where applicable, and Regulation (EU) 2021/821"),
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

# how the contract refers to itself when it defines no term for it: "this Agreement" or "this Contract"
_SELF_REFERENCE = re.compile(r"\bthis ((?:JV |Joint Venture |Equity Joint Venture |Licen[cs]e )?(?:Agreement|Contract))\b")

# role placeholder -> defined terms naming that role
_ROLE_TERMS: dict[str, list[str]] = {
    "licensor": ["Licensor"],
    "licensee": ["Licensee"],
    "disclosing_party": ["Disclosing Party", "Discloser"],
    "receiving_party": ["Receiving Party", "Recipient"],
}

# role placeholder -> the opposite role in a two-party contract
_OTHER_ROLE = {"licensor": "licensee", "licensee": "licensor",
               "disclosing_party": "receiving_party", "receiving_party": "disclosing_party"}

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
    """'Territory' -> 'the Territory' (a defined term used in running text); a term that
    already starts with an article keeps it, in lower case ('The Territory' -> 'the Territory')."""
    m = _ARTICLE.match(term)
    if m:
        return m.group(1).lower() + term[m.end(1):]
    return f"the {term}"


_ARTICLE = re.compile(r"(the|this|The|This|THE|THIS)\s")
_TEMPLATE_ARTICLE = re.compile(r"\b(?:the|The|THE)\s+$")


def placeholder_values(report=None, defaults: Optional[dict[str, str]] = None) -> dict[str, str]:
    """Values for every placeholder, from ``report`` (parties, defined terms, governing law)."""
    values = dict(PLACEHOLDERS)
    values.update(defaults or {})
    if report is None:
        return values
    parties = list(getattr(report, "parties", []) or [])
    named = [p for p in parties if p.name and p.name.strip()]
    terms = _defined_terms(getattr(report, "entities", []) or [])
    holder = {key: next((p for p in parties if (p.role or "").lower() in roles), None)
              for key, roles in _ROLE_KEYS.items()}
    for key in _ROLE_KEYS:
        party = holder[key]
        other = holder[_OTHER_ROLE[key]]
        if party is None and other is not None and len(named) == 2:
            party = next((p for p in named if p is not other), None)
        if party is not None:
            values[key] = _party_label(party)
            continue
        term = next((terms[t.lower()] for t in _ROLE_TERMS[key] if t.lower() in terms), None)
        if term:
            values[key] = _with_article(term)
    if named:
        values["party_a"] = _party_label(named[0])
    if len(named) > 1:
        values["party_b"] = _party_label(named[1])
    for key, candidates in _DEFINED_TERMS.items():
        for cand in candidates:
            if cand.lower() in terms:
                term = terms[cand.lower()]
                values[key] = term if key in ("products",) else _with_article(term)
                if key == "agreement":
                    values[key] = f"this {term}"
                break
    if "agreement" not in terms:
        used = Counter(m.group(1) for m in _SELF_REFERENCE.finditer(getattr(report, "text", "") or ""))
        if used:
            values["agreement"] = f"this {used.most_common(1)[0][0]}"
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
            key = _ARTICLE.sub("", term, count=1).lower() if _ARTICLE.match(term) else term.lower()
            if key:
                out.setdefault(key, term)
    return out


def fill(template: Optional[str], values: dict[str, str]) -> Optional[str]:
    """Replace ``{name}`` placeholders; a sentence-initial 'the X' is capitalised."""
    if template is None:
        return None

    out: list[str] = []
    pos = 0
    for m in _PLACEHOLDER.finditer(template):
        val = values.get(m.group(1), m.group(0))
        lead = template[pos:m.start()]
        if _ARTICLE.match(val.lstrip("[")) or val.lstrip("[")[:4].lower() == "the ":
            art = _TEMPLATE_ARTICLE.search(lead)
            if art:  # "the {know_how}" with "the Licensed Know-How" -> one article
                lead = lead[:art.start()]
        out.append(lead)
        before = "".join(out).rstrip(" \"“(")
        if val[:1].islower() and (not before or before.endswith((".", ":", "\n"))):
            val = val[0].upper() + val[1:]
        out.append(val)
        pos = m.end()
    out.append(template[pos:])
    return "".join(out)
