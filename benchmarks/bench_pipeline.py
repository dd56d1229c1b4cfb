"""Pipeline speed and memory: stage times, the pdfplumber floor, batch throughput, length scaling.

    .venv/bin/python benchmarks/bench_pipeline.py [--n 30] [--review-docs 8] [--lengths 10,50,200]
                                                  [--engines pdfplumber,pdfium] [--out DIR]
                                                  [--shared DIR] [--skip-review] [--skip-lengths]
                                                  [--skip-stages] [--pools fork,forkserver]

Prints Markdown tables:
1. per-stage time per page (parse, segment, extract, classify, compare) over ``--n`` CUAD
   PDFs spread evenly over the sorted list, timed through ``analyze(progress=...)``; in the
   same run and process, pdfplumber's bare ``extract_text`` of the same files (the floor)
   and the median of pipeline / floor per document;
2. ``review`` throughput (documents per minute, pages per second) with 1 and 2 local
   workers over ``--review-docs`` CUAD PDFs, in a fresh process as the CLI runs it,
   including worker start-up, with the peak RSS/PSS/USS of a worker and of the main process
   (sampled with psutil); ``--pools fork,forkserver`` compares workers forked from the
   loaded parent with workers that load their own models;
3. time per page as documents grow: synthetic PDFs of 10, 50 and 200 pages made by
   concatenating CUAD pages with pypdf.
Each part runs in its own process so models load the same way each time and peak RSS
belongs to that part. With several ``--engines`` (``ANALYZER_PDF_ENGINE`` values) the stage
table is measured once per engine, in that order, and a before/after table compares them.
The Markdown also goes to ``--out``/bench_pipeline.md (default benchmarks/out). Without
../shared/cuad it says so and exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_SHARED = Path(os.environ.get("ANALYZER_SHARED", ROOT.parent / "shared"))
STAGES = ["parse", "segment", "extract", "classify", "compare"]


def cuad_pdfs(shared: Path, n: int) -> list[Path]:
    """``n`` CUAD PDFs spread evenly over the sorted list (deterministic)."""
    pdfs = sorted((shared / "cuad" / "pdf").glob("*.[pP][dD][fF]"))
    if n >= len(pdfs):
        return pdfs
    step = len(pdfs) / n
    return [pdfs[int(i * step)] for i in range(n)]


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))] if values else float("nan")


def _peak_rss_mb(who=resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux: KiB


def floor_seconds(path: Path) -> float:
    """pdfplumber's bare ``extract_text`` over every page: the floor for any PDF pipeline."""
    import pdfplumber

    t = time.perf_counter()
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.flush_cache()
    return time.perf_counter() - t


def timed_analyze(path: Path) -> dict:
    """Run ``analyze`` once; seconds per stage from the stage-start callbacks."""
    from analyzer.pipeline import analyze

    marks: list[tuple[str, float]] = []
    t0 = time.perf_counter()
    report = analyze(path, progress=lambda name: marks.append((name, time.perf_counter())))
    end = time.perf_counter()
    stages = {}
    for (name, t), nxt in zip(marks, marks[1:] + [("end", end)]):
        stages[name] = stages.get(name, 0.0) + nxt[1] - t
    failed = sorted({i.stage for i in report.issues if i.stage in STAGES})
    return {"total": end - t0, "stages": stages, "pages": report.document.pages or 1, "failed_stages": failed,
            "versions": dict(report.versions), "findings": len(report.findings), "labels": len(report.labels)}


def warm_up() -> dict:
    """Load every model once (an analyze of a small sample) so the timings exclude it."""
    t = time.perf_counter()
    sample = ROOT / "samples" / "mutual_nda.txt"
    info = timed_analyze(sample) if sample.is_file() else {}
    return {"seconds": time.perf_counter() - t, "versions": info.get("versions", {}),
            "failed_stages": info.get("failed_stages", [])}


def part_stages(files: list[Path]) -> dict:
    warm = warm_up()
    docs = []
    for path in files:
        floor = floor_seconds(path)
        try:
            run = timed_analyze(path)
        except Exception as exc:  # a CUAD file the analyzer rejects: report it, go on
            docs.append({"name": path.name, "error": " ".join(str(exc).split())[:200]})
            continue
        docs.append({"name": path.name, "floor": floor, **run})
    return {"warm": warm, "docs": docs, "peak_rss_mb": _peak_rss_mb()}


