"""How often a "missing" finding is wrong, on CUAD contracts as the analyzer routes them.

Every contract of a split is analyzed from its TXT with the playbook its detected agreement type
chooses. A "missing" finding on one of the 41 CUAD categories is false when CUAD's annotators
marked a clause of that category in the contract. Findings on categories CUAD lacks are not
judged. Prints the totals per playbook and per category, and each false finding.

    .venv/bin/python benchmarks/false_missing.py --split val
    .venv/bin/python benchmarks/false_missing.py --split test --limit 20
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cuad", type=Path, default=ROOT.parent / "shared" / "cuad")
    ap.add_argument("--split", choices=("train", "val", "test"), default="test")
    ap.add_argument("--limit", type=int, default=None, help="the first N contracts of the split")
    args = ap.parse_args(argv)
    if not (args.cuad / "annotations.jsonl").exists():
        print(f"{args.cuad}: no CUAD annotations.jsonl here", file=sys.stderr)
        return 1

    from analyzer.classify.classifier import get_classifier
    from analyzer.core.taxonomy import CUAD_NAMES, category_id
    from analyzer.evaluation.cuad_data import load_split
    from analyzer.pipeline import analyze

    names = set(load_split()[args.split])
    cuad_ids = {category_id(n) for n in CUAD_NAMES}
    rows = [json.loads(line) for line in (args.cuad / "annotations.jsonl").open(encoding="utf-8")]
    rows = [r for r in rows if Path(r["txt"]).stem in names][: args.limit]
    clf = get_classifier()
    judged, false, per_play, false_play = Counter(), Counter(), Counter(), Counter()
    for r in rows:
        gold = {category_id(k) for k, v in r["labels"].items() if v}
        report = analyze(args.cuad / r["txt"], classifier=clf)
        for f in report.findings:
            if f.kind != "missing" or f.category not in cuad_ids:
                continue
            judged[f.category] += 1
            per_play[report.playbook] += 1
            if f.category in gold:
                false[f.category] += 1
                false_play[report.playbook] += 1
                print(f"false: {Path(r['txt']).stem[:70]} [{report.playbook}] missing {f.category} "
                      f"(confidence {f.confidence})")
    total, wrong = sum(judged.values()), sum(false.values())
    print(f"\n{len(rows)} contracts ({args.split}); \"missing\" findings on CUAD categories: {total}, "
          f"false: {wrong} ({wrong / max(total, 1):.1%})\n")
    print("| playbook | missing findings | false |\n|---|---:|---:|")
    for p, n in per_play.most_common():
        print(f"| {p} | {n} | {false_play[p]} |")
    print("\n| category | missing findings | false |\n|---|---:|---:|")
    for c, n in judged.most_common():
        print(f"| {c} | {n} | {false[c]} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
