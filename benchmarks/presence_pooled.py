"""Study: one boosted-tree presence model shared by all categories, against the shipped per-category regressions.

The per-document decision (``analyzer.classify.presence``) fits one logistic regression per category over
272 train documents, few for the rare categories (joint_ip_ownership has 26). A single
``HistGradientBoostingClassifier`` over every (document, category) row, with the same 17 features plus the
category's share of train documents and its unit threshold, shares what the features mean across
categories. Compared, with the per-category regression and the mean of the two logits ("blend"):

- validation: fitted on the train contracts' out-of-fold features, thresholds from those pooled with
  validation (as ``clause-analyzer train --stage presence`` does);
- train cross-validation: 4 folds over the 272 train contracts (3 seeded repeats), each fold decided by a
  model fitted on the other three, thresholds from those pooled with validation.

Categories the shipped model leaves to the unit rule keep it in every variant. Test is never read.

    python benchmarks/presence_pooled.py --cuad ../shared/cuad
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.presence_study import f1_thresholds, load, logit, study_args  # noqa: E402


def main(argv=None) -> int:
    args = study_args(__doc__, argv)

    from sklearn.ensemble import HistGradientBoostingClassifier

    from analyzer.core.taxonomy import MISSION_CATEGORIES
    from analyzer.training.presence import doc_f1, fit_presence

    t0 = time.time()
    d = load(args.cuad, args.model)
    cats, thr, mi, ci = list(d.cats), d.thr, d.mi, d.ci
    _, fell_back = fit_presence(d.x_tr, d.t_tr, thr, cats)
    fbi = [cats.index(c) for c in fell_back]

    def thresholds(s, t):
        return f1_thresholds(s, t)

    def pooled(x_fit, t_fit, x_list):
        n, k, f = x_fit.shape
        prior = logit(np.clip(t_fit.mean(0), 0.01, 0.99))

        def rows(x):
            nn = x.shape[0]
            return np.concatenate([x.reshape(nn * k, f), np.tile(prior, nn)[:, None], np.tile(logit(thr), nn)[:, None]], 1)
        m = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, max_leaf_nodes=15,
                                           min_samples_leaf=40, l2_regularization=1.0, random_state=0)
        m.fit(rows(x_fit), t_fit.reshape(-1))
        return [m.predict_proba(rows(x))[:, 1].reshape(x.shape[0], k) for x in x_list]

    def lr(x_fit, t_fit, x_list):
        m, _ = fit_presence(x_fit, t_fit, thr, cats)
        return [m.probabilities(x) for x in x_list]

    def blend(x_fit, t_fit, x_list):
        a, b = lr(x_fit, t_fit, x_list), pooled(x_fit, t_fit, x_list)
        return [1 / (1 + np.exp(-(logit(p) + logit(q)) / 2)) for p, q in zip(a, b)]

    def readings(fn, repeats=args.repeats):
        base = lr(d.x_tr, d.t_tr, [d.x_tr, d.x_va])
        s_tr, s_va = fn(d.x_tr, d.t_tr, [d.x_tr, d.x_va])
        s_tr[:, fbi], s_va[:, fbi] = base[0][:, fbi], base[1][:, fbi]
        f_val = doc_f1(s_va >= thresholds(np.concatenate([s_tr, s_va]), np.concatenate([d.t_tr, d.t_va])), d.t_va)
        reps = []
        for rep in range(repeats):
            fold = np.random.default_rng(rep).permutation(len(d.t_tr)) % 4
            pred = np.zeros_like(d.t_tr)
            for k in range(4):
                a, b = fold != k, fold == k
                sa, sv, sb = fn(d.x_tr[a], d.t_tr[a], [d.x_tr[a], d.x_va, d.x_tr[b]])
                la, lv, lb = lr(d.x_tr[a], d.t_tr[a], [d.x_tr[a], d.x_va, d.x_tr[b]])
                for s, l in ((sa, la), (sv, lv), (sb, lb)):
                    s[:, fbi] = l[:, fbi]
                th = thresholds(np.concatenate([sa, sv]), np.concatenate([d.t_tr[a], d.t_va]))
                pred[b] = sb >= th
            reps.append(doc_f1(pred, d.t_tr))
        return f_val, np.mean(reps, 0)

    print("| variant | val mission | val CUAD 41 | train CV mission | train CV CUAD 41 |")
    print("|---|---|---|---|---|")
    res = {}
    for name, fn in [("per-category LR (shipped)", lr), ("pooled trees", pooled), ("blend", blend)]:
        res[name] = readings(fn)
        fv, fc = res[name]
        print(f"| {name} | {fv[mi].mean():.3f} | {fv[ci].mean():.3f} | {fc[mi].mean():.3f} | {fc[ci].mean():.3f} |", flush=True)
    print("\n| mission category (train CV) | train documents with it | " + " | ".join(res) + " |")
    print("|---|---|" + "---|" * len(res))
    for c in MISSION_CATEGORIES:
        j = cats.index(c)
        print(f"| {c} | {int(d.t_tr[:, j].sum())} | " + " | ".join(f"{r[1][j]:.3f}" for r in res.values()) + " |")
    print(f"\n_{time.time() - t0:.0f} s._")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