class TreeMemory:
    """Samples the memory of a process and its descendants: the peak RSS, PSS and USS per process.

    USS (memory no other process shares) is what one more worker costs; RSS also counts the
    pages a worker shares with the process it forked from."""

    def __init__(self, root_pid: int, interval: float = 0.25):
        import threading

        self.root, self.interval, self.peak, self.kind, self.total_pss = root_pid, interval, {}, {}, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            import psutil
        except ImportError:  # the memory columns then read n/a
            return
        try:
            root = psutil.Process(self.root)
        except psutil.Error:
            return
        while not self._stop.is_set():
            total = 0
            try:
                procs = [root] + root.children(recursive=True)
            except psutil.Error:
                break
            for proc in procs:
                try:
                    cmd = " ".join(proc.cmdline())
                    mem = proc.memory_full_info()
                except psutil.Error:
                    continue
                vals = (mem.rss, getattr(mem, "pss", 0), getattr(mem, "uss", 0))
                old = self.peak.get(proc.pid, (0, 0, 0))
                self.peak[proc.pid] = tuple(max(x, y) for x, y in zip(old, vals))
                total += vals[1]
                try:
                    direct = proc.ppid() == self.root
                except psutil.Error:
                    continue
                # the fork server's own children (its forks) are workers, and so are the root's other children
                self.kind[proc.pid] = ("main" if proc.pid == self.root else
                                       "forkserver" if direct and "multiprocessing.forkserver" in cmd else
                                       "tracker" if direct and "resource_tracker" in cmd else "worker")
            self.total_pss = max(self.total_pss, total)
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def peak_mb(self, kind: str = "worker") -> tuple[float, float, float]:
        """The highest RSS, PSS and USS (MB) of any process of ``kind``."""
        vals = [v for pid, v in self.peak.items() if self.kind.get(pid) == kind]
        return tuple(max((v[i] for v in vals), default=0) / 2**20 for i in range(3))


_REVIEW = """
import json, sys, time
from pathlib import Path
import analyzer.batch.local_pool as pool
if sys.argv[4] == "forkserver":  # the workers load their own models (no fork from a loaded parent)
    pool._can_fork = lambda *a, **k: False
from analyzer.batch.folder_review import review
t = time.perf_counter()
s = review(Path(sys.argv[1]), Path(sys.argv[2]), workers=int(sys.argv[3]), progress=False, timeout=1800)
print(json.dumps({"seconds": time.perf_counter() - t, "done": len(s.done), "failed": len(s.failed), "pages": s.pages}))
"""


def part_review(files: list[Path], workers: int, pool: str = "fork") -> dict:
    """``review`` of ``files`` (copied into a folder) in a fresh process, as the CLI runs it; ``pool``
    "forkserver" makes the workers load their own models instead of forking from a loaded parent."""
    import shutil

    with tempfile.TemporaryDirectory(prefix="bench-review-") as tmp:
        src = Path(tmp) / "in"
        src.mkdir()
        for p in files:
            shutil.copyfile(p, src / p.name)
        proc = subprocess.Popen([sys.executable, "-c", _REVIEW, str(src), str(Path(tmp) / "out"), str(workers), pool],
                                cwd=ROOT, stdout=subprocess.PIPE, text=True)
        with TreeMemory(proc.pid) as mem:
            out, _ = proc.communicate()
        if proc.returncode:
            raise RuntimeError(f"review exited with {proc.returncode}")
    res = json.loads(out.strip().splitlines()[-1])
    rss, pss, uss = mem.peak_mb("worker")
    return {"workers": workers, "pool": pool, **res, "worker_peak_rss_mb": rss, "worker_peak_pss_mb": pss,
            "worker_peak_uss_mb": uss, "forkserver_rss_mb": mem.peak_mb("forkserver")[0],
            "parent_peak_rss_mb": mem.peak_mb("main")[0], "total_pss_mb": mem.total_pss / 2**20}


def build_long_pdf(files: list[Path], pages: int, out: Path) -> Path:
    """A ``pages``-page PDF of whole CUAD documents, cut at ``pages``."""
    from pypdf import PdfReader, PdfWriter

    w = PdfWriter()
    for p in files:
        for page in PdfReader(p).pages:
            if len(w.pages) >= pages:
                break
            w.add_page(page)
        if len(w.pages) >= pages:
            break
    with out.open("wb") as fh:
        w.write(fh)
    return out


