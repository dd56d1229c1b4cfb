"""Study: a termination-only unit model as a feature of the termination-for-convenience decision.

Stage 1 scores every unit against every other unit of the contracts, so "may terminate … upon
thirty days' notice" competes mostly with sentences that are not about termination at all. Here a
second logistic regression (TF-IDF word 1–3-grams, balanced classes) is fitted only on the units that
mention terminating, cancelling or revoking, to separate rights "for any reason" / "at any time" from
rights that need a breach or an event. The train units are scored out of fold (the contract folds of
``analyzer.training.presence``), the validation units by a model fitted on all train units. Each
document's best score becomes a 16th feature of the termination_for_convenience regression (zero for the
other categories). Readings as in ``presence_wording.py``; test is never read.

    python benchmarks/presence_termination.py --cuad ../shared/cuad
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.presence_study import (  # noqa: E402
    load,
    print_readings,
    readings,
    regression_scores,
    study_args,
    with_column,
)

CATEGORY = "termination_for_convenience"
GATE = re.compile(r"terminat|cancel|revok", re.I)
NO_SCORE = -20.0  # units outside the gate


def termination_scores(train_texts, train_y, train_doc, val_texts, folds: int):
    """Out-of-fold scores of the train units, and the validation units' scores (``NO_SCORE`` outside
    the gate)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    def fit(idx):
        vec = TfidfVectorizer(ngram_range=(1, 3), min_df=2, sublinear_tf=True, max_features=50000)
        x = vec.fit_transform([train_texts[i] for i in idx])
        return vec, LogisticRegression(C=1.0, max_iter=3000, class_weight="balanced").fit(x, train_y[idx])

    def score(model, texts, idx):
        vec, lr = model
        return lr.decision_function(vec.transform([texts[i] for i in idx]))

    gate_tr = np.array([bool(GATE.search(t)) for t in train_texts])
    gate_va = np.array([bool(GATE.search(t)) for t in val_texts])
    s_tr = np.full(len(train_texts), NO_SCORE)
    for k in range(folds):
        held = np.flatnonzero(gate_tr & (train_doc % folds == k))
        s_tr[held] = score(fit(np.flatnonzero(gate_tr & (train_doc % folds != k))), train_texts, held)
    s_va = np.full(len(val_texts), NO_SCORE)
    s_va[gate_va] = score(fit(np.flatnonzero(gate_tr)), val_texts, np.flatnonzero(gate_va))
    return s_tr, s_va, gate_tr


def best_per_document(scores, doc, n_docs):
    out = np.full(n_docs, NO_SCORE)
    np.maximum.at(out, doc, scores)
    return out


def main(argv=None) -> int:
    args = study_args(__doc__, argv)
    from sklearn.metrics import average_precision_score

    from analyzer.training.presence import FOLDS

    t0 = time.time()
    d = load(args.cuad, args.model)
    j = list(d.cats).index(CATEGORY)
    y_tr = d.tr["y"][:, j].astype(bool)
    s_tr, s_va, gate = termination_scores(d.tr["fields"]["text"], y_tr, d.tr["doc"], d.va["fields"]["text"], FOLDS)
    print(f"{int(gate.sum())} train units in the gate, {int((y_tr & gate).sum())} of the {int(y_tr.sum())} "
          f"labelled ones; unit AP among them, out of fold: stage 1 "
          f"{average_precision_score(y_tr[gate], d.z_tr[gate, j]):.3f}, termination model "
          f"{average_precision_score(y_tr[gate], s_tr[gate]):.3f}\n")
    extra_tr, extra_va = np.zeros(d.t_tr.shape), np.zeros(d.t_va.shape)
    extra_tr[:, j] = best_per_document(s_tr, d.tr["doc"], len(d.t_tr))
    extra_va[:, j] = best_per_document(s_va, d.va["doc"], len(d.t_va))
    rows = {"shipped": readings(d, regression_scores(d), d.x_tr, d.x_va, args.repeats),
            "+ termination model": readings(d, regression_scores(d), with_column(d.x_tr, extra_tr),
                                            with_column(d.x_va, extra_va), args.repeats)}
    print_readings(d, rows)
    print(f"\n| {CATEGORY} | validation | train CV |\n|---|---|---|")
    for name, (f_val, f_cv) in rows.items():
        print(f"| {name} | {f_val[j]:.3f} | {f_cv[j]:.3f} |")
    print(f"\n_{time.time() - t0:.0f} s._")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
