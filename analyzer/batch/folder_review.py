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

Only regular files are read. A FIFO, socket or device file is skipped (it is never
opened, so it cannot block the batch). A symbolic link is followed only when its
target is a regular file inside the folder; a link that leads outside the folder,
a broken link and a link to a folder are skipped. Each skipped file gets a row in
the summary with the reason.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import signal
import stat
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, Optional

from analyzer.batch.task import DEFAULT_ANALYZE
from analyzer.core import files as atomic
from analyzer.core.errors import DocumentError, escape_name
from analyzer.core.version import __version__
from analyzer.ingest import file_kind, open_regular
from analyzer.output.portfolio import error_row, skipped_row, summarize, write_summary

log = logging.getLogger(__name__)

# .doc and .rtf are attempted too, so the summary gives the reason they cannot be read.
EXTENSIONS = {".docx", ".pdf", ".txt", ".doc", ".rtf"}
STATE = "state.jsonl"
MAX_TIMEOUT = 7 * 24 * 3600.0  # seconds: one week per file
MAX_WORKERS = 256


def check_timeout(value) -> float:
    """``value`` as a per-file timeout in seconds: finite, > 0 and <= ``MAX_TIMEOUT``; else ``ValueError``."""
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"timeout must be a number of seconds, not {value!r}") from None
    if not math.isfinite(seconds) or not 0 < seconds <= MAX_TIMEOUT:
        raise ValueError(f"timeout must be a number of seconds greater than 0 and at most {MAX_TIMEOUT:g}, "
                         f"not {value!r}")
    return seconds


def check_workers(value) -> int:
    """``value`` as a number of worker processes, 0 to ``MAX_WORKERS``; else ``ValueError``."""
    try:
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise ValueError
        n = int(value)
    except ValueError:
        raise ValueError(f"workers must be a whole number, not {value!r}") from None
    if not 0 <= n <= MAX_WORKERS:
        raise ValueError(f"workers must be between 0 and {MAX_WORKERS}, not {value!r}")
    return n


@dataclass
class BatchSummary:
    """What a batch review did. ``rows`` holds one summary row per file, skipped ones included."""

    out_dir: Path
    rows: list[dict] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    done: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    skip_reasons: dict[str, str] = field(default_factory=dict)
    pages: int = 0
    seconds: float = 0.0
    interrupted: bool = False


def flat_name(rel: str) -> str:
    """``sub/dir/a.pdf`` -> ``sub__dir__a.pdf`` (the report and redline file stem)."""
    return rel.replace("\\", "/").replace("/", "__")


def discover(in_dir: Path, out_dir: Optional[Path] = None) -> tuple[list[str], list[str]]:
    """Relative paths (POSIX) of the files to analyze and of those skipped, sorted.

    Subfolders are walked; hidden folders and ``out_dir`` (when inside ``in_dir``) are not.
    ``scan`` gives the reason each file is skipped.
    """
    todo, skipped = scan(in_dir, out_dir)
    return todo, sorted(skipped)


def scan(in_dir: Path, out_dir: Optional[Path] = None) -> tuple[list[str], dict[str, str]]:
    """The files to analyze (sorted relative POSIX paths) and ``{relative path: reason}`` of those skipped.

    Symbolic links to folders are not walked. A symbolic link to a file is kept only when
    its target is a regular file inside ``in_dir``; anything but a regular file is skipped.
    """
    in_dir = Path(in_dir)
    root = in_dir.resolve()
    out_resolved = Path(out_dir).resolve() if out_dir else None
    todo: list[str] = []
    skipped: dict[str, str] = {}

    def unreadable(exc: OSError) -> None:
        if exc.filename:
            rel = _rel(Path(exc.filename), in_dir)
            skipped[rel] = f"folder could not be read ({exc.strerror or type(exc).__name__})"

    for walk_root, dirs, files in os.walk(in_dir, onerror=unreadable):
        rootp = Path(walk_root)
        keep = []
        for d in sorted(dirs):
            if d.startswith(".") or (rootp / d).resolve() == out_resolved:
                continue
            if (rootp / d).is_symlink():
                skipped[_rel(rootp / d, in_dir)] = "symbolic link to a folder; not followed"
                continue
            keep.append(d)
        dirs[:] = keep
        for name in files:
            path = rootp / name
            rel = _rel(path, in_dir)
            reason = _refusal(path, root)
            if reason is None and Path(name).suffix.lower() not in EXTENSIONS:
                reason = f"not a DOCX, PDF or TXT file ({Path(name).suffix or 'no extension'})"
            if reason is None:
                todo.append(rel)
            else:
                skipped[rel] = reason
    return sorted(todo), skipped


