"""Timed fuzz run of the parsers with structure-aware hypothesis strategies.

    .venv/bin/python benchmarks/fuzz_parsers.py --minutes 10
    .venv/bin/python benchmarks/fuzz_parsers.py --minutes 3 --formats docx,pdf --seed 1
    .venv/bin/python benchmarks/fuzz_parsers.py --replay benchmarks/out/fuzz/docx-parse-ValueError-1a2b3c4d.docx

Formats take turns (``--slice`` seconds each, a fresh hypothesis run every turn)
until the wall time is spent. Every input goes through ``analyzer.ingest.parse``
and, when it parses, ``analyzer.structure.segment.segment``; the property and the input
strategies live in ``benchmarks/fuzz_strategies.py``. A crash is any exception
other than an ``AnalyzerError`` with a one-line message naming the file, a
broken ``SourceDocument``/clause invariant, or a run past ``--time-limit``
seconds (signal alarm). Each distinct crash (stage, exception type, innermost
frames) is saved once, smallest input kept, as ``<fmt>-<stage>-<kind>-<hash>.<ext>``
with a ``.txt`` beside it (description, traceback, replay command) under
``--out`` (default ``benchmarks/out/fuzz/``, git-ignored).

Prints per format: inputs tried, inputs/second (wall, generation included),
mean parse+segment ms, outcome counts; then the distinct crashes. Exit status 1
when a crash was found. A hang the alarm cannot interrupt (stuck in C code)
is caught by a watchdog thread that saves the input and a traceback of every
thread, prints the summary so far and exits with status 3.
"""

from __future__ import annotations

import argparse
import contextlib
import faulthandler
import hashlib
import logging
import os
import sys
import threading
import time
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import fuzz_strategies as fz  # noqa: E402

DEFAULT_OUT = ROOT / "benchmarks" / "out" / "fuzz"


@dataclass
class FormatStats:
    tried: int = 0
    wall: float = 0.0
    work: float = 0.0
    outcomes: Counter = field(default_factory=Counter)
    crashes: int = 0


@dataclass
class CrashRecord:
    outcome: fz.Outcome
    inp: fz.FuzzInput
    fmt: str
    count: int = 1
    path: Path | None = None


class _SliceOver(Exception):
    """Ends a hypothesis run when its time slice is spent."""


class Fuzzer:
    def __init__(self, out: Path, time_limit: float, segment: bool):
        self.out = out
        self.time_limit = time_limit
        self.segment = segment
        self.stats: dict[str, FormatStats] = {}
        self.crashes: dict[str, CrashRecord] = {}
        self.current: tuple[str, fz.FuzzInput, float] | None = None
        self.lock = threading.Lock()

    # ------------------------------------------------------------------ running

    def run_slice(self, fmt: str, seconds: float, seed: int | None) -> None:
        from hypothesis import HealthCheck, Phase, Verbosity, given, settings
        from hypothesis import seed as hyp_seed

        stats = self.stats.setdefault(fmt, FormatStats())
        end = time.monotonic() + seconds

        @settings(max_examples=10**9, deadline=None, database=None, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck), verbosity=Verbosity.quiet)
        @given(fz.STRATEGIES[fmt])
        def one(inp: fz.FuzzInput) -> None:
            if time.monotonic() >= end:
                raise _SliceOver()
            with self.lock:
                self.current = (fmt, inp, time.monotonic())
            outcome = fz.check(inp, self.time_limit, do_segment=self.segment)
            with self.lock:
                self.current = None
            stats.tried += 1
            stats.work += outcome.seconds
            stats.outcomes[outcome.error or outcome.status] += 1
            if outcome.status == "crash":
                stats.crashes += 1
                self.record(fmt, inp, outcome)

        if seed is not None:
            one = hyp_seed(seed)(one)
        t0 = time.monotonic()
        try:
            one()
        except _SliceOver:
            pass
        except Exception as exc:  # hypothesis gave up on the run (e.g. Unsatisfiable): next turn
            print(f"  hypothesis ended a {fmt} turn early: {type(exc).__name__}: {exc}", flush=True)
        finally:
            stats.wall += time.monotonic() - t0

    def record(self, fmt: str, inp: fz.FuzzInput, outcome: fz.Outcome) -> None:
        key = outcome.key
        rec = self.crashes.get(key)
        if rec is None:
            rec = self.crashes[key] = CrashRecord(outcome, inp, fmt, count=0)
            print(f"  new crash [{fmt}] {outcome.summary()}", flush=True)
        rec.count += 1
        if rec.path is None or len(inp.data) < len(rec.inp.data):
            rec.outcome, rec.inp = outcome, inp
            self.save(rec)

    def save(self, rec: CrashRecord) -> None:
        if rec.path is not None:
            rec.path.unlink(missing_ok=True)
            rec.path.with_suffix(".txt").unlink(missing_ok=True)
        rec.path = fz.save_crash(self.out, rec.fmt, rec.inp, rec.outcome)

    # ------------------------------------------------------------------ watchdog

    def watchdog(self, stop: threading.Event) -> None:
        """Exit when one input runs far past the alarm (stuck where the alarm cannot reach)."""
        grace = self.time_limit * 3 + 30
        while not stop.wait(2.0):
            with self.lock:
                cur = self.current
            if cur is None or time.monotonic() - cur[2] < grace:
                continue
            fmt, inp, _ = cur
            self.out.mkdir(parents=True, exist_ok=True)
            path = self.out / f"{fmt}-hang-{hashlib.sha1(inp.data).hexdigest()[:8]}.{inp.ext}"
            path.write_bytes(inp.data)
            with open(path.with_suffix(".txt"), "w", encoding="utf-8") as fh:
                fh.write(f"HANG: no result after {grace:g} s (alarm did not interrupt)\ninput: {inp.desc}\n"
                         f"parse filename: {inp.filename}\n\nthreads:\n")
                fh.flush()
                faulthandler.dump_traceback(file=fh, all_threads=True)
            print(f"\nHANG on a {fmt} input past {grace:g} s; saved {path}", flush=True)
            self.print_report(time.monotonic())
            os._exit(3)

    # ------------------------------------------------------------------ report

    def print_report(self, started: float) -> None:
        total = time.monotonic() - started
        print(f"\n## Fuzz run: {total / 60:.1f} min, per-input bound {self.time_limit:g} s\n")
        print("| format | inputs | inputs/s | mean ms/input | ok | AnalyzerError | crashes | outcomes |")
        print("|---|---:|---:|---:|---:|---:|---:|---|")
        for fmt, s in self.stats.items():
            rate = s.tried / s.wall if s.wall else 0.0
            mean = 1000 * s.work / s.tried if s.tried else 0.0
            errors = sum(v for k, v in s.outcomes.items() if k not in ("ok", "crash"))
            top = ", ".join(f"{k} {v}" for k, v in s.outcomes.most_common(6))
            print(f"| {fmt} | {s.tried} | {rate:.1f} | {mean:.1f} | {s.outcomes['ok']} | {errors} | {s.crashes} | {top} |")
        print(f"\n## Distinct crashes: {len(self.crashes)}\n")
        for rec in sorted(self.crashes.values(), key=lambda r: (-r.count, r.fmt)):
            rel = os.path.relpath(rec.path, ROOT) if rec.path else "-"
            print(f"- [{rec.fmt}] x{rec.count} {rec.outcome.summary()}")
            print(f"  input: {rec.inp.desc} ({len(rec.inp.data)} bytes) -> {rel}")
        sys.stdout.flush()


