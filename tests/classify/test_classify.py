"""The committed classifier artifact labels hand-written contract text sensibly."""

from __future__ import annotations

import pytest

from analyzer.classify.classifier import get_classifier, innermost_clause
from analyzer.core.errors import ModelError
from analyzer.core.schema import Clause, Entity, Sentence
from analyzer.core.taxonomy import ALL_CATEGORIES
from analyzer.nlp.sentences import sentence_spans

LICENCE = """PATENT LICENSE AGREEMENT

This Patent License Agreement is made on March 3, 2024 between Alder Photonics Inc. ("Licensor") and Birch Devices LLC ("Licensee").

1. Grant of License. Licensor hereby grants to Licensee a non-exclusive, non-transferable license under the Licensed Patents to make, use and sell Licensed Products in the Territory.

2. Royalties. Licensee shall pay Licensor a royalty of three percent of Net Sales of each Licensed Product.

3. Governing Law. This Agreement shall be governed by and construed in accordance with the laws of the State of New York.

4. Confidentiality. Each party shall keep the Confidential Information of the other party in confidence and shall not disclose it to any third party.
"""


@pytest.fixture(scope="module")
def prediction():
    sents = [Sentence(start=s, end=e) for s, e in sentence_spans(LICENCE)]
    clauses = [Clause(id="c1", start=0, end=len(LICENCE), kind="body"),
               Clause(id="c3", start=LICENCE.index("3. Governing"), end=LICENCE.index("4. Conf"), level=1)]
    return get_classifier().predict(LICENCE, clauses, sents)


def _flagged(pred, category):
    return [lb for lb in pred.labels if lb.category == category and lb.flagged]


@pytest.mark.slow
@pytest.mark.parametrize("category, needle", [
    ("license_grant", "hereby grants"),
    ("governing_law", "laws of the State of New York"),
    ("royalties_payment", "royalty of three percent"),
    ("confidentiality", "Confidential Information"),
])
def test_classify_flags_expected_category(prediction, category, needle):
    hits = _flagged(prediction, category)
    assert hits, f"{category} not flagged"
    assert any(needle in LICENCE[lb.start:lb.end] for lb in hits)


@pytest.mark.slow
def test_classify_labels_are_valid_spans(prediction):
    assert prediction.labels
    for lb in prediction.labels:
        assert lb.category in ALL_CATEGORIES
        assert 0 <= lb.start < lb.end <= len(LICENCE)
        assert LICENCE[lb.start:lb.end] == LICENCE[lb.start:lb.end].strip()
        assert 0.0 <= lb.confidence <= 1.0 and lb.flagged


@pytest.mark.slow
def test_classify_span_confidence_and_unit_confidence(prediction):
    """CUAD categories carry the span model's confidence; ``flagged`` follows the unit probability;
    categories without span annotations keep the unit probability as their confidence."""
    from analyzer.core.taxonomy import CUAD_CATEGORIES

    clf = get_classifier()
    assert clf.span_model is not None
    for lb in prediction.labels:
        assert lb.unit_confidence is not None and lb.flagged == (lb.unit_confidence >= round(clf.thresholds[lb.category], 4) - 1e-4)
        if lb.category not in CUAD_CATEGORIES:
            assert lb.confidence == lb.unit_confidence
    law = _flagged(prediction, "governing_law")
    assert law and all(0.5 <= lb.confidence <= 1.0 for lb in law)
    assert any(lb.confidence != lb.unit_confidence for lb in prediction.labels if lb.category in CUAD_CATEGORIES)


@pytest.mark.slow
def test_classify_clause_id_is_innermost(prediction):
    law = _flagged(prediction, "governing_law")
    assert law and law[0].clause_id == "c3"


@pytest.mark.slow
def test_classify_agreement_type_license(prediction):
    assert prediction.agreement_type.label == "license"


@pytest.mark.slow
def test_classify_all_candidates_adds_unflagged_labels():
    clf = get_classifier()
    sents = [Sentence(start=s, end=e) for s, e in sentence_spans(LICENCE)]
    full = clf.predict(LICENCE, [], sents, all_candidates=True)
    assert any(not lb.flagged for lb in full.labels)
    assert all(lb.unit_confidence >= 0.01 and 0 <= lb.confidence <= 1 for lb in full.labels)


@pytest.mark.slow
def test_classify_uses_given_entities():
    clf = get_classifier()
    start = LICENCE.index("March 3, 2024")
    ents = [Entity(type="agreement_date", text="March 3, 2024", start=start, end=start + 13)]
    pred = clf.predict(LICENCE, [], [], all_candidates=True, entities=ents)
    dates = [lb for lb in pred.labels if lb.category == "agreement_date"]
    assert any((lb.start, lb.end) == (start, start + 13) for lb in dates)


@pytest.mark.slow
def test_classify_empty_text_gives_no_labels():
    pred = get_classifier().predict("", [], [])
    assert pred.labels == []


def test_classify_missing_artifact_is_model_error(tmp_path):
    from analyzer.classify.classifier import Classifier

    with pytest.raises(ModelError):
        Classifier(tmp_path)


@pytest.mark.parametrize("damaged", ["weights.npz", "spans.npz"])
def test_classify_damaged_artifact_file_is_model_error(tmp_path, damaged):
    import shutil

    from analyzer.classify.classifier import Classifier
    from analyzer.core.settings import model_dir

    artifact = tmp_path / "model"
    shutil.copytree(model_dir(), artifact)
    (artifact / damaged).write_bytes((artifact / damaged).read_bytes()[:1000])
    with pytest.raises(ModelError, match="unreadable"):
        Classifier(artifact, use_encoder=False)


def test_classify_innermost_clause():
    clauses = [Clause(id="a", start=0, end=100), Clause(id="b", start=10, end=50, level=1)]
    assert innermost_clause(clauses, 12, 20) == "b"
    assert innermost_clause(clauses, 60, 70) == "a"
    assert innermost_clause([], 0, 1) is None


def test_the_classifier_loads_once_when_two_threads_ask_at_once(monkeypatch, tmp_path):
    """The app's background loader and a page can ask for the classifier at the same moment; it is
    built once, never by two threads importing torch and transformers side by side."""
    import threading
    import time

    from analyzer.classify import classifier as C

    built, inside, overlap = [], [0], []

    class Slow:
        def __init__(self, path):
            inside[0] += 1
            overlap.append(inside[0])
            time.sleep(0.2)
            built.append(path)
            inside[0] -= 1

    monkeypatch.setattr(C, "Classifier", Slow)
    monkeypatch.setenv("ANALYZER_MODEL_DIR", str(tmp_path))
    C._load.cache_clear()
    try:
        got = []
        threads = [threading.Thread(target=lambda: got.append(C.get_classifier())) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        C._load.cache_clear()
    assert len(built) == 1 and max(overlap) == 1
    assert len(got) == 3 and all(g is got[0] for g in got)
