"""Study: does the fused (stage 1 + MiniLM) best-unit score improve the per-document presence decision?

The shipped presence regression reads stage 1 scores only. Here each document also gets
the best *fused* unit logit per category (stage 1 fused with the encoder head over the
units stage 2 re-scores), as a 16th feature.

To train on it, the train contracts need encoder scores that did not see them: the head
is refitted on the pooled MiniLM vectors of the shipped head's training rows that fall in
three of the four contract folds of ``analyzer.training.presence`` (same epochs and
learning rate, early-stopped on the validation candidates as the shipped head is) and scores the
fourth fold's candidates, chosen by the out-of-fold stage 1 probabilities. Fusion uses
the artifact's per-category weights. Validation documents get the artifact's own head.

Compared on the validation split (document F1; test is never read):

- ``current``: the artifact's presence regression (15 features of the stage 1 scores);
- ``fused best unit``: the fused best-unit logit alone, a document-F1 threshold per category;
- ``current features, C=...``: the 15 features refitted at that C (a constant 16th column), to
  separate the effect of the regularisation from the feature's;
- ``combined``: the presence regression with the fused best-unit logit as a 16th feature.

Readings as in ``presence_doc_model.py``: thresholds from the train out-of-fold scores
pooled with all of validation, and the mean over 20 random halves of validation.

    python benchmarks/presence_fused_feature.py --cuad ../shared/cuad
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.presence_study import VariantTable, load, logit  # noqa: E402


def best_by_doc(probs, doc, n_docs):
    out = np.full((n_docs, probs.shape[1]), 1e-4, dtype=np.float64)
    for k in range(n_docs):
        m = doc == k
        if m.any():
            out[k] = probs[m].max(0)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cuad", type=Path, required=True)
    ap.add_argument("--model", type=Path, default=Path(__file__).resolve().parents[1] / "models" / "clause_model")
    ap.add_argument("--halves", type=int, default=20)
    ap.add_argument("--C", type=float, nargs="+", default=[0.3, 1.0])
    args = ap.parse_args(argv)

    import torch

    from analyzer.classify import encoder_stage as enc
    from analyzer.classify.classifier import Classifier
    from analyzer.classify.features import unit_fields
    from analyzer.training import encoder as E
    from analyzer.training import presence as P

    torch.set_num_threads(2)
    t0 = time.time()
    d = load(args.cuad, args.model)
    tr, va, clf, cats, thr = d.tr, d.va, d.clf, d.cats, d.thr
    t_tr, t_va, x_tr, x_va = d.t_tr, d.t_va, d.x_tr, d.x_va
    z_tr, p_tr, z_va, p_va = d.z_tr, d.p_tr, d.z_va, d.p_va
    ecfg = clf.config["encoder"]
    fusion = np.asarray(ecfg["fusion"], dtype=np.float32)
    per_cat, cap = int(ecfg["per_category"]), int(ecfg["cap"])
    doc = tr["doc"]
    print(f"stage 1 ready ({time.time() - t0:.0f}s)", flush=True)

    tok, base = enc.load_base(enc.base_path(ecfg["base"]))
    max_len = int(ecfg["max_length"])
    all_tr = E.split_pairs(tr)
    shipped_rows = E.training_rows(clf.model.predict_proba(tr["fields"]), tr["y"], doc, np.random.default_rng(0))
    x_shipped = E.pooled(tok, base, [all_tr[i] for i in shipped_rows], max_len, ecfg["base"])  # the shipped head's rows
    vectors = {all_tr[i]: x_shipped[n] for n, i in enumerate(shipped_rows)}
    print(f"pooled train rows {x_shipped.shape} ({time.time() - t0:.0f}s)", flush=True)
    cand_va = E.candidates_by_doc(p_va, va["doc"], thr, per_cat, cap)
    all_va = E.split_pairs(va)
    xv = E.pooled(tok, base, [all_va[i] for i in cand_va], max_len, ecfg["base"])
    yv = va["y"][cand_va].astype(np.float32)

    # validation: the artifact's head on its candidates
    shipped = Classifier(args.model, use_encoder=True).encoder
    with torch.inference_mode():
        ze_va = shipped.top.head(torch.tensor(xv)).numpy()
    f_va = p_va.copy()
    f_va[cand_va] = enc.fuse(z_va[cand_va], ze_va, fusion)

    # train: out-of-fold heads, candidates by the out-of-fold stage 1 probabilities, headings shown
    shown = []
    for c, units in zip(tr["contracts"], tr["units"]):
        f = unit_fields(c.text, units)
        shown += enc.encoder_pairs(c.text, units, f["head"])
    f_tr = p_tr.copy()
    for k in range(P.FOLDS):
        fit = doc[shipped_rows] % P.FOLDS != k
        held = np.flatnonzero(doc % P.FOLDS == k)
        top = enc.build_top(base, len(base.encoder.layer), len(cats), int(ecfg.get("head_hidden", 256)))
        E.train_head(top, x_shipped[fit], tr["y"][shipped_rows[fit]].astype(np.float32), xv, yv, 100, 2e-3, seed=0)
        cand = held[E.candidates_by_doc(p_tr[held], doc[held], thr, per_cat, cap)]
        new = [shown[i] for i in cand if shown[i] not in vectors]
        if new:
            vectors.update(zip(new, E.pooled(tok, base, new, max_len, ecfg["base"])))
        xc = np.stack([vectors[shown[i]] for i in cand])
        top.eval()
        with torch.inference_mode():
            ze = top.head(torch.tensor(xc)).numpy()
        f_tr[cand] = enc.fuse(z_tr[cand], ze, fusion)
        print(f"fold {k + 1}/{P.FOLDS}: {int(fit.sum())} head rows, {len(cand)} candidates, {len(new)} newly encoded ({time.time() - t0:.0f}s)",
              flush=True)

    b_tr = logit(best_by_doc(f_tr, doc, len(t_tr)))
    b_va = logit(best_by_doc(f_va, va["doc"], len(t_va)))
    table = VariantTable(t_tr, t_va, cats, args.halves)
    table.header()
    table.current(x_tr, x_va, thr)
    table.row("fused best unit alone", b_tr, b_va)
    zeros_tr, zeros_va = np.zeros_like(b_tr), np.zeros_like(b_va)  # a constant column: the 15 features alone
    for C in args.C:
        table.with_feature(f"current features, C={C:g}", zeros_tr, zeros_va, C)
    for C in args.C:
        table.with_feature(f"combined, C={C:g}", b_tr, b_va, C)
    print(f"({time.time() - t0:.0f}s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