def _preload() -> None:
    """Import what parsing loads lazily, before the memory cap and the clock start."""
    import charset_normalizer  # noqa: F401
    import pdfplumber  # noqa: F401
    import pypdf  # noqa: F401

    import analyzer.ingest.docx  # noqa: F401
    import analyzer.ingest.pdf  # noqa: F401
    import analyzer.ingest.txt  # noqa: F401
    import analyzer.structure.segment  # noqa: F401


def _quiet() -> None:
    warnings.simplefilter("ignore")
    logging.disable(logging.CRITICAL)


def replay(paths: list[str], time_limit: float, segment: bool) -> int:
    bad = 0
    for p in paths:
        path = Path(p)
        inp = fz.FuzzInput(path.read_bytes(), path.suffix.lstrip(".") or "txt", f"replay of {path}")
        out = fz.check(inp, time_limit, do_segment=segment)
        print(f"{path}: {out.summary()} ({out.seconds:.2f} s)")
        if out.status == "crash":
            bad += 1
            if out.trace:
                print(out.trace)
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", type=float, default=10.0, help="wall time of the run (default 10)")
    ap.add_argument("--formats", default=",".join(fz.FORMATS), help="comma list of txt,docx,pdf,raw")
    ap.add_argument("--slice", type=float, default=15.0, help="seconds per format turn (default 15)")
    ap.add_argument("--time-limit", type=float, default=fz.TIME_LIMIT_S, help="seconds per input (default 20)")
    ap.add_argument("--max-memory-mb", type=int, default=3072,
                    help="address space allowed beyond the start-up size; 0 = no cap (default 3072)")
    ap.add_argument("--seed", type=int, default=None, help="hypothesis seed (turn i uses seed+i)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where crashing inputs are saved")
    ap.add_argument("--no-segment", action="store_true", help="parse only, skip analyzer.structure.segment")
    ap.add_argument("--replay", nargs="+", metavar="FILE", help="run the property on saved inputs and exit")
    args = ap.parse_args(argv)

    _quiet()
    _preload()
    with contextlib.ExitStack() as stack:
        if args.max_memory_mb > 0:
            stack.enter_context(fz.memory_cap(args.max_memory_mb * 1024 * 1024))
        if args.replay:
            return replay(args.replay, args.time_limit, not args.no_segment)
        return fuzz(args, ap)


def fuzz(args: argparse.Namespace, ap: argparse.ArgumentParser) -> int:
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    unknown = [f for f in formats if f not in fz.STRATEGIES]
    if unknown or not formats:
        ap.error(f"unknown format(s) {unknown}; choose from {', '.join(fz.FORMATS)}")

    fuzzer = Fuzzer(args.out, args.time_limit, not args.no_segment)
    stop = threading.Event()
    threading.Thread(target=fuzzer.watchdog, args=(stop,), daemon=True).start()
    started = time.monotonic()
    deadline = started + args.minutes * 60
    print(f"fuzzing {', '.join(formats)} for {args.minutes:g} min; crashes -> {args.out}", flush=True)
    turn, last_progress = 0, started
    try:
        while time.monotonic() < deadline:
            fmt = formats[turn % len(formats)]
            seed = None if args.seed is None else args.seed + turn
            fuzzer.run_slice(fmt, min(args.slice, deadline - time.monotonic()), seed)
            turn += 1
            if time.monotonic() - last_progress >= 60:
                last_progress = time.monotonic()
                done = ", ".join(f"{f} {s.tried}" for f, s in fuzzer.stats.items())
                print(f"  {(last_progress - started) / 60:.1f} min: {done}; distinct crashes {len(fuzzer.crashes)}",
                      flush=True)
    except KeyboardInterrupt:
        print("\ninterrupted", flush=True)
    finally:
        stop.set()
    fuzzer.print_report(started)
    return 1 if fuzzer.crashes else 0


if __name__ == "__main__":
    sys.exit(main())
