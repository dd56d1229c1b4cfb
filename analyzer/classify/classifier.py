"""Clause classification: evidence labels per category and the agreement type.

The artifact (``models/clause_model`` or ``$ANALYZER_MODEL_DIR``) scores every
*unit* (a sentence, or a clause-sized piece of a long sentence) for every
category with calibrated probabilities. Adjacent units of one category are
merged into one evidence span. Entity categories (document name, parties,
dates) get entity-sized spans: from the extracted entities when given, else
from patterns inside the best-scoring units. With a span model in the artifact,
a label's ``confidence`` is the probability that its span is the category's
evidence (``analyzer.classify.span_model``); ``unit_confidence`` keeps the unit
probability, which decides ``flagged``.
"""

from __future__ import annotations

import os
import re
import threading
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from analyzer.classify import agreement_type as atype
from analyzer.classify.encoder_stage import (
    encoder_enabled,
    encoder_pairs,
    fuse,
    select_candidates,
)
from analyzer.classify.features import unit_fields
from analyzer.classify.presence import PresenceModel, document_features, heading_matches
from analyzer.classify.span_model import Candidate, SpanModel
from analyzer.classify.units import (
    date_spans,
    document_units,
    make_units,
    merge_runs,
    title_span,
)
from analyzer.classify.wording_cues import DEFAULT_CUES, WordingCues
from analyzer.core.errors import ModelError
from analyzer.core.schema import (
    AgreementType,
    Clause,
    Entity,
    Label,
    Presence,
    Sentence,
)
from analyzer.core.settings import model_dir
from analyzer.core.span_index import Innermost, SpanIndex
from analyzer.core.taxonomy import ALL_CATEGORIES, ENTITY_CATEGORIES

# what reading a damaged artifact file raises (an .npz is a zip archive)
UNREADABLE = (OSError, KeyError, ValueError, TypeError, zipfile.BadZipFile)
MIN_CANDIDATE = 0.01
MAX_CANDIDATES = 20  # per category, below the operating threshold (--all-candidates)
RUN_PART_FACTOR = 0.95  # confidence of a unit inside a merged run, relative to its own

# entity type (from analyzer.nlp) -> entity category
ENTITY_TYPE_CATEGORY = {
    "document_name": "document_name", "party": "parties", "party_alias": "parties",
    "agreement_date": "agreement_date", "effective_date": "effective_date",
}


@dataclass
class Prediction:
    labels: list[Label]
    agreement_type: AgreementType
    presence: list[Presence] = field(default_factory=list)


@dataclass(frozen=True)
class Evidence:
    """One evidence span: ``confidence`` that it is the category's evidence (the span model's, or
    the unit probability without one), ``unit_confidence`` of its units, and ``flagged`` when
    that reaches the operating threshold."""

    start: int
    end: int
    confidence: float
    unit_confidence: float
    flagged: bool


@dataclass
class Scores:
    """Unit scores of one document: ``probs`` as labelled (fused where the encoder re-scored a
    unit), ``stage1`` the TF-IDF stage's own, ``heads`` the units' heading fields, ``texts``
    their normalised text."""

    units: list[tuple[int, int]]
    probs: np.ndarray
    stage1: np.ndarray
    heads: list[str]
    texts: list[str]


