"""The CUAD span metric and document-level metrics on small cases computed by hand."""

from __future__ import annotations

import numpy as np
import pytest

from analyzer.evaluation.metrics import (
    THRESHOLDS,
    aupr,
    best_f1_threshold,
    bootstrap_cuad_scores,
    bootstrap_macro_f1,
    cuad_scores,
    curve,
    expected_calibration_error,
    jaccard,
    monotone,
    precision_at_recall,
    precision_recall,
    prf,
)


@pytest.mark.parametrize("gt, pred, expected", [
    ("The Licensee, shall pay.", "the licensee shall pay", 1.0),
    ("a/b", "a b", 1.0),
    ("the licensee shall pay", "the licensee shall pay royalties", 0.8),
    ("governed by the laws of Delaware", "confidential information", 0.0),
])
def test_evaluate_jaccard_words(gt, pred, expected):
    assert jaccard(gt, pred) == pytest.approx(expected)


def test_evaluate_single_match_gives_perfect_scores():
    gts = {("c1", "governing_law"): ["the licensee shall pay"]}
    preds = {("c1", "governing_law"): [("the licensee shall pay royalties", 0.9)]}
    s = cuad_scores(gts, preds)
    assert s["aupr"] == pytest.approx(1.0)
    assert s["p_at_80r"] == pytest.approx(1.0)


def test_evaluate_curve_by_hand():
    # answers A and B; predictions: A-match 0.8, wrong 0.6, B-match 0.4
    gts = {("c1", "x"): ["alpha beta gamma", "delta epsilon zeta"]}
    preds = {("c1", "x"): [("alpha beta gamma", 0.8), ("unrelated words here", 0.6), ("delta epsilon zeta", 0.4)]}
    p, r = curve(gts, preds)
    assert (p[0], r[0]) == (1.0, 0.0)
    # threshold 0.7: only the first prediction is kept
    assert precision_recall(gts, preds, 0.7, set())[:2] == (1.0, 0.5)
    # threshold 0.5: one tp, one fp -> precision 1/2
    assert precision_recall(gts, preds, 0.5, set())[:2] == (0.5, 0.5)
    # threshold 0: both answers matched, one fp -> 2/3
    assert precision_recall(gts, preds, 0.0, set())[:2] == pytest.approx((2 / 3, 1.0))
    # area: 0.5 * 1 (recall 0 -> 0.5 at precision 1) + 0.5 * 2/3 (recall 0.5 -> 1 at monotone 2/3)
    assert aupr(p, r) == pytest.approx(0.5 + 1 / 3)
    s = cuad_scores(gts, preds)
    assert s["p_at_80r"] == pytest.approx(2 / 3) and s["p_at_90r"] == pytest.approx(2 / 3)


def test_evaluate_prediction_without_answer_is_false_positive():
    gts = {("c1", "x"): ["alpha beta"], ("c2", "x"): []}
    preds = {("c1", "x"): [("alpha beta", 0.9)], ("c2", "x"): [("anything", 0.95)]}
    assert precision_recall(gts, preds, 0.5, set())[2:] == (1, 1, 0)
    # the fp ranks first: at threshold 0.92 precision is 0, then 1/2 with recall 1
    assert cuad_scores(gts, preds)["aupr"] == pytest.approx(0.5)


def test_evaluate_parties_match_by_substring():
    gts = {("c1", "parties"): ["Acme Inc."]}
    preds = {("c1", "parties"): [("This Agreement is made between Acme Inc. and Beta LLC", 0.9)]}
    assert cuad_scores(gts, preds, substring_keys={("c1", "parties")})["aupr"] == pytest.approx(1.0)
    assert cuad_scores(gts, preds)["aupr"] == pytest.approx(0.0)


def test_evaluate_monotone_and_precision_at_recall():
    assert monotone([1.0, 0.5, 0.8, 0.2]) == [1.0, 0.8, 0.8, 0.2]
    assert precision_at_recall([1.0, 0.5, 0.8, 0.2], [0.0, 0.5, 0.85, 1.0], 0.8) == 0.8
    assert precision_at_recall([1.0, 0.5], [0.0, 0.5], 0.8) == 0.0


