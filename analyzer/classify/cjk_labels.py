"""Category labels for Chinese clauses, from a lexicon, and labels carried across bilingual pairs.

The trained classifier reads English only. A Chinese sentence is labelled from
``analyzer/nlp/patterns/zh_categories.json``:

- a *body* pattern of a category in the sentence (a phrase that only that kind of clause uses,
  "不可抗力", "优先购买权") gives a label with confidence ``BODY_CONFIDENCE``;
- a *heading* pattern matching the heading of the clause the sentence lies in, or of one of its
  two nearest ancestors ("第六条 保密"), gives the category to every sentence of that clause with
  confidence ``HEADING_CONFIDENCE``.

In a bilingual document a flagged label of a clause is carried to its counterpart (English to
Chinese and Chinese to English) when the counterpart has no label of that category, with the
same confidence, over the counterpart's sentences. A Chinese-only document gets its agreement
type from its title ("中外合资经营合同" -> jv).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Optional

from analyzer.core.cjk import has_cjk, language_of
from analyzer.core.schema import AgreementType, Label, Report
from analyzer.core.taxonomy import ALL_CATEGORIES
from analyzer.structure.clause_index import ClauseIndex

LEXICON = Path(__file__).resolve().parents[1] / "nlp" / "patterns" / "zh_categories.json"
BODY_CONFIDENCE = 0.9
HEADING_CONFIDENCE = 0.8
THRESHOLD = 0.5
ANCESTORS = 2


@lru_cache(maxsize=1)
def lexicon() -> tuple[dict[str, tuple[list[re.Pattern], list[re.Pattern]]], dict[str, list[str]]]:
    """(category -> (heading patterns, body patterns), agreement type -> title words)."""
    data = json.loads(LEXICON.read_text(encoding="utf-8"))
    cats = {}
    for cat, pats in data["categories"].items():
        if cat not in ALL_CATEGORIES:
            raise ValueError(f"{LEXICON.name}: unknown category {cat!r}")
        cats[cat] = ([re.compile(p) for p in pats["heading"]], [re.compile(p) for p in pats["body"]])
    return cats, data["agreement_types"]


def sentence_categories(sentence: str, headings: list[str] = ()) -> dict[str, float]:
    """Categories of one Chinese sentence under ``headings`` (its clause's, then its ancestors'),
    with their confidence."""
    cats, _ = lexicon()
    out: dict[str, float] = {}
    for cat, (heads, bodies) in cats.items():
        if any(p.search(sentence) for p in bodies):
            out[cat] = BODY_CONFIDENCE
        elif any(p.search(h) for h in headings for p in heads):
            out[cat] = HEADING_CONFIDENCE
    return out


def _headings(index: ClauseIndex, clause_id: Optional[str]) -> list[str]:
    out: list[str] = []
    c = index.get(clause_id)
    depth = 0
    while c is not None and depth <= ANCESTORS:
        if c.heading and has_cjk(c.heading):
            out.append(c.heading)
        c = index.get(c.parent_id)
        depth += 1
    return out


def chinese_labels(report: Report, all_candidates: bool = False) -> list[Label]:
    """Labels of the Chinese sentences of ``report``."""
    index = ClauseIndex(report.clauses)
    text = report.text
    labels: list[Label] = []
    for s in report.sentences:
        piece = text[s.start:s.end]
        if language_of(piece) != "zh":
            continue
        clause = index.get(s.clause_id)
        if clause is not None and clause.kind in ("preamble", "signature"):
            continue
        for cat, conf in sentence_categories(piece, _headings(index, s.clause_id)).items():
            if conf >= THRESHOLD or all_candidates:
                labels.append(Label(category=cat, confidence=conf, flagged=conf >= THRESHOLD,
                                    start=s.start, end=s.end, clause_id=s.clause_id))
    return labels


def carried_labels(report: Report) -> list[Label]:
    """Flagged labels of one version carried to the counterpart clause in the other version."""
    if report.bilingual is None:
        return []
    index = ClauseIndex(report.clauses)
    sents: dict[str, list] = {}
    for s in report.sentences:
        if s.clause_id:
            sents.setdefault(s.clause_id, []).append(s)
    have = {(lab.clause_id, lab.category) for lab in report.labels if lab.flagged}
    out: list[Label] = []
    for lab in report.labels:
        if not lab.flagged:
            continue
        c = index.get(lab.clause_id)
        other = index.get(c.counterpart_id) if c is not None else None
        if other is None or (other.id, lab.category) in have:
            continue
        spans = sents.get(other.id) or []
        if not spans:
            continue
        s, e = spans[0].start, spans[-1].end
        have.add((other.id, lab.category))
        out.append(Label(category=lab.category, confidence=lab.confidence, flagged=True, start=s, end=e,
                         clause_id=other.id))
    return out


def chinese_agreement_type(report: Report) -> Optional[AgreementType]:
    """The agreement type named by a Chinese title (the first short line of the text)."""
    _, types = lexicon()
    for line in report.text[:600].split("\n")[:4]:
        line = line.strip()
        if not line or len(line) > 40 or language_of(line) != "zh":
            continue
        for label, words in types.items():
            if any(w in line for w in words):
                return AgreementType(label=label, confidence=0.9, basis="title",
                                     grants_licence=True if label == "license" else None)
    return None


def label_chinese(report: Report, all_candidates: bool = False) -> None:
    """Add the Chinese and the carried labels to ``report`` and, for a Chinese-only document, the
    agreement type from its title (in place)."""
    if not has_cjk(report.text):
        return
    report.labels = sorted(report.labels + chinese_labels(report, all_candidates),
                           key=lambda lb: (lb.start, lb.end, lb.category))
    report.labels = sorted(report.labels + carried_labels(report), key=lambda lb: (lb.start, lb.end, lb.category))
    if report.document.language == "zh":
        at = chinese_agreement_type(report)
        if at is not None:
            grants = any(lab.flagged and lab.category == "license_grant" for lab in report.labels)
            report.agreement_type = at.model_copy(update={"grants_licence": grants or at.grants_licence})