class Classifier:
    """Loaded artifact. ``predict`` is thread-safe (no state changes after load).

    With ``use_encoder`` (default: on unless ``$ANALYZER_ENCODER=off``) and an artifact that
    has an ``encoder`` block, the best candidates are re-scored by the encoder stage.
    """

    def __init__(self, model_dir: Path, use_encoder: bool | None = None):
        from analyzer.classify.tfidf_stage import UnitModel

        model_dir = Path(model_dir)
        if not (model_dir / "config.json").is_file():
            raise ModelError(f"{model_dir}: classifier artifact not found (config.json missing)")
        try:
            self.model, self.config, arrays = UnitModel.load(model_dir)
        except UNREADABLE as exc:
            raise ModelError(f"{model_dir}: classifier artifact unreadable ({exc})") from exc
        unknown = [c for c in self.model.categories if c not in ALL_CATEGORIES]
        if unknown:
            raise ModelError(f"{model_dir}: artifact categories not in the taxonomy: {unknown[:5]}")
        use_encoder = encoder_enabled() if use_encoder is None else use_encoder
        self.version: str = _version(self.config, use_encoder)
        self.thresholds = {c: float(self.config["unit_thresholds"].get(c, 0.5)) for c in self.model.categories}
        self.doc_thresholds = {c: float(self.config["doc_thresholds"].get(c, 0.5)) for c in self.model.categories}
        self.type_model = atype.from_artifact(self.config["agreement_type"], arrays)
        self.tfidf_thresholds = np.array([self.thresholds[c] for c in self.model.categories], dtype=np.float32)
        self.encoder = None
        enc_cfg = self.config.get("encoder")
        if enc_cfg and use_encoder:
            from analyzer.classify.encoder_stage import UnitEncoder

            self.encoder = UnitEncoder(model_dir, enc_cfg)
            self.thresholds = {c: float(enc_cfg["unit_thresholds"].get(c, self.thresholds[c]))
                               for c in self.model.categories}
            self.doc_thresholds = dict(self.thresholds)
        try:  # the cues the presence and span models were trained with (the defaults in older artifacts)
            self.cues = (WordingCues.from_config(self.config["wording_cues"]) if self.config.get("wording_cues")
                         else DEFAULT_CUES)
            self.presence = (PresenceModel.from_config(self.config["presence"], self.model.categories)
                             if self.config.get("presence") else None)
        except (KeyError, ValueError, TypeError, IndexError, re.error) as exc:
            raise ModelError(f"{model_dir}: presence model unreadable ({exc})") from exc
        try:
            self.span_model = (SpanModel.load(model_dir, self.config["span_model"], self.cues)
                               if self.config.get("span_model") else None)
        except UNREADABLE as exc:
            raise ModelError(f"{model_dir}: span model unreadable ({exc})") from exc

    # -- scoring ---------------------------------------------------------------------

    def unit_probabilities(self, text: str, sentences: list[tuple[int, int]] | None = None,
                           hide_headings: bool = False, units: list[tuple[int, int]] | None = None):
        """(units, probabilities[n_units, n_categories]) for ``text``; ``hide_headings`` scores every
        unit as if no heading governed it (to measure what the wording alone carries).

        The units are ``units`` when given, else made from ``sentences``, else the units that
        ``analyze()`` makes for ``text`` as a plain-text document (``document_units``).
        """
        s = self.score(text, sentences, hide_headings, units)
        return s.units, s.probs

    def score(self, text: str, sentences: list[tuple[int, int]] | None = None, hide_headings: bool = False,
              units: list[tuple[int, int]] | None = None) -> Scores:
        """``unit_probabilities`` with the stage 1 probabilities and heading fields kept."""
        if units is None:
            units = make_units(text, sentences) if sentences else document_units(text)
        if not units:
            empty = np.zeros((0, len(self.model.categories)), dtype=np.float32)
            return Scores(units, empty, empty, [], [])
        fields = unit_fields(text, units, [True] * len(units) if hide_headings else None)
        z = self.model.logits(fields)
        stage1 = self.model.calibrate(z)
        probs = stage1.copy()
        if self.encoder is not None:
            cfg = self.encoder.config
            cand = select_candidates(probs, self.tfidf_thresholds, int(cfg["per_category"]), int(cfg["cap"]))
            if len(cand):
                pairs = encoder_pairs(text, [units[i] for i in cand], [fields["head"][i] for i in cand])
                probs[cand] = fuse(z[cand], self.encoder.logits(pairs), self.encoder.fusion)
        return Scores(units, probs, stage1, fields["head"], fields["text"])

    def presence_probabilities(self, scores: Scores, agreement_type: str | None) -> tuple[np.ndarray, np.ndarray]:
        """(present, probability) per category of ``self.model.categories`` for one document.

        With a presence model: its decision over the stage 1 scores. Without one (older
        artifacts): whether the best unit reaches the category's operating threshold."""
        cats = self.model.categories
        if self.presence is not None:
            hits = heading_matches(scores.heads, cats)
            wording = self.cues.hits(scores.texts, cats)
            return self.presence.decide(document_features(scores.stage1, self.tfidf_thresholds, hits, agreement_type,
                                                          wording))
        thr = np.array([self.doc_thresholds[c] for c in cats], dtype=np.float32)
        best = scores.probs.max(0) if len(scores.probs) else np.zeros(len(cats), dtype=np.float32)
        return best >= thr, best

    def predict(self, text: str, clauses: list[Clause], sentences: list[Sentence], all_candidates: bool = False,
                entities: list[Entity] | None = None) -> Prediction:
        scores = self.score(text, [(s.start, s.end) for s in sentences])
        units, probs = scores.units, scores.probs
        t = atype.detect(self.type_model, text)
        present, conf = self.presence_probabilities(scores, t.label)
        clause_of = InnermostClause(clauses)
        labels = []
        for cat, items in self.evidence(text, scores, conf, entities, all_candidates).items():
            for ev in items:
                labels.append(Label(category=cat, confidence=round(float(min(1.0, ev.confidence)), 4),
                                    unit_confidence=round(float(min(1.0, ev.unit_confidence)), 4), flagged=ev.flagged,
                                    start=ev.start, end=ev.end, clause_id=clause_of(ev.start, ev.end)))
        labels.sort(key=lambda lb: (lb.start, lb.end, lb.category))
        agreement_type = AgreementType(
            label=t.label, confidence=round(t.confidence, 4), low_confidence=t.low_confidence,
            alternatives=[{"label": a if a in atype.AGREEMENT_TYPES else "other", "confidence": round(p, 4)}
                          for a, p in t.alternatives],
            basis=t.basis, subtype=t.subtype, grants_licence=t.grants_licence)
        best = probs.argmax(0) if len(units) else None
        presence = [Presence(category=c, present=bool(present[j]), confidence=round(float(conf[j]), 4),
                             start=None if best is None else units[best[j]][0],
                             end=None if best is None else units[best[j]][1])
                    for j, c in enumerate(self.model.categories)]
        return Prediction(labels=labels, agreement_type=agreement_type, presence=presence)

    def evidence(self, text: str, scores: Scores, presence: np.ndarray, entities: list[Entity] | None = None,
                 all_candidates: bool = False) -> dict[str, list[Evidence]]:
        """The evidence spans per category: flagged ones (a merged run stands for its units), and
        with ``all_candidates`` also the best candidates below the threshold. ``presence``: the
        document-level probabilities, in the order of ``self.model.categories``."""
        out: dict[str, list[Evidence]] = {}
        index = {c: j for j, c in enumerate(self.model.categories)}
        for cat, chosen in self.evidence_candidates(text, scores.units, scores.probs, entities, all_candidates).items():
            j = index[cat]
            thr = self.thresholds[cat]
            conf = [c.prob for c in chosen]
            if self.span_model is not None and self.span_model.covers(cat):
                best = float(scores.probs[:, j].max()) if len(scores.probs) else 0.0
                conf = self.span_model.confidences(text, cat, chosen, float(presence[j]), thr, best)
            out[cat] = [Evidence(c.start, c.end, float(k), c.prob, c.prob >= thr) for c, k in zip(chosen, conf)]
        return out

    def evidence_candidates(self, text: str, units, probs, entities=None,
                            all_candidates: bool = False) -> dict[str, list[Candidate]]:
        """Per category, the candidates a report lists: the flagged ones (a merged run stands for
        its units), with ``all_candidates`` also the best below the threshold. The span model is
        trained on exactly these."""
        out: dict[str, list[Candidate]] = {}
        for cat, items in self.candidates(text, units, probs, entities).items():
            chosen = self.select(cat, items, all_candidates)
            if not all_candidates:
                chosen = _not_inside_another(chosen)
            if chosen:
                out[cat] = chosen
        return out

    def select(self, cat: str, items: list[Candidate], all_candidates: bool) -> list[Candidate]:
        """Flagged items; with ``all_candidates`` also the best MAX_CANDIDATES below the threshold."""
        thr = self.thresholds[cat]
        items = sorted(items, key=lambda c: -c.prob)
        flagged = [c for c in items if c.prob >= thr]
        if not all_candidates:
            return flagged
        return flagged + [c for c in items if MIN_CANDIDATE <= c.prob < thr][:MAX_CANDIDATES]

    def candidates(self, text: str, units, probs, entities=None) -> dict[str, list[Candidate]]:
        """Every evidence candidate with confidence >= MIN_CANDIDATE, per category."""
        out: dict[str, list[Candidate]] = {}
        if not units:
            return out
        located = SpanIndex(units) if any(c in ENTITY_CATEGORIES for c in self.model.categories) else None
        for j, cat in enumerate(self.model.categories):
            p = probs[:, j]
            if cat in ENTITY_CATEGORIES:
                items = [Candidate(s, e, pr, "entity") for s, e, pr in
                         self._entity_candidates(cat, text, units, p, entities, located)]
            else:
                items = []
                for s, e, pr, idx in merge_runs(units, p, self.thresholds[cat]):
                    if len(idx) == 1:
                        items.append(Candidate(s, e, pr))
                        continue
                    # the run's units are candidates too, just below the run
                    items.append(Candidate(s, e, pr, "run", len(idx)))
                    items += [Candidate(units[i][0], units[i][1], float(p[i]) * RUN_PART_FACTOR, "part", len(idx))
                              for i in idx]
                items = [c for c in items if c.prob >= MIN_CANDIDATE]
            if items:
                out[cat] = items
        return out

    def _entity_candidates(self, cat, text, units, p, entities, located: SpanIndex | None = None):
        top = [i for i in np.argsort(-p)[:5] if p[i] >= MIN_CANDIDATE]
        items: dict[tuple[int, int], float] = {}

        def add(s, e, conf):
            if e > s and conf >= MIN_CANDIDATE and conf > items.get((s, e), -1.0):
                items[(s, e)] = float(conf)

        given = [en for en in (entities or []) if ENTITY_TYPE_CATEGORY.get(en.type) == cat]
        for en in given:
            add(en.start, en.end, 0.5 + 0.5 * _unit_prob(units, p, en.start, located))
        if cat == "parties":
            # the sentence that names the parties is the evidence; names are inside it
            for i in top:
                add(units[i][0], units[i][1], p[i])
        elif cat == "document_name":
            span = title_span(text)
            if span and not given:
                add(span[0], span[1], max(_unit_prob(units, p, span[0], located), 0.5))
            for i in top:
                s, e = units[i]
                add(s, e, p[i] * 0.5)
        else:  # dates: the date inside the best units, else the unit itself
            for i in top:
                s, e = units[i]
                dates = date_spans(text, s, e)
                for ds, de in dates[:2]:
                    add(ds, de, p[i] * (1.0 if not given else 0.8))
                if not dates:
                    add(s, e, p[i] * 0.3)
        return [(s, e, c) for (s, e), c in items.items()]


