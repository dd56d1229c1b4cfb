"""Batch review of a folder: every DOCX/PDF/TXT file, on local processes or a Dask cluster.

Outputs under ``out_dir``:
- ``reports/<relative path with / replaced by __>.json``: one Report per file;
- ``redlines/<same name>.docx`` with ``redline=True``;
- ``state.jsonl``: a journal, one line per finished file (outcome, sha256, versions);
- ``summary.csv``, ``summary.xlsx``, ``summary.html``: one row per file (see ``portfolio``).

Re-running on the same folder reuses a file's report when its content (sha256), the
analyzer, model and playbook versions, and the requested playbook/perspective are
unchanged. Failed files are tried again. Ctrl-C stops the batch, keeps what is done,
writes the summary of it and re-raises ``KeyboardInterrupt``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import signal
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, Optional

from . import __version__, atomic
from .batch_task import DEFAULT_ANALYZE
from .portfolio import error_row, skipped_row, summarize, write_summary

log = logging.getLogger(__name__)

# .doc and .rtf are attempted too, so the summary gives the reason they cannot be read.
EXTENSIONS = {".docx", ".pdf", ".txt", ".doc", ".rtf"}
STATE = "state.jsonl"


@dataclass
class BatchSummary:
    """What a batch review did. ``rows`` holds one summary row per file, skipped ones included."""

    out_dir: Path
    rows: list[dict] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    done: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    pages: int = 0
    seconds: float = 0.0
    interrupted: bool = False


def flat_name(rel: str) -> str:
    """``sub/dir/a.pdf`` -> ``sub__dir__a.pdf`` (the report and redline file stem)."""
    return rel.replace("\\", "/").replace("/", "__")


def discover(in_dir: Path, out_dir: Optional[Path] = None) -> tuple[list[str], list[str]]:
    """Relative paths (POSIX) of the files to analyze and of those skipped, sorted.

    Subfolders are walked; hidden folders and ``out_dir`` (when inside ``in_dir``) are not.
    """
    in_dir = Path(in_dir)
    out_resolved = Path(out_dir).resolve() if out_dir else None
    todo, skipped = [], []
    for root, dirs, files in os.walk(in_dir):
        rootp = Path(root)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and (rootp / d).resolve() != out_resolved)
        for name in files:
            rel = (rootp / name).relative_to(in_dir).as_posix()
            (todo if Path(name).suffix.lower() in EXTENSIONS else skipped).append(rel)
    return sorted(todo), sorted(skipped)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _playbook_request(playbook) -> Optional[str]:
    """The playbook as requested; a path also carries its content hash (an edit means redo)."""
    if playbook is None:
        return None
    if hasattr(playbook, "id") and hasattr(playbook, "version"):  # a Playbook object
        return f"{playbook.id}@{playbook.version}"
    p = Path(str(playbook))
    if p.is_file():
        return f"{p.resolve()}#{_sha256(p)}"
    return str(playbook)


class _Versions:
    """Current analyzer, model and playbook versions, looked up once and only when needed."""

    def __init__(self):
        self._model: object = ...
        self._playbooks: dict = {}

    def model(self) -> Optional[str]:
        if self._model is ...:
            self._model = None
            try:
                from . import classify

                fn = getattr(classify, "model_version", None)
                if callable(fn):
                    self._model = fn()
                else:  # the artifact's config.json names its version (as Classifier reads it)
                    config = Path(classify._model_dir()) / "config.json"
                    if config.is_file():
                        self._model = json.loads(config.read_text(encoding="utf-8")).get("version", "unknown")
            except Exception:
                self._model = None
        return self._model  # type: ignore[return-value]

    def playbook(self, stored: Optional[str]) -> Optional[str]:
        """The current ``id@version`` of the playbook id in ``stored`` ("id@version")."""
        if not stored:
            return None
        pid = stored.rsplit("@", 1)[0]
        if pid not in self._playbooks:
            try:
                from .playbook import resolve_playbook

                pb = resolve_playbook(pid, None)
                self._playbooks[pid] = f"{pb.id}@{pb.version}"
            except Exception:
                self._playbooks[pid] = None
        return self._playbooks[pid]

    def matches(self, versions: dict, playbook_arg) -> bool:
        if versions.get("analyzer") != __version__:
            return False
        if versions.get("model") != self.model():
            return False
        stored_pb = versions.get("playbook")
        if playbook_arg is None:  # chosen by agreement type: that playbook must be unchanged
            return stored_pb is None or self.playbook(stored_pb) == stored_pb
        if hasattr(playbook_arg, "version") or Path(str(playbook_arg)).is_file():
            return True  # the request itself pins the content (id@version, or path + sha256)
        return stored_pb is not None and self.playbook(stored_pb) == stored_pb


def _load_journal(path: Path) -> dict[str, dict]:
    latest: dict[str, dict] = {}
    for rec in atomic.read_lines(path):
        if "file" in rec:
            latest[rec["file"]] = rec
    return latest


def _reuse(rel: str, sha: str, params: dict, entry: Optional[dict], out_dir: Path, versions: _Versions,
           playbook_arg, redline: bool) -> Optional[dict]:
    """The summary row of a finished report that is still valid for this file, else None."""
    if not entry or entry.get("outcome") != "done" or entry.get("sha256") != sha or entry.get("params") != params:
        return None
    report_path = out_dir / "reports" / f"{flat_name(rel)}.json"
    if not report_path.is_file() or (redline and not (out_dir / "redlines" / f"{flat_name(rel)}.docx").is_file()):
        return None
    try:
        from .model import Report

        report = Report.model_validate_json(report_path.read_text(encoding="utf-8"))
    except Exception:
        return None
    if report.document.sha256 != sha or not versions.matches(report.versions, playbook_arg):
        return None
    return summarize(report, rel)


def _progress(enabled: bool, total: int):
    if not enabled or total == 0:
        return None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TextColumn("ETA"),
                    TimeRemainingColumn(), console=Console(stderr=True), transient=False)


class _Sigterm:
    """Turn SIGTERM into KeyboardInterrupt while the batch runs (main thread only)."""

    def __enter__(self):
        self.old = None
        if threading.current_thread() is threading.main_thread():
            def handler(signum, frame):
                raise KeyboardInterrupt
            self.old = signal.signal(signal.SIGTERM, handler)
        return self

    def __exit__(self, *exc):
        if self.old is not None:
            signal.signal(signal.SIGTERM, self.old)
        return False


def review(in_dir: Path, out_dir: Path, *, workers: int = 1, scheduler: Optional[str] = None, playbook=None,
           perspective: Optional[str] = None, timeout: float = 300.0, redline: bool = False, progress: bool = True,
           ship_bytes: Optional[bool] = None, analyze_target: str = DEFAULT_ANALYZE) -> BatchSummary:
    """Review every DOCX/PDF/TXT file under ``in_dir``; write reports and a summary to ``out_dir``.

    ``workers`` local processes (or the Dask cluster at ``scheduler``) each load the models
    once. A file past ``timeout`` seconds is stopped and recorded as failed. ``workers=0``
    analyzes in this process: no isolation and no timeout (for debugging and small runs). Returns a
    ``BatchSummary``; its ``failed`` list holds ``(file, reason)`` pairs.
    ``analyze_target`` ("module:function") replaces ``analyzer.pipeline.analyze`` in the workers.
    """
    from .errors import AnalyzerError

    in_dir, out_dir = Path(in_dir), Path(out_dir)
    if not in_dir.is_dir():
        raise AnalyzerError(f"{in_dir}: {'not a folder' if in_dir.exists() else 'folder not found'}")
    if playbook is not None:
        _check_playbook(playbook)
    t0 = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    for sub in ("reports", "redlines"):
        atomic.remove_stale_temps(out_dir / sub)
    atomic.remove_stale_temps(out_dir)
    todo, skipped = discover(in_dir, out_dir)
    summary = BatchSummary(out_dir=out_dir, skipped=skipped)
    rows: dict[str, dict] = {rel: skipped_row(rel, f"not a DOCX, PDF or TXT file ({Path(rel).suffix or 'no extension'})")
                             for rel in skipped}
    params = {"playbook": _playbook_request(playbook), "perspective": perspective, "redline": bool(redline)}
    journal_path = out_dir / STATE
    bar = results = None
    try:
        with _Sigterm():
            tasks = _plan(in_dir, out_dir, todo, params, playbook, perspective, redline, summary, rows)
            bar = _progress(progress, len(tasks))
            if bar is not None:
                bar.start()
                bar_id = bar.add_task("reviewing", total=len(tasks), rate="–")
            results = _run(tasks, workers=workers, scheduler=scheduler, timeout=timeout,
                           ship_bytes=ship_bytes, analyze_target=analyze_target)
            for task, result in results:
                _record(task, result, params, out_dir, journal_path, summary, rows)
                if bar is not None:
                    elapsed = max(1e-9, time.perf_counter() - t0)
                    bar.update(bar_id, advance=1, rate=_rate(summary, elapsed))
    except KeyboardInterrupt:
        summary.interrupted = True
    finally:
        if results is not None and hasattr(results, "close"):
            results.close()  # stops the workers
        if bar is not None:
            bar.stop()
        summary.rows = [rows[k] for k in sorted(rows)]
        summary.done.sort()
        summary.failed.sort()
        summary.seconds = time.perf_counter() - t0
        write_summary(summary.rows, out_dir)
        if progress:
            _print_summary(summary)
    if summary.interrupted:
        raise KeyboardInterrupt
    return summary


def _rate(summary: BatchSummary, elapsed: float) -> str:
    """Pages per second, or documents per minute when the files have no pages (TXT)."""
    if summary.pages:
        return f"{summary.pages / elapsed:.1f} pages/s"
    return f"{len(summary.done) * 60 / elapsed:.1f} docs/min"


def _print_summary(summary: BatchSummary) -> None:
    """One line of counts, then one line per failed file, on stderr."""
    import sys

    head = "interrupted: " if summary.interrupted else ""
    print(f"{head}{len(summary.done)} analyzed, {len(summary.reused)} reused, {len(summary.failed)} failed, "
          f"{len(summary.skipped)} skipped in {summary.seconds:.1f} s -> {summary.out_dir / 'summary.html'}",
          file=sys.stderr)
    for _rel, reason in summary.failed:
        print(f"  failed: {reason}", file=sys.stderr)


def _plan(in_dir: Path, out_dir: Path, todo: list[str], params: dict, playbook, perspective, redline: bool,
          summary: BatchSummary, rows: dict) -> list[dict]:
    """Hash every file; reuse the finished reports that are still valid; return the rest as tasks."""
    journal = _load_journal(out_dir / STATE)
    versions = _Versions()
    tasks = []
    for rel in todo:
        path = in_dir / rel
        try:
            sha = _sha256(path)
        except OSError as exc:
            reason = f"{rel}: could not be read ({exc.strerror or exc})"
            summary.failed.append((rel, reason))
            rows[rel] = error_row(rel, reason)
            continue
        row = _reuse(rel, sha, params, journal.get(rel), out_dir, versions, playbook, redline)
        if row is not None:
            rows[rel] = row
            summary.reused.append(rel)
            continue
        tasks.append({"rel": rel, "path": str(path.resolve()), "data": None, "sha256": sha,
                      "playbook": playbook, "perspective": perspective, "redline": bool(redline)})
    return tasks


def _check_playbook(playbook) -> None:
    """Fail once, before any work, when the requested playbook does not load."""
    try:
        from .playbook import resolve_playbook
    except ImportError:
        return
    resolve_playbook(playbook, None)


def _run(tasks: list[dict], *, workers: int, scheduler: Optional[str], timeout: float, ship_bytes,
         analyze_target: str) -> Iterator[tuple[dict, dict]]:
    if not tasks:
        return iter(())
    if scheduler:
        from .batch_dask import run_dask

        return run_dask(tasks, scheduler, timeout=timeout, ship_bytes=ship_bytes, analyze_target=analyze_target)
    from .batch_pool import run_inline, run_local

    if workers <= 0:
        return run_inline(tasks, analyze_target=analyze_target)
    return run_local(tasks, workers=workers, timeout=timeout, analyze_target=analyze_target)


def _record(task: dict, result: dict, params: dict, out_dir: Path, journal_path: Path,
            summary: BatchSummary, rows: dict) -> None:
    """Write one file's outputs (atomically), then its journal line, then update the summary."""
    rel = task["rel"]
    name = flat_name(rel)
    report_path = out_dir / "reports" / f"{name}.json"
    entry = {"file": rel, "sha256": task["sha256"], "params": params,
             "time": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    if result.get("ok"):
        atomic.write_text(report_path, result["report_json"])
        row = dict(result["row"])
        if result.get("redline") is not None:
            atomic.write_bytes(out_dir / "redlines" / f"{name}.docx", result["redline"])
        elif result.get("redline_error"):
            row["error"] = result["redline_error"]
        entry.update(outcome="done", versions=result.get("versions", {}), pages=result.get("pages"),
                     seconds=round(result.get("seconds", 0.0), 3), report=report_path.relative_to(out_dir).as_posix())
        summary.done.append(rel)
        summary.pages += result.get("pages") or 0
        rows[rel] = row
    else:
        reason = result.get("error") or f"{rel}: failed"
        if report_path.exists():
            report_path.unlink()  # a report of an earlier version of this file is no longer valid
        entry.update(outcome="failure", kind=result.get("kind", "error"), reason=reason)
        summary.failed.append((rel, reason))
        rows[rel] = error_row(rel, reason)
    atomic.append_line(journal_path, entry)
