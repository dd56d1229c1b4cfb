"""Shared scoring of the presence studies (``presence_doc_model.py``, ``presence_fused_feature.py``).

A variant is a score per (document, category) for the train contracts (out of fold) and the
validation contracts. Each category's threshold is its document-F1 optimum; two readings:

- thresholds from the train scores pooled with all of validation, scored on validation;
- the mean over random halves of validation (thresholds from the train pool + one half,
  scored on the other half).
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

NAMED = ["license_grant", "ip_ownership_assignment", "cap_on_liability", "anti_assignment", "change_of_control",
         "governing_law", "termination_for_convenience"]


def study_args(doc: str, argv=None):
    """The options every presence study takes: ``--cuad``, ``--model`` and ``--repeats`` (of the
    train cross-validation)."""
    import argparse
    from pathlib import Path

    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--cuad", type=Path, required=True)
    ap.add_argument("--model", type=Path, default=Path(__file__).resolve().parents[1] / "models" / "clause_model")
    ap.add_argument("--repeats", type=int, default=3)
    return ap.parse_args(argv)


def f1_thresholds(scores, truth):
    """Per category (column), the document-F1 optimum of ``scores`` against ``truth``."""
    from analyzer.evaluation.metrics import best_f1_threshold

    return np.array([best_f1_threshold(scores[:, j], truth[:, j]) for j in range(truth.shape[1])])


def logit(p):
    p = np.clip(p, 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


def load(cuad, model_dir) -> SimpleNamespace:
    """The train and validation splits with what every presence study reads: the stage 1 artifact
    (``clf``), its categories and unit thresholds (and the columns of the mission and CUAD categories), the train units' out-of-fold stage 1 logits and
    probabilities, both splits' presence features and document truth."""
    from analyzer.classify import agreement_type as atype
    from analyzer.classify.classifier import Classifier
    from analyzer.core.settings import split_path
    from analyzer.core.taxonomy import CUAD_CATEGORIES, MISSION_CATEGORIES
    from analyzer.evaluation.cuad_data import load_split
    from analyzer.training import presence as P
    from analyzer.training.dataset import build_split, data_hashes
    from analyzer.training.run import HANDWRITTEN

    data = data_hashes(cuad, split_path(), HANDWRITTEN)
    split = load_split()
    d = SimpleNamespace()
    d.tr = build_split(cuad, split["train"], drop_heading=True, data_hash=data["all"])
    d.va = build_split(cuad, split["val"], drop_heading=False, data_hash=data["all"])
    d.clf = Classifier(model_dir, use_encoder=False)
    d.cats, d.thr = d.clf.model.categories, d.clf.tfidf_thresholds
    d.mi = [list(d.cats).index(c) for c in MISSION_CATEGORIES]  # columns of the mission categories
    d.ci = [list(d.cats).index(c) for c in CUAD_CATEGORIES]
    C_unit = float((d.clf.config.get("training") or {}).get("C", 16.0))
    d.z_tr, heads = P.oof_logits(d.tr, HANDWRITTEN, C_unit, data["all"])
    d.p_tr = d.clf.model.calibrate(d.z_tr)
    d.z_va = d.clf.model.logits(d.va["fields"])
    d.p_va = d.clf.model.calibrate(d.z_va)
    types_tr = [atype.detect(d.clf.type_model, c.text).label for c in d.tr["contracts"]]
    types_va = [atype.detect(d.clf.type_model, c.text).label for c in d.va["contracts"]]
    d.x_tr = P.features_by_doc(d.p_tr, heads, d.tr["doc"], types_tr, d.thr, d.cats, d.tr["fields"]["text"])
    d.x_va = P.features_by_doc(d.p_va, d.va["fields"]["head"], d.va["doc"], types_va, d.thr, d.cats,
                               d.va["fields"]["text"])
    d.t_tr = P.document_truth(d.tr["contracts"], d.tr["y"], d.tr["doc"], d.cats)
    d.t_va = P.document_truth(d.va["contracts"], d.va["y"], d.va["doc"], d.cats)
    return d


def regression_scores(d):
    """A ``fit_score`` for ``readings``: the shipped per-category presence regressions, over whatever
    feature columns the variant passes (``with_column`` adds one)."""
    from analyzer.training.presence import fit_presence

    def fit_score(x_fit, t_fit, xs):
        model, _ = fit_presence(x_fit, t_fit, d.thr, list(d.cats))
        return [model.probabilities(x) for x in xs]

    return fit_score


def with_column(x, column):
    """Presence features ``x`` (documents x categories x features) with one more feature,
    ``column`` (documents x categories)."""
    return np.concatenate([x, np.asarray(column, dtype=x.dtype)[:, :, None]], 2)


def readings(d, fit_score, x_tr, x_va, repeats: int):
    """Document F1 per category of one presence variant, read two ways: on validation (fitted on the
    train contracts' out-of-fold features ``x_tr``, thresholds from those pooled with validation, as
    ``clause-analyzer train --stage presence`` does), and in 4-fold cross-validation over the train
    contracts (``repeats`` seeded repeats; each fold decided by a model fitted on the other three,
    thresholds from those pooled with validation). ``fit_score(x_fit, t_fit, xs)`` fits the variant
    on ``x_fit`` / ``t_fit`` and returns its scores of each array in ``xs``."""
    from analyzer.training.presence import doc_f1

    s_tr, s_va = fit_score(x_tr, d.t_tr, [x_tr, x_va])
    f_val = doc_f1(s_va >= f1_thresholds(np.concatenate([s_tr, s_va]), np.concatenate([d.t_tr, d.t_va])), d.t_va)
    per_repeat = []
    for rep in range(repeats):
        fold = np.random.default_rng(rep).permutation(len(d.t_tr)) % 4
        pred = np.zeros_like(d.t_tr)
        for k in range(4):
            a, b = fold != k, fold == k
            sa, sv, sb = fit_score(x_tr[a], d.t_tr[a], [x_tr[a], x_va, x_tr[b]])
            pred[b] = sb >= f1_thresholds(np.concatenate([sa, sv]), np.concatenate([d.t_tr[a], d.t_va]))
        per_repeat.append(doc_f1(pred, d.t_tr))
    return f_val, np.mean(per_repeat, 0)


