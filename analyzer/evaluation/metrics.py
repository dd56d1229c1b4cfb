"""The CUAD span metric (as in the CUAD evaluation script) and document-level metrics.

Predictions and answers are keyed by (contract, category). A prediction matches
an answer when their word-level Jaccard is >= 0.5 (for Parties also when the
answer is a substring of the prediction). Confidence thresholds are swept from
0.99 down to 0; at each one, predictions with confidence strictly above it are
kept and, pooled over all keys: tp = answers matched by some kept prediction,
fp = kept predictions matching no answer, fn = unmatched answers. The precision
curve is made monotone (max to the right) and AUPR is the trapezoid area under
it. A threshold that keeps no prediction counts as precision 1, recall 0.
"""

from __future__ import annotations

from typing import Hashable

import numpy as np

IOU_THRESH = 0.5
THRESHOLDS = [round(t, 2) for t in np.arange(0.99, 0, -0.01)] + [0.001, 0.0]


def jaccard(gt: str, pred: str) -> float:
    """Word-set Jaccard after dropping . , ; : and splitting '/' (CUAD's get_jaccard)."""
    for tok in (".", ",", ";", ":"):
        gt, pred = gt.replace(tok, ""), pred.replace(tok, "")
    g = set(gt.lower().replace("/", " ").split(" "))
    p = set(pred.lower().replace("/", " ").split(" "))
    return len(g & p) / len(g | p) if g | p else 0.0


def is_match(gt: str, pred: str, substring_ok: bool) -> bool:
    return jaccard(gt, pred) >= IOU_THRESH or (substring_ok and gt in pred)


def precision_recall(gts: dict, preds: dict, threshold: float, substring_keys: set) -> tuple[float, float, int, int, int]:
    """(precision, recall, tp, fp, fn) keeping predictions with confidence > threshold."""
    tp = fp = fn = 0
    for key, answers in gts.items():
        kept = [t for t, c in _dedup(preds.get(key, [])) if c > threshold]
        sub = key in substring_keys
        for ans in answers:
            if any(is_match(ans, p, sub) for p in kept):
                tp += 1
            else:
                fn += 1
        for p in kept:
            if not any(is_match(a, p, sub) for a in answers):
                fp += 1
    precision = tp / (tp + fp) if tp + fp else float("nan")
    recall = tp / (tp + fn) if tp + fn else float("nan")
    return precision, recall, tp, fp, fn


def _dedup(items):
    """Predictions by text, keeping the highest confidence (CUAD keys them by text)."""
    best: dict[str, float] = {}
    for text, conf in items:
        if text and conf > best.get(text, -1.0):
            best[text] = conf
    return best.items()


def monotone(precisions: list[float]) -> list[float]:
    """Each precision replaced by the max of itself and everything to its right."""
    out = list(precisions)
    for i in range(len(out) - 2, -1, -1):
        out[i] = max(out[i], out[i + 1])
    return out


def curve(gts: dict, preds: dict, substring_keys: set = frozenset()) -> tuple[list[float], list[float]]:
    """Precision and recall at each threshold, starting from (precision 1, recall 0)."""
    _, tp, fp, n = count_table(gts, preds, substring_keys)
    return curve_from_counts(tp.sum(0), fp.sum(0), int(n.sum()))


def curve_from_counts(tp: np.ndarray, fp: np.ndarray, n_answers: int) -> tuple[list[float], list[float]]:
    """Precision and recall per threshold of ``THRESHOLDS`` from pooled tp / fp counts."""
    precisions = [1.0] + [float(t / (t + f)) if t + f else 1.0 for t, f in zip(tp, fp)]
    recalls = [0.0] + [float(t / n_answers) if n_answers else 0.0 for t in tp]
    return precisions, recalls


def count_table(gts: dict, preds: dict, substring_keys: set = frozenset()):
    """Per key of ``gts`` (as in CUAD, only keys with a reference entry are scored) and per
    threshold of ``THRESHOLDS``: the answers matched (tp) and the kept predictions matching no
    answer (fp), and the key's number of answers. Returns (keys, tp, fp, n) with tp and fp of
    shape (keys x thresholds); each prediction is matched once, so sweeps and resamples are cheap."""
    keys = list(gts)
    thr = np.array(THRESHOLDS)
    tp = np.zeros((len(keys), len(thr)), dtype=np.int32)
    fp = np.zeros_like(tp)
    n = np.zeros(len(keys), dtype=np.int32)
    for i, key in enumerate(keys):
        answers = gts.get(key, [])
        items = list(_dedup(preds.get(key, [])))
        n[i] = len(answers)
        if not items:
            continue
        confs = np.array([c for _, c in items], dtype=float)
        sub = key in substring_keys
        hits = np.array([[is_match(a, t, sub) for a in answers] for t, _ in items], dtype=bool).reshape(len(items),
                                                                                                   len(answers))
        keep = confs[None, :] > thr[:, None]  # thresholds x predictions
        fp[i] = (keep & ~hits.any(1)[None, :]).sum(1)
        if len(answers):
            tp[i] = (keep[:, :, None] & hits[None, :, :]).any(1).sum(1)
    return keys, tp, fp, n


