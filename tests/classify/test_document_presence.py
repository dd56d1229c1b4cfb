"""The per-document presence decision, on hand-made unit score tables."""

from __future__ import annotations

import numpy as np
import pytest

from analyzer.classify.presence import (
    FEATURES,
    HEADING_CUES,
    PresenceModel,
    document_features,
    heading_matches,
)
from analyzer.core.taxonomy import ALL_CATEGORIES
from analyzer.training.presence import (
    choose_thresholds,
    doc_f1,
    document_truth,
    fit_presence,
)

CATS = ["change_of_control", "governing_law"]
THR = np.array([0.4, 0.5], dtype=np.float32)
COL = {name: i for i, name in enumerate(FEATURES)}


def _logit(p):
    return float(np.log(p / (1 - p)))


@pytest.mark.parametrize("probs, top, n_above", [
    ([[0.9, 0.1], [0.2, 0.6], [0.05, 0.55]], [(0.9, 0.2, 0.05), (0.6, 0.55, 0.1)], [1, 2]),
    ([[0.3, 0.01]], [(0.3, 1e-4, 1e-4), (0.01, 1e-4, 1e-4)], [0, 0]),
])
def test_presence_features_of_a_score_table(probs, top, n_above):
    probs = np.array(probs, dtype=np.float32)
    f = document_features(probs, THR, np.array([1.0, 0.0]), "license")
    assert f.shape == (2, len(FEATURES))
    for j in range(2):
        assert f[j, :3] == pytest.approx([_logit(p) for p in top[j]], abs=1e-3)
        assert f[j, COL["n_above_threshold"]] == pytest.approx(np.log1p(n_above[j]))
        assert f[j, COL["sum_prob"]] == pytest.approx(np.log1p(probs[:, j].sum()), abs=1e-5)
    assert f[:, COL["heading_match"]].tolist() == [1.0, 0.0]
    assert f[:, COL["type_license"]].tolist() == [1.0, 1.0]
    assert f[:, [COL[c] for c in FEATURES if c.startswith("type_") and c != "type_license"]].sum() == 0


def test_presence_features_of_an_empty_document():
    f = document_features(np.zeros((0, 2), dtype=np.float32), THR, np.zeros(2), None, np.zeros((0, 2), dtype=bool))
    assert f[:, 0].tolist() == pytest.approx([_logit(1e-4)] * 2, abs=1e-3)
    assert f[:, COL["wording_best_logit"]].tolist() == pytest.approx([_logit(1e-4)] * 2, abs=1e-3)
    others = [i for i, name in enumerate(FEATURES) if i >= 3 and name != "wording_best_logit"]
    assert f[:, others].sum() == 0


def test_presence_wording_features_count_units_and_take_their_best_probability():
    probs = np.array([[0.9, 0.1], [0.2, 0.6], [0.05, 0.55]], dtype=np.float32)
    wording = np.array([[False, False], [True, True], [True, False]])
    f = document_features(probs, THR, np.zeros(2), None, wording)
    assert f[:, COL["wording_units"]].tolist() == pytest.approx([np.log1p(2), np.log1p(1)])
    # the best probability among the units that use the wording, not the document's best unit
    assert f[:, COL["wording_best_logit"]].tolist() == pytest.approx([_logit(0.2), _logit(0.6)], abs=1e-4)
    without = document_features(probs, THR, np.zeros(2), None)
    assert without[:, COL["wording_units"]].tolist() == [0.0, 0.0]
    assert without[:, COL["wording_best_logit"]].tolist() == pytest.approx([_logit(1e-4)] * 2, abs=1e-3)
    assert np.array_equal(f[:, :COL["wording_units"]], without[:, :COL["wording_units"]])


def test_presence_wording_decides_a_document_the_scores_leave_open():
    """Two documents with the same middling best unit: the one whose units use the category's
    wording is present for a model that weighs it."""
    w = np.zeros((2, len(FEATURES)), dtype=np.float32)
    w[:, COL["top1_logit"]] = 1.0
    w[:, COL["wording_units"]] = 3.0
    model = PresenceModel(CATS, w, np.array([-1.0, -1.0], dtype=np.float32), np.array([0.5, 0.5], dtype=np.float32))
    probs = np.array([[0.4, 0.4], [0.02, 0.02]], dtype=np.float32)
    used = np.array([[True, False], [False, False]])
    assert model.decide(document_features(probs, THR, np.zeros(2), None, used))[0].tolist() == [True, False]
    assert model.decide(document_features(probs, THR, np.zeros(2), None))[0].tolist() == [False, False]


def test_presence_model_without_wording_features_loads_and_decides_as_before():
    """An artifact trained before the wording features lists fewer features: they get weight 0."""
    rng = np.random.default_rng(3)
    n_old = COL["wording_units"]
    cfg = {"features": FEATURES[:n_old], "categories": CATS, "weight": rng.normal(size=(2, n_old)).tolist(),
           "bias": [0.1, -0.2], "thresholds": [0.3, 0.6]}
    model = PresenceModel.from_config(cfg, CATS)
    x = rng.normal(size=(4, 2, len(FEATURES))).astype(np.float32)
    z = (x[:, :, :n_old] * np.asarray(cfg["weight"], dtype=np.float32)).sum(-1) + np.array([0.1, -0.2])
    assert model.probabilities(x) == pytest.approx(1 / (1 + np.exp(-z)), abs=1e-5)
    with pytest.raises(ValueError):
        PresenceModel.from_config({**cfg, "features": FEATURES[:n_old][::-1]}, CATS)


