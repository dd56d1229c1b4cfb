"""The span model (``analyzer.classify.span_model``) on top of stage 1 and the presence model.

Its training rows are the evidence candidates of the train contracts as the classifier
builds them (single units, merged runs and their parts, entity spans; flagged ones and
the best ``MAX_CANDIDATES`` below the threshold), from the train units' *out-of-fold*
stage 1 probabilities, so they look like a new contract's. The document's presence
probability comes from the artifact's presence model, which was fitted on these same
out-of-fold features (a 15-feature regression per category, so its in-sample probabilities
are close to a new contract's). A row is positive when the span matches an annotated answer
of its category (CUAD's rule: word Jaccard >= 0.5, substring for parties). Validation and
test contracts are never read.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import numpy as np

from analyzer.classify import agreement_type as atype
from analyzer.classify.span_model import (
    ARRAYS,
    FEATURES,
    PRIORS,
    SpanModel,
    TreeEnsemble,
    candidate_features,
)
from analyzer.core.taxonomy import CUAD_CATEGORIES
from analyzer.evaluation.metrics import is_match

log = logging.getLogger(__name__)

TREES = 300
LEARNING_RATE = 0.05
LEAVES = 15
MIN_LEAF = 50
DEFAULT_WORDS = 30  # typical answer length of a category without training answers


def category_priors(contracts, categories=CUAD_CATEGORIES) -> dict[str, tuple[float, float, float]]:
    """Per category: log of the median answer length in words, the share of contracts with an
    answer, and the mean number of answers in those contracts."""
    out = {}
    for cat in categories:
        answers = [c.spans.get(cat, []) for c in contracts]
        words = [len(t.split()) for spans in answers for _, _, t in spans]
        having = [len(spans) for spans in answers if spans]
        out[cat] = (float(np.log(np.median(words) if words else DEFAULT_WORDS)),
                    float(len(having) / max(1, len(contracts))), float(np.mean(having) if having else 1.0))
    return out


def candidate_table(clf, contracts, units_by_doc, probs, doc, presence, priors) -> tuple[np.ndarray, np.ndarray]:
    """Features and match labels of every candidate of the categories in ``priors``.

    ``probs``: unit probabilities (rows grouped by ``doc``); ``presence``: per contract, the
    document-level probabilities in the order of ``clf.model.categories``."""
    index = {c: j for j, c in enumerate(clf.model.categories)}
    xs, ys = [], []
    for k, (c, units) in enumerate(zip(contracts, units_by_doc)):
        p = probs[doc == k]
        listed = clf.evidence_candidates(c.text, units, p, all_candidates=True)
        for cat, prior in priors.items():
            j = index[cat]
            chosen = listed.get(cat)
            if not chosen:
                continue
            best = float(p[:, j].max()) if len(p) else 0.0
            xs.append(candidate_features(c.text, chosen, float(presence[k][j]), clf.thresholds[cat], best, prior, cat,
                                         clf.cues))
            answers = [t for _, _, t in c.spans.get(cat, [])]
            ys += [any(is_match(a, c.text[x.start:x.end], cat == "parties") for a in answers) for x in chosen]
    return (np.concatenate(xs) if xs else np.zeros((0, len(FEATURES)))), np.array(ys, dtype=bool)


def export_trees(model) -> TreeEnsemble:
    """A fitted binary ``GradientBoostingClassifier`` as flat node arrays."""
    feature, threshold, left, right, value, roots = [], [], [], [], [], []
    offset = 0
    for est in model.estimators_[:, 0]:
        t = est.tree_
        leaf = t.children_left < 0
        roots.append(offset)
        feature.append(np.where(leaf, -1, t.feature))
        threshold.append(np.where(leaf, 0.0, t.threshold))
        left.append(np.where(leaf, -1, t.children_left + offset))
        right.append(np.where(leaf, -1, t.children_right + offset))
        value.append(t.value[:, 0, 0] * model.learning_rate)
        offset += t.node_count
    prior = float(model.init_.class_prior_[1])
    base = float(np.log(prior / (1 - prior)))
    return TreeEnsemble(np.concatenate(feature), np.concatenate(threshold), np.concatenate(left),
                        np.concatenate(right), np.concatenate(value), np.array(roots), base)


def fit_trees(x: np.ndarray, y: np.ndarray, seed: int = 0) -> TreeEnsemble:
    """Fit the ensemble and check that the exported arrays reproduce scikit-learn's probabilities."""
    from sklearn.ensemble import GradientBoostingClassifier

    model = GradientBoostingClassifier(n_estimators=TREES, learning_rate=LEARNING_RATE, max_leaf_nodes=LEAVES,
                                       min_samples_leaf=MIN_LEAF, random_state=seed)
    model.fit(x, y)
    trees = export_trees(model)
    gap = float(np.abs(trees.probabilities(x) - model.predict_proba(x)[:, 1]).max()) if len(x) else 0.0
    if gap > 1e-6:
        raise RuntimeError(f"exported span trees differ from the fitted model by {gap:.2g}")
    return trees


def train_span_model(train: dict, model_dir: Path, handwritten: Path, data_hash: str, threads: int = 2) -> dict:
    """Fit the span model for the artifact in ``model_dir`` (stage 1 and presence model) and write
    it into ``spans.npz`` and ``config.json``. Returns the training summary."""
    from analyzer.classify.classifier import Classifier
    from analyzer.training.presence import features_by_doc, oof_logits

    t0 = time.time()
    clf = Classifier(model_dir, use_encoder=False)
    if clf.presence is None:
        raise ValueError(f"{model_dir}: the span model needs the presence model (train --stage presence)")
    config_path = Path(model_dir) / "config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    C = float((config.get("training") or {}).get("C", 16.0))
    z, heads = oof_logits(train, handwritten, C, data_hash, threads)
    probs = clf.model.calibrate(z)
    types = [atype.detect(clf.type_model, c.text).label for c in train["contracts"]]
    x_doc = features_by_doc(probs, heads, train["doc"], types, clf.tfidf_thresholds, clf.model.categories,
                            train["fields"]["text"], clf.cues)
    presence = [clf.presence.decide(x_doc[k])[1] for k in range(len(types))]
    priors = category_priors(train["contracts"])
    x, y = candidate_table(clf, train["contracts"], train["units"], probs, train["doc"], presence, priors)
    if y.all() or not y.any():
        raise ValueError(f"span model: {len(y)} train candidates, all {'matching' if len(y) and y.all() else 'unmatched'}; "
                         "it needs both")
    trees = fit_trees(x, y)
    summary = {"candidates": int(len(y)), "matching": int(y.sum()), "trees": TREES, "learning_rate": LEARNING_RATE,
               "leaves": LEAVES, "min_leaf": MIN_LEAF}  # no wall time: the config is part of the version hash
    np.savez_compressed(Path(model_dir) / ARRAYS, **trees.to_arrays())
    config["span_model"] = {"features": list(FEATURES), "prior_names": list(PRIORS), "base": trees.base,
                            "priors": {c: list(v) for c, v in priors.items()}, "training": summary}
    config_path.write_text(json.dumps(config, indent=1), encoding="utf-8")
    SpanModel.load(model_dir, config["span_model"])  # reads back
    log.info("span model: %s (%.0fs)", summary, time.time() - t0)
    return summary
