"""Alternatives to fine-tuning the stage 2 encoder with BCE, measured on the validation candidates.

Every variant trains MiniLM's top layer (layers 0-4 frozen, their cached fp16 outputs in
``models/work/enc_bottom_*.pt`` reused) and the head (384 -> 256 -> GELU -> 66) on the same
training units as ``clause-analyzer train --stage encoder --frozen 5 --train-per-category 2``:
each category's best 2 units per train contract by their out-of-fold stage 1 probabilities,
plus every CUAD-labelled unit (``finetune.candidate_rows``; 20,353 units). Each is scored on the
same 2,440 validation candidates the classifier re-scores, with the same two numbers the
training writes into ``config.json``:

- encoder alone: mean AP over categories of the encoder logits on the candidates;
- fused: mean AP of ``fuse(stage 1 logit, encoder logit)`` after ``fit_fusion`` on the
  candidates (the shipped fusion; fitted and scored on validation, as the shipped numbers are).

Rows (``--variants``, comma-separated, in this order by default):

- ``frozen``: the shipped frozen head (``models/clause_model/encoder.npz``) over the base's
  top layer: reproduces the frozen baseline from the cached layer-5 states.
- ``bce``: the top layer + head of the BCE fine-tuning run (``models/work/finetune_<key>/best.pt``):
  reproduces the top-layer baseline.
- ``setfit``: contrastive tuning of the top layer on unit pairs, as SetFit does: per category,
  pairs of two units carrying it (target 1) and pairs of a unit carrying it with a hard negative
  of that category (one of a contract's best 2 stage 1 units for it without the label; target 0);
  loss = MSE between the cosine of the mean-pooled outputs and the target (sentence-transformers'
  ``CosineSimilarityLoss``); then the head alone on the tuned, frozen pooled outputs
  (``encoder.train_head``, 100 epochs, lr 2e-3, best validation epoch).
- ``distill``: top layer + head with BCE on soft targets ``0.5 * label + 0.5 * p`` (``p`` = the
  unit's out-of-fold stage 1 probability), via ``finetune.train_top_resumable`` (same schedule,
  batch, learning rates and epoch selection as ``bce``).
- ``setfit_bce``: the ``setfit`` top layer as the starting point of the ``bce`` fine-tuning.

Each row is appended to ``models/work/encoder_alternatives/results.jsonl``; trained weights and
run logs stay in that folder, and a variant whose weights are there is only re-scored. Nothing
under ``models/clause_model`` or ``analyzer/`` is written.

Run (one torch thread, low priority; about 1 h on a shared 2-core machine for all rows)::

    nice -n 10 .venv/bin/python benchmarks/encoder_alternatives.py --cuad ../shared/cuad
    nice -n 10 .venv/bin/python benchmarks/encoder_alternatives.py --cuad ../shared/cuad --variants frozen,bce

The units and the out-of-fold stage 1 scores are read from ``models/work`` (the tables of the
training run); when the current code's cache key has none, the newest cached table of the same
split is used (the log names it). The layer-5 states are recomputed (minutes) unless the
training units' text pairs are exactly those of the cached run.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analyzer.core.settings import split_path, work_dir

log = logging.getLogger("encoder_alternatives")

FROZEN = 5
MAX_LENGTH = 128
TRAIN_PER_CATEGORY = 2
C_STAGE1 = 16.0
BCE_RUN = "finetune_302c99e7ca50a220"  # the 6-epoch top-layer BCE run (lr 2e-4, batch 32)


def out_dir() -> Path:
    d = work_dir() / "encoder_alternatives"
    d.mkdir(parents=True, exist_ok=True)
    return d


# ---------------------------------------------------------------- data

def _split_table(cuad: Path, names: list[str], drop_heading: bool, data_hash: str) -> dict:
    """``dataset.build_split`` for ``names``, from its cache; else the newest cached table of as
    many contracts (the unit tables do not depend on the code hash unless the units change)."""
    import hashlib

    from analyzer.evaluation.cuad_data import load_contracts
    from analyzer.training.dataset import build_split, code_hash

    key = hashlib.sha256("|".join([code_hash(), data_hash, str(drop_heading), "0", *names]).encode()).hexdigest()[:16]
    if (work_dir() / f"units_{key}.json").is_file():
        return build_split(cuad, names, drop_heading, data_hash)
    for path in sorted(work_dir().glob("units_*.json"), key=lambda p: p.stat().st_mtime, reverse=True):
        cached = json.loads(path.read_text(encoding="utf-8"))
        if len(cached["units"]) != len(names):
            continue
        log.info("units of %d contracts from %s", len(names), path.name)
        return {"fields": cached["fields"], "y": np.load(path.with_suffix(".npy")),
                "doc": np.array(cached["doc"], dtype=np.int64),
                "units": [[tuple(u) for u in us] for us in cached["units"]],
                "contracts": load_contracts(cuad, names)}
    log.info("no cached units of %d contracts: building them (slow)", len(names))
    return build_split(cuad, names, drop_heading, data_hash)


def _oof_logits(train: dict, data_hash: str) -> np.ndarray:
    """Out-of-fold stage 1 logits of the train units (``presence.oof_logits``), from its cache, else
    the newest cached table of the same shape."""
    from analyzer.training import presence
    from analyzer.training.run import HANDWRITTEN

    for path in sorted(work_dir().glob("oof_*.npy"), key=lambda p: p.stat().st_mtime, reverse=True):
        z = np.load(path)
        if z.shape == train["y"].shape:
            log.info("out-of-fold stage 1 logits from %s", path.name)
            return z
    return presence.oof_logits(train, HANDWRITTEN, C_STAGE1, data_hash, threads=1)[0]


def load_data(cuad: Path, stage1: Path):
    """Training units (rows, states, labels, out-of-fold probabilities) and validation candidates
    (states, labels, stage 1 logits), exactly as ``encoder.train_encoder`` builds them."""
    from types import SimpleNamespace

    from analyzer.classify import encoder_stage as enc
    from analyzer.classify.classifier import Classifier
    from analyzer.classify.tfidf_stage import UnitModel
    from analyzer.core.taxonomy import CUAD_CATEGORIES
    from analyzer.evaluation.cuad_data import load_split
    from analyzer.training import encoder, finetune
    from analyzer.training.dataset import data_hashes
    from analyzer.training.run import HANDWRITTEN

    t0 = time.time()
    data = data_hashes(cuad, split_path(), HANDWRITTEN)
    split = load_split()
    train = _split_table(cuad, split["train"], True, data["all"])
    val = _split_table(cuad, split["val"], False, data["all"])
    clf = Classifier(stage1, use_encoder=False)
    cats = clf.model.categories
    p_oof = UnitModel.load(stage1)[0].calibrate(_oof_logits(train, data["all"]))
    rows = finetune.candidate_rows(p_oof, train["y"], train["doc"], TRAIN_PER_CATEGORY,
                                   [cats.index(c) for c in CUAD_CATEGORIES])
    pairs = encoder.split_pairs(train)
    pairs = [pairs[i] for i in rows]
    tok, base = enc.load_base(enc.base_path(enc.PACKAGE_BASE))
    states = encoder.bottom(tok, base, FROZEN, pairs, MAX_LENGTH, enc.PACKAGE_BASE)

    thr = np.array([clf.thresholds[c] for c in cats])
    z_val_t = clf.model.logits(val["fields"])
    p_val = clf.model.predict_proba(val["fields"])
    cand = encoder.candidates_by_doc(p_val, val["doc"], thr, encoder.PER_CATEGORY, encoder.CAP)
    val_pairs = encoder.split_pairs(val)
    v_states = encoder.bottom(tok, base, FROZEN, [val_pairs[i] for i in cand], MAX_LENGTH, enc.PACKAGE_BASE)
    log.info("train units %d, validation candidates %d (%.0fs)", len(rows), len(cand), time.time() - t0)
    return SimpleNamespace(
        cats=cats, rows=rows, states=states, y=train["y"][rows].astype(np.float32), p_oof=p_oof,
        doc=train["doc"], y_all=train["y"], v_states=v_states, y_c=val["y"][cand], z_val_t=z_val_t[cand],
        p_val=p_val[cand], platt=clf.model.platt)


# ---------------------------------------------------------------- scoring

def fresh_top():
    """The base's top layer (a fresh copy) and an untrained head."""
    from analyzer.classify import encoder_stage as enc

    _, base = enc.load_base(enc.base_path(enc.PACKAGE_BASE))
    return enc.build_top(base, FROZEN, 66)


