"""Batch review on a Dask distributed cluster (``pip install 'clause-analyzer[distributed]'``).

Workers read a file by path when they see the same file (same path, same sha256);
otherwise the client ships its bytes. Results come back to the client, which writes
every output, so the output folder only needs to exist on the client.

At most one task per worker thread is in flight, so a task starts when it is
submitted and the per-file timeout can be measured from submission. A task past
its timeout is cancelled and, where the worker has a nanny, that worker is
restarted (a Python thread cannot be killed otherwise).
"""

from __future__ import annotations

import logging
import time
from collections import deque
from typing import Iterator, Optional

from analyzer.batch.task import DEFAULT_ANALYZE, failure, run_task
from analyzer.core.errors import AnalyzerError, escape_name, one_line

log = logging.getLogger(__name__)

EXTRA_HINT = "pip install 'clause-analyzer[distributed]'"


def _import_distributed():
    try:
        import distributed
    except ImportError:
        raise AnalyzerError(f"--scheduler needs Dask distributed, which is not installed: {EXTRA_HINT}") from None
    return distributed


def connect(address: str):
    """A ``distributed.Client`` for ``address``; a one-line AnalyzerError when it cannot connect."""
    distributed = _import_distributed()
    try:
        return distributed.Client(address, timeout="20s", set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise AnalyzerError(f"{address}: could not connect to the Dask scheduler ({exc})") from None


try:  # the plugin base class, when Dask distributed is installed
    from distributed.diagnostics.plugin import WorkerPlugin as _WorkerPlugin
except ImportError:  # pragma: no cover - only without the extra
    _WorkerPlugin = object


class WarmModels(_WorkerPlugin):  # type: ignore[misc, valid-type]
    """Loads the models when a worker starts (restarted workers included)."""

    name = "clause-analyzer-warm-models"

    def setup(self, worker=None):
        from analyzer.batch.task import warm_models

        warm_models()


def _dask_task(task: dict, analyze_target: str) -> dict:
    return run_task(task, analyze_target)


def run_dask(tasks: list[dict], address: str, *, timeout: float = 300.0, ship_bytes: Optional[bool] = None,
             analyze_target: str = DEFAULT_ANALYZE, client=None) -> Iterator[tuple[dict, dict]]:
    """Run ``tasks`` on the cluster at ``address``; yield ``(task, result)`` as each finishes.

    ``ship_bytes``: True always sends the file's bytes; False never does (files must be
    visible to workers); None (default) tries the path first and ships the bytes to
    workers that cannot see it. A task's clock starts when the scheduler hands it to a
    worker; when no worker is connected for ``timeout`` seconds the remaining files fail.
    """
    own = client is None
    client = client or connect(address)
    try:
        try:
            client.register_plugin(WarmModels(), name=WarmModels.name)
        except Exception as exc:  # e.g. the workers lack the package
            detail = " ".join(str(exc).split())[:200]
            raise AnalyzerError(f"{address}: Dask workers could not load the analyzer ({type(exc).__name__}: {detail}); "
                                "install clause-analyzer on every worker") from None
        pending = deque(tasks)
        running: dict = {}  # future -> [task, start time or None]
        no_workers_since: Optional[float] = None
        while pending or running:
            nthreads = client.nthreads()
            slots = sum(nthreads.values())
            now = time.monotonic()
            if not slots:
                no_workers_since = no_workers_since or now
                if now - no_workers_since > timeout:
                    for fut, (task, _) in list(running.items()):
                        fut.cancel()
                        yield _light(task), failure(task, f"{escape_name(task['rel'])}: no Dask worker available", kind="crash")
                    running.clear()
                    while pending:
                        task = pending.popleft()
                        yield task, failure(task, f"{escape_name(task['rel'])}: no Dask worker available", kind="crash")
                    break
            else:
                no_workers_since = None
            while pending and len(running) < max(1, slots):
                task = dict(pending.popleft())
                if ship_bytes and task.get("data") is None:
                    task["data"], error = _read(task)
                    if error is not None:
                        yield _light(task), failure(task, error)
                        continue
                task["check_sha256"] = True
                fut = client.submit(_dask_task, task, analyze_target, pure=False, retries=0,
                                    key=f"analyze-{task['sha256'][:16]}-{time.monotonic_ns()}")
                running[fut] = [task, None]
            starts = [st for _, st in running.values() if st is not None]
            wait_s = min([1.0] + [st + timeout - now for st in starts])
            for fut in _wait_first(list(running), max(0.05, wait_s)):
                task, _ = running.pop(fut)
                result = _result(fut, task)
                if result.get("kind") == "need_bytes" and ship_bytes is not False and task.get("data") is None:
                    data, error = _read(task)
                    if error is None:
                        pending.appendleft(dict(task, data=data))
                        continue
                    result = failure(task, error)
                yield _light(task), result
            if any(st is None for _, st in running.values()):
                processing = {k for keys in client.processing().values() for k in keys}
                now = time.monotonic()
                for fut, entry in running.items():
                    if entry[1] is None and fut.key in processing:
                        entry[1] = now
            now = time.monotonic()
            for fut, (task, st) in list(running.items()):
                if st is not None and now - st > timeout and not fut.done():
                    running.pop(fut)
                    _abandon(client, fut)
                    yield _light(task), failure(task, f"{escape_name(task['rel'])}: timed out after {timeout:g} s", kind="timeout")
    finally:
        if own:
            client.close()


def _wait_first(futures: list, timeout: float) -> list:
    """The futures that are done, waiting up to ``timeout`` s for the first one."""
    end = time.monotonic() + timeout
    delay = 0.01
    while True:
        done = [f for f in futures if f.done()]
        if done or time.monotonic() >= end:
            return done
        time.sleep(min(delay, max(0.0, end - time.monotonic())))
        delay = min(0.2, delay * 2)


def _read(task: dict) -> tuple[Optional[bytes], Optional[str]]:
    """``(bytes, None)`` to ship to a worker, or ``(None, one-line reason)`` when the file cannot be read.

    Only a regular file is read, at most the size limit + 1 byte (``parse()`` on the
    worker then reports a larger file as too large).
    """
    from analyzer.ingest import Limits, open_regular

    try:
        with open_regular(task["path"], task["rel"]) as fh:
            return fh.read(Limits.from_env().max_bytes + 1), None
    except AnalyzerError as exc:
        return None, str(exc)
    except OSError as exc:
        return None, f"{escape_name(task['rel'])}: could not be read ({exc.strerror or type(exc).__name__})"


def _light(task: dict) -> dict:
    return {k: v for k, v in task.items() if k != "data"}


def _result(fut, task: dict) -> dict:
    try:
        return fut.result()
    except Exception as exc:  # the worker died (KilledWorker) or the task raised
        detail = one_line(exc)[:300]
        return failure(task, f"{escape_name(task['rel'])}: worker failed ({type(exc).__name__}: {detail})", kind="crash")


def _abandon(client, fut) -> None:
    """Cancel a task past its timeout and restart the worker running it, when possible."""
    try:
        processing = client.processing()
        workers = [w for w, keys in processing.items() if fut.key in keys]
        fut.cancel()
        if workers:
            client.restart_workers(workers, timeout=30, raise_for_error=False)
    except Exception as exc:
        log.warning("could not restart the worker of a timed-out task: %s", exc)
