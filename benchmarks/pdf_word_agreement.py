"""Word-level agreement of the PDFium engine with the pdfplumber engine.

    .venv/bin/python benchmarks/pdf_word_agreement.py [--pdfs N] [--shared DIR] [--out DIR]

For each PDF both engines parse the file through the whole PDF parser (clean-up,
header/footer removal, paragraphs) and the canonical texts are compared:

1. CUAD development PDFs (the first N by name, all by default): per-document
   bag-of-words F1 (whitespace tokens, multiset overlap), median, 5th
   percentile, minimum, the share of documents with identical text, ms/page of
   each engine, and the documents that differ most with the tokens that differ;
2. samples/*.pdf: identical text, and the same clause tree (``segment``) as the
   old engine;
3. ../shared/real_agreements/*.pdf: the same, so a regression shows.

Writes ``pdf_word_agreement.json`` (every document) and ``pdf_word_agreement.md``
(the tables) to ``--out`` (default benchmarks/out) and prints the Markdown.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_SHARED = Path(os.environ.get("ANALYZER_SHARED", ROOT.parent / "shared"))
NEW, OLD = "pdfium", "pdfplumber"


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))] if values else float("nan")


def bag_f1(a: str, b: str) -> float:
    """F1 of the two texts' whitespace tokens as multisets (1.0 for two empty texts)."""
    ca, cb = Counter(a.split()), Counter(b.split())
    na, nb = sum(ca.values()), sum(cb.values())
    if na + nb == 0:
        return 1.0
    return 2 * sum((ca & cb).values()) / (na + nb)


def token_diff(a: str, b: str, k: int = 8) -> tuple[list, list]:
    """The most frequent tokens only in ``a`` (new) and only in ``b`` (old)."""
    ca, cb = Counter(a.split()), Counter(b.split())
    return (ca - cb).most_common(k), (cb - ca).most_common(k)


def parse_both(path: Path) -> dict:
    from analyzer.core.errors import AnalyzerError
    from analyzer.ingest import Limits
    from analyzer.ingest.pdf import parse_pdf

    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    row: dict = {"file": path.name}
    docs = {}
    for engine in (NEW, OLD):
        t0 = time.perf_counter()
        try:
            docs[engine] = parse_pdf(data, name=path.name, sha256=sha, limits=Limits(), engine=engine)
        except AnalyzerError as exc:
            docs[engine] = None
            row[f"{engine}_error"] = str(exc)
        row[f"{engine}_s"] = round(time.perf_counter() - t0, 4)
    new, old = docs[NEW], docs[OLD]
    row["pages"] = len(old.pages) if old else (len(new.pages) if new else 0)
    if new is None or old is None:
        row["f1"] = 1.0 if new is None and old is None else 0.0
        row["identical"] = new is None and old is None
        return row
    row["f1"] = round(bag_f1(new.text, old.text), 6)
    row["identical"] = new.text == old.text
    row["same_pages"] = [(p.start, p.end) for p in new.pages] == [(p.start, p.end) for p in old.pages]
    row["same_issues"] = [i.message for i in new.issues] == [i.message for i in old.issues]
    if not row["identical"]:
        only_new, only_old = token_diff(new.text, old.text)
        row["only_new"], row["only_old"] = only_new, only_old
    row["_docs"] = (new, old)
    return row


def outline(doc) -> list[tuple]:
    from analyzer.structure.segment import segment

    clauses = segment(doc)
    by_id = {c.id: c for c in clauses}
    return [(c.kind, c.number, c.heading, c.level,
             (by_id[c.parent_id].number or by_id[c.parent_id].heading) if c.parent_id else None)
            for c in clauses]


