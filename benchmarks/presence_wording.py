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

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.presence_study import (  # noqa: E402
    load,
    print_readings,
    readings,
    regression_scores,
    study_args,
)


def main(argv=None) -> int:
    args = study_args(__doc__, argv)

    from analyzer.classify.presence import FEATURES, WORDING_FEATURES

    t0 = time.time()
    d = load(args.cuad, args.model)
    wording = [FEATURES.index(f) for f in WORDING_FEATURES]

    def without(x):
        x = x.copy()
        x[:, :, wording] = 0.0
        return x

    lr = regression_scores(d)
    print_readings(d, {"without wording features": readings(d, lr, without(d.x_tr), without(d.x_va), args.repeats),
                       "with wording features (shipped)": readings(d, lr, d.x_tr, d.x_va, args.repeats)})
    print(f"\n_{time.time() - t0:.0f} s._")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
