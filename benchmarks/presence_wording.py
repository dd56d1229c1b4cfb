"""Study: what the wording features (``analyzer.classify.wording_cues``) add to the per-document decision.

The presence regression is refitted with and without its two wording features (their columns
set to zero) and read three ways (document F1, macro over the mission and the 41 CUAD categories):

- validation: fitted on the train contracts' out-of-fold features, thresholds from those pooled
  with validation (as ``clause-analyzer train --stage presence`` does), scored on validation;
- train cross-validation: the 272 train contracts in 4 folds (3 seeded repeats); each fold is
  decided by a regression fitted on the other three, with thresholds from those pooled with
  validation, so every train contract is scored once per repeat by a model that did not see it;
- per mission category, the train cross-validation F1.

Test is never read.

    python benchmarks/presence_wording.py --cuad ../shared/cuad
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.presence_study import f1_thresholds, load, study_args  # noqa: E402


def main(argv=None) -> int:
    args = study_args(__doc__, argv)

    from analyzer.classify.presence import FEATURES, WORDING_FEATURES
    from analyzer.core.taxonomy import MISSION_CATEGORIES
    from analyzer.training.presence import doc_f1, fit_presence

    t0 = time.time()
    d = load(args.cuad, args.model)
    cats, thr, mi, ci = list(d.cats), d.thr, d.mi, d.ci
    wording = [FEATURES.index(f) for f in WORDING_FEATURES]

    def thresholds(s_pool, t_pool):
        return f1_thresholds(s_pool, t_pool)

    def readings(x_tr, x_va):
        model, _ = fit_presence(x_tr, d.t_tr, thr, cats)
        s_tr, s_va = model.probabilities(x_tr), model.probabilities(x_va)
        f_val = doc_f1(s_va >= thresholds(np.concatenate([s_tr, s_va]), np.concatenate([d.t_tr, d.t_va])), d.t_va)
        per_repeat = []
        for rep in range(args.repeats):
            fold = np.random.default_rng(rep).permutation(len(d.t_tr)) % 4
            pred = np.zeros_like(d.t_tr)
            for k in range(4):
                a, b = fold != k, fold == k
                m, _ = fit_presence(x_tr[a], d.t_tr[a], thr, cats)
                sa, sv = m.probabilities(x_tr[a]), m.probabilities(x_va)
                th = thresholds(np.concatenate([sa, sv]), np.concatenate([d.t_tr[a], d.t_va]))
                pred[b] = m.probabilities(x_tr[b]) >= th
            per_repeat.append(doc_f1(pred, d.t_tr))
        return f_val, np.mean(per_repeat, 0)

    def without(x):
        x = x.copy()
        x[:, :, wording] = 0.0
        return x

    rows = {"without wording features": readings(without(d.x_tr), without(d.x_va)),
            "with wording features (shipped)": readings(d.x_tr, d.x_va)}
    print("| variant | val mission | val CUAD 41 | train CV mission | train CV CUAD 41 |")
    print("|---|---|---|---|---|")
    for name, (f_val, f_cv) in rows.items():
        print(f"| {name} | {f_val[mi].mean():.3f} | {f_val[ci].mean():.3f} | {f_cv[mi].mean():.3f} | {f_cv[ci].mean():.3f} |")
    print("\n| mission category (train CV) | train documents with it | without | with |")
    print("|---|---|---|---|")
    (_, a), (_, b) = rows.values()
    for c in MISSION_CATEGORIES:
        j = cats.index(c)
        print(f"| {c} | {int(d.t_tr[:, j].sum())} | {a[j]:.3f} | {b[j]:.3f} |")
    print(f"\n_{time.time() - t0:.0f} s._")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
