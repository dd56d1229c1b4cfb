"""Where the pipeline spends its time: cProfile over ``analyze()`` on CUAD PDFs.

    .venv/bin/python benchmarks/profile_pipeline.py [--n 10] [--top 25] [--shared DIR] [--out DIR]

Models are loaded first (one analyze of a sample, not profiled). Then ``analyze`` runs
on ``--n`` CUAD PDFs spread evenly over the sorted list under cProfile. Prints and
writes (``profile_pipeline.md`` in ``--out``, default benchmarks/out, plus the raw
``profile_pipeline.prof``):

1. seconds per stage (parse, segment, extract, classify, compare) from the
   ``progress`` callbacks, timed outside the profiler's overhead in a second run;
2. the functions with the most time of their own (tottime) and the most cumulative
   time, each with the stage's share they stand for.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_SHARED = Path(os.environ.get("ANALYZER_SHARED", ROOT.parent / "shared"))
STAGES = ["parse", "segment", "extract", "classify", "compare"]


def cuad_pdfs(shared: Path, n: int) -> list[Path]:
    pdfs = sorted((shared / "cuad" / "pdf").glob("*.[pP][dD][fF]"))
    if n >= len(pdfs):
        return pdfs
    step = len(pdfs) / n
    return [pdfs[int(i * step)] for i in range(n)]


def stage_seconds(files: list[Path]) -> tuple[dict[str, float], int]:
    from analyzer.pipeline import analyze

    totals = dict.fromkeys(STAGES, 0.0)
    pages = 0
    for path in files:
        marks: list[tuple[str, float]] = []
        report = analyze(path, progress=lambda name, marks=marks: marks.append((name, time.perf_counter())))
        end = time.perf_counter()
        for (name, t), nxt in zip(marks, marks[1:] + [("end", end)]):
            totals[name] = totals.get(name, 0.0) + nxt[1] - t
        pages += report.document.pages or 1
    return totals, pages


def _rel(path: str) -> str:
    for root in (str(ROOT) + "/", "site-packages/"):
        if root in path:
            return path.split(root, 1)[1]
    return path


def top_functions(stats: pstats.Stats, key: str, n: int, total: float) -> list[str]:
    stats.sort_stats(key)
    rows = ["| function | own s | cumulative s | share of profiled time |", "|---|---:|---:|---:|"]
    width = stats.fcn_list[:n] if stats.fcn_list else []
    for func in width:
        _, _, tt, ct, _ = stats.stats[func]
        file, line, name = func
        where = f"{_rel(file)}:{line} {name}" if line else name
        share = (tt if key == "tottime" else ct) / total if total else 0
        rows.append(f"| `{where}` | {tt:.2f} | {ct:.2f} | {share:.0%} |")
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out")
    args = ap.parse_args(argv)
    files = cuad_pdfs(args.shared, args.n)
    if not files:
        print("no CUAD PDFs: nothing to profile")
        return 0
    from analyzer.pipeline import analyze

    analyze(ROOT / "samples" / "mutual_nda.txt")  # load the models outside the measurement
    seconds, pages = stage_seconds(files)
    prof = cProfile.Profile()
    prof.enable()
    for path in files:
        analyze(path)
    prof.disable()
    args.out.mkdir(parents=True, exist_ok=True)
    prof.dump_stats(str(args.out / "profile_pipeline.prof"))
    stats = pstats.Stats(prof, stream=io.StringIO())
    total = sum(v[2] for v in stats.stats.values())
    engine = os.environ.get("ANALYZER_PDF_ENGINE", "default")
    whole = sum(seconds.values())
    md = [f"## Pipeline profile: {len(files)} CUAD PDFs, {pages} pages (PDF engine: {engine})", "",
          "| stage | s | ms/page | share |", "|---|---:|---:|---:|"]
    md += [f"| {s} | {seconds[s]:.2f} | {1000 * seconds[s] / pages:.0f} | {seconds[s] / whole:.0%} |" for s in STAGES]
    md += [f"| **total** | **{whole:.2f}** | **{1000 * whole / pages:.0f}** | 100% |", "",
           f"### Most time of their own (cProfile, {total:.1f} s profiled)", ""]
    md += top_functions(stats, "tottime", args.top, total)
    md += ["", "### Most cumulative time", ""]
    md += top_functions(stats, "cumulative", args.top, total)
    text = "\n".join(md)
    print(text)
    (args.out / "profile_pipeline.md").write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
