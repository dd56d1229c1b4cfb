"""spaCy pipeline for contracts: sentences and legal entities.

``run_nlp(doc, clauses)`` runs ``spacy.blank("en")`` with legal abbreviation
special cases, layout-aware sentence breaks, the sentencizer and the
``legal_*`` components (see ``components.py``) over the canonical text once,
and returns sentences, parties and entities with offsets into ``doc.text``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from analyzer.core.cjk import has_cjk
from analyzer.core.schema import Clause, Entity, Party, Sentence, SourceDocument
from analyzer.nlp import components  # noqa: F401  (registers the components)
from analyzer.nlp.cjk_parties import find_chinese_parties
from analyzer.nlp.cjk_sentences import split_chinese
from analyzer.nlp.components import COMPONENTS, PARTY_RECORDS, REGIONS, span_hits
from analyzer.nlp.sentences import (
    BREAKS_KEY,
    TEXT_KEY,
    build_sentence_pipeline,
    doc_sentences,
)
from analyzer.nlp.xrefs import clause_index, resolve
from analyzer.structure.clause_index import ClauseIndex

__all__ = ["NlpResult", "run_nlp", "legal_nlp"]


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


def run_nlp(doc: SourceDocument, clauses: list[Clause]) -> NlpResult:
    """Sentences (with their innermost clause), parties and entities of ``doc``."""
    text = doc.text
    if not text.strip():
        return NlpResult()
    sdoc = process(text, clauses)
    inner = ClauseIndex(clauses).innermost_id
    out = NlpResult()
    out.sentences = [Sentence(start=s, end=e, clause_id=inner(s, e)) for s, e in doc_sentences(sdoc)]
    if has_cjk(text):
        out.sentences = split_chinese(text, out.sentences, inner)
    clause_starts = {c.start for c in clauses}
    index = clause_index(clauses)
    for key in COMPONENTS:
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
    if has_cjk(text):
        _chinese_parties(text, clauses, out, inner)
    return out


def _chinese_parties(text: str, clauses: list[Clause], out: NlpResult, inner) -> None:
    """Parties from the Chinese party lines (甲方：…) when they name more parties than the English
    reading found; their party entities replace the English ones."""
    start, end = regions(text, clauses)["preamble"]
    found = find_chinese_parties(text, start, end)
    if len(found) <= len([p for p in out.parties if p.name]):
        return
    out.parties = [Party(name=p.name, role=p.role, alias=p.alias, start=p.start, end=p.end) for p in found]
    out.entities = [e for e in out.entities if e.type not in ("party", "party_alias")]
    for p in found:
        out.entities.append(Entity(type="party", text=p.name, start=p.start, end=p.end, value=p.role,
                                   clause_id=inner(p.start, p.end)))
        if p.alias_span is not None:
            a, b = p.alias_span
            out.entities.append(Entity(type="party_alias", text=text[a:b], start=a, end=b, value=p.role,
                                       clause_id=inner(a, b)))
