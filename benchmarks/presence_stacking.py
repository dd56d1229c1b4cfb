"""Study: does each category's decision gain from the other categories' decisions?

A second level per category: a logistic regression over the logit of its own presence probability
(weighted by ``--own-weight``) and the logits of the 41 CUAD categories' presence probabilities, fitted on
first-level probabilities that are themselves out of fold (4 inner folds of the fitting contracts), so
the second level learns from scores like the ones it will be given. Readings as in
``presence_wording.py`` (validation, and 4-fold cross-validation over the train contracts); test is never
read.

    python benchmarks/presence_stacking.py --cuad ../shared/cuad
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

INNER_FOLDS = 4


def stacked_scores(d, C: float, own_weight: float):
    """A ``fit_score`` for ``readings``: the shipped regressions, then the second level."""
    from sklearn.linear_model import LogisticRegression

    from analyzer.training.presence import MIN_DOCS

    first = regression_scores(d)

    def fit_score(x_fit, t_fit, xs):
        inner = np.zeros(t_fit.shape)
        fold = np.arange(len(t_fit)) % INNER_FOLDS
        for k in range(INNER_FOLDS):
            inner[fold == k] = first(x_fit[fold != k], t_fit[fold != k], [x_fit[fold == k]])[0]
        outer = first(x_fit, t_fit, xs)
        z_fit, z_outer = logit(inner), [logit(p) for p in outer]
        out = [p.copy() for p in outer]
        for j in range(t_fit.shape[1]):
            if min(t_fit[:, j].sum(), len(t_fit) - t_fit[:, j].sum()) < MIN_DOCS:
                continue
            lr = LogisticRegression(C=C, max_iter=3000).fit(np.c_[z_fit[:, j] * own_weight, z_fit[:, d.ci]], t_fit[:, j])
            for o, z in zip(out, z_outer):
                o[:, j] = lr.predict_proba(np.c_[z[:, j] * own_weight, z[:, d.ci]])[:, 1]
        return out

    return fit_score


def main(argv=None) -> int:
    args = study_args(__doc__, argv)
    t0 = time.time()
    d = load(args.cuad, args.model)
    rows = {"shipped": readings(d, regression_scores(d), d.x_tr, d.x_va, args.repeats)}
    for C in (0.01, 0.1):
        for own in (1.0, 3.0):
            rows[f"stacked, C={C}, own weight {own:g}"] = readings(d, stacked_scores(d, C, own), d.x_tr, d.x_va,
                                                                   args.repeats)
    print_readings(d, rows)
    print(f"\n_{time.time() - t0:.0f} s._")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