def part_lengths(files: list[Path], lengths: list[int]) -> dict:
    warm_up()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-len-") as tmp:
        for n in lengths:
            pdf = build_long_pdf(files, n, Path(tmp) / f"long_{n}.pdf")
            floor = floor_seconds(pdf)
            run = timed_analyze(pdf)
            rows.append({"pages": run["pages"], "floor": floor, **run})
    return {"rows": rows}


def _child(part: str, args, engine: str | None = None, **extra) -> dict:
    cmd = [sys.executable, __file__, "--child", part, "--shared", str(args.shared), "--n", str(args.n),
           "--review-docs", str(args.review_docs), "--lengths", args.lengths]
    for k, v in extra.items():
        cmd += [f"--{k}", str(v)]
    env = dict(os.environ, **({"ANALYZER_PDF_ENGINE": engine} if engine else {}))
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


def render_engines(results: dict[str, dict]) -> list[str]:
    """Before/after: the whole pipeline and the parse stage per engine, against the floor."""
    lines = ["### PDF engines compared (same files, same run)", "",
             "| engine | parse median ms/page | whole pipeline median ms/page | p90 | floor median ms/page | "
             "pipeline / floor: median | p90 |", "|---|---:|---:|---:|---:|---:|---:|"]
    for engine, res in results.items():
        ok = [d for d in res["docs"] if "error" not in d]
        if not ok:
            continue
        parse = [d["stages"].get("parse", 0.0) * 1000 / d["pages"] for d in ok]
        pipe = [d["total"] * 1000 / d["pages"] for d in ok]
        floor = [d["floor"] * 1000 / d["pages"] for d in ok]
        ratios = [d["total"] / d["floor"] for d in ok if d["floor"] > 0]
        lines.append(f"| {engine} | {_ms(statistics.median(parse))} | {_ms(statistics.median(pipe))} | "
                     f"{_ms(_pct(pipe, 0.9))} | {_ms(statistics.median(floor))} | "
                     f"{statistics.median(ratios):.2f}× | {_pct(ratios, 0.9):.2f}× |")
    return lines


def _mb(v: float) -> str:
    return f"{v:,.0f} MB" if v else "n/a"


def _ms(v: float) -> str:
    return "–" if v != v else f"{v:,.0f}"


def render_stages(res: dict) -> list[str]:
    ok = [d for d in res["docs"] if "error" not in d]
    bad = [d for d in res["docs"] if "error" in d]
    pages = sum(d["pages"] for d in ok)
    versions = res["warm"]["versions"]
    failed = sorted({s for d in ok for s in d["failed_stages"]} | set(res["warm"]["failed_stages"]))
    lines = [f"### Stages on {len(ok)} CUAD PDFs ({pages} pages)", "",
             f"Versions: {json.dumps(versions)}. Stages that recorded an issue (did not run fully): "
             f"{', '.join(failed) or 'none'}. Model warm-up (not counted): {res['warm']['seconds']:.1f} s. "
             f"Peak RSS of the process: {res['peak_rss_mb']:,.0f} MB.", "",
             "| stage | median ms/page | p90 ms/page | share of pipeline time |", "|---|---:|---:|---:|"]
    total_all = sum(d["total"] for d in ok) or float("nan")
    for stage in STAGES:
        per_page = [d["stages"].get(stage, 0.0) * 1000 / d["pages"] for d in ok]
        share = sum(d["stages"].get(stage, 0.0) for d in ok) / total_all
        lines.append(f"| {stage} | {_ms(statistics.median(per_page) if per_page else float('nan'))} | "
                     f"{_ms(_pct(per_page, 0.9))} | {share:.0%} |")
    pipe = [d["total"] * 1000 / d["pages"] for d in ok]
    floor = [d["floor"] * 1000 / d["pages"] for d in ok]
    ratios = [d["total"] / d["floor"] for d in ok if d["floor"] > 0]
    lines.append(f"| **whole pipeline** | **{_ms(statistics.median(pipe) if pipe else float('nan'))}** | {_ms(_pct(pipe, 0.9))} | 100% |")
    lines.append(f"| pdfplumber `extract_text` (floor) | {_ms(statistics.median(floor) if floor else float('nan'))} | {_ms(_pct(floor, 0.9))} | |")
    if ratios:
        lines += ["", f"Pipeline / floor per document: median **{statistics.median(ratios):.2f}×**, "
                      f"p90 {_pct(ratios, 0.9):.2f}×, max {max(ratios):.2f}× (target ≤ 0.6×)."]
    for d in bad:
        lines.append(f"- not analyzed: {d['name']}: {d['error']}")
    return lines


