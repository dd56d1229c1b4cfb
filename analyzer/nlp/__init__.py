"""spaCy pipeline for contracts: sentences and legal entities.

``run_nlp(doc, clauses)`` runs ``spacy.blank("en")`` with legal abbreviation
special cases, layout-aware sentence breaks, the sentencizer and the
``legal_*`` components (see ``components.py``) over the canonical text once,
and returns sentences, parties and entities with offsets into ``doc.text``.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

from analyzer.core.schema import Clause, Entity, Party, Sentence, SourceDocument
from analyzer.nlp import components  # noqa: F401  (registers the components)
from analyzer.nlp.components import COMPONENTS, KEYS, PARTY_RECORDS, REGIONS, span_hits
from analyzer.nlp.sentences import (
    BREAKS_KEY,
    TEXT_KEY,
    build_sentence_pipeline,
    doc_sentences,
)
from analyzer.nlp.xrefs import clause_index, resolve

__all__ = ["NlpResult", "run_nlp", "document_title", "legal_nlp"]


@dataclass
class NlpResult:
    sentences: list[Sentence] = field(default_factory=list)
    parties: list[Party] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)


@lru_cache(maxsize=1)
def legal_nlp():
    """The shared pipeline: blank English + sentence breaks + sentencizer + legal components."""
    nlp = build_sentence_pipeline()
    for name in COMPONENTS:
        nlp.add_pipe(name)
    return nlp


def regions(text: str, clauses: list[Clause]) -> dict:
    """Preamble and signature spans for the components."""
    pre = next((c for c in clauses if c.kind == "preamble"), None)
    if pre is not None:
        preamble = [pre.start, pre.end]
        # a preamble cut short by an early false clause start: give the parties paragraph room
        if pre.end - pre.start < 200:
            preamble = [pre.start, min(len(text), pre.start + 3000)]
    else:
        first = min((c.start for c in clauses), default=len(text))
        preamble = [0, first if first > 200 else min(len(text), 3000)]
    return {"preamble": preamble, "signature": [[c.start, c.end] for c in clauses if c.kind == "signature"]}


def process(text: str, clauses: list[Clause]):
    """The processed spaCy ``Doc`` for ``text``, with breaks at every clause start."""
    nlp = legal_nlp()
    sdoc = nlp.make_doc(text)
    sdoc.user_data[TEXT_KEY] = text
    sdoc.user_data[BREAKS_KEY] = sorted({c.start for c in clauses})
    sdoc.user_data[REGIONS] = regions(text, clauses)
    for _, proc in nlp.pipeline:
        sdoc = proc(sdoc)
    return sdoc


class _Innermost:
    """Innermost clause containing a span (clauses nest properly)."""

    def __init__(self, clauses: list[Clause]):
        self.order = sorted(clauses, key=lambda c: (c.start, -c.end))
        self.starts = [c.start for c in self.order]
        self.by_id = {c.id: c for c in clauses}

    def __call__(self, s: int, e: int) -> Optional[str]:
        i = bisect.bisect_right(self.starts, s) - 1
        c = self.order[i] if i >= 0 else None
        while c is not None and not (c.start <= s and e <= c.end):
            c = self.by_id.get(c.parent_id) if c.parent_id else None
        return c.id if c else None


def run_nlp(doc: SourceDocument, clauses: list[Clause]) -> NlpResult:
    """Sentences (with their innermost clause), parties and entities of ``doc``."""
    text = doc.text
    if not text.strip():
        return NlpResult()
    sdoc = process(text, clauses)
    inner = _Innermost(clauses)
    out = NlpResult()
    out.sentences = [Sentence(start=s, end=e, clause_id=inner(s, e)) for s, e in doc_sentences(sdoc)]
    clause_starts = {c.start for c in clauses}
    index = clause_index(clauses)
    for key in KEYS.values():
        if key not in sdoc.spans:
            continue
        for hit in span_hits(sdoc, key):
            s, e, value, target = hit.start, hit.end, hit.value, None
            if hit.label == "cross_reference":
                if s in clause_starts:
                    continue  # the clause's own label, not a reference
                target = resolve(value, index) if value else None
            out.entities.append(Entity(type=hit.label, text=text[s:e], start=s, end=e, value=value,
                                       clause_id=inner(s, e), target_clause_id=target))
    for r in sdoc.user_data.get(PARTY_RECORDS, []):
        out.parties.append(Party(name=r["name"], role=r["role"], alias=r["alias"], start=r["start"], end=r["end"]))
    return out


def document_title(doc: SourceDocument, clauses: list[Clause]) -> Optional[Entity]:
    """The agreement's title ("EXCLUSIVE LICENSE AGREEMENT") as an Entity(type="document_name")."""
    from analyzer.nlp.title import find_title

    start = regions(doc.text, clauses)["preamble"][0]
    hit = find_title(doc.text[start:])
    if hit is None:
        return None
    s, e = hit.start + start, hit.end + start
    return Entity(type="document_name", text=doc.text[s:e], start=s, end=e, value=hit.value,
                  clause_id=_Innermost(clauses)(s, e))