def print_readings(d, rows: dict) -> None:
    """``readings`` of each variant (name -> (validation F1, cross-validation F1)) as Markdown: macro
    over the mission and CUAD 41 categories, then each mission category in cross-validation."""
    from analyzer.core.taxonomy import MISSION_CATEGORIES

    print("| variant | val mission | val CUAD 41 | train CV mission | train CV CUAD 41 |")
    print("|---|---|---|---|---|")
    for name, (f_val, f_cv) in rows.items():
        print(f"| {name} | {f_val[d.mi].mean():.3f} | {f_val[d.ci].mean():.3f} | {f_cv[d.mi].mean():.3f} | "
              f"{f_cv[d.ci].mean():.3f} |")
    print("\n| mission category (train CV) | train documents with it | " + " | ".join(rows) + " |")
    print("|---|---|" + "---|" * len(rows))
    for c in MISSION_CATEGORIES:
        j = list(d.cats).index(c)
        print(f"| {c} | {int(d.t_tr[:, j].sum())} | " + " | ".join(f"{f_cv[j]:.3f}" for _, f_cv in rows.values()) + " |")


class VariantTable:
    """Prints one Markdown row per variant: validation and halves macro-F1 (mission, CUAD 41) and the
    named categories' validation F1."""

    def __init__(self, t_tr, t_va, cats, halves: int = 20):
        from analyzer.core.taxonomy import CUAD_CATEGORIES, MISSION_CATEGORIES

        self.t_tr, self.t_va, self.cats, self.halves = t_tr, t_va, list(cats), halves
        self.mi = [self.cats.index(c) for c in MISSION_CATEGORIES]
        self.ci = [self.cats.index(c) for c in CUAD_CATEGORIES]

    def header(self) -> None:
        print("| variant | val mission | val CUAD 41 | halves mission | halves CUAD 41 | " + " ".join(NAMED) + " |")

    @staticmethod
    def _f1_at_pooled(s_pool, t_pool, s_eval, t_eval):
        from analyzer.training.presence import doc_f1

        return doc_f1(s_eval >= f1_thresholds(s_pool, t_pool), t_eval)

    def row(self, name, s_tr, s_va) -> None:
        t_tr, t_va = self.t_tr, self.t_va
        f = self._f1_at_pooled(np.concatenate([s_tr, s_va]), np.concatenate([t_tr, t_va]), s_va, t_va)
        rng = np.random.default_rng(0)
        hm, hc = [], []
        for _ in range(self.halves):
            perm = rng.permutation(len(t_va))
            a, b = perm[: len(t_va) // 2], perm[len(t_va) // 2:]
            g = self._f1_at_pooled(np.concatenate([s_tr, s_va[a]]), np.concatenate([t_tr, t_va[a]]), s_va[b], t_va[b])
            hm.append(g[self.mi].mean())
            hc.append(g[self.ci].mean())
        named = " ".join(f"{f[self.cats.index(c)]:.2f}" for c in NAMED)
        print(f"| {name} | {f[self.mi].mean():.3f} | {f[self.ci].mean():.3f} | {np.mean(hm):.3f} | {np.mean(hc):.3f} "
              f"| {named} |", flush=True)

    def current(self, x_tr, x_va, unit_thresholds):
        """Fit the shipped presence regression on ``x_tr``, print its row and keep its scores
        (``s_tr``, ``s_va``) and the categories it leaves to the unit rule (``fallback``)."""
        from analyzer.training.presence import fit_presence

        self.x_tr, self.x_va, self.unit_thresholds = x_tr, x_va, unit_thresholds
        model, fell_back = fit_presence(x_tr, self.t_tr, unit_thresholds, self.cats)
        self.s_tr, self.s_va = model.probabilities(x_tr), model.probabilities(x_va)
        self.fallback = [self.cats.index(c) for c in fell_back]
        self.row("current", self.s_tr, self.s_va)

    def keep_fallback(self, s_tr, s_va):
        """``s_tr``, ``s_va`` with the fallback categories' current scores."""
        s_tr, s_va = s_tr.copy(), s_va.copy()
        s_tr[:, self.fallback], s_va[:, self.fallback] = self.s_tr[:, self.fallback], self.s_va[:, self.fallback]
        return s_tr, s_va

    def with_feature(self, name, extra_tr, extra_va, C) -> None:
        """The presence regression refitted per category with one more feature (``extra``,
        documents x categories) at ``C``, printed as a row."""
        from analyzer.training.presence import fit_presence

        xo, xq = with_column(self.x_tr, extra_tr), with_column(self.x_va, extra_va)
        model, _ = fit_presence(xo, self.t_tr, self.unit_thresholds, self.cats, C=C)
        self.row(name, model.probabilities(xo), model.probabilities(xq))