def test_evaluate_document_prf():
    pred = np.array([True, True, False, False])
    truth = np.array([True, False, True, False])
    assert prf(pred, truth) == pytest.approx((0.5, 0.5, 0.5))


def test_evaluate_calibration_error():
    assert expected_calibration_error(np.array([0.2] * 5), np.array([1, 0, 0, 0, 0])) == pytest.approx(0.0)
    assert expected_calibration_error(np.array([0.9, 0.9]), np.array([0, 0])) == pytest.approx(0.9)


def test_evaluate_best_f1_threshold_separates():
    p = np.array([0.9, 0.8, 0.3, 0.1])
    y = np.array([1, 1, 0, 0])
    t = best_f1_threshold(p, y)
    assert 0.3 < t < 0.8


def test_evaluate_curve_matches_threshold_by_threshold_counting():
    rng = np.random.default_rng(3)
    words = "alpha beta gamma delta epsilon zeta eta theta".split()

    def sentence():
        return " ".join(rng.choice(words, size=int(rng.integers(1, 5)), replace=False))

    gts = {(f"c{k}", cat): [sentence() for _ in range(int(rng.integers(0, 3)))] for k in range(6) for cat in "xy"}
    preds = {key: [(sentence(), float(rng.random())) for _ in range(int(rng.integers(0, 4)))] for key in gts}
    p, r = curve(gts, preds)
    for thr in (0.99, 0.5, 0.0):
        j = 1 + THRESHOLDS.index(thr)  # after the (precision 1, recall 0) start
        pr = precision_recall(gts, preds, thr, set())
        assert r[j] == pytest.approx(pr[1])
        if pr[2] + pr[3]:
            assert p[j] == pytest.approx(pr[0])


def test_evaluate_bootstrap_interval_brackets_the_score_and_is_reproducible():
    gts = {(f"c{k}", "x"): ["alpha beta gamma"] for k in range(20)}
    # half the contracts get the answer at 0.9, the other half a wrong span at 0.8
    preds = {(f"c{k}", "x"): [("alpha beta gamma" if k % 2 else "other words entirely", 0.9 if k % 2 else 0.8)]
             for k in range(20)}
    point = cuad_scores(gts, preds)["aupr"]
    lo, hi = bootstrap_cuad_scores(gts, preds, resamples=300)["aupr"]
    assert lo < point < hi and hi - lo > 0.05
    assert bootstrap_cuad_scores(gts, preds, resamples=300)["aupr"] == (lo, hi)


def test_evaluate_bootstrap_interval_collapses_when_every_contract_is_alike():
    gts = {(f"c{k}", "x"): ["alpha beta gamma"] for k in range(10)}
    preds = {(f"c{k}", "x"): [("alpha beta gamma", 0.9)] for k in range(10)}
    assert bootstrap_cuad_scores(gts, preds, resamples=50)["aupr"] == pytest.approx((1.0, 1.0))
    truth = np.tile([[True, False]], (10, 1))
    assert bootstrap_macro_f1(truth.copy(), truth, resamples=50) == (1.0, 1.0)


def test_evaluate_bootstrap_macro_f1_spreads_with_errors():
    truth = np.array([[True], [True], [False], [False]] * 5)
    pred = np.array([[True], [False], [True], [False]] * 5)  # P = R = F1 = 0.5
    lo, hi = bootstrap_macro_f1(pred, truth, resamples=500)
    assert lo < 0.5 < hi and lo > 0.1 and hi < 0.9


@pytest.mark.slow
def test_evaluate_run_eval_markdown(cuad_dir):
    from analyzer.evaluation.cuad_eval import run_eval

    table = run_eval(cuad_dir, split="test", baseline=False, limit=2)
    assert "| AUPR CUAD 41 |" in table and "doc-level macro-F1 mission" in table
    assert "(2 held-out contracts)" in table
    row = next(line for line in table.splitlines() if line.startswith("| AUPR CUAD 41 |"))
    lo, hi = (float(v) for v in row.split("|")[3].split("-"))  # the 95% interval column
    assert 0.0 <= lo <= float(row.split("|")[2]) <= hi <= 1.0
