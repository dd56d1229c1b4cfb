"""Parse speed and memory per format, PDF engine comparison, header/footer check.

    .venv/bin/python benchmarks/bench_parse.py [--pdfs N] [--compare N] [--shared DIR]

Prints Markdown tables:
1. per format (PDF over the first N CUAD PDFs by name, DOCX over
   ../shared/real_agreements/*.docx and samples/*.docx, TXT over the first N
   CUAD .txt files and samples/*.txt): files, pages, median and p90 ms/page
   (ms/file where the format has no pages), total seconds, peak RSS. Each format
   runs in its own process so peak RSS belongs to that format alone;
2. pdfplumber vs pypdf on the first ``--compare`` PDFs: ms/page and the
   word-sequence similarity of the canonical texts (rapidfuzz Indel ratio over
   word lists);
3. header/footer leftovers over the N PDFs (``leftover_running_lines``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_SHARED = Path(os.environ.get("ANALYZER_SHARED", ROOT.parent / "shared"))


def _files(fmt: str, shared: Path, n: int) -> list[Path]:
    cuad = shared / "cuad"
    if fmt == "pdf":
        return sorted((cuad / "pdf").glob("*.[pP][dD][fF]"))[:n] if (cuad / "pdf").is_dir() else sorted((ROOT / "samples").glob("*.pdf"))
    if fmt == "docx":
        return sorted((shared / "real_agreements").glob("*.docx")) + sorted((ROOT / "samples").glob("*.docx"))
    return sorted((cuad / "txt").glob("*.txt"))[:n] + sorted((ROOT / "samples").glob("*.txt"))


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))] if values else float("nan")


def run_format(fmt: str, shared: Path, n: int, engine: str | None) -> dict:
    """Parse every file of one format in this process; return timings and peak RSS."""
    from analyzer.core.errors import AnalyzerError
    from analyzer.ingest import Limits, parse
    from analyzer.ingest.pdf_cleanup import leftover_running_lines

    if engine:
        os.environ["ANALYZER_PDF_ENGINE"] = engine
    if fmt == "docx":
        try:
            import analyzer.ingest.docx  # noqa: F401
        except ImportError:
            return {"format": fmt, "skipped": "no DOCX parser"}
    limits = Limits(max_bytes=200 * 1024 * 1024, max_pages=10_000)
    per_page, per_file, pages, chars, failures, leftovers, texts = [], [], 0, 0, [], {}, {}
    records: list[dict] = []
    t0 = time.perf_counter()
    for path in _files(fmt, shared, n):
        t = time.perf_counter()
        try:
            doc = parse(path, limits=limits)
        except AnalyzerError as exc:
            failures.append(str(exc))
            continue
        dt = (time.perf_counter() - t) * 1000
        per_file.append(dt)
        records.append({"name": path.name, "pages": len(doc.pages), "ms": dt})
        chars += len(doc.text)
        if doc.pages:
            pages += len(doc.pages)
            per_page.append(dt / len(doc.pages))
        if fmt == "pdf":
            left = leftover_running_lines(doc.text, [(p.start, p.end) for p in doc.pages])
            if left:
                leftovers[path.name] = left
            texts[path.name] = doc.text
    total = time.perf_counter() - t0
    return {
        "format": fmt, "engine": engine, "files": len(per_file), "pages": pages, "chars": chars,
        "median_ms_page": statistics.median(per_page) if per_page else None,
        "p90_ms_page": _pct(per_page, 0.9) if per_page else None,
        "median_ms_file": statistics.median(per_file) if per_file else None,
        "p90_ms_file": _pct(per_file, 0.9) if per_file else None,
        "total_s": total, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "failures": failures, "leftovers": leftovers, "texts": texts, "records": records,
    }


def _child(fmt: str, args, engine: str | None = None, n: int | None = None) -> dict:
    cmd = [sys.executable, __file__, "--child", fmt, "--pdfs", str(n or args.pdfs), "--shared", str(args.shared)]
    if engine:
        cmd += ["--engine", engine]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.splitlines()[-1])


def _fmt(v, digits=0) -> str:
    return "–" if v is None else f"{v:,.{digits}f}"


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pdfs", type=int, default=50, help="number of CUAD PDFs / TXTs (default 50)")
    ap.add_argument("--compare", type=int, default=15, help="PDFs for the engine comparison (default 15; 0 skips)")
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--engine", help="PDF engine for the PDF row (default: the parser's default)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(run_format(args.child, args.shared, args.pdfs, args.engine)))
        return 0

    rows = [_child(fmt, args, args.engine) for fmt in ("pdf", "docx", "txt")]
    print("## Parse speed and memory\n")
    print("| format | files | pages | median ms/page | p90 ms/page | median ms/file | p90 ms/file | total s | peak RSS MB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        if r.get("skipped"):
            print(f"| {r['format']} | {r['skipped']} | | | | | | | |")
            continue
        name = r["format"] + (f" ({r['engine'] or 'default'})" if r["format"] == "pdf" else "")
        print(f"| {name} | {r['files']} | {r['pages'] or '–'} | {_fmt(r['median_ms_page'])} | {_fmt(r['p90_ms_page'])} "
              f"| {_fmt(r['median_ms_file'])} | {_fmt(r['p90_ms_file'])} | {_fmt(r['total_s'], 1)} | {_fmt(r['peak_rss_mb'])} |")
    for r in rows:
        for f in r.get("failures", []):
            print(f"\nfailed: {f}")

    pdf = rows[0]
    if not pdf.get("skipped"):
        print(f"\n## Header/footer check over {pdf['files']} PDFs\n")
        left = pdf["leftovers"]
        print(f"{pdf['files'] - len(left)} of {pdf['files']} PDFs have no line that repeats on half the pages "
              "(3 at least), no bare page number and no 'Page N of M' / 'Source:' line.")
        for name, lines in left.items():
            print(f"- {name}: {lines[:5]}")

    if args.compare:
        from rapidfuzz.distance import Indel

        # Both engines run back to back in fresh processes, so they see the same machine load.
        res = {e: _child("pdf", args, e, args.compare) for e in ("pdfplumber", "pypdf")}
        a, b = res["pdfplumber"], res["pypdf"]
        names = [r["name"] for r in a["records"][:args.compare]]
        sims = [Indel.normalized_similarity(_words(a["texts"][k]), _words(b["texts"][k]))
                for k in names if k in b["texts"]]
        exact = sum(1 for k in names if _words(a["texts"][k]) == _words(b["texts"].get(k, "")))
        print(f"\n## PDF engines on the same {len(sims)} PDFs\n")
        print("| engine | pages | median ms/page | p90 ms/page | total s | PDFs with header/footer leftovers |")
        print("|---|---:|---:|---:|---:|---:|")
        for e, r in res.items():
            recs = [x for x in r["records"] if x["name"] in names]
            ms_page = [x["ms"] / x["pages"] for x in recs if x["pages"]]
            left = sum(1 for k in names if k in r["leftovers"])
            print(f"| {e} | {sum(x['pages'] for x in recs)} | {_fmt(statistics.median(ms_page))} | {_fmt(_pct(ms_page, 0.9))} "
                  f"| {_fmt(sum(x['ms'] for x in recs) / 1000, 1)} | {left} |")
        if sims:
            print(f"\nword-sequence similarity pypdf vs pdfplumber: mean {statistics.mean(sims):.4f}, "
                  f"min {min(sims):.4f}, identical word sequences {exact}/{len(sims)}")
            worst = sorted(zip(sims, names))[:3]
            for s, k in worst:
                print(f"- lowest: {s:.4f} {k}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