def _unit_prob(units, p, offset: int, located: SpanIndex | None = None) -> float:
    """The probability of the first unit holding ``offset`` (0.0 when none does)."""
    if located is not None:
        hits = located.overlapping(offset, offset + 1)
        return float(p[hits[0]]) if hits else 0.0
    for i, (s, e) in enumerate(units):
        if s <= offset < e:
            return float(p[i])
    return 0.0


def _not_inside_another(chosen: list[Candidate]) -> list[Candidate]:
    """The candidates whose span lies inside no other, different span of ``chosen``.

    In (start, -end) order, the spans that can hold a span are exactly the ones before it,
    so a running maximum of their ends answers for each span in one pass."""
    inside: set[tuple[int, int]] = set()
    reach = None
    for s, e in sorted({(c.start, c.end) for c in chosen}, key=lambda x: (x[0], -x[1])):
        if reach is not None and reach >= e:
            inside.add((s, e))
        reach = e if reach is None else max(reach, e)
    return [c for c in chosen if (c.start, c.end) not in inside]


def innermost_clause(clauses: list[Clause], start: int, end: int) -> str | None:
    """Id of the smallest clause containing ``[start, end)`` (or containing ``start``)."""
    best = None
    for c in clauses or []:
        if c.start <= start and end <= c.end and (best is None or c.end - c.start < best.end - best.start):
            best = c
    if best is None:
        for c in clauses or []:
            if c.start <= start < c.end and (best is None or c.end - c.start < best.end - best.start):
                best = c
    return best.id if best else None


