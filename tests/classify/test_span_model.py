"""The span model: candidate features on hand-made candidates, the tree arrays, loading."""

from __future__ import annotations

import json

import numpy as np
import pytest

from analyzer.classify.span_model import (
    EARLIER_FEATURES,
    FEATURES,
    Candidate,
    SpanModel,
    TreeEnsemble,
    candidate_features,
)

TEXT = "1. Governing Law. This Agreement is governed by the laws of New York. Notices go to the addresses above."


def _col(name):
    return FEATURES.index(name)


def test_candidate_features_on_hand_made_candidates():
    law = TEXT.index("This Agreement")
    items = [Candidate(law, TEXT.index(" Notices"), 0.9),
             Candidate(0, TEXT.index(" Notices"), 0.9, "run", 2),
             Candidate(TEXT.index("Notices"), len(TEXT), 0.2, "part", 2),
             Candidate(0, 17, 0.05, "entity")]
    x = candidate_features(TEXT, items, presence=0.8, threshold=0.5, best=0.9, prior=(np.log(10.0), 0.6, 1.5))
    assert x.shape == (4, len(FEATURES))
    assert list(x[:, _col("rank")]) == [0, 0, 2, 3]  # equal probabilities share the first rank
    assert (x[:, _col("n_flagged")] == 2).all()
    assert x[0, _col("margin")] == pytest.approx(np.log(9) - 0.0)  # logit(0.9) - logit(0.5)
    assert x[0, _col("below_best")] == pytest.approx(0.0) and x[2, _col("below_best")] < 0
    assert x[0, _col("logit_presence")] == pytest.approx(np.log(4))
    assert [list(r) for r in x[:, [_col(k) for k in ("single", "run", "part", "entity")]]] == \
        [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]
    assert list(x[:, _col("run_units")]) == [1, 2, 2, 1]
    words = len(TEXT[items[0].start:items[0].end].split())  # 11 words against a typical 10
    assert x[0, _col("log_words_vs_typical")] == pytest.approx(np.log1p(words) - np.log(10.0))
    assert x[0, _col("position")] == pytest.approx(law / len(TEXT)) and x[3, _col("position")] == 0
    assert candidate_features(TEXT, [], 0.5, 0.5, 0.5, (1.0, 0.5, 1.0)).shape == (0, len(FEATURES))
    assert (x[:, _col("wording")] == -1).all()  # no category given: no cue to read


def test_candidate_wording_feature_reads_the_span_text():
    law, notices = TEXT.index("This Agreement"), TEXT.index("Notices")
    items = [Candidate(law, notices - 1, 0.6), Candidate(notices, len(TEXT), 0.3)]
    x = candidate_features(TEXT, items, 0.8, 0.5, 0.6, (np.log(10.0), 0.6, 1.5), "governing_law")
    assert list(x[:, _col("wording")]) == [1.0, 0.0]  # "governed by" in the first span only
    other = candidate_features(TEXT, items, 0.8, 0.5, 0.6, (np.log(10.0), 0.6, 1.5), "parties")
    assert list(other[:, _col("wording")]) == [-1.0, -1.0]  # parties have no cue
    assert np.array_equal(x[:, :_col("wording")], other[:, :_col("wording")])


def _two_trees() -> TreeEnsemble:
    # tree 0: x0 <= 0.5 ? -1 : (x1 <= 2 ? 0.5 : 1.5); tree 1: a single leaf of 0.25
    return TreeEnsemble(feature=[0, -1, 1, -1, -1, -1], threshold=[0.5, 0, 2.0, 0, 0, 0],
                        left=[1, -1, 3, -1, -1, -1], right=[2, -1, 4, -1, -1, -1],
                        value=[0, -1.0, 0, 0.5, 1.5, 0.25], roots=[0, 5], base=-0.5)


def test_tree_ensemble_walks_hand_made_trees():
    trees = _two_trees()
    x = np.array([[0.0, 9.0], [0.5, 0.0], [1.0, 2.0], [1.0, 3.0]])
    assert trees.logits(x) == pytest.approx([-1.25, -1.25, 0.25, 1.25])
    assert trees.probabilities(x) == pytest.approx(1 / (1 + np.exp(-np.array([-1.25, -1.25, 0.25, 1.25]))))
    assert trees.logits(np.zeros((0, 2))).shape == (0,)


def test_tree_ensemble_rejects_arrays_that_point_outside():
    with pytest.raises(ValueError, match="outside"):
        TreeEnsemble(feature=[0, -1], threshold=[0.5, 0], left=[1, -1], right=[7, -1], value=[0, 1], roots=[0], base=0)
    with pytest.raises(ValueError, match="length"):
        TreeEnsemble(feature=[0, -1], threshold=[0.5], left=[1, -1], right=[1, -1], value=[0, 1], roots=[0], base=0)


def test_exported_trees_reproduce_scikit_learn():
    from analyzer.training.span_model import fit_trees

    rng = np.random.default_rng(0)
    x = rng.normal(size=(600, len(FEATURES)))
    y = (x[:, 0] + 0.5 * x[:, 3] * x[:, 5] + rng.normal(scale=0.5, size=600)) > 0.3
    trees = fit_trees(x, y)  # raises when the arrays and scikit-learn disagree
    fresh = rng.normal(size=(200, len(FEATURES)))
    from sklearn.ensemble import GradientBoostingClassifier

    from analyzer.training import span_model as T

    ref = GradientBoostingClassifier(n_estimators=T.TREES, learning_rate=T.LEARNING_RATE, max_leaf_nodes=T.LEAVES,
                                     min_samples_leaf=T.MIN_LEAF, random_state=0).fit(x, y)
    assert trees.probabilities(fresh) == pytest.approx(ref.predict_proba(fresh)[:, 1], abs=1e-9)


def test_span_model_loads_from_arrays_and_config(tmp_path):
    trees = _two_trees()
    np.savez(tmp_path / "spans.npz", **trees.to_arrays())
    config = {"features": list(FEATURES), "base": trees.base, "priors": {"governing_law": [2.0, 0.9, 1.0]}}
    model = SpanModel.load(tmp_path, json.loads(json.dumps(config)))
    assert model.covers("governing_law") and not model.covers("parties")
    conf = model.confidences(TEXT, "governing_law", [Candidate(0, 20, 0.9)], presence=0.9, threshold=0.5, best=0.9)
    assert conf.shape == (1,) and 0 < conf[0] < 1
    with pytest.raises(ValueError, match="features"):
        SpanModel.load(tmp_path, {**config, "features": ["logit_p"]})
    # an artifact trained before the wording feature loads; its trees never read that column
    earlier = SpanModel.load(tmp_path, {**config, "features": list(EARLIER_FEATURES)})
    assert earlier.confidences(TEXT, "governing_law", [Candidate(0, 20, 0.9)], 0.9, 0.5, 0.9) == pytest.approx(conf)
    with pytest.raises(ValueError, match="priors"):
        SpanModel.load(tmp_path, {**config, "priors": {"governing_law": [1.0]}})