def render_review(results: list[dict]) -> list[str]:
    lines = ["### `review` throughput and memory (local workers, fresh process, start-up included)", "",
             "Workers \"fork\": forked from the process that loaded the models (shared copy-on-write); "
             "\"forkserver\": each worker loads its own models.", "",
             "| workers | start | documents | pages | failed | seconds | documents/min | pages/s | "
             "peak RSS per worker | peak PSS per worker | peak USS per worker | main process RSS | peak PSS of all |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        docs = r["done"] + r["failed"]
        lines.append(f"| {r['workers']} | {r.get('pool', 'fork')} | {docs} | {r['pages']} | {r['failed']} | {r['seconds']:.1f} | "
                     f"{60 * docs / r['seconds']:.1f} | {r['pages'] / r['seconds']:.2f} | {_mb(r['worker_peak_rss_mb'])} | "
                     f"{_mb(r['worker_peak_pss_mb'])} | {_mb(r.get('worker_peak_uss_mb', 0))} | "
                     f"{_mb(r['parent_peak_rss_mb'])} | {_mb(r.get('total_pss_mb', 0))} |")
    return lines


def render_lengths(res: dict) -> list[str]:
    lines = ["### Time as documents grow (synthetic PDFs of concatenated CUAD pages)", "",
             "| pages | pipeline s | ms/page | floor ms/page | ratio | " + " | ".join(f"{s} ms/page" for s in STAGES) + " |",
             "|---:|---:|---:|---:|---:|" + "---:|" * len(STAGES)]
    for r in res["rows"]:
        p = r["pages"]
        lines.append(f"| {p} | {r['total']:.1f} | {_ms(r['total'] * 1000 / p)} | {_ms(r['floor'] * 1000 / p)} | "
                     f"{r['total'] / r['floor']:.2f}× | " + " | ".join(_ms(r['stages'].get(s, 0.0) * 1000 / p) for s in STAGES) + " |")
    return lines


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=30, help="CUAD PDFs for the stage table (default 30)")
    ap.add_argument("--review-docs", type=int, default=8, help="CUAD PDFs for the review throughput (default 8)")
    ap.add_argument("--lengths", default="10,50,200", help="synthetic document lengths in pages")
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--engines", default="", help="PDF engines to compare, in order (default: the configured one)")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out")
    ap.add_argument("--skip-review", action="store_true")
    ap.add_argument("--skip-lengths", action="store_true")
    ap.add_argument("--skip-stages", action="store_true")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    ap.add_argument("--pools", default="fork", help="review worker start-ups to compare: fork,forkserver (default fork)")
    ap.add_argument("--pool", default="fork", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    lengths = [int(x) for x in args.lengths.split(",") if x]
    if args.child:
        if args.child == "stages":
            res = part_stages(cuad_pdfs(args.shared, args.n))
        elif args.child == "review":
            res = part_review(cuad_pdfs(args.shared, args.review_docs), args.workers, args.pool)
        else:
            res = part_lengths(cuad_pdfs(args.shared, 394), lengths)
        print(json.dumps(res))
        return 0
    if not (args.shared / "cuad" / "pdf").is_dir():
        print(f"{args.shared / 'cuad' / 'pdf'} is absent: nothing to measure.")
        return 0
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    md: list[str] = []

    def emit(lines: list[str]) -> None:
        md.extend(lines + [""])
        print("\n".join(lines) + "\n", flush=True)

    emit([f"## Pipeline benchmark ({os.cpu_count()} CPUs, Python {sys.version.split()[0]}, load average at start {load})"])
    engines = [e for e in args.engines.split(",") if e] or [None]
    by_engine = {}
    for engine in engines if not args.skip_stages else []:
        by_engine[engine or "configured"] = res = _child("stages", args, engine)
        emit(([f"PDF engine: **{engine}**", ""] if engine else []) + render_stages(res))
    if len(by_engine) > 1:
        emit(render_engines(by_engine))
    if not args.skip_review:
        emit(render_review([_child("review", args, engines[-1], workers=w, pool=pool)
                            for pool in args.pools.split(",") if pool for w in (1, 2)]))
    if not args.skip_lengths:
        emit(render_lengths(_child("lengths", args, engines[-1])))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench_pipeline.md").write_text("\n".join(md), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