def _rel(path: Path, in_dir: Path) -> str:
    return path.relative_to(in_dir).as_posix()


def _inside(path: Path, root: Path) -> bool:
    return path == root or path.is_relative_to(root)


def _refusal(path: Path, root: Path) -> Optional[str]:
    """Why ``path`` (a directory entry under the resolved folder ``root``) must not be read, or None."""
    try:
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            try:
                target = path.resolve(strict=True)
            except (OSError, RuntimeError):
                return "broken symbolic link; not followed"
            if not _inside(target, root):
                return "symbolic link to a file outside the folder; not followed"
            st = os.stat(target)
    except OSError as exc:
        return f"could not be read ({exc.strerror or type(exc).__name__})"
    if not stat.S_ISREG(st.st_mode):
        return f"not a regular file ({file_kind(st.st_mode)})"
    return None


def _sha256(path: Path, name: Optional[str] = None, follow_symlinks: bool = True) -> str:
    """SHA-256 of a regular file (``NotRegularFile`` for a FIFO or device, which is never read)."""
    h = hashlib.sha256()
    with open_regular(path, name, follow_symlinks=follow_symlinks) as fh:
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
            from analyzer.classify.classifier import model_version

            self._model = model_version()
        return self._model  # type: ignore[return-value]

    def playbook(self, stored: Optional[str]) -> Optional[str]:
        """The current ``id@version`` of the playbook id in ``stored`` ("id@version")."""
        if not stored:
            return None
        pid = stored.rsplit("@", 1)[0]
        if pid not in self._playbooks:
            try:
                from analyzer.review.playbook import resolve_playbook

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
        from analyzer.core.schema import Report

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
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

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
           ship_bytes: Optional[bool] = None, analyze_target: str = DEFAULT_ANALYZE, overlays=()) -> BatchSummary:
    """Review every DOCX/PDF/TXT file under ``in_dir``; write reports and a summary to ``out_dir``.

    ``workers`` local processes (or the Dask cluster at ``scheduler``) each load the models
    once. A file past ``timeout`` seconds is stopped and recorded as failed. ``workers=0``
    analyzes in this process: no isolation and no timeout (for debugging and small runs). Returns a
    ``BatchSummary``; its ``failed`` list holds ``(file, reason)`` pairs.
    ``analyze_target`` ("module:function") replaces ``analyzer.pipeline.analyze`` in the workers.
    ``overlays`` (ids or paths) are the jurisdiction overlays applied to every file.
    """
    from analyzer.core.errors import AnalyzerError

    in_dir, out_dir = Path(in_dir), Path(out_dir)
    if not in_dir.is_dir():
        raise AnalyzerError(f"{escape_name(in_dir)}: {'not a folder' if in_dir.exists() else 'folder not found'}")
    try:
        workers = check_workers(workers)
        timeout = check_timeout(timeout)
    except ValueError as exc:
        raise AnalyzerError(str(exc)) from None
    if playbook is not None:
        _check_playbook(playbook)
    overlay_versions = _check_overlays(overlays)
    t0 = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    for sub in ("reports", "redlines"):
        atomic.remove_stale_temps(out_dir / sub)
    atomic.remove_stale_temps(out_dir)
    todo, reasons = scan(in_dir, out_dir)
    summary = BatchSummary(out_dir=out_dir, skipped=sorted(reasons), skip_reasons=reasons)
    rows: dict[str, dict] = {rel: skipped_row(rel, reason) for rel, reason in reasons.items()}
    params = {"playbook": _playbook_request(playbook), "perspective": perspective, "redline": bool(redline)}
    if overlay_versions:
        params["overlays"] = overlay_versions
    journal_path = out_dir / STATE
    bar = results = None
    try:
        with _Sigterm():
            tasks = _plan(in_dir, out_dir, todo, params, playbook, perspective, redline, summary, rows, overlays)
            # local workers start before the progress bar's thread does, so that they can be forked
            results = _run(tasks, workers=workers, scheduler=scheduler, timeout=timeout,
                           ship_bytes=ship_bytes, analyze_target=analyze_target)
            bar = _progress(progress, len(tasks))
            if bar is not None:
                bar.start()
                bar_id = bar.add_task("reviewing", total=len(tasks), rate="–")
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
        summary.skipped.sort()
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
    """One line of counts, one line per failed file, one per file skipped for safety, on stderr.

    Files skipped only for their extension are counted, not listed (the summary lists them).
    """
    import sys

    head = "interrupted: " if summary.interrupted else ""
    print(f"{head}{len(summary.done)} analyzed, {len(summary.reused)} reused, {len(summary.failed)} failed, "
          f"{len(summary.skipped)} skipped in {summary.seconds:.1f} s -> {escape_name(summary.out_dir / 'summary.html')}",
          file=sys.stderr)
    for _rel, reason in summary.failed:
        print(f"  failed: {escape_name(reason)}", file=sys.stderr)
    for rel, reason in sorted(summary.skip_reasons.items()):
        if not reason.startswith("not a DOCX, PDF or TXT file"):
            print(f"  skipped: {escape_name(rel)}: {reason}", file=sys.stderr)


