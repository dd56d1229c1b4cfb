"""Local pool start-up: workers fork from the parent that loaded the models when that is safe."""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import subprocess
import sys
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest

from analyzer.batch import local_pool

TESTS = Path(__file__).resolve().parent
pytestmark = pytest.mark.skipif("fork" not in mp.get_all_start_methods(), reason="needs the fork start method")


class _StubClassifier:
    version = "stub"

    def predict(self, text, clauses, sentences, **kwargs):
        return SimpleNamespace(labels=[], agreement_type=None)


def where_analyze(source, **kwargs):
    """``analyze`` with a stub classifier whose report names who loaded the models, the worker's
    parent and its torch thread count (in ``document.source``)."""
    from analyzer.pipeline import analyze

    torch = sys.modules.get("torch")
    where = {"loaded_by": os.environ.get("POOL_TEST_LOADED_BY"), "ppid": os.getppid(),
             "threads": torch.get_num_threads() if torch else None}
    kwargs["filename"] = json.dumps(where) + ".txt"
    return analyze(source, classifier=_StubClassifier(), **kwargs)


_SCRIPT = """
import json, os, sys, threading, time
sys.path.insert(0, {tests!r})
import analyzer.batch.task as task
task.warm_models = lambda: os.environ.setdefault("POOL_TEST_LOADED_BY", str(os.getpid()))
from analyzer.batch.local_pool import run_local
if __name__ == "__main__":
    if {busy_thread!r}:
        threading.Thread(target=time.sleep, args=(60,), daemon=True).start()
    tasks = [{{"rel": f"{{i}}.txt", "data": b"LICENSE AGREEMENT\\n\\n1. Grant. Licensor grants Licensee a licence.\\n"}}
             for i in range(3)]
    run = run_local(tasks, workers={workers}, timeout=120, analyze_target="test_local_pool:where_analyze")
    method = run.start_method
    results = [r for _, r in run]
    print(json.dumps({{"method": method, "parent": os.getpid(), "ok": [r["ok"] for r in results],
                      "where": [json.loads(json.loads(r["report_json"])["document"]["source"][:-4]) for r in results if r["ok"]]}}))
"""


def _run_script(workers: int, busy_thread: bool) -> dict:
    script = _SCRIPT.format(tests=str(TESTS), workers=workers, busy_thread=busy_thread)
    env = {k: v for k, v in os.environ.items() if k != "ANALYZER_TORCH_THREADS"}
    out = subprocess.run([sys.executable, "-c", script], cwd=TESTS.parents[1], env=env, capture_output=True,
                         text=True, timeout=240)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("workers", [1, 2])
def test_local_pool_forks_workers_from_the_parent_that_loaded_the_models(workers):
    got = _run_script(workers, busy_thread=False)
    assert got["method"] == "fork"
    assert got["ok"] == [True, True, True]
    threads = max(1, (os.cpu_count() or 1) // workers)
    for where in got["where"]:
        assert where["loaded_by"] == str(got["parent"])  # the models were loaded once, in the parent
        assert where["ppid"] == got["parent"]
        assert where["threads"] == threads  # each worker caps torch at its share of the CPUs


@pytest.mark.parametrize("workers", [1])
def test_local_pool_falls_back_to_the_fork_server_while_other_threads_run(workers):
    got = _run_script(workers, busy_thread=True)
    assert got["method"] == "forkserver"
    assert got["ok"] == [True, True, True]
    assert all(where["loaded_by"] != str(got["parent"]) for where in got["where"])


@pytest.mark.parametrize(("warm", "threads_env", "other_threads", "expected"), [
    (False, "1", 1, False),   # nothing to share
    (True, "1", 2, False),    # another thread may hold a lock at the fork
    (True, "1", 1, True),     # one torch thread per worker: safe whatever torch did here
])
def test_local_pool_can_fork_only_when_safe(monkeypatch, warm, threads_env, other_threads, expected):
    monkeypatch.setenv("ANALYZER_TORCH_THREADS", threads_env)
    monkeypatch.setattr(threading, "active_count", lambda: other_threads)
    assert local_pool._can_fork(warm, 2) is expected


@pytest.mark.parametrize("torch_imported", [True, False])
def test_local_pool_can_fork_with_torch_threads_only_when_torch_is_fresh(monkeypatch, torch_imported):
    monkeypatch.delenv("ANALYZER_TORCH_THREADS", raising=False)
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    if torch_imported:
        monkeypatch.setitem(sys.modules, "torch", sys.modules.get("torch") or object())
    else:
        monkeypatch.delitem(sys.modules, "torch", raising=False)
    # two torch threads per worker: a thread pool that torch may have started here would not survive the fork
    assert local_pool._can_fork(True, 2) is (not torch_imported)
