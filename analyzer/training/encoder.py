"""Stage 2: the MiniLM head (and, optionally, MiniLM's top layers) fused with stage 1.

Reads the stage 1 artifact in the staging folder. Train contracts fit the encoder;
validation contracts fit the fusion and the thresholds; test contracts are never
read. Writes ``encoder.npz`` and the ``encoder`` block of ``config.json``.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import time
from pathlib import Path

import numpy as np

from analyzer.classify import encoder_stage as enc
from analyzer.classify.classifier import Classifier
from analyzer.core.files import write_bytes
from analyzer.core.settings import work_dir
from analyzer.evaluation.metrics import best_f1_threshold
from analyzer.training.tfidf import mean_ap

log = logging.getLogger(__name__)

PER_CATEGORY = 2  # candidates per category at inference
CAP = 64  # candidates per document at inference
HARD_PER_CATEGORY = 5  # train negatives: the best stage 1 units of each category that are not positive
RANDOM_NEGATIVES = 4000


def split_pairs(data: dict) -> list[tuple[str, str]]:
    pairs, at = [], 0
    for c, units in zip(data["contracts"], data["units"]):
        heads = data["fields"]["head"][at:at + len(units)]
        pairs += enc.encoder_pairs(c.text, units, heads)
        at += len(units)
    return pairs


def candidates_by_doc(probs, doc, thresholds, per_category, cap):
    out = []
    for d in np.unique(doc):
        idx = np.where(doc == d)[0]
        out.append(idx[enc.select_candidates(probs[idx], thresholds, per_category, cap)])
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)


def training_rows(probs, y, doc, rng, hard_per_category=HARD_PER_CATEGORY, random_negatives=RANDOM_NEGATIVES,
                  max_units=0) -> np.ndarray:
    """Positive units, hard negatives and random negatives (optionally a random subset of them)."""
    pos = np.where(y.any(1))[0]
    hard = set()
    for d in np.unique(doc):
        idx = np.where(doc == d)[0]
        k = min(hard_per_category, len(idx))
        if k <= 0:
            continue
        top = np.argpartition(-probs[idx], k - 1, axis=0)[:k]
        for j in range(y.shape[1]):
            hard.update(int(idx[i]) for i in top[:, j] if not y[idx[i], j])
    hard_arr = np.fromiter(hard, dtype=np.int64)
    neg = np.setdiff1d(np.where(~y.any(1))[0], hard_arr)
    rand = rng.choice(neg, size=min(random_negatives, len(neg)), replace=False)
    rows = np.unique(np.concatenate([pos, hard_arr, rand]))
    if max_units and len(rows) > max_units:
        rows = np.sort(rng.choice(rows, size=max_units, replace=False))
    return rows


def _pairs_key(base: str, max_length: int, frozen: int, pairs) -> str:
    h = hashlib.sha256(f"{base}|{max_length}|{frozen}".encode())
    for head, text in pairs:
        h.update(head.encode() + b"\1" + text.encode() + b"\0")
    return h.hexdigest()[:16]


def pooled(tok, base, pairs, max_length, base_name, batch=64):
    """Mean-pooled output of the whole (frozen) encoder per pair; cached under the work folder,
    keyed by the checkpoint and the exact pairs."""
    import torch

    path = work_dir() / f"enc_pooled_{_pairs_key(base_name, max_length, len(base.encoder.layer), pairs)}.npy"
    if path.is_file():
        return np.load(path)
    top = enc.build_top(base, len(base.encoder.layer), 1).eval()
    out = np.zeros((len(pairs), base.config.hidden_size), dtype=np.float32)
    order = np.argsort([len(h) + len(t) for h, t in pairs], kind="stable")
    t0 = time.time()
    with torch.inference_mode():
        for n, i in enumerate(range(0, len(order), batch)):
            idx = order[i:i + batch]
            e = enc.tokenize(tok, [pairs[j] for j in idx], max_length)
            out[idx] = top.pool(enc.bottom_states(base, len(base.encoder.layer), e), e["attention_mask"]).numpy()
            if n % 50 == 0:
                log.info("  encoded %d/%d (%.0fs)", i + len(idx), len(pairs), time.time() - t0)
    buf = io.BytesIO()
    np.save(buf, out)
    write_bytes(path, buf.getvalue())
    return out


def bottom(tok, base, frozen, pairs, max_length, base_name, batch=64):
    """Hidden states after the frozen layers, per pair (fp16, unpadded); cached like ``pooled``."""
    import torch

    path = work_dir() / f"enc_bottom_{_pairs_key(base_name, max_length, frozen, pairs)}.pt"
    if path.is_file():
        return torch.load(path)
    states, t0 = [None] * len(pairs), time.time()
    order = np.argsort([len(t) for _, t in pairs], kind="stable")
    with torch.inference_mode():
        for n, i in enumerate(range(0, len(order), batch)):
            idx = order[i:i + batch]
            e = enc.tokenize(tok, [pairs[j] for j in idx], max_length)
            h = enc.bottom_states(base, frozen, e).half()
            lens = e["attention_mask"].sum(1)
            for r, j in enumerate(idx):
                states[j] = h[r, :lens[r]].clone()
            if n % 50 == 0:
                log.info("  cached %d/%d (%.0fs)", i + len(idx), len(pairs), time.time() - t0)
    work_dir().mkdir(parents=True, exist_ok=True)
    torch.save(states, path)
    return states


def train_head(top, x, y, x_val, y_val, epochs, lr, seed):
    """Train the head on pooled vectors; keep the epoch with the best validation mean AP."""
    import torch

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    pos = y.sum(0)
    pos_weight = torch.tensor(np.clip(np.sqrt((len(y) - pos) / np.maximum(pos, 1)), 1, 10), dtype=torch.float32)
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=pos_weight)
    opt = torch.optim.AdamW(top.head.parameters(), lr=lr, weight_decay=0.01)
    xt, yt, xv = torch.tensor(x), torch.tensor(y), torch.tensor(x_val)
    best, best_state, best_epoch = -1.0, None, 0
    for ep in range(epochs):
        top.head.train()
        order = rng.permutation(len(x))
        for i in range(0, len(order), 256):
            b = order[i:i + 256]
            loss = loss_fn(top.head(xt[b]), yt[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
        top.head.eval()
        with torch.inference_mode():
            ap = mean_ap(top.head(xv).numpy(), y_val)
        if ap > best:
            best, best_state, best_epoch = ap, {k: v.clone() for k, v in top.head.state_dict().items()}, ep + 1
    log.info("  head: best val mean AP on candidates %.4f at epoch %d of %d", best, best_epoch, epochs)
    top.head.load_state_dict(best_state)
    return best, best_epoch


def padded(states, idx):
    import torch

    n = max(len(states[j]) for j in idx)
    hidden = torch.zeros(len(idx), n, states[idx[0]].shape[1])
    mask = torch.zeros(len(idx), n, dtype=torch.long)
    for r, j in enumerate(idx):
        hidden[r, :len(states[j])] = states[j].float()
        mask[r, :len(states[j])] = 1
    return hidden, mask


def top_logits(top, states, idx, batch=64):
    import torch

    out = np.zeros((len(idx), top.head[-1].out_features), dtype=np.float32)
    order = np.argsort([len(states[j]) for j in idx], kind="stable")
    with torch.inference_mode():
        for i in range(0, len(order), batch):
            rows = order[i:i + batch]
            hidden, mask = padded(states, [idx[r] for r in rows])
            out[rows] = top(hidden, mask).numpy()
    return out


def fit_fusion(z_t, z_e, y, platt) -> np.ndarray:
    """Per category (a, b, c) of sigmoid(a z_tfidf + b z_enc + c); stage 1 Platt where data is thin."""
    from sklearn.linear_model import LogisticRegression

    out = np.column_stack([platt[:, 0], np.zeros(len(platt)), platt[:, 1]]).astype(np.float32)
    for j in range(y.shape[1]):
        if 5 <= y[:, j].sum() < len(y) - 5:
            lr = LogisticRegression(C=1.0).fit(np.column_stack([z_t[:, j], z_e[:, j]]), y[:, j])
            out[j] = [lr.coef_[0, 0], lr.coef_[0, 1], lr.intercept_[0]]
    return out


def train_encoder(train: dict, val: dict, model_dir: Path, threads: int = 2, options: dict | None = None,
                  oof_probs=None) -> dict:
    """Fit stage 2 on top of the stage 1 artifact in ``model_dir`` and write it there.

    With fewer frozen layers than the base has, the top layers are fine-tuned on the
    candidate units (``finetune.candidate_rows``, chosen by the out-of-fold stage 1
    probabilities that the callable ``oof_probs`` returns, when given), resumably; a run stopped by ``max_minutes``
    returns {"paused": True} and writes nothing."""
    import torch

    from analyzer.training import finetune

    o = {"base": enc.PACKAGE_BASE, "frozen": 6, "epochs": 100, "batch": 32, "lr": 2e-3, "head_hidden": 256,
         "max_length": 128, "per_category": PER_CATEGORY, "cap": CAP, "hard_negatives": HARD_PER_CATEGORY,
         "random_negatives": RANDOM_NEGATIVES, "max_train_units": 0, "train_per_category": 3, "max_minutes": None}
    o.update({k: v for k, v in (options or {}).items() if k in o and v is not None})
    torch.set_num_threads(threads)
    model_dir = Path(model_dir)
    t0 = time.time()
    clf = Classifier(model_dir, use_encoder=False)
    cats = clf.model.categories
    thr = np.array([clf.thresholds[c] for c in cats])

    p_train = clf.model.predict_proba(train["fields"])
    tok, base = enc.load_base(enc.base_path(o["base"]))
    n_layers = len(base.encoder.layer)
    if o["frozen"] >= n_layers:
        rows = training_rows(p_train, train["y"], train["doc"], np.random.default_rng(0), o["hard_negatives"],
                             o["random_negatives"], o["max_train_units"])
    else:
        from analyzer.core.taxonomy import CUAD_CATEGORIES

        rows = finetune.candidate_rows(p_train if oof_probs is None else oof_probs(), train["y"], train["doc"],
                                       int(o["train_per_category"]), [cats.index(c) for c in CUAD_CATEGORIES])
        if o["max_train_units"] and len(rows) > o["max_train_units"]:
            rows = np.sort(np.random.default_rng(0).choice(rows, size=o["max_train_units"], replace=False))
    log.info("encoder training units: %d of %d (%.0fs)", len(rows), len(p_train), time.time() - t0)
    all_pairs = split_pairs(train)
    pairs = [all_pairs[i] for i in rows]
    y_rows = train["y"][rows].astype(np.float32)

    # validation: the candidates the classifier would re-score
    z_val_t = clf.model.logits(val["fields"])
    p_val = clf.model.predict_proba(val["fields"])
    cand = candidates_by_doc(p_val, val["doc"], thr, o["per_category"], o["cap"])
    all_val = split_pairs(val)
    val_pairs = [all_val[i] for i in cand]
    y_c = val["y"][cand]
    log.info("val candidates: %d (%.1f per contract)", len(cand), len(cand) / max(1, len(np.unique(val["doc"]))))

    torch.manual_seed(0)  # the head's initial weights: the same artifact from the same data
    top = enc.build_top(base, o["frozen"], len(cats), o["head_hidden"])
    best_epoch, finetuned = None, None
    if o["frozen"] >= n_layers:  # frozen encoder: pooled vectors once, then the head
        x = pooled(tok, base, pairs, o["max_length"], o["base"])
        x_val = pooled(tok, base, val_pairs, o["max_length"], o["base"])
        log.info("pooled train and val (%.0fs)", time.time() - t0)
        _, best_epoch = train_head(top, x, y_rows, x_val, y_c, o["epochs"], o["lr"], seed=0)
        with torch.inference_mode():
            z_val_e = top.head(torch.tensor(x_val)).numpy()
    else:  # fine-tuning the top layers over cached lower-layer states
        states = bottom(tok, base, o["frozen"], pairs, o["max_length"], o["base"])
        v_states = bottom(tok, base, o["frozen"], val_pairs, o["max_length"], o["base"])
        log.info("cached layer-%d states of train and val (%.0fs)", o["frozen"], time.time() - t0)
        key = _pairs_key(f"{o['base']}|{o['epochs']}|{o['batch']}|{o['lr']}|{o['head_hidden']}", o["max_length"],
                         o["frozen"], pairs)
        max_s = None if o["max_minutes"] is None else 60.0 * float(o["max_minutes"])
        result = finetune.train_top_resumable(top, states, y_rows, v_states, y_c, work_dir() / f"finetune_{key}",
                                              o["epochs"], o["batch"], o["lr"], seed=0, max_seconds=max_s)
        if not result["done"]:
            return {"paused": True, "run": str(work_dir() / f"finetune_{key}"), **result}
        finetuned = result
        z_val_e = top_logits(top, v_states, list(range(len(cand))))
    log.info("trained (%.0fs)", time.time() - t0)

    fusion = fit_fusion(z_val_t[cand], z_val_e, y_c, clf.model.platt)
    p_fused = p_val.copy()
    p_fused[cand] = enc.fuse(z_val_t[cand], z_val_e, fusion)
    scores = {"val_map_candidates_tfidf": mean_ap(p_val[cand], y_c), "val_map_candidates_encoder": mean_ap(z_val_e, y_c),
              "val_map_candidates_fused": mean_ap(p_fused[cand], y_c), "val_map_tfidf": mean_ap(p_val, val["y"]),
              "val_map_fused": mean_ap(p_fused, val["y"])}
    log.info("validation mean AP: %s", ", ".join(f"{k} {v:.4f}" for k, v in scores.items()))
    unit_thr = [best_f1_threshold(p_fused[:, j], val["y"][:, j]) for j in range(len(cats))]

    weights = {k: v.detach().numpy().astype(np.float16) for k, v in top.state_dict().items()}
    np.savez_compressed(model_dir / "encoder.npz", **weights)
    config_path = model_dir / "config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    summary = {"units": len(rows), "epochs": o["epochs"], "best_epoch": best_epoch, "batch": o["batch"],
               "lr": o["lr"], "hard_negatives": o["hard_negatives"], "random_negatives": o["random_negatives"],
               "max_train_units": o["max_train_units"], "val_candidates": len(cand),
               **({"finetune": finetuned, "train_per_category": o["train_per_category"]} if finetuned else {}),
               **{k: round(v, 4) for k, v in scores.items()}}
    config["encoder"] = {
        "base": o["base"], "file": "encoder.npz", "frozen_layers": o["frozen"], "max_length": o["max_length"],
        "head_hidden": o["head_hidden"], "per_category": o["per_category"], "cap": o["cap"],
        "fusion": fusion.round(6).tolist(), "unit_thresholds": dict(zip(cats, map(float, unit_thr))),
        "training": summary,
    }
    config_path.write_text(json.dumps(config, indent=1), encoding="utf-8")
    return summary
