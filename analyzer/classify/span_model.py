"""Span confidence: how likely a candidate span is the evidence an annotator would mark.

Unit probabilities say whether one sentence carries a category. The evidence a report
lists is made of spans: single units, merged runs of units, the parts of a run, and
entity spans, several per category and document. Whether such a span *is* the
clause (CUAD's match: word Jaccard >= 0.5 with an annotated answer) also depends on
its shape, its rank among the document's candidates, whether the document has the
clause at all, how long the category's clauses usually are, and whether the span uses
the wording such a clause typically uses.

A gradient-boosted tree ensemble over those features (``FEATURES``), trained on the
train contracts' out-of-fold candidates (``analyzer.training.span_model``), gives that
probability for the categories with span annotations (the CUAD categories). The trees
are stored as plain arrays (``spans.npz``) and the per-category priors in
``config.json`` (``span_model`` block), so the model loads without pickle.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analyzer.classify.features import normalise
from analyzer.classify.wording_cues import DEFAULT_CUES, WordingCues

EPS = 1e-4
KINDS = ("single", "run", "part", "entity")
FEATURES = ("logit_p", "logit_presence", "logit_threshold", "margin", "below_best", "rank", "n_flagged",
            "log_chars", "run_units", "single", "run", "part", "entity", "log_words_vs_typical",
            "log_typical_words", "document_rate", "answers_per_document", "position", "wording")
# an artifact trained before the wording feature: its trees never read the last column
EARLIER_FEATURES = FEATURES[:-1]
PRIORS = ("log_typical_words", "document_rate", "answers_per_document")
ARRAYS = "spans.npz"


@dataclass(frozen=True)
class Candidate:
    """One evidence candidate of one category: ``[start, end)``, its unit-level confidence,
    its shape (one of ``KINDS``) and the number of units in its run (1 outside runs)."""

    start: int
    end: int
    prob: float
    kind: str = "single"
    run_units: int = 1


def _logit(p):
    p = np.clip(np.asarray(p, dtype=np.float64), EPS, 1 - EPS)
    return np.log(p / (1 - p))


def candidate_features(text: str, items: list[Candidate], presence: float, threshold: float, best: float,
                       prior: tuple[float, float, float], category: str = "",
                       cues: WordingCues = DEFAULT_CUES) -> np.ndarray:
    """(len(items) x len(FEATURES)) for the candidates of one category in one document.

    ``presence``: the document-level probability that the category is there; ``threshold``:
    the category's operating threshold on unit probabilities; ``best``: the best unit
    probability of the category in the document; ``prior``: the category's ``PRIORS``;
    ``category``: for the ``wording`` feature, 1 when the span uses wording such a clause
    typically uses (``cues``), 0 when not, -1 without a cue."""
    if not items:
        return np.zeros((0, len(FEATURES)))
    probs = np.array([c.prob for c in items], dtype=np.float64)
    ordered = np.sort(probs)[::-1]
    rank = np.searchsorted(-ordered, -probs, side="left")  # index of the first equal value, as list.index
    n_flagged = int((probs >= threshold).sum())
    typical, doc_rate, per_doc = prior
    lp, lt = _logit(probs), float(_logit(threshold))
    lpres, lbest = float(_logit(presence)), float(_logit(max(best, EPS)))
    has_cue = category in cues
    rows = []
    for c, z, r in zip(items, lp, rank):
        words = len(text[c.start:c.end].split())
        rows.append([z, lpres, lt, z - lt, z - lbest, r, n_flagged,
                     np.log1p(c.end - c.start), c.run_units, *[c.kind == k for k in KINDS],
                     np.log1p(words) - typical, typical, doc_rate, per_doc, c.start / max(1, len(text)),
                     float(cues.uses(category, normalise(text[c.start:c.end]))) if has_cue else -1.0])
    return np.array(rows, dtype=np.float64)


class TreeEnsemble:
    """Sum of regression trees stored as flat node arrays: ``feature`` (-1 at leaves),
    ``threshold`` (go left when x <= threshold, x compared in float32 as scikit-learn's trees do),
    ``left``/``right`` (global node indices), ``value`` (already scaled by the learning rate), ``roots`` (first node of each tree), and
    ``base`` (the starting log-odds)."""

    def __init__(self, feature, threshold, left, right, value, roots, base: float):
        self.feature = np.asarray(feature, dtype=np.int64)
        self.threshold = np.asarray(threshold, dtype=np.float64)
        self.left = np.asarray(left, dtype=np.int64)
        self.right = np.asarray(right, dtype=np.int64)
        self.value = np.asarray(value, dtype=np.float64)
        self.roots = np.asarray(roots, dtype=np.int64)
        self.base = float(base)
        n = len(self.feature)
        if not (len(self.threshold) == len(self.left) == len(self.right) == len(self.value) == n):
            raise ValueError("tree arrays differ in length")
        inner = self.feature >= 0
        if ((inner & ((self.left < 0) | (self.left >= n) | (self.right < 0) | (self.right >= n))).any()
                or (self.roots < 0).any() or (self.roots >= n).any()):
            raise ValueError("tree arrays point outside the nodes")

    def logits(self, x: np.ndarray) -> np.ndarray:
        """Log-odds for each row of ``x``."""
        x = np.asarray(x, dtype=np.float32).astype(np.float64)
        if not len(x):
            return np.zeros(0)
        node = np.broadcast_to(self.roots, (len(x), len(self.roots))).copy()
        rows = np.arange(len(x))[:, None]
        while True:
            feat = self.feature[node]
            inner = feat >= 0
            if not inner.any():
                break
            go_left = x[rows, np.where(inner, feat, 0)] <= self.threshold[node]
            node = np.where(inner, np.where(go_left, self.left[node], self.right[node]), node)
        return self.base + self.value[node].sum(1)

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.logits(x)))

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {"feature": self.feature.astype(np.int16), "threshold": self.threshold, "left": self.left.astype(np.int32),
                "right": self.right.astype(np.int32), "value": self.value, "roots": self.roots.astype(np.int32)}


class SpanModel:
    """The span confidence of the categories in ``priors`` (category -> ``PRIORS`` values)."""

    def __init__(self, trees: TreeEnsemble, priors: dict[str, tuple[float, float, float]],
                 cues: WordingCues = DEFAULT_CUES):
        self.trees = trees
        self.priors = {c: tuple(float(v) for v in p) for c, p in priors.items()}
        self.cues = cues

    @classmethod
    def load(cls, model_dir: Path, config: dict, cues: WordingCues = DEFAULT_CUES) -> SpanModel:
        """From the artifact's ``span_model`` block and ``spans.npz``."""
        if list(config["features"]) not in (list(FEATURES), list(EARLIER_FEATURES)):
            raise ValueError(f"span model features {config['features']} are not {list(FEATURES)}")
        with np.load(Path(model_dir) / ARRAYS) as z:
            trees = TreeEnsemble(z["feature"], z["threshold"], z["left"], z["right"], z["value"], z["roots"],
                                 config["base"])
        priors = {c: tuple(v) for c, v in config["priors"].items()}
        if any(len(v) != len(PRIORS) for v in priors.values()):
            raise ValueError("span model priors must have one value per prior")
        return cls(trees, priors, cues)

    def covers(self, category: str) -> bool:
        return category in self.priors

    def confidences(self, text: str, category: str, items: list[Candidate], presence: float, threshold: float,
                    best: float) -> np.ndarray:
        """The probability that each candidate is the category's evidence."""
        x = candidate_features(text, items, presence, threshold, best, self.priors[category], category, self.cues)
        return self.trees.probabilities(x)