def aupr(precisions: list[float], recalls: list[float]) -> float:
    p = monotone(precisions)
    return float(np.trapezoid(p, recalls)) if hasattr(np, "trapezoid") else float(np.trapz(p, recalls))


def precision_at_recall(precisions: list[float], recalls: list[float], target: float) -> float:
    """Monotone precision at the first threshold whose recall reaches ``target`` (0 if none)."""
    for p, r in zip(monotone(precisions), recalls):
        if r >= target:
            return float(p)
    return 0.0


def cuad_scores(gts: dict[Hashable, list[str]], preds: dict[Hashable, list[tuple[str, float]]],
                substring_keys: set = frozenset()) -> dict[str, float]:
    """AUPR, precision at 80% and 90% recall, over all keys of ``gts``."""
    return curve_scores(*curve(gts, preds, substring_keys))


def curve_scores(precisions: list[float], recalls: list[float]) -> dict[str, float]:
    """AUPR, precision at 80% and 90% recall and the highest recall of one curve."""
    return {"aupr": aupr(precisions, recalls), "p_at_80r": precision_at_recall(precisions, recalls, 0.8),
            "p_at_90r": precision_at_recall(precisions, recalls, 0.9), "max_recall": max(recalls)}


def bootstrap_cuad_scores(gts: dict, preds: dict, substring_keys: set = frozenset(), resamples: int = 1000,
                          seed: int = 0) -> dict[str, tuple[float, float]]:
    """95% percentile intervals of ``cuad_scores`` when the contracts (the first element of each
    key) are resampled with replacement: how far the numbers could move on another sample of
    contracts of the same kind."""
    keys, tp, fp, n = count_table(gts, preds, substring_keys)
    _, owner = np.unique([str(k[0]) for k in keys], return_inverse=True)  # each key's contract
    n_contracts = int(owner.max()) + 1 if len(keys) else 0
    rng = np.random.default_rng(seed)
    runs = []
    for _ in range(resamples):
        w = np.bincount(rng.integers(0, n_contracts, n_contracts), minlength=n_contracts)[owner]
        runs.append(curve_scores(*curve_from_counts(w @ tp, w @ fp, int(w @ n))))
    return {m: (float(np.percentile([r[m] for r in runs], 2.5)), float(np.percentile([r[m] for r in runs], 97.5)))
            for m in ("aupr", "p_at_80r", "p_at_90r")}


def bootstrap_macro_f1(pred: np.ndarray, truth: np.ndarray, resamples: int = 1000,
                       seed: int = 0) -> tuple[float, float]:
    """95% percentile interval of the macro-F1 over the columns of boolean (documents x
    categories) ``pred`` / ``truth`` when the documents are resampled with replacement (``prf``'s
    conventions for a resample without positives or predictions)."""
    rng = np.random.default_rng(seed)
    scores = []
    for _ in range(resamples):
        idx = rng.integers(0, len(truth), len(truth))
        scores.append(np.mean([prf(pred[idx, j], truth[idx, j])[2] for j in range(truth.shape[1])]))
    return float(np.percentile(scores, 2.5)), float(np.percentile(scores, 97.5))


def prf(pred: np.ndarray, truth: np.ndarray) -> tuple[float, float, float]:
    """Precision, recall, F1 of boolean arrays (precision 1 when nothing predicted, recall 1 when nothing true)."""
    tp = int((pred & truth).sum())
    p = tp / pred.sum() if pred.sum() else 1.0
    r = tp / truth.sum() if truth.sum() else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def expected_calibration_error(probs: np.ndarray, truth: np.ndarray, bins: int = 10) -> float:
    """ECE with equal-width bins over the given probabilities."""
    probs, truth = probs.ravel(), truth.ravel().astype(float)
    edges = np.linspace(0, 1, bins + 1)
    idx = np.clip(np.digitize(probs, edges[1:-1]), 0, bins - 1)
    ece = 0.0
    for b in range(bins):
        m = idx == b
        if m.any():
            ece += m.mean() * abs(probs[m].mean() - truth[m].mean())
    return float(ece)


def best_f1_threshold(p: np.ndarray, y: np.ndarray, default: float = 0.5) -> float:
    """Threshold on ``p`` maximising F1 against binary ``y`` (``default`` without positives)."""
    if y.sum() == 0:
        return default
    order = np.argsort(-p)
    ps, ys = p[order], y[order]
    tp = np.cumsum(ys)
    f1 = 2 * tp / (np.arange(1, len(ys) + 1) + ys.sum())
    i = int(np.argmax(f1))
    lo = ps[i + 1] if i + 1 < len(ps) else 0.0
    return float(max(0.02, (ps[i] + lo) / 2))