def score(d, z_enc: np.ndarray) -> dict:
    from analyzer.classify import encoder_stage as enc
    from analyzer.training.encoder import fit_fusion
    from analyzer.training.tfidf import mean_ap

    fusion = fit_fusion(d.z_val_t, z_enc, d.y_c, d.platt)
    return {"val_map_stage1": round(mean_ap(d.p_val, d.y_c), 4), "val_map_encoder": round(mean_ap(z_enc, d.y_c), 4),
            "val_map_fused": round(mean_ap(enc.fuse(d.z_val_t, z_enc, fusion), d.y_c), 4)}


def pooled_outputs(top, states, batch: int = 64) -> np.ndarray:
    """Mean-pooled outputs of ``top``'s layers per unit (inference)."""
    import torch

    from analyzer.training.encoder import padded

    out = np.zeros((len(states), 384), dtype=np.float32)
    order = np.argsort([len(s) for s in states], kind="stable")
    with torch.inference_mode():
        for i in range(0, len(order), batch):
            rows = order[i:i + batch]
            hidden, mask = padded(states, list(rows))
            out[rows] = top.pool(hidden, mask).numpy()
    return out


# ---------------------------------------------------------------- variants

def run_frozen(d, args) -> dict:
    import torch

    top = fresh_top()
    with np.load(ROOT / "models" / "clause_model" / "encoder.npz") as z:
        top.head.load_state_dict({k.removeprefix("head."): torch.from_numpy(z[k].astype(np.float32))
                                  for k in z.files if k.startswith("head.")})
    top.eval()
    from analyzer.training.encoder import top_logits

    shipped = json.loads((ROOT / "models" / "clause_model" / "config.json").read_text(encoding="utf-8"))["encoder"]
    return {"train_units": shipped["training"]["units"], "epochs": shipped["training"]["best_epoch"],
            "note": "shipped head, base layer 5 over the cached fp16 layer-4 states",
            **score(d, top_logits(top, d.v_states, list(range(len(d.v_states)))))}


