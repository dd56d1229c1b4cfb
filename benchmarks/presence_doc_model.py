"""Study: does a whole-document TF-IDF model improve the per-document presence decision?

For each category, an L2 logistic regression over the TF-IDF vector of the whole
contract text (stage 1's unit vocabulary and IDF, or a document-level vocabulary fitted
on the train contracts) is scored out of fold on the train contracts (the 4 contract
folds of ``analyzer.training.presence``) and fitted on all of them for the validation
contracts. Compared on the validation split (document F1; test is never read):

- ``current``: the artifact's presence regression (15 features of the unit scores);
- ``doc alone``: the document model's logit, threshold per category for document F1;
- ``combined``: the presence regression with the document logit as a 16th feature.

Two readings per variant: thresholds from the train out-of-fold scores pooled with all
of validation, scored on validation (what ``clause-analyzer eval --split val`` reports
for the shipped rule), and the mean over 20 random halves of validation (thresholds from
the train pool + one half, scored on the other half). Categories the presence model
leaves to the unit rule keep it in every variant.

Reads the unit caches and the out-of-fold stage 1 cache in ``models/work/`` (a cold
run fits stage 1 four times first).

    python benchmarks/presence_doc_model.py --cuad ../shared/cuad
    python benchmarks/presence_doc_model.py --cuad ../shared/cuad --vocab own --C 30 --class-weight balanced
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

NAMED = ["license_grant", "ip_ownership_assignment", "cap_on_liability", "anti_assignment", "change_of_control",
         "governing_law", "termination_for_convenience"]


def _logit(p):
    p = np.clip(p, 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


def doc_logits(d_tr, d_va, truth, fold, C, class_weight, min_docs):
    """Out-of-fold logits on the train documents and logits of a model fitted on all of them
    for the validation documents; NaN where too few documents have or lack the category."""
    from sklearn.linear_model import LogisticRegression

    n, n_cat = truth.shape
    oof, va = np.full((n, n_cat), np.nan), np.full((d_va.shape[0], n_cat), np.nan)
    for j in range(n_cat):
        y = truth[:, j]
        if min(y.sum(), n - y.sum()) < min_docs:
            continue
        for k in np.unique(fold):
            fit = fold != k
            if y[fit].min() == y[fit].max():
                oof[~fit, j] = _logit(np.full((~fit).sum(), y[fit].mean()))
                continue
            lr = LogisticRegression(C=C, solver="liblinear", class_weight=class_weight).fit(d_tr[fit], y[fit])
            oof[~fit, j] = lr.decision_function(d_tr[~fit])
        va[:, j] = LogisticRegression(C=C, solver="liblinear", class_weight=class_weight).fit(d_tr, y).decision_function(d_va)
    return oof, va


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cuad", type=Path, required=True)
    ap.add_argument("--model", type=Path, default=Path(__file__).resolve().parents[1] / "models" / "clause_model")
    ap.add_argument("--vocab", choices=("unit", "own"), default="unit",
                    help="unit: stage 1's text vocabulary and IDF; own: word 1-2-grams fitted on the train contracts")
    ap.add_argument("--C", type=float, nargs="+", default=[10.0, 100.0])
    ap.add_argument("--class-weight", choices=("none", "balanced"), default="none")
    ap.add_argument("--halves", type=int, default=20)
    args = ap.parse_args(argv)

    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from analyzer.classify import agreement_type as atype
    from analyzer.classify.classifier import Classifier
    from analyzer.classify.features import normalise
    from analyzer.core.settings import split_path
    from analyzer.core.taxonomy import CUAD_CATEGORIES, MISSION_CATEGORIES
    from analyzer.evaluation.cuad_data import load_split
    from analyzer.evaluation.metrics import best_f1_threshold
    from analyzer.training import presence as P
    from analyzer.training.dataset import build_split, data_hashes
    from analyzer.training.run import HANDWRITTEN

    t0 = time.time()
    data = data_hashes(args.cuad, split_path(), HANDWRITTEN)
    split = load_split()
    tr = build_split(args.cuad, split["train"], drop_heading=True, data_hash=data["all"])
    va = build_split(args.cuad, split["val"], drop_heading=False, data_hash=data["all"])
    clf = Classifier(args.model, use_encoder=False)
    cats, thr = clf.model.categories, clf.tfidf_thresholds
    C_unit = float((clf.config.get("training") or {}).get("C", 16.0))
    z, heads = P.oof_logits(tr, HANDWRITTEN, C_unit, data["all"])
    types_tr = [atype.detect(clf.type_model, c.text).label for c in tr["contracts"]]
    types_va = [atype.detect(clf.type_model, c.text).label for c in va["contracts"]]
    x_tr = P.features_by_doc(clf.model.calibrate(z), heads, tr["doc"], types_tr, thr, cats)
    x_va = P.features_by_doc(clf.model.predict_proba(va["fields"]), va["fields"]["head"], va["doc"], types_va, thr, cats)
    t_tr = P.document_truth(tr["contracts"], tr["y"], tr["doc"], cats)
    t_va = P.document_truth(va["contracts"], va["y"], va["doc"], cats)
    texts_tr = [normalise(c.text) for c in tr["contracts"]]
    texts_va = [normalise(c.text) for c in va["contracts"]]
    if args.vocab == "unit":
        vec = clf.model.featurizer.vectorizers["text"]
    else:
        vec = TfidfVectorizer(sublinear_tf=True, token_pattern=r"(?u)\b\w[\w'-]*\b", dtype=np.float32,
                              ngram_range=(1, 2), min_df=3, max_df=0.9, max_features=30000).fit(texts_tr)
    d_tr, d_va = vec.transform(texts_tr), vec.transform(texts_va)
    print(f"data ready: {len(t_tr)} train, {len(t_va)} validation contracts, {d_tr.shape[1]} terms "
          f"({time.time() - t0:.0f}s)", flush=True)

    mi = [cats.index(c) for c in MISSION_CATEGORIES]
    ci = [cats.index(c) for c in CUAD_CATEGORIES]
    fold = np.arange(len(t_tr)) % P.FOLDS  # the contract folds of the out-of-fold stage 1

    def f1_at_pooled(s_pool, t_pool, s_eval, t_eval):
        th = np.array([best_f1_threshold(s_pool[:, j], t_pool[:, j]) for j in range(t_pool.shape[1])])
        return P.doc_f1(s_eval >= th, t_eval)

    def row(name, s_tr, s_va):
        f = f1_at_pooled(np.concatenate([s_tr, s_va]), np.concatenate([t_tr, t_va]), s_va, t_va)
        rng = np.random.default_rng(0)
        hm, hc = [], []
        for _ in range(args.halves):
            perm = rng.permutation(len(t_va))
            a, b = perm[: len(t_va) // 2], perm[len(t_va) // 2:]
            g = f1_at_pooled(np.concatenate([s_tr, s_va[a]]), np.concatenate([t_tr, t_va[a]]), s_va[b], t_va[b])
            hm.append(g[mi].mean())
            hc.append(g[ci].mean())
        named = " ".join(f"{f[cats.index(c)]:.2f}" for c in NAMED)
        print(f"| {name} | {f[mi].mean():.3f} | {f[ci].mean():.3f} | {np.mean(hm):.3f} | {np.mean(hc):.3f} | {named} |",
              flush=True)

    print("| variant | val mission | val CUAD 41 | halves mission | halves CUAD 41 | " + " | ".join(NAMED) + " |")
    model, fell_back = P.fit_presence(x_tr, t_tr, thr, cats)
    s_tr, s_va = model.probabilities(x_tr), model.probabilities(x_va)
    row("current", s_tr, s_va)
    fb = [cats.index(c) for c in fell_back]
    cw = None if args.class_weight == "none" else "balanced"
    for C in args.C:
        oof, lva = doc_logits(d_tr, d_va, t_tr, fold, C, cw, P.MIN_DOCS)
        alone_tr, alone_va = oof.copy(), lva.copy()
        alone_tr[:, fb], alone_va[:, fb] = _logit(s_tr[:, fb]), _logit(s_va[:, fb])
        row(f"doc alone ({args.vocab}, C={C:g}, {args.class_weight})", alone_tr, alone_va)
        xo = np.concatenate([x_tr, np.nan_to_num(oof)[:, :, None]], 2)
        xv = np.concatenate([x_va, np.nan_to_num(lva)[:, :, None]], 2)
        comb_tr, comb_va = s_tr.copy(), s_va.copy()
        for j in range(len(cats)):
            if j in fb:
                continue
            xj = xo[:, j].astype(np.float64)
            mu, sd = xj.mean(0), xj.std(0)
            sd[sd < 1e-9] = 1.0
            lr = LogisticRegression(C=P.C_DOC, max_iter=2000).fit((xj - mu) / sd, t_tr[:, j])
            comb_tr[:, j] = lr.predict_proba((xj - mu) / sd)[:, 1]
            comb_va[:, j] = lr.predict_proba((xv[:, j] - mu) / sd)[:, 1]
        row(f"combined ({args.vocab}, C={C:g}, {args.class_weight})", comb_tr, comb_va)
    print(f"({time.time() - t0:.0f}s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
