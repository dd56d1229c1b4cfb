"""``clause-analyzer eval``: score the classifier on held-out CUAD contracts.

Reports, side by side with a TF-IDF + logistic-regression sentence baseline:
the CUAD span metric (AUPR, precision at 80%/90% recall) over the 41 CUAD
categories, over the mission categories and over the non-entity categories;
document-level precision/recall/F1 per mission category (thresholds chosen on
the validation split); recall on the licensing/JV categories (distant labels,
with and without headings); calibration (ECE, Brier).
"""

from __future__ import annotations

import hashlib
import pickle
import time
from pathlib import Path

import numpy as np

from analyzer.classify.features import HeadingIndex
from analyzer.classify.units import document_units
from analyzer.core.settings import CHECKOUT_DIR, work_dir
from analyzer.core.taxonomy import (
    CUAD_CATEGORIES,
    ENTITY_CATEGORIES,
    LICENSING_JV_CATEGORIES,
    MISSION_CATEGORIES,
)
from analyzer.evaluation.cuad_data import load_contracts, load_split, unit_labels
from analyzer.evaluation.metrics import (
    best_f1_threshold,
    bootstrap_cuad_scores,
    bootstrap_macro_f1,
    cuad_scores,
    expected_calibration_error,
    prf,
)

BASELINE_TOP = 20  # baseline candidates per (contract, category), like CUAD's n-best
RESAMPLES = 1000  # contract resamples behind each 95% interval


NAMED_DOC_CATEGORIES = ["license_grant", "ip_ownership_assignment", "cap_on_liability", "anti_assignment",
                        "change_of_control", "governing_law", "termination_for_convenience"]


def _ours(clf, contracts, with_entities: bool):
    """Predictions of the classifier: span candidates, document decisions, unit probabilities.

    Document decisions are (present, best unit >= its threshold) per contract and category:
    the classifier's document-level decision and the older rule, for comparison."""
    from analyzer.classify import agreement_type as atype

    preds, preds_ent, doc_scores, unit_p, unit_y, ljv = {}, {}, [], [], [], []
    nlp_error = None
    for c in contracts:
        scores = clf.score(c.text, units=document_units(c.text))
        units, probs = scores.units, scores.probs
        present, conf = clf.presence_probabilities(scores, atype.detect(clf.type_model, c.text).label)
        found = clf.evidence(c.text, scores, conf, all_candidates=True)
        for cat in CUAD_CATEGORIES:
            preds[(c.name, cat)] = [(c.text[ev.start:ev.end], ev.confidence) for ev in found.get(cat, [])]
        if with_entities and nlp_error is None:
            try:
                found = clf.evidence(c.text, scores, conf, entities=_entities(c), all_candidates=True)
                for cat in ENTITY_CATEGORIES:
                    preds_ent[(c.name, cat)] = [(c.text[ev.start:ev.end], ev.confidence) for ev in found.get(cat, [])]
            except Exception as exc:  # the extractor is optional here
                nlp_error = f"{type(exc).__name__}: {exc}".splitlines()[0][:120]
        best = probs.max(0) if len(probs) else np.zeros(len(clf.model.categories))
        doc_scores.append((present, best >= np.array([clf.thresholds[k] for k in clf.model.categories])))
        index = HeadingIndex(c.text)
        y = unit_labels(c, units, [index.context(s) for s, _ in units])
        unit_p.append(probs)
        unit_y.append(y)
        p_nohead = clf.unit_probabilities(c.text, units=units, hide_headings=True)[1] if units else probs
        ljv.append((probs, p_nohead, y))
    decisions = np.array([d for d, _ in doc_scores]), np.array([r for _, r in doc_scores])
    return preds, preds_ent, decisions, np.concatenate(unit_p), np.concatenate(unit_y), ljv, nlp_error


def _spans_and_decisions(clf, contracts):
    """Span candidates and document decisions of another artifact (the previous model), as that
    model produced them, and the best-unit rule when the artifact has no presence model."""
    from analyzer.classify import agreement_type as atype

    preds, decisions = {}, []
    for c in contracts:
        scores = clf.score(c.text, units=document_units(c.text))
        present, conf = clf.presence_probabilities(scores, atype.detect(clf.type_model, c.text).label)
        found = clf.evidence(c.text, scores, conf, all_candidates=True)
        for cat in CUAD_CATEGORIES:
            preds[(c.name, cat)] = [(c.text[ev.start:ev.end], ev.confidence) for ev in found.get(cat, [])]
        decisions.append(present)
    return preds, np.array(decisions)


def _entities(contract):
    """Entities from the project's extractor (segment + run_nlp) on the contract text."""
    from analyzer.core.schema import Format, SourceDocument
    from analyzer.nlp import run_nlp
    from analyzer.structure.segment import segment

    doc = SourceDocument(source=contract.name + ".txt", format=Format.TXT,
                         sha256=hashlib.sha256(contract.text.encode()).hexdigest(), text=contract.text)
    clauses = segment(doc)
    return run_nlp(doc, clauses).entities


