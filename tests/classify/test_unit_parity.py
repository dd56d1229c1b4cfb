"""Training, evaluation and the runtime classify the same units of a text."""

from __future__ import annotations

from pathlib import Path

import pytest

import analyzer.classify.classifier as classifier_module
from analyzer.classify.classifier import Classifier
from analyzer.classify.units import document_units
from analyzer.core.settings import model_dir
from analyzer.pipeline import analyze

SAMPLES = sorted((Path(__file__).resolve().parents[2] / "samples").glob("*.txt"))


@pytest.fixture(scope="module")
def stage1():
    return Classifier(model_dir(), use_encoder=False)


@pytest.mark.slow
@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_document_units_are_the_runtime_units(path, stage1, monkeypatch):
    text = path.read_text(encoding="utf-8")
    seen = []
    real = classifier_module.make_units

    def spy(t, sentences):
        units = real(t, sentences)
        seen.append(units)
        return units

    monkeypatch.setattr(classifier_module, "make_units", spy)
    report = analyze(path, classifier=stage1, compare_playbook=False)
    assert report.text == text
    assert len(seen) == 1 and seen[0]
    assert document_units(text) == seen[0]


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_document_units_start_at_every_clause_start(path):
    from analyzer.ingest import parse
    from analyzer.structure.segment import segment

    text = path.read_text(encoding="utf-8")
    units = document_units(text)
    starts = {s for s, _ in units}
    clauses = segment(parse(text.encode(), filename=path.name))
    assert clauses
    for c in clauses:
        inside = [u for u in units if u[0] < c.start < u[1]]
        assert not inside, f"unit {inside[0]} crosses the start of clause {c.id}"
    assert starts


@pytest.mark.slow
def test_eval_and_stage1_score_document_units_by_default(stage1):
    text = SAMPLES[0].read_text(encoding="utf-8")
    units, probs = stage1.unit_probabilities(text)
    assert units == document_units(text)
    assert probs.shape == (len(units), len(stage1.model.categories))
