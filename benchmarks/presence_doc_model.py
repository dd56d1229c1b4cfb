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

from benchmarks.presence_study import VariantTable, load, logit  # noqa: E402


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
                oof[~fit, j] = logit(np.full((~fit).sum(), y[fit].mean()))
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

    from analyzer.classify.features import normalise
    from analyzer.training import presence as P

    t0 = time.time()
    d = load(args.cuad, args.model)
    tr, va, clf, cats, thr = d.tr, d.va, d.clf, d.cats, d.thr
    t_tr, t_va, x_tr, x_va = d.t_tr, d.t_va, d.x_tr, d.x_va
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

    fold = np.arange(len(t_tr)) % P.FOLDS  # the contract folds of the out-of-fold stage 1
    table = VariantTable(t_tr, t_va, cats, args.halves)
    table.header()
    table.current(x_tr, x_va, thr)
    cw = None if args.class_weight == "none" else "balanced"
    for C in args.C:
        oof, lva = doc_logits(d_tr, d_va, t_tr, fold, C, cw, P.MIN_DOCS)
        table.row(f"doc alone ({args.vocab}, C={C:g}, {args.class_weight})", *table.keep_fallback(oof, lva))
        table.with_feature(f"combined ({args.vocab}, C={C:g}, {args.class_weight})", np.nan_to_num(oof),
                           np.nan_to_num(lva), P.C_DOC)
    print(f"({time.time() - t0:.0f}s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
