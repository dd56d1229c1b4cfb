"""Entity-level check against CUAD: Document Name, Parties, Agreement Date, Effective Date.

A prediction matches an annotation when the word Jaccard of their texts is at
least 0.5. Texts are compared per contract after de-duplication, so an alias
mentioned ten times counts once. Run:
``python -m analyzer.evaluation.entity_eval CUAD_DIR [--split test] [--limit 50]``.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path

CUAD_KEYS = {"Document Name": ["document_name"], "Parties": ["party", "party_alias"],
             "Agreement Date": ["agreement_date"], "Effective Date": ["effective_date"]}


def _words(s: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", s.lower()))


def jaccard(a: str, b: str) -> float:
    wa, wb = _words(a), _words(b)
    return len(wa & wb) / len(wa | wb) if wa | wb else 0.0


def _norm_set(texts) -> list[str]:
    seen, out = set(), []
    for t in texts:
        k = " ".join(sorted(_words(t)))
        if k and k not in seen:
            seen.add(k)
            out.append(t)
    return out


def evaluate(cuad_dir: Path, names: list[str], threshold: float = 0.5) -> dict:
    from analyzer.ingest import parse
    from analyzer.nlp import run_nlp
    from analyzer.structure.segment import segment

    rows = {}
    with open(Path(cuad_dir) / "annotations.jsonl", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            rows[Path(r["txt"]).stem] = r
    counts = {k: {"tp_pred": 0, "pred": 0, "tp_gold": 0, "gold": 0} for k in CUAD_KEYS}
    times, cpu, chars = [], [], 0
    for name in names:
        r = rows[name]
        doc = parse(Path(cuad_dir) / r["txt"])
        t0, c0 = time.perf_counter(), time.process_time()
        clauses = segment(doc)
        out = run_nlp(doc, clauses)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        chars += len(doc.text)
        for key, types in CUAD_KEYS.items():
            gold = _norm_set(doc.text[a["start"]:a["end"]] for a in (r.get("labels") or {}).get(key, [])
                             if a.get("start") is not None)
            pred = _norm_set(e.text for e in out.entities if e.type in types)
            c = counts[key]
            c["pred"] += len(pred)
            c["gold"] += len(gold)
            c["tp_pred"] += sum(1 for p in pred if any(jaccard(p, g) >= threshold for g in gold))
            c["tp_gold"] += sum(1 for g in gold if any(jaccard(p, g) >= threshold for p in pred))
    result = {}
    for key, c in counts.items():
        p = c["tp_pred"] / c["pred"] if c["pred"] else 0.0
        rc = c["tp_gold"] / c["gold"] if c["gold"] else 0.0
        result[key] = {"precision": round(p, 3), "recall": round(rc, 3), "predicted": c["pred"], "gold": c["gold"]}
    result["_speed"] = {"docs": len(names), "chars_per_doc": round(chars / max(1, len(names))),
                        "wall_ms_per_doc": round(1000 * sum(times) / max(1, len(times)), 1),
                        "cpu_ms_per_doc": round(1000 * sum(cpu) / max(1, len(cpu)), 1),
                        "cpu_max_ms": round(1000 * max(cpu, default=0), 1),
                        "cpu_chars_per_s": round(chars / max(sum(cpu), 1e-9))}
    return result


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("cuad_dir", type=Path)
    ap.add_argument("--split", default="test", help="train|val|test from models/split.json, or 'all'")
    ap.add_argument("--limit", type=int, default=50)
    args = ap.parse_args(argv)
    if args.split == "all":
        names = sorted(Path(json.loads(line)["txt"]).stem
                       for line in open(args.cuad_dir / "contracts.jsonl", encoding="utf-8"))
    else:
        from analyzer.evaluation.cuad_data import load_split

        names = load_split()[args.split]
    names = names[:args.limit] if args.limit else names
    print(json.dumps(evaluate(args.cuad_dir, names), indent=1))


if __name__ == "__main__":
    main()
