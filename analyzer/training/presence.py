"""The per-document presence model (``analyzer.classify.presence``) on top of stage 1.

Its training documents are the train contracts, scored *out of fold*: the train
contracts are cut into ``FOLDS`` groups and each group's units are scored by a
stage 1 model fitted on the other groups (vocabulary included), so the features
look like the ones a new contract gets. Each category's decision threshold is its
document-F1 optimum over the validation contracts (scored by the artifact's stage
1) pooled with the train contracts' out-of-fold probabilities: on random halves of
validation, thresholds from the pool generalised better than thresholds from 30
validation documents alone (mission macro-F1 0.804 vs 0.779 on the other half).
Test contracts are never read.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import time
from pathlib import Path

import numpy as np

from analyzer.classify import agreement_type as atype
from analyzer.classify.features import unit_fields
from analyzer.classify.presence import (
    FEATURES,
    PresenceModel,
    document_features,
    heading_matches,
)
from analyzer.classify.tfidf_stage import Featurizer
from analyzer.classify.wording_cues import DEFAULT_CUES, WordingCues
from analyzer.core.files import write_bytes
from analyzer.core.settings import work_dir
from analyzer.core.taxonomy import ALL_CATEGORIES, CUAD_CATEGORIES
from analyzer.evaluation.metrics import best_f1_threshold
from analyzer.training.dataset import code_hash, load_handwritten

log = logging.getLogger(__name__)

FOLDS = 4
MIN_DOCS = 5  # documents with and without the category needed to fit its model
C_DOC = 0.3  # inverse regularisation of the per-category logistic regression
_OOF_CODE = ("classify/features.py", "classify/tfidf_stage.py", "training/tfidf.py")


def document_truth(contracts, y: np.ndarray, doc: np.ndarray, categories=ALL_CATEGORIES) -> np.ndarray:
    """(n_documents x n_categories) bool: CUAD categories from the contract's annotations (those
    without offsets too), the others from its units' (distant) labels."""
    cuad = set(CUAD_CATEGORIES)
    out = np.zeros((len(contracts), len(categories)), dtype=bool)
    for k, c in enumerate(contracts):
        units_y = y[doc == k]
        for j, cat in enumerate(categories):
            out[k, j] = cat in c.present if cat in cuad else bool(units_y[:, j].any()) if len(units_y) else False
    return out


def units_hash(data: dict) -> str:
    """sha256 over a split's units, fields and labels: the OOF scores depend on nothing else of the
    unit-building code."""
    h = hashlib.sha256()
    for units in data["units"]:
        h.update(json.dumps(units).encode() + b"\0")
    for name in sorted(data["fields"]):
        for value in data["fields"][name]:
            h.update(value.encode() + b"\1")
    h.update(np.ascontiguousarray(data["y"]).tobytes())
    return h.hexdigest()


def oof_logits(train: dict, handwritten: Path, C: float, data_hash: str, threads: int = 2,
               folds: int = FOLDS) -> tuple[np.ndarray, list[str]]:
    """Stage 1 logits of every train unit from a model that did not see its contract, and the
    units' ``head`` fields with headings shown (as at run time). Cached under the work folder."""
    from analyzer.training.tfidf import fit_units

    key = hashlib.sha256("|".join([units_hash(train), code_hash(_OOF_CODE), data_hash, str(C),
                                   str(folds)]).encode()).hexdigest()[:16]
    path, heads_path = work_dir() / f"oof_{key}.npy", work_dir() / f"oof_{key}.heads.json"
    if path.is_file() and heads_path.is_file():
        return np.load(path), json.loads(heads_path.read_text(encoding="utf-8"))
    t0 = time.time()
    doc = train["doc"]
    shown: dict[str, list[str]] = {"text": [], "head": [], "ctx": []}  # headings shown, as at run time
    for c, units in zip(train["contracts"], train["units"]):
        f = unit_fields(c.text, units)
        for name in shown:
            shown[name] += f[name]
    hw_fields, hw_y = load_handwritten(handwritten)
    out = np.zeros(train["y"].shape, dtype=np.float32)
    for k in range(folds):
        held = np.flatnonzero(doc % folds == k)
        fit = np.flatnonzero(doc % folds != k)
        fields = {f: [train["fields"][f][i] for i in fit] + hw_fields[f] * 3 for f in train["fields"]}
        y = np.concatenate([train["y"][fit], np.tile(hw_y, (3, 1))])
        feat = Featurizer.fit(fields)
        w, b = fit_units(feat, feat.transform(fields), y, jobs=threads, C=C)
        x_held = feat.transform({f: [shown[f][i] for i in held] for f in shown})
        out[held] = np.asarray(x_held @ w) + b
        log.info("  out-of-fold stage 1: fold %d/%d (%.0fs)", k + 1, folds, time.time() - t0)
    buf = io.BytesIO()
    np.save(buf, out)
    write_bytes(path, buf.getvalue())
    heads_path.write_text(json.dumps(shown["head"]), encoding="utf-8")
    return out, shown["head"]


