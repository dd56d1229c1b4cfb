"""spaCy components for legal entities: plain Doc -> Doc functions writing ``doc.spans``.

Each span's label is the entity type and its ``kb_id_`` the normalised value
(ISO date, "P30D", "USD 1500000", a jurisdiction, "section:7.2", a role).
Patterns live in ``patterns/*.json``. Context from the segmenter travels in
``doc.user_data["legal_regions"]`` ({"preamble": [s, e], "signature": [[s, e], ...]});
without it the first 3,000 characters stand in for the preamble.
A component whose input spans are missing returns the doc unchanged.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from analyzer.nlp.amounts import find_durations, find_money, find_percents
from analyzer.nlp.dates import date_roles, find_dates
from analyzer.nlp.law import find_law
from analyzer.nlp.parties import (
    PartyHit,
    find_collective,
    find_parties,
    find_signatories,
)
from analyzer.nlp.resources import Hit
from analyzer.nlp.sentences import doc_text
from analyzer.nlp.terms import find_defined_terms, find_term_uses
from analyzer.nlp.title import find_title
from analyzer.nlp.xrefs import find_cross_references

REGIONS = "legal_regions"
PARTY_RECORDS = "legal_party_records"
# the components in pipeline order; each writes its spans to ``doc.spans[<its name>]``
COMPONENTS = [
    "legal_document_name",
    "legal_defined_terms",
    "legal_term_uses",
    "legal_parties",
    "legal_dates",
    "legal_durations",
    "legal_money",
    "legal_governing_law",
    "legal_cross_references",
]


def _preamble(doc: Doc) -> tuple[int, int]:
    region = doc.user_data.get(REGIONS, {}).get("preamble")
    return tuple(region) if region else (0, min(len(doc_text(doc)), 3000))


def _spans(doc: Doc, key: str, hits: list[Hit]) -> None:
    """Token-aligned spans in ``doc.spans[key]``; the exact character offsets (a token such as
    "A." may hold more than the item) stay in the group's ``attrs["offsets"]``."""
    spans, offsets = [], []
    for h in hits:
        span = doc.char_span(h.start, h.end, label=h.label, kb_id=h.value or "", alignment_mode="expand")
        if span is not None and len(span):
            spans.append(span)
            offsets.append((h.start, h.end))
    doc.spans[key] = spans
    doc.spans[key].attrs["offsets"] = offsets


def span_hits(doc: Doc, key: str) -> list[Hit]:
    """The items of ``doc.spans[key]`` with their exact character offsets."""
    group = doc.spans[key]
    offsets = group.attrs.get("offsets") or [(s.start_char, s.end_char) for s in group]
    return [Hit(a, b, s.label_, s.kb_id_ or None) for s, (a, b) in zip(group, offsets)]


_hits = span_hits


@Language.component("legal_document_name", assigns=["doc.spans"])
def legal_document_name(doc: Doc) -> Doc:
    start, _ = _preamble(doc)
    hit = find_title(doc_text(doc)[start:])
    hits = [Hit(hit.start + start, hit.end + start, hit.label, hit.value)] if hit else []
    _spans(doc, "legal_document_name", hits)
    return doc


@Language.component("legal_defined_terms", assigns=["doc.spans"])
def legal_defined_terms(doc: Doc) -> Doc:
    _spans(doc, "legal_defined_terms", find_defined_terms(doc_text(doc)))
    return doc


@Language.component("legal_term_uses", assigns=["doc.spans"])
def legal_term_uses(doc: Doc) -> Doc:
    if "legal_defined_terms" not in doc.spans:
        return doc
    definitions = _hits(doc, "legal_defined_terms")
    _spans(doc, "legal_term_uses", find_term_uses(doc_text(doc), definitions))
    return doc