def _baseline(cuad_dir, split, contracts):
    from analyzer.evaluation.baseline import Baseline, sentence_table

    key = hashlib.sha256("|".join(split["train"] + split["val"]).encode()).hexdigest()[:10]
    cache = work_dir() / f"baseline_{key}.pkl"
    if cache.exists():
        base, thr = pickle.loads(cache.read_bytes())
    else:
        rows, y, _ = sentence_table(load_contracts(cuad_dir, split["train"]), CUAD_CATEGORIES)
        base = Baseline(CUAD_CATEGORIES).fit([r[3] for r in rows], y)
        val = load_contracts(cuad_dir, split["val"])
        vrows, _, vdocs = sentence_table(val, CUAD_CATEGORIES)
        vp = base.predict_proba([r[3] for r in vrows])
        vdoc = np.array([vp[vdocs == k].max(0) if (vdocs == k).any() else np.zeros(len(CUAD_CATEGORIES))
                         for k in range(len(val))])
        truth = np.array([[cat in c.present for cat in CUAD_CATEGORIES] for c in val])
        thr = [best_f1_threshold(vdoc[:, j], truth[:, j]) for j in range(len(CUAD_CATEGORIES))]
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_bytes(pickle.dumps((base, thr)))
    rows, _, docs = sentence_table(contracts, CUAD_CATEGORIES)
    p = base.predict_proba([r[3] for r in rows])
    preds, doc_scores = {}, []
    for k, c in enumerate(contracts):
        m = np.flatnonzero(docs == k)
        doc_scores.append(p[m].max(0) if len(m) else np.zeros(len(CUAD_CATEGORIES)))
        for j, cat in enumerate(CUAD_CATEGORIES):
            top = m[np.argsort(-p[m, j])[:BASELINE_TOP]]
            preds[(c.name, cat)] = [(c.text[rows[i][1]:rows[i][2]], float(p[i, j])) for i in top if p[i, j] >= 0.01]
    return preds, np.array(doc_scores), thr


def _gts(contracts, cats):
    return {(c.name, cat): [t for _, _, t in c.spans.get(cat, [])] for c in contracts for cat in cats}


def _subset(d, cats):
    cats = set(cats)
    return {k: v for k, v in d.items() if k[1] in cats}


def _doc_table(decisions, contracts, cats, col_index):
    """(precision, recall, F1, n) per category of boolean document ``decisions``."""
    out = {}
    for cat in cats:
        j = col_index[cat]
        truth = np.array([cat in c.present for c in contracts])
        out[cat] = prf(decisions[:, j], truth) + (int(truth.sum()),)
    return out


def _samples_section(clf) -> list[str]:
    """Licensing/JV recall on the project's sample agreements (samples/*.txt), by their headings."""
    from analyzer.evaluation.heading_labels import distant_labels

    paths = sorted((CHECKOUT_DIR / "samples").glob("*.txt"))
    pos = np.zeros(len(clf.model.categories))
    hit, hit_nh = pos.copy(), pos.copy()
    thr = np.array([clf.thresholds[c] for c in clf.model.categories])
    for path in paths:
        text = path.read_text(encoding="utf-8")
        units, probs = clf.unit_probabilities(text, units=document_units(text))
        if not units:
            continue
        p_nh = clf.unit_probabilities(text, units=units, hide_headings=True)[1]
        index = HeadingIndex(text)
        for i, (s, e) in enumerate(units):
            for cat in distant_labels(index.context(s), text[s:e]):
                j = clf.model.categories.index(cat)
                pos[j] += 1
                hit[j] += probs[i, j] >= thr[j]
                hit_nh[j] += p_nh[i, j] >= thr[j]
    js = [clf.model.categories.index(c) for c in LICENSING_JV_CATEGORIES if pos[clf.model.categories.index(c)]]
    if not js:
        return []
    r, rn = hit[js] / pos[js], hit_nh[js] / pos[js]
    return ["", f"Licensing/JV recall on {len(paths)} project sample agreements (samples/*.txt, labelled by their "
            f"headings, {len(js)} categories, {int(pos[js].sum())} units): macro {r.mean():.2f} / micro "
            f"{hit[js].sum() / pos[js].sum():.2f}; headings hidden: macro {rn.mean():.2f} / micro "
            f"{hit_nh[js].sum() / pos[js].sum():.2f}."]


