"""First findings from the fast stage, then a report refined by the full classifier: while the full
classifier still loads and also when it is loaded."""

from __future__ import annotations

import threading
from concurrent.futures import wait as futures_wait
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from stub_classifier import StubClassifier

import ui.state
from analyzer.output.render import render
from analyzer.pipeline import analyze

APP = str(Path(__file__).resolve().parents[2] / "app.py")
CONTRACT = (b"LICENCE AGREEMENT\n\n1. Grant. The Licensor grants the Licensee a licence to use the Software.\n\n"
            b"2. Confidentiality. Each party shall keep confidential the other's information.\n\n"
            b"3. Law. This Agreement is governed by the laws of England.\n")


class _Fast(StubClassifier):
    def __init__(self):
        super().__init__()
        self.version = "stub-fast"


class _Full(StubClassifier):
    def __init__(self):
        super().__init__()
        self.version = "stub-full"


REAL_WARM_UP = ui.state.warm_up  # the app tests' conftest turns it off for fast tests


@pytest.fixture
def slow_full_classifier(monkeypatch):
    """``classifier()`` blocks until the test releases it; ``fast_classifier()`` answers at once."""
    release = threading.Event()
    full = _Full()

    def load():
        release.wait(30)
        return full

    monkeypatch.setattr(ui.state, "classifier", load)
    monkeypatch.setattr(ui.state, "fast_classifier", lambda: _Fast())
    monkeypatch.setattr(ui.state, "warm_up", REAL_WARM_UP)
    yield release
    release.set()


def _info(at) -> str:
    return " ".join(i.value for i in at.info)


def _refined(at, timeout: float = 30) -> None:
    """Wait for the session's refinements, then run the page that shows their reports."""
    jobs = list(at.session_state["provisional"].values())
    assert jobs and all(hasattr(job, "done") for job in jobs)  # started once the page was drawn
    assert not futures_wait(jobs, timeout=timeout).not_done
    at.run()


def test_app_first_findings_come_from_the_fast_stage_then_refine(slow_full_classifier):
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.file_uploader(key="review_upload").set_value([("deal.txt", CONTRACT, "text/plain")]).run()
    assert not at.exception
    assert "Refining" in _info(at)
    assert sum("Refining" in i.value for i in at.info) == 1  # said once, though the page asks for two reports
    reports = at.session_state["reports"]
    assert {r.versions.get("model") for r in reports.values()} == {"stub-fast"}
    slow_full_classifier.set()
    assert ui.state.classifier_ready(10)
    _refined(at)
    assert not at.exception
    assert "Refining" not in _info(at)
    assert {r.versions.get("model") for r in at.session_state["reports"].values()} == {"stub-full"}


def test_app_waits_for_nothing_when_the_classifier_is_loaded(monkeypatch):
    monkeypatch.setattr(ui.state, "classifier", lambda: _Full())
    monkeypatch.setattr(ui.state, "fast_classifier", lambda: pytest.fail("the fast stage is not needed"))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.file_uploader(key="review_upload").set_value([("deal.txt", CONTRACT, "text/plain")]).run()
    assert not at.exception and "Refining" not in _info(at)


def test_app_first_findings_come_from_the_fast_stage_when_the_classifier_is_loaded(monkeypatch):
    full = _Full()
    monkeypatch.setattr(ui.state, "classifier", lambda: full)
    monkeypatch.setattr(ui.state, "fast_classifier", lambda: _Fast())
    monkeypatch.setattr(ui.state, "warm_up", REAL_WARM_UP)
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert ui.state.classifier_ready(10)
    at.file_uploader(key="review_upload").set_value([("deal.txt", CONTRACT, "text/plain")]).run()
    assert not at.exception
    assert "Refining" in _info(at)
    first = next(iter(at.session_state["reports"].values()))
    assert first.versions["model"] == "stub-fast" and first.findings
    _refined(at)
    assert not at.exception and "Refining" not in _info(at)
    refined = at.session_state["reports"][(first.document.sha256, ui.state.AUTO, None)]
    direct = analyze(CONTRACT, filename="deal.txt", classifier=full)
    assert render(refined, "json") == render(direct, "json")


HELD_BACK = """
import sys, threading
import ui.state
with ui.state._TorchHeldBack():
    import spacy  # thinc looks for torch here
    other = []
    t = threading.Thread(target=lambda: other.append(__import__("torch").__name__))
    t.start(); t.join()
import thinc.compat
print(thinc.compat.has_torch, other)
import torch
print(torch.__name__)
"""


def test_app_fast_stage_loads_without_torch_in_its_own_thread_only():
    import os
    import subprocess
    import sys

    root = Path(APP).parent
    out = subprocess.run([sys.executable, "-c", HELD_BACK], cwd=root, capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(root)})
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:2] == ["False ['torch']", "torch"]