@Language.component("legal_parties", assigns=["doc.spans"])
def legal_parties(doc: Doc) -> Doc:
    """Party names (label "party") and their defined aliases ("party_alias"); kb_id is the role.
    ``doc.user_data["legal_party_records"]`` links each name to its alias and role."""
    if "legal_defined_terms" not in doc.spans:
        return doc
    text = doc_text(doc)
    start, end = _preamble(doc)
    aliases = [(h.start, h.end) for h in _hits(doc, "legal_defined_terms") if start <= h.start < end]
    found = find_parties(text, start, end, aliases)
    if len([p for p in found if p.name]) < 2:
        for s, e in doc.user_data.get(REGIONS, {}).get("signature", []):
            known = {text[p.name[0]:p.name[1]].lower() for p in found if p.name}
            for span in find_signatories(text, s, e):
                if text[span[0]:span[1]].lower() not in known:
                    found.append(PartyHit(name=span))
    hits, records = [], []
    for p in found:
        if p.name:
            hits.append(Hit(p.name[0], p.name[1], "party", p.role))
        for a, b in p.aliases:
            hits.append(Hit(a, b, "party_alias", p.role))
        anchor = p.name or p.aliases[0]
        records.append({"name": text[anchor[0]:anchor[1]], "role": p.role,
                        "alias": text[p.aliases[0][0]:p.aliases[0][1]] if p.aliases else None,
                        "start": anchor[0], "end": anchor[1]})
    collective = find_collective(text, start, end)
    if collective is not None:
        hits.append(Hit(collective[0], collective[1], "party_alias", "parties"))
    doc.user_data[PARTY_RECORDS] = records
    _spans(doc, "legal_parties", hits)
    return doc


def _sentence_around(text: str, s: int, e: int, limit: int = 400) -> tuple[int, int]:
    a = max(text.rfind(". ", max(0, s - limit), s) + 2, text.rfind("\n\n", max(0, s - limit), s) + 2, s - limit, 0)
    ends = [i for i in (text.find(". ", e, e + limit), text.find("\n\n", e, e + limit)) if i != -1]
    b = min(ends) + 1 if ends else min(len(text), e + limit)
    while a < s and text[a].isspace():
        a += 1
    while b > e and text[b - 1].isspace():
        b -= 1
    return a, b


@Language.component("legal_dates", assigns=["doc.spans"])
def legal_dates(doc: Doc) -> Doc:
    """Dates (label "date", kb_id ISO) plus one span per reading: "agreement_date",
    "effective_date", "expiration_date"."""
    text = doc_text(doc)
    start, end = _preamble(doc)
    hits: list[Hit] = []
    first = True
    for h in find_dates(text):
        inside = start <= h.start < end
        hits.append(h)
        for role in date_roles(text, h, inside, inside and first):
            if role == "effective_date" and not inside:
                s, e = _sentence_around(text, h.start, h.end)
                hits.append(Hit(s, e, role, h.value))  # the provision that sets the date
            else:
                hits.append(Hit(h.start, h.end, role, h.value))
        first = first and not inside
    _spans(doc, "legal_dates", hits)
    return doc


@Language.component("legal_durations", assigns=["doc.spans"])
def legal_durations(doc: Doc) -> Doc:
    _spans(doc, "legal_durations", find_durations(doc_text(doc)))
    return doc


@Language.component("legal_money", assigns=["doc.spans"])
def legal_money(doc: Doc) -> Doc:
    """Money (kb_id "USD 1500000") and percentages (kb_id "5%")."""
    _spans(doc, "legal_money", find_money(doc_text(doc)) + find_percents(doc_text(doc)))
    return doc


@Language.component("legal_governing_law", assigns=["doc.spans"])
def legal_governing_law(doc: Doc) -> Doc:
    """Governing law, forum ("jurisdiction") and arbitration rules / seat."""
    _spans(doc, "legal_governing_law", find_law(doc_text(doc)))
    return doc


@Language.component("legal_cross_references", assigns=["doc.spans"])
def legal_cross_references(doc: Doc) -> Doc:
    """References to parts of the agreement; kb_id is "section:7.2", "schedule:B"..."""
    _spans(doc, "legal_cross_references", find_cross_references(doc_text(doc)))
    return doc
