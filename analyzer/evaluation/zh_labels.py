"""Recall and precision of the Chinese lexicon labels on a set of labelled Chinese clauses.

The set is JSON lines, ``{"text": "...", "categories": ["confidentiality", ...]}``, one clause each
(``tests/data/zh/clauses.jsonl``). Each clause is labelled on its own, without a heading, so only
the body wording counts. A clause's category is found when a label of it is flagged; every other
flagged category is a false positive. ``precision_in_scope`` counts only the false positives in
the categories the set labels somewhere: a set labelled for 23 categories cannot say whether a
``cap_on_liability`` label on a liability cap is wrong.

Run: ``python -m analyzer.evaluation.zh_labels [PATH]``.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from analyzer.classify.cjk_labels import THRESHOLD, sentence_categories


@dataclass
class ZhScore:
    clauses: int = 0
    expected: int = 0
    found: int = 0
    false_positives: int = 0
    out_of_scope: int = 0  # false positives in categories that no clause of the set is labelled with
    per_category: dict[str, list[int]] = field(default_factory=dict)  # category -> [found, expected]
    missed: list[tuple[str, str]] = field(default_factory=list)  # (category, text)

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 0.0

    @property
    def precision(self) -> float:
        flagged = self.found + self.false_positives
        return self.found / flagged if flagged else 0.0

    @property
    def precision_in_scope(self) -> float:
        flagged = self.found + self.false_positives - self.out_of_scope
        return self.found / flagged if flagged else 0.0


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def score(items: list[dict]) -> ZhScore:
    out = ZhScore(clauses=len(items))
    scope = {c for item in items for c in item["categories"]}
    for item in items:
        got = {c for c, p in sentence_categories(item["text"]).items() if p >= THRESHOLD}
        for cat in item["categories"]:
            row = out.per_category.setdefault(cat, [0, 0])
            row[1] += 1
            out.expected += 1
            if cat in got:
                row[0] += 1
                out.found += 1
            else:
                out.missed.append((cat, item["text"]))
        wrong = got - set(item["categories"])
        out.false_positives += len(wrong)
        out.out_of_scope += len(wrong - scope)
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    path = Path(argv[0]) if argv else Path(__file__).resolve().parents[2] / "tests" / "data" / "zh" / "clauses.jsonl"
    s = score(load(path))
    print(f"{s.clauses} clauses, {len(s.per_category)} categories: recall {s.recall:.3f} ({s.found}/{s.expected}), "
          f"precision {s.precision:.3f} ({s.false_positives} false positive labels), "
          f"in-scope precision {s.precision_in_scope:.3f} ({s.false_positives - s.out_of_scope})")
    for cat, (f, n) in sorted(s.per_category.items()):
        print(f"  {cat:28s} {f}/{n}")
    for cat, text in s.missed:
        print(f"  missed {cat}: {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