def run_eval(cuad_dir: Path, split: str = "test", baseline: bool = True, limit: int | None = None,
             previous: Path | None = None) -> str:
    """Markdown report of the classifier (and the baseline, and the artifact at ``previous``)
    on one split of ``models/split.json``."""
    from analyzer.classify.classifier import Classifier, get_classifier

    t0 = time.time()
    splits = load_split()
    names = splits[split][:limit] if limit else splits[split]
    contracts = load_contracts(Path(cuad_dir), names)
    clf = get_classifier()
    preds, preds_ent, doc_scores, unit_p, unit_y, ljv, nlp_error = _ours(clf, contracts, with_entities=True)
    gts = _gts(contracts, CUAD_CATEGORIES)
    sub = {k for k in gts if k[1] == "parties"}
    non_entity = [c for c in CUAD_CATEGORIES if c not in ENTITY_CATEGORIES]
    rows = [("CUAD 41", CUAD_CATEGORIES), ("mission (17)", MISSION_CATEGORIES), ("non-entity (37)", non_entity),
            ("entity (4)", ENTITY_CATEGORIES)]
    ours = {n: cuad_scores(_subset(gts, cs), _subset(preds, cs), sub) for n, cs in rows}
    spread = {n: bootstrap_cuad_scores(_subset(gts, cs), _subset(preds, cs), sub, resamples=RESAMPLES)
              for n, cs in rows[:2]}
    cat_index = {c: i for i, c in enumerate(clf.model.categories)}
    ours_doc = _doc_table(doc_scores[0], contracts, CUAD_CATEGORIES, cat_index)
    ours_rule = _doc_table(doc_scores[1], contracts, CUAD_CATEGORIES, cat_index)
    base, base_doc, prev, prev_doc, prev_version = None, None, None, None, None
    if previous is not None:
        pclf = Classifier(Path(previous))
        prev_version = pclf.version
        ppreds, pdec = _spans_and_decisions(pclf, contracts)
        prev = {n: cuad_scores(_subset(gts, cs), _subset(ppreds, cs), sub) for n, cs in rows}
        prev_doc = _doc_table(pdec, contracts, CUAD_CATEGORIES, {c: i for i, c in enumerate(pclf.model.categories)})
    if baseline:
        bpreds, bscores, bthr = _baseline(Path(cuad_dir), splits, contracts)
        base = {n: cuad_scores(_subset(gts, cs), _subset(bpreds, cs), sub) for n, cs in rows}
        base_doc = _doc_table(bscores >= np.array(bthr), contracts, CUAD_CATEGORIES,
                              {c: i for i, c in enumerate(CUAD_CATEGORIES)})

    prev_head = f"previous (`{prev_version}`)" if prev_version else "previous"
    lines = [f"## Clause classifier on CUAD `{split}` split ({len(contracts)} held-out contracts)", "",
             (f"Model `{clf.version}`. Span metric: word Jaccard >= 0.5, thresholds 0.99 -> 0, pooled over "
              "(contract, category) pairs. Document level: the model's per-document decision. The interval is "
              f"the 2.5th-97.5th percentile of ours over {RESAMPLES} resamples of the contracts (with replacement)."),
             "", f"| metric | ours | ours, 95% interval | {prev_head} | baseline (TF-IDF + LR sentences) |",
             "|---|---|---|---|---|"]

    def fmt(v):
        return "-" if v is None else f"{v:.3f}"

    def interval(lo_hi):
        return "-" if lo_hi is None else f"{lo_hi[0]:.3f}-{lo_hi[1]:.3f}"

    for n, _ in rows:
        for m, label in (("aupr", "AUPR"), ("p_at_80r", "P@80%R"), ("p_at_90r", "P@90%R")):
            if m != "aupr" and n not in ("CUAD 41", "mission (17)"):
                continue
            lines.append(f"| {label} {n} | {fmt(ours[n][m])} | {interval(spread[n][m] if n in spread else None)} | "
                         f"{fmt(prev[n][m] if prev else None)} | {fmt(base[n][m] if base else None)} |")

    def macro(table, cs):
        return float(np.mean([table[c][2] for c in cs])) if table else None

    def doc_interval(cs):
        cols = [cat_index[c] for c in cs]
        truth = np.array([[c in k.present for c in cs] for k in contracts])
        return bootstrap_macro_f1(doc_scores[0][:, cols], truth, resamples=RESAMPLES)

    for n, cs in (("mission (17)", MISSION_CATEGORIES), ("CUAD 41", CUAD_CATEGORIES)):
        lines.append(f"| doc-level macro-F1 {n} | {macro(ours_doc, cs):.3f} | {interval(doc_interval(cs))} | "
                     f"{fmt(macro(prev_doc, cs))} | {fmt(macro(base_doc, cs))} |")
    lines.append(f"| doc-level macro-F1 mission (17), best unit >= unit threshold | "
                 f"{macro(ours_rule, MISSION_CATEGORIES):.3f} | - | - | - |")
    for c in NAMED_DOC_CATEGORIES:
        lines.append(f"| doc-level F1 {c} | {ours_doc[c][2]:.3f} | {interval(doc_interval([c]))} | "
                     f"{fmt(prev_doc[c][2] if prev_doc else None)} | {fmt(base_doc[c][2] if base_doc else None)} |")
    if preds_ent:
        merged = dict(preds)
        merged.update(preds_ent)
        with_ent = cuad_scores(gts, merged, sub)
        ent_only = cuad_scores(_subset(gts, ENTITY_CATEGORIES), _subset(merged, ENTITY_CATEGORIES), sub)
        lines.append(f"| AUPR CUAD 41, with extracted entities | {with_ent['aupr']:.3f} | - | - | - |")
        lines.append(f"| AUPR entity (4), with extracted entities | {ent_only['aupr']:.3f} | - | - | - |")
    elif nlp_error:
        lines.append(f"| entity extractor | not used ({nlp_error}) | - | - | - |")

    cuad_cols = [cat_index[c] for c in CUAD_CATEGORIES]
    p, y = unit_p[:, cuad_cols], unit_y[:, cuad_cols]
    from analyzer.classify import agreement_type as atype

    acc = np.mean([atype.predict(clf.type_model, c.text)[0] == c.agreement_type for c in contracts])
    lines += ["", f"Agreement type accuracy: {acc:.3f} (CUAD type folders mapped as in analyzer/evaluation/cuad_data.py)."]
    lines += ["", f"Calibration (unit x category probabilities, CUAD categories, n={p.size}): "
              f"ECE {expected_calibration_error(p, y):.4f}, Brier {float(np.mean((p - y) ** 2)):.4f}; "
              f"units with p >= 0.5: ECE {expected_calibration_error(p[p >= 0.5], y[p >= 0.5]):.3f}.", "",
              "### Document level, mission categories (\"does the contract have this clause?\")", "",
              "| category | n | P | R | F1 | F1, best unit >= threshold | previous F1 | baseline F1 |",
              "|---|---|---|---|---|---|---|---|"]
    for c in MISSION_CATEGORIES:
        pr, rc, f1, n = ours_doc[c]
        lines.append(f"| {c} | {n} | {pr:.2f} | {rc:.2f} | {f1:.2f} | {ours_rule[c][2]:.2f} | "
                     f"{f'{prev_doc[c][2]:.2f}' if prev_doc else '-'} | {f'{base_doc[c][2]:.2f}' if base_doc else '-'} |")
    lines += ["", "### Licensing/JV categories: recall on held-out units (distant labels: headings, definitions)", "",
              "| category | positives | recall | recall, headings hidden | precision | contracts | contract recall |",
              "|---|---|---|---|---|---|---|"]
    ljv_rows = []
    for c in LICENSING_JV_CATEGORIES:
        j = cat_index[c]
        thr = clf.thresholds[c]
        pos = sum(int(yy[:, j].sum()) for _, _, yy in ljv)
        if not pos:
            lines.append(f"| {c} | 0 | - | - | - | 0 | - |")
            continue
        hit = sum(int(((pp[:, j] >= thr) & (yy[:, j] == 1)).sum()) for pp, _, yy in ljv)
        hit_nh = sum(int(((pn[:, j] >= thr) & (yy[:, j] == 1)).sum()) for _, pn, yy in ljv)
        flagged = sum(int((pp[:, j] >= thr).sum()) for pp, _, _ in ljv)
        # contract level: of the contracts with such a unit, those where at least one of them is flagged
        having = [(pp, yy) for pp, _, yy in ljv if yy[:, j].any()]
        found = sum(bool(((pp[:, j] >= thr) & (yy[:, j] == 1)).any()) for pp, yy in having)
        ljv_rows.append((pos, hit / pos, hit_nh / pos, len(having), found / len(having)))
        lines.append(f"| {c} | {pos} | {hit / pos:.2f} | {hit_nh / pos:.2f} | {hit / max(1, flagged):.2f} | "
                     f"{len(having)} | {found / len(having):.2f} |")
    if ljv_rows:
        w = np.array([r[0] for r in ljv_rows], dtype=float)
        wc = np.array([r[3] for r in ljv_rows], dtype=float)
        lines.append(f"| **macro / micro** | {int(w.sum())} | {np.mean([r[1] for r in ljv_rows]):.2f} / "
                     f"{np.average([r[1] for r in ljv_rows], weights=w):.2f} | "
                     f"{np.mean([r[2] for r in ljv_rows]):.2f} / {np.average([r[2] for r in ljv_rows], weights=w):.2f} | | "
                     f"{int(wc.sum())} | {np.mean([r[4] for r in ljv_rows]):.2f} / "
                     f"{np.average([r[4] for r in ljv_rows], weights=wc):.2f} |")
    lines += _samples_section(clf)
    lines += ["", f"_{time.time() - t0:.0f} s._", ""]
    return "\n".join(lines)