@pytest.mark.parametrize("heads, expected", [
    (["change of control / assignment __pos_body", "__pos_head"], [1.0, 0.0]),
    (["governing law __pos_end"], [0.0, 1.0]),
    (["definitions __pos_open"], [0.0, 0.0]),
])
def test_presence_heading_matches(heads, expected):
    assert heading_matches(heads, CATS).tolist() == expected


def test_presence_heading_cues_are_taxonomy_ids():
    assert set(HEADING_CUES) <= set(ALL_CATEGORIES)


@pytest.mark.parametrize("best, expected", [([0.39, 0.51], [False, True]), ([0.41, 0.49], [True, False])])
def test_presence_fallback_is_the_best_unit_rule(best, expected):
    model = PresenceModel.fallback(CATS, THR)
    probs = np.array([best, [0.01, 0.01]], dtype=np.float32)
    present, p = model.decide(document_features(probs, THR, np.zeros(2), None))
    assert present.tolist() == expected
    odds = [b / (1 - b) / (t / (1 - t)) for b, t in zip(best, THR.tolist())]
    assert p == pytest.approx([o / (1 + o) for o in odds], abs=1e-3)


def test_presence_counts_several_moderate_units():
    """A model that weighs the count of units near the threshold finds a clause spread over
    several middling sentences, which the best-unit rule misses."""
    w = np.zeros((2, len(FEATURES)), dtype=np.float32)
    w[:, COL["top1_logit"]] = 1.0
    w[:, COL["n_above_third"]] = 2.0
    model = PresenceModel(CATS, w, np.array([-1.0, -1.0], dtype=np.float32), np.array([0.5, 0.5], dtype=np.float32))
    spread = np.array([[0.3, 0.01], [0.35, 0.01], [0.3, 0.01], [0.02, 0.01]], dtype=np.float32)
    single = np.array([[0.35, 0.01], [0.02, 0.01], [0.02, 0.01], [0.02, 0.01]], dtype=np.float32)
    rule = PresenceModel.fallback(CATS, THR)
    f_spread, f_single = (document_features(t, THR, np.zeros(2), None) for t in (spread, single))
    assert model.decide(f_spread)[0].tolist() == [True, False]
    assert model.decide(f_single)[0].tolist() == [False, False]
    assert rule.decide(f_spread)[0].tolist() == [False, False]


def test_presence_round_trips_through_config():
    rng = np.random.default_rng(0)
    model = PresenceModel(CATS, rng.normal(size=(2, len(FEATURES))).astype(np.float32),
                          np.array([0.1, -0.2], dtype=np.float32), np.array([0.3, 0.6], dtype=np.float32))
    again = PresenceModel.from_config(model.to_config(), CATS)
    x = rng.normal(size=(5, 2, len(FEATURES))).astype(np.float32)
    assert again.probabilities(x) == pytest.approx(model.probabilities(x), abs=1e-4)
    with pytest.raises(ValueError):
        PresenceModel.from_config(model.to_config(), CATS[::-1])


def _tables(n, rng):
    """Hand-made documents: a present category has one strong unit or three middling ones."""
    feats, truth = [], []
    for k in range(n):
        present = [k % 2 == 0, k % 3 == 0]
        probs = np.full((6, 2), 0.02, dtype=np.float32)
        for j, has in enumerate(present):
            if has and k % 4 == 0:
                probs[:3, j] = 0.2 + 0.05 * rng.random(3)  # spread over several units
            elif has:
                probs[0, j] = 0.6 + 0.3 * rng.random()
            else:
                probs[0, j] = 0.25 * rng.random()
        feats.append(document_features(probs, THR, np.zeros(2), None))
        truth.append(present)
    return np.stack(feats), np.array(truth)


def test_presence_fit_and_thresholds_on_score_tables():
    rng = np.random.default_rng(1)
    x, truth = _tables(60, rng)
    model, fell_back = fit_presence(x, truth, THR, CATS, C=10.0)
    assert fell_back == []
    model.thresholds = choose_thresholds(model, x, truth)
    x_new, truth_new = _tables(30, np.random.default_rng(2))
    assert doc_f1(model.decide(x_new)[0], truth_new).tolist() == [1.0, 1.0]
    # the best-unit rule misses the documents whose clause is spread thin
    rule = PresenceModel.fallback(CATS, THR)
    assert doc_f1(rule.decide(x_new)[0], truth_new)[0] < 1.0


def test_presence_falls_back_where_documents_are_few():
    rng = np.random.default_rng(3)
    x, truth = _tables(20, rng)
    truth[:, 1] = False
    truth[0, 1] = True
    model, fell_back = fit_presence(x, truth, THR, CATS)
    assert fell_back == ["governing_law"]
    assert model.weight[1].tolist() == PresenceModel.fallback(CATS, THR).weight[1].tolist()


def test_presence_document_truth():
    class C:
        def __init__(self, present):
            self.present = present

    cats = ["governing_law", "confidentiality"]
    y = np.array([[0, 0], [0, 1], [0, 0]], dtype=np.uint8)
    doc = np.array([0, 0, 1])
    truth = document_truth([C({"governing_law"}), C(set())], y, doc, cats)
    assert truth.tolist() == [[True, True], [False, False]]


def test_presence_doc_f1():
    pred = np.array([[True, False], [True, False], [False, False]])
    truth = np.array([[True, False], [False, False], [True, False]])
    assert doc_f1(pred, truth).tolist() == pytest.approx([0.5, 1.0])
