"""A small process pool for batch review with a hard per-file timeout.

Each worker is a separate process that analyzes one file at a time. The parent hands
out one task per idle worker and watches the clock: a worker that runs past the
timeout is killed and replaced, and a worker that dies (segfault, out-of-memory kill)
fails only the file it was working on. ``concurrent.futures`` cannot kill one busy
worker, hence this module.

Workers share one copy of the models where they can: the parent loads them, with
torch on one thread, and forks the workers, whose pages stay shared copy-on-write
(objects are frozen out of the garbage collector first, so collections in a worker
do not copy them). Each worker then sets its own torch thread count. Forking is used
only when it is safe: no other Python thread runs in the parent, and no torch thread
pool can exist in it (torch was first imported here, or each worker runs torch on one
thread; GNU OpenMP's pool does not survive a fork). Otherwise, and on platforms
without ``fork``, workers start from a fork server and load the models themselves.

Code that calls ``review()`` from a script must guard it with
``if __name__ == "__main__":`` (the forkserver and spawn start methods re-import the
main module in each worker).
"""

from __future__ import annotations

import gc
import logging
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from collections import deque
from multiprocessing.connection import wait
from typing import Iterator, Optional

from analyzer.batch.task import DEFAULT_ANALYZE, failure
from analyzer.classify.encoder_stage import TORCH_THREADS_ENV
from analyzer.core.errors import escape_name

log = logging.getLogger(__name__)

# Imported once by the fork server; each worker forks from it and starts in a fraction
# of a second (models are still loaded per worker, after the fork).
PRELOAD = ["analyzer.batch.task", "analyzer.pipeline", "analyzer.output.render", "analyzer.output.portfolio",
           "analyzer.ingest.pdf", "analyzer.ingest.docx", "analyzer.structure.segment", "analyzer.nlp",
           "analyzer.classify.classifier", "analyzer.review.playbook", "analyzer.review.findings", "analyzer.redline.writer"]
STARTUP_TIMEOUT = 600.0  # seconds a new worker may take to import and load its models
MAX_STARTUP_FAILURES = 3
REAP_TIMEOUT = 5.0  # seconds to wait for a dead worker's exit status


def crash_reason(exitcode: Optional[int]) -> str:
    """How a worker process ended, for a failure message: the signal that killed it, or its exit code.

    ``multiprocessing`` gives a negative exit code for a process killed by a signal.
    """
    if exitcode is None:
        return "worker process crashed (exit status unknown)"
    if exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"worker process crashed (killed by signal {name})"
    return f"worker process crashed (exit code {exitcode})"


def _worker_main(conn, analyze_target: str, warm: bool, log_level: int = logging.ERROR, threads: int = 0) -> None:
    """Worker process: ignore Ctrl-C (the parent handles it), load models, serve tasks."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a forked worker inherits the parent's handler
    if threads:  # the workers share the CPUs instead of each using all of them
        os.environ.setdefault(TORCH_THREADS_ENV, str(threads))
    if "torch" in sys.modules:  # forked with the models loaded: set this worker's own thread count
        sys.modules["torch"].set_num_threads(_child_threads(threads) or 1)
    logging.basicConfig(level=log_level, format="%(levelname)s %(name)s: %(message)s", force=True)
    from analyzer.batch.task import run_task, warm_models

    if warm:
        warm_models()
    conn.send(("ready", None))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        conn.send(("result", run_task(task, analyze_target)))


def _child_threads(threads: int) -> int:
    """The torch threads a worker will use: ``$ANALYZER_TORCH_THREADS`` when set (and valid), else ``threads``."""
    try:
        from analyzer.core import settings

        return settings.torch_threads() or threads
    except Exception:  # an invalid value is reported where the encoder loads
        return threads


def _can_fork(warm: bool, threads: int) -> bool:
    """Whether workers may be forked from this process with the models loaded here (see the module docstring)."""
    if not warm or "fork" not in mp.get_all_start_methods() or threading.active_count() > 1:
        return False
    return "torch" not in sys.modules or _child_threads(threads) == 1


def load_models_for_fork() -> None:
    """Load the models in this process with torch on one thread, so that no torch thread pool
    exists when the workers are forked; torch's thread count is restored afterwards."""
    try:
        import torch
    except ImportError:
        torch = None
    before_env = os.environ.get(TORCH_THREADS_ENV)
    before = torch.get_num_threads() if torch is not None else None
    os.environ[TORCH_THREADS_ENV] = "1"
    if torch is not None:
        torch.set_num_threads(1)
    try:
        from analyzer.batch.task import warm_models

        warm_models()
    finally:
        if before_env is None:
            os.environ.pop(TORCH_THREADS_ENV, None)
        else:
            os.environ[TORCH_THREADS_ENV] = before_env
        if torch is not None:
            torch.set_num_threads(before)


def _worker_log_level() -> int:
    """Workers log only with --verbose: stage failures are already issues in each report."""
    level = logging.getLogger().getEffectiveLevel()
    return level if level <= logging.INFO else logging.CRITICAL


class _Worker:
    def __init__(self, ctx, analyze_target: str, warm: bool, threads: int = 0):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, analyze_target, warm, _worker_log_level(), threads),
                                   daemon=True)
        self.process.start()
        child.close()
        self.born = time.monotonic()
        self.ready = False
        self.task: Optional[dict] = None
        self.started = 0.0

    def assign(self, task: dict) -> None:
        self.task = task
        self.started = time.monotonic()
        self.conn.send(task)

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()

    def stop(self) -> None:
        """Ask an idle worker to exit; kill it if it does not."""
        try:
            self.conn.send(None)
        except (OSError, ValueError):
            pass
        self.process.join(2)
        self.kill()


