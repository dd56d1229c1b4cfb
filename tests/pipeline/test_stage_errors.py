"""Errors at the right depth: expected problems become issues, bugs propagate out of ``analyze()``."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

import analyzer.structure.segment as segment_module
from analyzer.core.errors import ConfigError, Corrupt, ModelError, PlaybookError
from analyzer.core.schema import Status
from analyzer.pipeline import analyze, recompare

TEXT = b"""TECHNOLOGY LICENSE AGREEMENT

This Agreement is made between Acme Ltd ("Licensor") and Beta Inc ("Licensee").

1. Grant. Licensor grants Licensee a non-exclusive licence.

2. Governing Law. This Agreement is governed by the laws of England.
"""


class StubClassifier:
    """Finds nothing; ``fail`` (an exception) is raised by ``predict`` instead."""

    version = "stub"

    def __init__(self, fail: Exception | None = None):
        self.fail = fail

    def predict(self, text, clauses, sentences, **kwargs):
        if self.fail is not None:
            raise self.fail
        return SimpleNamespace(labels=[], agreement_type=None)


def _broken_segment(exc: Exception):
    def segment(doc):
        raise exc
    return segment


@pytest.mark.parametrize("exc", [KeyError("x"), TypeError("bad operand"), ValueError("no")])
def test_pipeline_bug_in_a_stage_propagates(monkeypatch, exc):
    monkeypatch.setattr(segment_module, "segment", _broken_segment(exc))
    with pytest.raises(type(exc)):
        analyze(TEXT, filename="a.txt", classifier=StubClassifier())


@pytest.mark.parametrize("exc", [KeyError("labels"), AttributeError("no attribute 'x'")])
def test_pipeline_bug_in_the_classifier_propagates(exc):
    with pytest.raises(type(exc)):
        analyze(TEXT, filename="a.txt", classifier=StubClassifier(exc))


@pytest.mark.parametrize("exc, stage", [(Corrupt("a.txt", "odd layout"), "segment")])
def test_pipeline_document_error_in_a_stage_is_an_issue(monkeypatch, exc, stage):
    monkeypatch.setattr(segment_module, "segment", _broken_segment(exc))
    report = analyze(TEXT, filename="a.txt", classifier=StubClassifier())
    assert report.status is Status.PARTIAL_SUCCESS
    assert [(i.stage, i.message) for i in report.issues] == [(stage, f"Corrupt: {exc}")]
    assert report.clauses == [] and report.sentences, "the later stages still ran"


@pytest.mark.parametrize("unused", [None])
def test_pipeline_model_error_is_an_issue(unused):
    report = analyze(TEXT, filename="a.txt", classifier=StubClassifier(ModelError("artifact not found")))
    assert report.status is Status.PARTIAL_SUCCESS
    assert [(i.stage, i.message) for i in report.issues] == [("classify", "ModelError: artifact not found")]
    assert report.findings, "the playbook comparison still ran"


@pytest.mark.parametrize("unused", [None])
def test_pipeline_config_error_in_a_stage_propagates(unused):
    with pytest.raises(ConfigError):
        analyze(TEXT, filename="a.txt", classifier=StubClassifier(ConfigError("ANALYZER_X='y' is bad")))


@pytest.mark.parametrize("unused", [None])
def test_pipeline_playbook_error_is_an_issue_only_when_chosen_automatically(monkeypatch, tmp_path, unused):
    monkeypatch.setenv("ANALYZER_CLAUSE_LIBRARY", str(tmp_path))  # an empty library: no playbook loads
    report = analyze(TEXT, filename="a.txt", classifier=StubClassifier())
    assert report.status is Status.PARTIAL_SUCCESS
    (issue,) = report.issues
    assert issue.stage == "compare" and issue.message.startswith("PlaybookError: ")
    with pytest.raises(PlaybookError):
        analyze(TEXT, filename="a.txt", classifier=StubClassifier(), playbook="tech-license")
    with pytest.raises(PlaybookError):
        recompare(report, playbook="tech-license")
    assert recompare(report).status is Status.PARTIAL_SUCCESS