class InnermostClause:
    """``innermost_clause`` for many spans over one list of clauses, O(log² n) per span."""

    def __init__(self, clauses: list[Clause]):
        self.clauses = list(clauses or [])
        self._index = Innermost([(c.start, c.end) for c in self.clauses])

    def __call__(self, start: int, end: int) -> str | None:
        i = self._index(start, end)
        if i is None:
            i = self._index(start, start + 1)  # a clause containing ``start``
        return self.clauses[i].id if i is not None else None


@lru_cache(maxsize=4)
def _load(model_dir: str) -> Classifier:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    return Classifier(Path(model_dir))


def model_version() -> str:
    """The version that ``get_classifier().version`` will report, read without loading the model."""
    import json

    config = model_dir() / "config.json"
    if not config.is_file():
        return "unknown"
    return _version(json.loads(config.read_text(encoding="utf-8")), encoder_enabled())


def _version(config: dict, use_encoder: bool) -> str:
    """The artifact's version, marked when its encoder stage is switched off. An artifact being
    trained has none yet (it is set from the content when it is published)."""
    version = config.get("version") or "unknown"
    return version + "+tfidf-only" if config.get("encoder") and not use_encoder else version


_LOAD_LOCK = threading.RLock()


def get_classifier() -> Classifier:
    """The cached classifier for ``$ANALYZER_MODEL_DIR`` (default: the committed artifact).

    Loads run one at a time: two threads importing torch and transformers at once (the app's
    background loader and a page that analyzes) can see a half-initialised module."""
    with _LOAD_LOCK:
        return _load(str(model_dir()))