def run_local(tasks: list[dict], *, workers: int = 1, timeout: float = 300.0,
              analyze_target: str = DEFAULT_ANALYZE, warm: bool = True) -> "LocalRun":
    """Run ``tasks`` on ``workers`` processes; iterate to get ``(task, result)`` as each finishes.

    The workers start here, before the first result is asked for. ``close()`` (also run when
    the iteration ends, or on an exception such as KeyboardInterrupt inside it) stops every worker.
    """
    return LocalRun(tasks, workers=workers, timeout=timeout, analyze_target=analyze_target, warm=warm)


class LocalRun:
    """The running pool of ``run_local``: an iterator of ``(task, result)`` with ``close()``."""

    def __init__(self, tasks: list[dict], *, workers: int, timeout: float, analyze_target: str, warm: bool):
        self.pending = deque(tasks)
        self.workers, self.timeout, self.analyze_target, self.warm = max(1, workers), timeout, analyze_target, warm
        self.threads = max(1, (os.cpu_count() or 1) // self.workers)
        self.pool: list[_Worker] = []
        self.fork = _can_fork(warm, self.threads) and bool(self.pending)
        self.froze = False
        self.start_method = "none"  # how the last worker started: "fork" (sharing the models loaded here) or the fallback's
        try:
            if self.fork:
                load_models_for_fork()
            for _ in range(min(self.workers, len(self.pending))):
                self._start()
        except BaseException:
            self.close()
            raise
        self._results = self._serve()

    def _start(self) -> None:
        if self.fork and threading.active_count() == 1:
            if not self.froze:  # keep the collector off the shared objects in the workers
                gc.collect()
                self.froze = True
            gc.freeze()
            ctx = mp.get_context("fork")
        else:
            ctx = _context()
        self.start_method = ctx.get_start_method()
        self.pool.append(_Worker(ctx, self.analyze_target, self.warm, self.threads))

    def __iter__(self):
        return self

    def __next__(self) -> tuple[dict, dict]:
        return next(self._results)

    def close(self) -> None:
        """Stop every worker (idle ones are asked to exit, busy ones are killed)."""
        results = getattr(self, "_results", None)
        if results is not None:
            results.close()
        for w in self.pool:
            if w.task is None and w.ready:
                w.stop()
            else:
                w.kill()
        self.pool.clear()
        if self.froze:
            gc.unfreeze()
            self.froze = False

    def _serve(self) -> Iterator[tuple[dict, dict]]:
        pending, pool, timeout = self.pending, self.pool, self.timeout
        startup_failures = 0
        try:
            while pending or any(w.task is not None for w in pool):
                for w in pool:
                    if w.ready and w.task is None and pending:
                        w.assign(pending.popleft())
                now = time.monotonic()
                deadlines = [w.started + timeout - now for w in pool if w.task is not None]
                deadlines += [w.born + STARTUP_TIMEOUT - now for w in pool if not w.ready]
                wait_for = max(0.0, min(deadlines)) if deadlines else 1.0
                ready = wait([w.conn for w in pool] + [w.process.sentinel for w in pool], timeout=wait_for)
                replace: list[_Worker] = []
                for w in pool:
                    if w.conn in ready or w.process.sentinel in ready:
                        outcome = _collect(w)
                        if outcome == "dead":
                            replace.append(w)
                            if w.task is not None:
                                w.process.join(REAP_TIMEOUT)  # the pipe closes before the exit status is known
                                reason = crash_reason(w.process.exitcode)
                                yield w.task, failure(w.task, f"{escape_name(w.task['rel'])}: {reason}", kind="crash")
                                w.task = None
                            elif not w.ready:
                                startup_failures += 1
                        elif isinstance(outcome, dict):
                            task, w.task = w.task, None
                            yield task, outcome
                now = time.monotonic()
                for w in pool:
                    if w in replace:
                        continue
                    if w.task is not None and now - w.started > timeout:
                        task = w.task
                        w.kill()
                        replace.append(w)
                        yield task, failure(task, f"{escape_name(task['rel'])}: timed out after {timeout:g} s",
                                            kind="timeout")
                        w.task = None
                    elif not w.ready and now - w.born > STARTUP_TIMEOUT:
                        w.kill()
                        replace.append(w)
                        startup_failures += 1
                for w in replace:
                    pool.remove(w)
                    w.kill()
                if startup_failures >= MAX_STARTUP_FAILURES:
                    while pending:
                        task = pending.popleft()
                        yield task, failure(task, f"{escape_name(task['rel'])}: no worker process could start", kind="crash")
                    continue
                busy = sum(1 for w in pool if w.task is not None)
                want = min(self.workers, busy + len(pending))
                while len(pool) < want:
                    self._start()
        finally:
            self._results = None
            self.close()


def _context():
    """``forkserver`` (workers fork from a process that imported the analyzer), else ``spawn``: the
    start method when workers cannot be forked from this process (see ``_can_fork``)."""
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        return ctx
    return mp.get_context("spawn")


def run_inline(tasks: list[dict], *, analyze_target: str = DEFAULT_ANALYZE) -> Iterator[tuple[dict, dict]]:
    """Run ``tasks`` one by one in this process (``workers=0``): no isolation, no timeout."""
    from analyzer.batch.task import run_task, warm_models

    warm_models()
    for task in tasks:
        yield task, run_task(task, analyze_target)


def _collect(w: _Worker):
    """Read what a worker sent: a result dict, "ready", "dead" or None (nothing yet)."""
    try:
        if not w.conn.poll():
            return "dead" if not w.process.is_alive() else None
        kind, payload = w.conn.recv()
    except (EOFError, OSError):
        return "dead"
    if kind == "ready":
        w.ready = True
        return "ready"
    return payload