def features_by_doc(probs: np.ndarray, heads: list[str], doc: np.ndarray, types: list[str],
                    thresholds: np.ndarray, categories=ALL_CATEGORIES, texts: list[str] | None = None,
                    cues: WordingCues = DEFAULT_CUES) -> np.ndarray:
    """(n_documents x n_categories x n_features) from unit probabilities grouped by ``doc``;
    ``texts``: the units' normalised text (the ``text`` field), for the wording features."""
    out = np.zeros((len(types), len(categories), len(FEATURES)), dtype=np.float32)
    wording = cues.hits(texts, list(categories)) if texts is not None else None
    for k in range(len(types)):
        idx = np.flatnonzero(doc == k)
        hits = heading_matches([heads[i] for i in idx], list(categories))
        out[k] = document_features(probs[idx], thresholds, hits, types[k],
                                   None if wording is None else wording[idx])
    return out


def fit_presence(x: np.ndarray, truth: np.ndarray, unit_thresholds: np.ndarray, categories=ALL_CATEGORIES,
                 C: float = C_DOC) -> tuple[PresenceModel, list[str]]:
    """One logistic regression per category on standardised features (folded back into the
    weights); the unit-threshold rule where too few documents have or lack the category.
    Returns the model (thresholds 0.5) and the categories that fell back. ``x`` may carry
    columns after ``FEATURES`` (studies of further features); the artifact's model has none."""
    from sklearn.linear_model import LogisticRegression

    model = PresenceModel.fallback(list(categories), unit_thresholds, x.shape[2])
    fell_back = []
    for j, cat in enumerate(categories):
        yj = truth[:, j]
        if min(yj.sum(), len(yj) - yj.sum()) < MIN_DOCS:
            fell_back.append(cat)
            continue
        xj = x[:, j, :].astype(np.float64)
        mean, scale = xj.mean(0), xj.std(0)
        scale[scale < 1e-9] = 1.0
        lr = LogisticRegression(C=C, max_iter=2000).fit((xj - mean) / scale, yj)
        w = lr.coef_[0] / scale
        model.weight[j] = w
        model.bias[j] = lr.intercept_[0] - float((w * mean).sum())
    return model, fell_back


def choose_thresholds(model: PresenceModel, x: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """Per category, the document-F1 optimum of the model's probabilities on ``x`` (0.5 where
    no document has the category)."""
    p = model.probabilities(x)
    return np.array([best_f1_threshold(p[:, j], truth[:, j]) for j in range(truth.shape[1])], dtype=np.float32)


def doc_f1(pred: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """F1 per category (column) of boolean document decisions."""
    tp = (pred & truth).sum(0)
    p = np.where(pred.sum(0) > 0, tp / np.maximum(pred.sum(0), 1), 1.0)
    r = np.where(truth.sum(0) > 0, tp / np.maximum(truth.sum(0), 1), 1.0)
    return np.where(p + r > 0, 2 * p * r / np.maximum(p + r, 1e-12), 0.0)


def train_presence(train: dict, val: dict, model_dir: Path, handwritten: Path, data_hash: str,
                   threads: int = 2) -> dict:
    """Fit the presence model for the stage 1 artifact in ``model_dir`` and write it into its
    ``config.json``. Returns the training summary."""
    from analyzer.classify.classifier import Classifier

    t0 = time.time()
    clf = Classifier(model_dir, use_encoder=False)
    cats = clf.model.categories
    config_path = Path(model_dir) / "config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    C = float((config.get("training") or {}).get("C", 16.0))
    thr = clf.tfidf_thresholds
    z_train, heads = oof_logits(train, handwritten, C, data_hash, threads)
    p_train = clf.model.calibrate(z_train)
    types_train = [atype.detect(clf.type_model, c.text).label for c in train["contracts"]]
    x_train = features_by_doc(p_train, heads, train["doc"], types_train, thr, cats, train["fields"]["text"])
    t_train = document_truth(train["contracts"], train["y"], train["doc"], cats)
    model, fell_back = fit_presence(x_train, t_train, thr, cats)

    p_val = clf.model.predict_proba(val["fields"])
    types_val = [atype.detect(clf.type_model, c.text).label for c in val["contracts"]]
    x_val = features_by_doc(p_val, val["fields"]["head"], val["doc"], types_val, thr, cats, val["fields"]["text"])
    t_val = document_truth(val["contracts"], val["y"], val["doc"], cats)
    model.thresholds = choose_thresholds(model, np.concatenate([x_train, x_val]), np.concatenate([t_train, t_val]))
    f1 = doc_f1(model.decide(x_val)[0], t_val)
    rule = doc_f1(p_val_max(p_val, val["doc"], len(val["contracts"])) >= thr, t_val)
    summary = {"folds": FOLDS, "C": C_DOC, "train_documents": len(t_train), "fallback": fell_back,
               "val_doc_macro_f1_cuad": round(float(f1[[cats.index(c) for c in CUAD_CATEGORIES]].mean()), 4),
               "val_doc_macro_f1_cuad_unit_rule": round(float(rule[[cats.index(c) for c in CUAD_CATEGORIES]].mean()), 4)}
    log.info("presence: %s (%.0fs)", summary, time.time() - t0)
    config["presence"] = {**model.to_config(), "training": summary}
    config["wording_cues"] = DEFAULT_CUES.to_config()  # what the features were computed with
    config_path.write_text(json.dumps(config, indent=1), encoding="utf-8")
    return summary


def p_val_max(probs: np.ndarray, doc: np.ndarray, n_docs: int) -> np.ndarray:
    """The best unit probability per document and category."""
    out = np.zeros((n_docs, probs.shape[1]), dtype=probs.dtype)
    for k in range(n_docs):
        m = doc == k
        if m.any():
            out[k] = probs[m].max(0)
    return out
