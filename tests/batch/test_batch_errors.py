"""A bug while analyzing one file of a batch: that file is recorded as failed, the others go on."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

import analyzer.batch.task as task
import analyzer.structure.segment as segment_module
from analyzer.batch.folder_review import STATE, review

STUB_TARGET = f"{__name__}:stub_analyze"
CONTRACT = "LICENSE AGREEMENT\n\n1. Grant. Licensor grants Licensee a licence.\n"


class _StubClassifier:
    version = "stub"

    def predict(self, text, clauses, sentences, **kwargs):
        return SimpleNamespace(labels=[], agreement_type=None)


def stub_analyze(source, **kwargs):
    """``analyze`` with a classifier that finds nothing (no model to load)."""
    from analyzer.pipeline import analyze

    return analyze(source, classifier=_StubClassifier(), **kwargs)


@pytest.mark.parametrize("unused", [None])
def test_batch_bug_in_one_file_is_recorded_as_failed(monkeypatch, tmp_path, unused):
    real_segment = segment_module.segment

    def segment(doc):
        if doc.source.startswith("bug"):
            raise KeyError("x")
        return real_segment(doc)

    monkeypatch.setattr(segment_module, "segment", segment)
    monkeypatch.setattr(task, "warm_models", lambda: None)
    src = tmp_path / "in"
    src.mkdir()
    for name in ("a.txt", "bug.txt", "z.txt"):
        (src / name).write_text(CONTRACT, encoding="utf-8")
    out = tmp_path / "out"
    summary = review(src, out, workers=0, progress=False, analyze_target=STUB_TARGET)
    assert sorted(summary.done) == ["a.txt", "z.txt"]
    assert summary.failed == [("bug.txt", "bug.txt: internal error (KeyError: 'x')")]
    rows = {r["file"]: r for r in summary.rows}
    assert rows["bug.txt"]["status"] == "failure" and "KeyError" in rows["bug.txt"]["error"]
    assert rows["a.txt"]["status"] == "success"
    journal = [json.loads(line) for line in (out / STATE).read_text(encoding="utf-8").splitlines()]
    assert {e["file"]: e["outcome"] for e in journal} == {"a.txt": "done", "bug.txt": "failure", "z.txt": "done"}
