"""The second stage: candidate selection, fusion, and the fine-tuned MiniLM in the artifact."""

from __future__ import annotations

import numpy as np
import pytest

from analyzer.classify import encoder_stage as enc
from analyzer.classify.classifier import Classifier
from analyzer.core.errors import ConfigError, ModelError
from analyzer.core.schema import Sentence
from analyzer.core.settings import model_dir
from analyzer.nlp.sentences import sentence_spans

LICENCE = """PATENT LICENSE AGREEMENT

This Patent License Agreement is made on March 3, 2024 between Alder Photonics Inc. ("Licensor") and Birch Devices LLC ("Licensee").

1. Grant of License. Licensor hereby grants to Licensee a non-exclusive, non-transferable license under the Licensed Patents to make, use and sell Licensed Products in the Territory.

2. Royalties. Licensee shall pay Licensor a royalty of three percent of Net Sales of each Licensed Product.

3. Governing Law. This Agreement shall be governed by and construed in accordance with the laws of the State of New York.
"""


def test_select_candidates_takes_best_units_per_category_within_cap():
    probs = np.array([
        [0.90, 0.00],
        [0.20, 0.00],
        [0.00, 0.30],
        [0.05, 0.60],
        [0.001, 0.002],
    ])
    thresholds = np.array([0.5, 0.5])
    assert enc.select_candidates(probs, thresholds, per_category=2, cap=10).tolist() == [0, 1, 2, 3]
    # unit 4 is below min_prob for every category; the cap keeps those nearest their thresholds
    assert enc.select_candidates(probs, thresholds, per_category=2, cap=2).tolist() == [0, 3]
    assert enc.select_candidates(probs, thresholds, per_category=1, cap=10).tolist() == [0, 3]
    assert enc.select_candidates(np.zeros((0, 2)), thresholds, 2, 10).tolist() == []


def test_fuse_without_encoder_weight_is_platt_scaling():
    z_t = np.array([[-2.0, 0.0, 3.0]])
    z_e = np.array([[5.0, -5.0, 1.0]])
    fusion = np.array([[1.0, 0.0, 0.0], [2.0, 0.0, -1.0], [0.5, 1.0, 0.5]])
    p = enc.fuse(z_t, z_e, fusion)
    assert p[0, 0] == pytest.approx(1 / (1 + np.exp(2.0)))
    assert p[0, 1] == pytest.approx(1 / (1 + np.exp(1.0)))
    assert p[0, 2] == pytest.approx(1 / (1 + np.exp(-(1.5 + 1.0 + 0.5))))


def test_encoder_pairs_strip_position_tokens_and_whitespace():
    text = "1. Grant.\n  Licensor   grants\na licence."
    pairs = enc.encoder_pairs(text, [(10, len(text))], ["grant of license / grant __pos_body"])
    assert pairs == [("grant of license / grant", "Licensor grants a licence.")]


def test_encoder_switch(monkeypatch):
    monkeypatch.setenv(enc.ENV_SWITCH, "off")
    assert not enc.encoder_enabled()
    monkeypatch.setenv(enc.ENV_SWITCH, "on")
    assert enc.encoder_enabled()


@pytest.fixture(scope="module")
def both():
    full = Classifier(model_dir())
    if full.encoder is None:
        pytest.fail("the committed artifact has no encoder block")
    return full, Classifier(model_dir(), use_encoder=False)


@pytest.mark.slow
def test_artifact_reranks_candidates_with_the_encoder(both):
    full, fast = both
    spans = sentence_spans(LICENCE)
    units, p_full = full.unit_probabilities(LICENCE, spans)
    _, p_fast = fast.unit_probabilities(LICENCE, spans)
    assert p_full.shape == p_fast.shape
    assert np.all((p_full >= 0) & (p_full <= 1))
    assert not np.allclose(p_full, p_fast)  # the encoder changed the candidates' scores
    grant = next(i for i, (s, e) in enumerate(units) if "hereby grants" in LICENCE[s:e])
    j = full.model.categories.index("license_grant")
    assert p_full[grant, j] >= full.thresholds["license_grant"]


@pytest.mark.slow
def test_tfidf_only_version_is_marked(both):
    full, fast = both
    assert fast.version == full.version + "+tfidf-only"
    pred = fast.predict(LICENCE, [], [Sentence(start=s, end=e) for s, e in sentence_spans(LICENCE)])
    assert any(lb.category == "license_grant" and lb.flagged for lb in pred.labels)


@pytest.mark.slow
def test_bad_encoder_path_is_a_config_or_model_error(monkeypatch, tmp_path):
    monkeypatch.setenv(enc.ENV_PATH, str(tmp_path / "nowhere"))
    with pytest.raises(ConfigError, match="ANALYZER_ENCODER_PATH=.* is not an existing folder"):
        enc.base_path()
    monkeypatch.setenv(enc.ENV_PATH, str(tmp_path))  # a folder, but no checkpoint in it
    with pytest.raises(ModelError, match="encoder base checkpoint"):
        Classifier(model_dir())


@pytest.mark.slow
def test_model_version_follows_the_encoder_switch(both, monkeypatch):
    from analyzer.classify.classifier import model_version

    full, fast = both
    monkeypatch.setenv(enc.ENV_SWITCH, "on")
    assert model_version() == full.version
    monkeypatch.setenv(enc.ENV_SWITCH, "off")
    assert model_version() == fast.version


@pytest.mark.parametrize(("config", "use_encoder", "expected"), [
    ({"version": "tfidf-minilm-abc", "encoder": {"file": "encoder.npz"}}, True, "tfidf-minilm-abc"),
    ({"version": "tfidf-minilm-abc", "encoder": {"file": "encoder.npz"}}, False, "tfidf-minilm-abc+tfidf-only"),
    ({"version": "tfidf-linear-abc", "encoder": None}, False, "tfidf-linear-abc"),
    # an artifact being trained (``train --stage all`` loads it for the presence stage) has no version yet
    ({"version": None, "encoder": {"file": "encoder.npz"}}, False, "unknown+tfidf-only"),
    ({"encoder": None}, True, "unknown"),
])
def test_version_of_a_config(config, use_encoder, expected):
    from analyzer.classify.classifier import _version

    assert _version(config, use_encoder) == expected