def run_bce(d, args) -> dict:
    import torch

    from analyzer.training.encoder import top_logits

    run = work_dir() / BCE_RUN
    top = fresh_top()
    top.load_state_dict(torch.load(run / "best.pt"))
    top.eval()
    cfg = [json.loads(x) for x in (run / "metrics.jsonl").read_text().splitlines()]
    seconds = max(r.get("seconds", 0) for r in cfg)
    return {"train_units": len(d.rows), "epochs": 6, "wall_s": round(seconds),
            "units_per_s": round(6 * len(d.rows) / seconds, 1), "note": f"weights of {BCE_RUN}, re-scored",
            **score(d, top_logits(top, d.v_states, list(range(len(d.v_states)))))}


def setfit_pairs(d, per_category: int, seed: int) -> np.ndarray:
    """(n, 3) array of (row a, row b, target): per category, up to ``per_category`` pairs of two
    units carrying it (1) and as many of a unit carrying it with a hard negative (0): one of a
    contract's best ``TRAIN_PER_CATEGORY`` units for it by out-of-fold stage 1 probability that
    does not carry it."""
    rng = np.random.default_rng(seed)
    where = {int(u): r for r, u in enumerate(d.rows)}
    by_doc = [np.flatnonzero(d.doc == doc) for doc in np.unique(d.doc)]
    out = []
    for j in range(d.y.shape[1]):
        pos = np.flatnonzero(d.y[:, j] > 0)
        hard = []
        for idx in by_doc:
            k = min(TRAIN_PER_CATEGORY, len(idx))
            top = idx[np.argpartition(-d.p_oof[idx, j], k - 1)[:k]]
            hard += [where[int(u)] for u in top if not d.y_all[u, j] and int(u) in where]
        hard = np.array(hard, dtype=np.int64)
        if len(pos) >= 2:
            a = rng.choice(pos, size=per_category)
            b = rng.choice(pos, size=per_category)
            keep = a != b
            out.append(np.column_stack([a[keep], b[keep], np.ones(keep.sum(), dtype=np.int64)]))
        if len(pos) and len(hard):
            out.append(np.column_stack([rng.choice(pos, size=per_category), rng.choice(hard, size=per_category),
                                        np.zeros(per_category, dtype=np.int64)]))
    pairs = np.unique(np.concatenate(out), axis=0)
    return pairs[rng.permutation(len(pairs))]


