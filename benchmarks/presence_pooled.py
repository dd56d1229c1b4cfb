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

from benchmarks.presence_study import (  # noqa: E402
    load,
    logit,
    print_readings,
    readings,
    regression_scores,
    study_args,
)


def main(argv=None) -> int:
    args = study_args(__doc__, argv)

    from sklearn.ensemble import HistGradientBoostingClassifier

    from analyzer.training.presence import fit_presence

    t0 = time.time()
    d = load(args.cuad, args.model)
    thr = d.thr
    _, fell_back = fit_presence(d.x_tr, d.t_tr, thr, list(d.cats))
    keep = [list(d.cats).index(c) for c in fell_back]  # left to the unit rule in every variant
    lr = regression_scores(d)

    def trees(x_fit, t_fit, xs):
        n, k, f = x_fit.shape
        prior = logit(np.clip(t_fit.mean(0), 0.01, 0.99))

        def rows(x):
            nn = x.shape[0]
            return np.concatenate([x.reshape(nn * k, f), np.tile(prior, nn)[:, None], np.tile(logit(thr), nn)[:, None]], 1)

        m = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, max_leaf_nodes=15,
                                           min_samples_leaf=40, l2_regularization=1.0, random_state=0)
        m.fit(rows(x_fit), t_fit.reshape(-1))
        return [m.predict_proba(rows(x))[:, 1].reshape(x.shape[0], k) for x in xs]

    def blend(x_fit, t_fit, xs):
        return [1 / (1 + np.exp(-(logit(p) + logit(q)) / 2)) for p, q in zip(lr(x_fit, t_fit, xs), trees(x_fit, t_fit, xs))]

    def keeping_fallback(fit_score):
        def fit(x_fit, t_fit, xs):
            out = fit_score(x_fit, t_fit, xs)
            for s, base in zip(out, lr(x_fit, t_fit, xs)):
                s[:, keep] = base[:, keep]
            return out
        return fit

    print_readings(d, {name: readings(d, fn, d.x_tr, d.x_va, args.repeats)
                       for name, fn in [("per-category LR (shipped)", lr), ("pooled trees", keeping_fallback(trees)),
                                        ("blend", keeping_fallback(blend))]})
    print(f"\n_{time.time() - t0:.0f} s._")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
