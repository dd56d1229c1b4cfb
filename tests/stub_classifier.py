"""A small deterministic classifier with the real ``Classifier`` interface, for tests whose
subject is not classification quality (CLI plumbing, bad input, batch bookkeeping).

It needs no artifact and no encoder: each classification unit (built by the runtime's own
``make_units`` from the pipeline's sentences) is labelled by keyword rules, and the agreement
type comes from the runtime's title rules, else "other".
"""

from __future__ import annotations

import re

from analyzer.classify import agreement_type as atype
from analyzer.classify.classifier import Classifier, InnermostClause, Prediction
from analyzer.classify.units import make_units
from analyzer.core.schema import AgreementType, Clause, Entity, Label, Sentence
from analyzer.core.taxonomy import ALL_CATEGORIES

RULES: dict[str, re.Pattern] = {
    "governing_law": re.compile(r"\bgoverned by\b|\bgoverning law\b|\blaws of\b", re.IGNORECASE),
    "confidentiality": re.compile(r"\bconfidential", re.IGNORECASE),
    "license_grant": re.compile(r"\bgrants?\b[^.]*\blicen[cs]e", re.IGNORECASE),
    "termination_for_convenience": re.compile(r"\bterminate\b[^.]*\bfor convenience\b", re.IGNORECASE),
    "cap_on_liability": re.compile(r"\bliability\b[^.]*\bshall not exceed\b", re.IGNORECASE),
}
assert set(RULES) <= set(ALL_CATEGORIES)
TITLE_CONFIDENCE = atype.TITLE_CONFIDENCE
FALLBACK_CONFIDENCE = 0.5
STUB_VERSION = "stub-keywords-1"


class StubClassifier(Classifier):
    """``Classifier`` whose ``predict`` applies ``RULES`` to each unit; no artifact is loaded."""

    def __init__(self) -> None:  # the artifact loading of ``Classifier.__init__`` is skipped on purpose
        self.version = STUB_VERSION
        self.encoder = None
        self.thresholds = {c: 0.5 for c in RULES}
        self.doc_thresholds = dict(self.thresholds)
        self.calls = 0

    def predict(self, text: str, clauses: list[Clause], sentences: list[Sentence], all_candidates: bool = False,
                entities: list[Entity] | None = None) -> Prediction:
        self.calls += 1
        if sentences:
            spans = [(s.start, s.end) for s in sentences]
        else:
            from analyzer.nlp.sentences import sentence_spans

            spans = sentence_spans(text)
        clause_of = InnermostClause(clauses)
        labels = [Label(category=cat, confidence=0.9, flagged=True, start=s, end=e, clause_id=clause_of(s, e))
                  for s, e in make_units(text, spans)
                  for cat, rx in RULES.items() if rx.search(text, s, e)]
        kind = atype.title_type(text)
        agreement = AgreementType(label=kind or "other", confidence=TITLE_CONFIDENCE if kind else FALLBACK_CONFIDENCE)
        return Prediction(labels=labels, agreement_type=agreement)