def _log_line(path: Path, msg: str) -> None:
    log.info("  %s", msg)
    with open(path, "a", encoding="utf-8") as f:
        f.write(time.strftime("%Y-%m-%d %H:%M:%S ") + msg + "\n")


def setfit_tune(d, args):
    """The contrastively tuned top layer (cached in the work folder) and its training record."""
    import torch

    from analyzer.training.encoder import padded
    from analyzer.training.finetune import _batches

    tag = f"setfit_p{args.pairs_per_category}_e{args.setfit_epochs}_lr{args.setfit_lr:g}"
    run = out_dir() / tag
    run.mkdir(exist_ok=True)
    top = fresh_top()
    if (run / "top.pt").is_file():
        top.load_state_dict(torch.load(run / "top.pt"))
        return top, json.loads((run / "record.json").read_text())
    pairs = setfit_pairs(d, args.pairs_per_category, seed=0)
    _log_line(run / "train.log", f"start: {len(pairs)} pairs ({int(pairs[:, 2].sum())} similar), "
                                 f"{args.setfit_epochs} epochs, lr {args.setfit_lr:g}, batch {args.pair_batch}")
    torch.manual_seed(0)
    opt = torch.optim.AdamW(top.layers.parameters(), lr=args.setfit_lr, weight_decay=0.01)
    lengths = np.array([max(len(d.states[a]), len(d.states[b])) for a, b, _ in pairs])
    steps = args.setfit_epochs * int(np.ceil(len(pairs) / args.pair_batch))
    warm = max(1, int(0.1 * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / (steps - warm))))
    target = torch.tensor(pairs[:, 2], dtype=torch.float32)
    t0, done, window, total = time.time(), 0, time.time(), 0.0
    top.train()
    for ep in range(args.setfit_epochs):
        for n, b in enumerate(_batches(lengths, args.pair_batch, 0, ep), 1):
            ha, ma = padded(d.states, [int(pairs[i, 0]) for i in b])
            hb, mb = padded(d.states, [int(pairs[i, 1]) for i in b])
            cos = torch.nn.functional.cosine_similarity(top.pool(ha, ma), top.pool(hb, mb))
            loss = torch.nn.functional.mse_loss(cos, target[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss.detach())
            done += len(b)
            if n % 100 == 0:
                rate = 200 * args.pair_batch / max(1e-9, time.time() - window)
                _log_line(run / "train.log", f"epoch {ep + 1} batch {n} loss {total / 100:.4f} {rate:.1f} units/s")
                total, window = 0.0, time.time()
    seconds = time.time() - t0
    top.eval()
    torch.save(top.state_dict(), run / "top.pt")
    record = {"pairs": len(pairs), "similar_pairs": int(pairs[:, 2].sum()), "epochs": args.setfit_epochs,
              "lr": args.setfit_lr, "tune_s": round(seconds), "units_per_s": round(2 * done / seconds, 1)}
    (run / "record.json").write_text(json.dumps(record))
    _log_line(run / "train.log", f"done: {json.dumps(record)}")
    return top, record


def run_setfit(d, args) -> dict:
    import torch

    from analyzer.training.encoder import train_head

    top, record = setfit_tune(d, args)
    t0 = time.time()
    x = pooled_outputs(top, d.states)
    x_val = pooled_outputs(top, d.v_states)
    t_pool = time.time() - t0
    torch.manual_seed(0)
    _, best_epoch = train_head(top, x, d.y, x_val, d.y_c, 100, 2e-3, seed=0)
    with torch.inference_mode():
        z = top.head(torch.tensor(x_val)).numpy()
    return {"train_units": len(d.rows), **record, "wall_s": record["tune_s"] + round(time.time() - t0),
            "pool_s": round(t_pool), "head_best_epoch": best_epoch, **score(d, z)}


def _run_top(d, args, top, y, name: str) -> dict:
    from analyzer.training import finetune
    from analyzer.training.encoder import top_logits

    run = out_dir() / f"{name}_e{args.epochs}_lr{args.lr:g}"
    result = finetune.train_top_resumable(top, d.states, y, d.v_states, d.y_c, run, args.epochs, 32, args.lr,
                                          seed=0, max_seconds=None if args.max_minutes is None else 60 * args.max_minutes)
    if not result["done"]:
        return {"paused": True, "run": str(run)}
    return {"train_units": len(d.rows), "epochs": args.epochs, "wall_s": result["seconds"],
            "units_per_s": result["units_per_s"],
            **score(d, top_logits(top, d.v_states, list(range(len(d.v_states)))))}


def run_distill(d, args) -> dict:
    soft = (0.5 * d.y + 0.5 * d.p_oof[d.rows]).astype(np.float32)
    return {**_run_top(d, args, fresh_top(), soft, "distill"), "targets": "0.5*label + 0.5*p_stage1_oof"}


def run_setfit_bce(d, args) -> dict:
    top, record = setfit_tune(d, args)
    out = _run_top(d, args, top, d.y, f"setfit_bce_p{args.pairs_per_category}")
    if "wall_s" in out:
        out["wall_s"] += record["tune_s"]
    return out


VARIANTS = {"frozen": run_frozen, "bce": run_bce, "setfit": run_setfit, "distill": run_distill,
            "setfit_bce": run_setfit_bce}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cuad", type=Path, required=True)
    p.add_argument("--stage1", type=Path, default=ROOT / "models" / "work" / "clause_model_ft3",
                   help="artifact whose stage 1 scores the units (default: the copy the BCE run used)")
    p.add_argument("--variants", default="frozen,bce,setfit,distill,setfit_bce")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--pairs-per-category", type=int, default=150)
    p.add_argument("--pair-batch", type=int, default=16)
    p.add_argument("--setfit-epochs", type=int, default=1)
    p.add_argument("--setfit-lr", type=float, default=2e-5)
    p.add_argument("--epochs", type=int, default=6, help="epochs of the BCE-style fine-tuning (distill, setfit_bce)")
    p.add_argument("--lr", type=float, default=2e-4)
    p.add_argument("--max-minutes", type=float, default=None)
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    import torch

    torch.set_num_threads(args.threads)
    if not (args.cuad / "contracts.jsonl").is_file():
        print(f"{args.cuad}: not a CUAD folder (contracts.jsonl missing)", file=sys.stderr)
        return 2
    d = load_data(args.cuad, args.stage1)
    for name in args.variants.split(","):
        t0 = time.time()
        row = {"variant": name, **VARIANTS[name](d, args), "threads": args.threads,
               "elapsed_s": round(time.time() - t0)}
        if name.startswith("setfit"):
            row["setfit"] = {"pairs_per_category": args.pairs_per_category, "lr": args.setfit_lr,
                             "epochs": args.setfit_epochs, "pair_batch": args.pair_batch}
        with open(out_dir() / "results.jsonl", "a", encoding="utf-8") as f:
            f.write(json.dumps(row) + "\n")
        print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
