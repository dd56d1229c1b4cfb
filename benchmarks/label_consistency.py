"""Study: how consistently CUAD's annotators label the same wording, per mission category.

For each unit labelled with a category (it overlaps an annotated span), every unit of *another*
contract with near-identical text (word 3-gram TF-IDF cosine >= 0.8 as a prefilter, then
``rapidfuzz`` ratio >= 90 on the normalised text, units of 60+ characters) is looked up, and that
contract's own labels are read:

- ``labelled``: the near-duplicate unit carries the label too;
- ``elsewhere``: the contract has the category, annotated on other text;
- ``absent``: the contract has no annotation of the category at all.

An ``absent`` contract is a document-level false positive for any model that reads the wording
alike wherever it occurs, so the share of such contracts bounds what a document decision can reach
on these labels. Train and validation contracts only; test is never read.

    python benchmarks/label_consistency.py --cuad ../shared/cuad
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

MIN_CHARS = 60
PREFILTER = 0.8
RATIO = 90


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cuad", type=Path, required=True)
    args = ap.parse_args(argv)

    from rapidfuzz import fuzz
    from sklearn.feature_extraction.text import TfidfVectorizer

    from analyzer.core.settings import split_path
    from analyzer.core.taxonomy import ALL_CATEGORIES, MISSION_CATEGORIES
    from analyzer.evaluation.cuad_data import load_split
    from analyzer.training.dataset import build_split, data_hashes
    from analyzer.training.presence import document_truth
    from analyzer.training.run import HANDWRITTEN

    t0 = time.time()
    data = data_hashes(args.cuad, split_path(), HANDWRITTEN)
    split = load_split()
    parts = [build_split(args.cuad, split[s], drop_heading=False, data_hash=data["all"]) for s in ("train", "val")]
    texts = [t for p in parts for t in p["fields"]["text"]]
    y = np.concatenate([p["y"] for p in parts])
    offset = np.cumsum([0] + [len(p["contracts"]) for p in parts])
    doc = np.concatenate([p["doc"] + o for p, o in zip(parts, offset)])
    truth = np.concatenate([document_truth(p["contracts"], p["y"], p["doc"]) for p in parts])
    long_enough = np.array([len(t) >= MIN_CHARS for t in texts])
    x = TfidfVectorizer(analyzer="word", ngram_range=(3, 3), min_df=2, max_df=0.02, sublinear_tf=True,
                        dtype=np.float32).fit_transform(texts)
    print(f"{len(truth)} contracts (train + validation), {len(texts)} units ({time.time() - t0:.0f}s)\n")
    print("| category | contracts with it | labelled units | contracts reached by a near-duplicate | labelled | "
          "elsewhere | absent | absent / reached |")
    print("|---|---|---|---|---|---|---|---|")
    totals = np.zeros(4, dtype=int)
    for cat in MISSION_CATEGORIES:
        j = ALL_CATEGORIES.index(cat)
        pos = np.flatnonzero((y[:, j] == 1) & long_enough)
        sims = (x[pos] @ x.T).tocsr()
        reached: dict[int, str] = {}  # other contract -> the most consistent outcome seen
        rank = {"absent": 0, "elsewhere": 1, "labelled": 2}
        for row, u in enumerate(pos):
            start, end = sims.indptr[row], sims.indptr[row + 1]
            for v, s in zip(sims.indices[start:end], sims.data[start:end]):
                if s < PREFILTER or doc[v] == doc[u] or not long_enough[v]:
                    continue
                if fuzz.ratio(texts[u], texts[v]) < RATIO:
                    continue
                k = int(doc[v])
                outcome = "labelled" if y[v, j] else "elsewhere" if truth[k, j] else "absent"
                reached[k] = max(reached.get(k, outcome), outcome, key=rank.get)
        counts = [sum(o == name for o in reached.values()) for name in ("labelled", "elsewhere", "absent")]
        totals += [len(reached), *counts]
        share = f"{counts[2] / len(reached):.2f}" if reached else "-"
        print(f"| {cat} | {int(truth[:, j].sum())} | {len(pos)} | {len(reached)} | {counts[0]} | {counts[1]} | "
              f"{counts[2]} | {share} |", flush=True)
    print(f"| **all 17** | | | {totals[0]} | {totals[1]} | {totals[2]} | {totals[3]} | "
          f"{totals[3] / max(1, totals[0]):.2f} |")
    print(f"\n_{time.time() - t0:.0f} s._")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