def _plan(in_dir: Path, out_dir: Path, todo: list[str], params: dict, playbook, perspective, redline: bool,
          summary: BatchSummary, rows: dict, overlays=()) -> list[dict]:
    """Hash every file; reuse the finished reports that are still valid; return the rest as tasks."""
    journal = _load_journal(out_dir / STATE)
    versions = _Versions()
    root = in_dir.resolve()
    tasks = []
    for rel in todo:
        try:
            # Resolved again: a link changed since the scan must still stay inside the folder.
            path = (in_dir / rel).resolve(strict=True)
            if not _inside(path, root):
                reason = "symbolic link to a file outside the folder; not followed"
                summary.skipped.append(rel)
                summary.skip_reasons[rel] = reason
                rows[rel] = skipped_row(rel, reason)
                continue
            sha = _sha256(path, rel, follow_symlinks=False)
        except DocumentError as exc:
            summary.failed.append((rel, str(exc)))
            rows[rel] = error_row(rel, str(exc))
            continue
        except (OSError, RuntimeError) as exc:
            reason = f"{escape_name(rel)}: could not be read ({getattr(exc, 'strerror', None) or exc})"
            summary.failed.append((rel, reason))
            rows[rel] = error_row(rel, reason)
            continue
        row = _reuse(rel, sha, params, journal.get(rel), out_dir, versions, playbook, redline)
        if row is not None:
            rows[rel] = row
            summary.reused.append(rel)
            continue
        tasks.append({"rel": rel, "path": str(path), "data": None, "sha256": sha,
                      "playbook": playbook, "perspective": perspective, "redline": bool(redline)})
        if overlays:
            tasks[-1]["overlays"] = [str(o) for o in overlays]
    return tasks


def _check_overlays(overlays) -> str:
    """Fail once, before any work, when a requested overlay does not load; else their ``id@version``s."""
    if not overlays:
        return ""
    from analyzer.review.overlays import resolve_overlays, version_string

    return version_string(resolve_overlays(list(overlays)))


def _check_playbook(playbook) -> None:
    """Fail once, before any work, when the requested playbook does not load."""
    try:
        from analyzer.review.playbook import resolve_playbook
    except ImportError:
        return
    resolve_playbook(playbook, None)


def _run(tasks: list[dict], *, workers: int, scheduler: Optional[str], timeout: float, ship_bytes,
         analyze_target: str) -> Iterator[tuple[dict, dict]]:
    if not tasks:
        return iter(())
    if scheduler:
        from analyzer.batch.dask_cluster import run_dask

        return run_dask(tasks, scheduler, timeout=timeout, ship_bytes=ship_bytes, analyze_target=analyze_target)
    from analyzer.batch.local_pool import run_inline, run_local

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
        reason = result.get("error") or f"{escape_name(rel)}: failed"
        if report_path.exists():
            report_path.unlink()  # a report of an earlier version of this file is no longer valid
        entry.update(outcome="failure", kind=result.get("kind", "error"), reason=reason)
        summary.failed.append((rel, reason))
        rows[rel] = error_row(rel, reason)
    atomic.append_line(journal_path, entry)