def cuad_table(rows: list[dict]) -> str:
    f1 = [r["f1"] for r in rows]
    pages = sum(r["pages"] for r in rows)
    new_ms = [1000 * r[f"{NEW}_s"] / max(1, r["pages"]) for r in rows]
    old_ms = [1000 * r[f"{OLD}_s"] / max(1, r["pages"]) for r in rows]
    lines = [
        "| PDFs | pages | identical text | F1 median | F1 p5 | F1 min | docs F1 < 0.99 | pdfium ms/page (median, p90) | pdfplumber ms/page (median, p90) | parse speed-up (total) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        (f"| {len(rows)} | {pages} | {sum(r['identical'] for r in rows)} | {statistics.median(f1):.4f} | "
         f"{_pct(f1, 0.05):.4f} | {min(f1):.4f} | {sum(v < 0.99 for v in f1)} | "
         f"{statistics.median(new_ms):.1f}, {_pct(new_ms, 0.9):.1f} | {statistics.median(old_ms):.1f}, {_pct(old_ms, 0.9):.1f} | "
         f"{sum(r[f'{OLD}_s'] for r in rows) / max(1e-9, sum(r[f'{NEW}_s'] for r in rows)):.1f}x |"),
    ]
    return "\n".join(lines)


def worst_table(rows: list[dict], k: int) -> str:
    lines = ["| file | pages | F1 | tokens only in pdfium | tokens only in pdfplumber |", "|---|---:|---:|---|---|"]
    for r in sorted(rows, key=lambda r: r["f1"])[:k]:
        if r["identical"]:
            break
        fmt = lambda toks: ", ".join(f"`{t}`×{n}" for t, n in toks[:5]).replace("|", "\\|")
        lines.append(f"| {r['file'][:60]} | {r['pages']} | {r['f1']:.4f} | {fmt(r.get('only_new', []))} | "
                     f"{fmt(r.get('only_old', []))} |")
    return "\n".join(lines)


def tree_table(rows: list[dict]) -> str:
    lines = ["| file | pages | identical text | F1 | same clause tree | clauses | pdfium s | pdfplumber s |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['file']} | {r['pages']} | {r['identical']} | {r['f1']:.4f} | {r.get('same_tree')} | "
                     f"{r.get('clauses')} | {r[f'{NEW}_s']:.3f} | {r[f'{OLD}_s']:.3f} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pdfs", type=int, default=0, help="first N CUAD PDFs by name (0: all)")
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out")
    ap.add_argument("--worst", type=int, default=10)
    args = ap.parse_args(argv)
    os.environ.setdefault("ANALYZER_OCR", "off")

    cuad = sorted((args.shared / "cuad" / "pdf").glob("*.[pP][dD][fF]"))
    if args.pdfs:
        cuad = cuad[: args.pdfs]
    cuad_rows = []
    for i, path in enumerate(cuad, 1):
        row = parse_both(path)
        row.pop("_docs", None)
        cuad_rows.append(row)
        if i % 20 == 0:
            print(f"  {i}/{len(cuad)} CUAD PDFs", file=sys.stderr, flush=True)

    tree_rows: dict[str, list[dict]] = {}
    for group, paths in (("samples", sorted((ROOT / "samples").glob("*.pdf"))),
                         ("real_agreements", sorted((args.shared / "real_agreements").glob("*.pdf")))):
        rows = []
        for path in paths:
            row = parse_both(path)
            docs = row.pop("_docs", None)
            if docs:
                a, b = outline(docs[0]), outline(docs[1])
                row["same_tree"], row["clauses"] = a == b, len(b)
            rows.append(row)
        tree_rows[group] = rows

    md = ["## PDF engines: PDFium vs pdfplumber (canonical text after the full PDF parser)", ""]
    if cuad_rows:
        md += [f"### CUAD development PDFs (n={len(cuad_rows)})", "", cuad_table(cuad_rows), "",
               "Documents that differ most:", "", worst_table(cuad_rows, args.worst), ""]
    for group, rows in tree_rows.items():
        if rows:
            md += [f"### {group}", "", tree_table(rows), ""]
    text = "\n".join(md)
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "pdf_word_agreement.md").write_text(text + "\n", encoding="utf-8")
    (args.out / "pdf_word_agreement.json").write_text(
        json.dumps({"cuad": cuad_rows, **tree_rows}, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
