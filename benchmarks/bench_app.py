"""Time to first findings in the app for the long sample, with warm models or from a cold start, on 2 cores.

    .venv/bin/python benchmarks/bench_app.py [--repeat N] [--threads 2] [--files long_license.docx ...] [--cold]

For each file it measures, after one warm-up run that loads the models:
- ``analyze``: ``analyzer.analyze(bytes)`` alone (the library);
- ``app``: a fresh Streamlit session (``AppTest``) from the upload to the
  rendered findings, i.e. what a user waits for after dropping the file;
- ``recompare``: changing the perspective (only the playbook comparison re-runs).
It prints a Markdown table of medians and the worst run (seconds). Target: app < 5 s.

``--cold`` measures instead, ``--repeat`` times per file, a fresh Python process from its
launch to the first rendered findings: imports, the app's first run (which starts loading
the classifier in the background), the upload and the analysis, answered by the fast stage
when the encoder is not loaded yet ("refining" says so). Targets: PDF ≤ 6 s.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET_S = 5.0


def _limit_threads(n: int) -> None:
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ.setdefault(var, str(n))
    try:
        import torch

        torch.set_num_threads(n)
    except ImportError:
        pass


def _app_run(path: Path) -> tuple[float, int, float | None]:
    """Seconds from upload to rendered findings in a fresh session; number of findings; recompare seconds."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    t0 = time.perf_counter()
    at.file_uploader(key="review_upload").set_value((path.name, path.read_bytes(), "application/octet-stream")).run()
    dt = time.perf_counter() - t0
    if at.exception:
        raise RuntimeError(f"{path.name}: {at.exception[0].message}")
    n = len([r for r in at.radio if str(r.key).startswith("dec:")])
    persp = next((s for s in at.selectbox if str(s.key).startswith("review_perspective")), None)
    re_s = None
    if persp is not None and len(persp.options) > 1:
        other = next(o for o in persp.options if o != persp.value)
        t1 = time.perf_counter()
        persp.set_value(other).run()
        re_s = time.perf_counter() - t1
    return dt, n, re_s


def _cold_child(path: Path) -> int:
    """In a fresh process: the app from its first run to the first findings for ``path``; prints JSON."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.file_uploader(key="review_upload").set_value((path.name, path.read_bytes(), "application/octet-stream")).run()
    done = time.time()
    if at.exception:
        raise RuntimeError(f"{path.name}: {at.exception[0].message}")
    refining = any("Refining" in str(i.value) for i in at.info)
    print(json.dumps({"done": done, "decisions": len([r for r in at.radio if str(r.key).startswith("dec:")]),
                      "refining": refining}))
    return 0


def cold_runs(paths: list[Path], repeat: int, threads: int) -> int:
    """Launch a fresh process per run; seconds from its launch to the first findings."""
    env = dict(os.environ, ANALYZER_TORCH_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
    print(f"cold start: a fresh process per run, torch threads {threads}\n")
    print("| file | runs | first findings median s | worst s | shown by | findings with suggestions |")
    print("|---|---:|---:|---:|---|---:|")
    for p in paths:
        secs, shown, n = [], set(), 0
        for _ in range(repeat):
            t0 = time.time()
            out = subprocess.run([sys.executable, __file__, "--cold-child", str(p)], env=env, cwd=ROOT,
                                 capture_output=True, text=True, check=True).stdout
            res = json.loads(out.strip().splitlines()[-1])
            secs.append(res["done"] - t0)
            shown.add("fast stage (refining)" if res["refining"] else "full classifier")
            n = res["decisions"]
        print(f"| {p.name} | {repeat} | {statistics.median(secs):.2f} | {max(secs):.2f} | {', '.join(sorted(shown))} | {n} |")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--files", nargs="*", default=["long_license.docx", "long_license.pdf"])
    ap.add_argument("--cold", action="store_true", help="time from process start to first findings instead")
    ap.add_argument("--cold-child", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.cold_child:
        import logging

        logging.disable(logging.WARNING)
        return _cold_child(args.cold_child)
    if args.cold:
        paths = [ROOT / "samples" / f for f in args.files if (ROOT / "samples" / f).is_file()]
        return cold_runs(paths, args.repeat, args.threads)
    _limit_threads(args.threads)
    import logging

    logging.disable(logging.WARNING)
    from analyzer.ingest import parse
    from analyzer.pipeline import analyze

    paths = [ROOT / "samples" / f for f in args.files if (ROOT / "samples" / f).is_file()]
    if not paths:
        print("no sample files found; run `make samples`", file=sys.stderr)
        return 1
    t = time.perf_counter()
    analyze(paths[0])  # warm-up: loads the classifier and spaCy once
    _app_run(paths[0])  # warm-up for the app's own cache_resource
    warm = time.perf_counter() - t
    print(f"warm-up (model loading + first runs): {warm:.1f} s, torch threads {args.threads}\n")
    print("| file | pages | chars | findings | analyze median s | app median s | app worst s | recompare s | target < 5 s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    worst_all = 0.0
    for p in paths:
        doc = parse(p)
        lib = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            report = analyze(p)
            lib.append(time.perf_counter() - t0)
        app, re_runs, n = [], [], 0
        for _ in range(args.repeat):
            dt, n, re_s = _app_run(p)
            app.append(dt)
            if re_s is not None:
                re_runs.append(re_s)
        worst_all = max(worst_all, max(app))
        print(f"| {p.name} | {doc.page_count or 'n/a'} | {len(doc.text):,} | {len(report.findings)} ({n} shown with suggestions) "
              f"| {statistics.median(lib):.2f} | {statistics.median(app):.2f} | {max(app):.2f} "
              f"| {statistics.median(re_runs):.2f} | {'yes' if max(app) < TARGET_S else 'NO'} |"
              if re_runs else
              f"| {p.name} | {doc.page_count or 'n/a'} | {len(doc.text):,} | {len(report.findings)} | {statistics.median(lib):.2f} "
              f"| {statistics.median(app):.2f} | {max(app):.2f} | n/a | {'yes' if max(app) < TARGET_S else 'NO'} |")
    return 0 if worst_all < TARGET_S else 2


if __name__ == "__main__":
    raise SystemExit(main())
