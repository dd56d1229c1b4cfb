"""Fine-tune the second stage: MiniLM's top layers + a category head, fused with TF-IDF.

    .venv/bin/python models/train_encoder.py --cuad ../shared/cuad [--model-dir models/clause_model]

Needs the TF-IDF artifact from models/train.py in ``--model-dir``. Train contracts
fit the encoder; validation contracts fit the fusion and the thresholds; test
contracts are never read. Writes ``encoder.npz`` and the ``encoder`` block of
``config.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "models"))

from train import WORK, build_split, mean_ap  # noqa: E402

from analyzer.classify import encoder_stage as enc  # noqa: E402
from analyzer.classify.classifier import Classifier  # noqa: E402
from analyzer.evaluation.cuad_data import load_split  # noqa: E402
from analyzer.evaluation.metrics import best_f1_threshold  # noqa: E402

PER_CATEGORY = 2  # candidates per category at inference
CAP = 64  # candidates per document at inference
HARD_PER_CATEGORY = 5  # train negatives: the best TF-IDF units of each category that are not positive
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


def training_rows(probs, y, doc, rng) -> np.ndarray:
    pos = np.where(y.any(1))[0]
    hard = set()
    for d in np.unique(doc):
        idx = np.where(doc == d)[0]
        k = min(HARD_PER_CATEGORY, len(idx))
        top = np.argpartition(-probs[idx], k - 1, axis=0)[:k]
        for j in range(y.shape[1]):
            hard.update(int(idx[i]) for i in top[:, j] if not y[idx[i], j])
    neg = np.setdiff1d(np.where(~y.any(1))[0], np.fromiter(hard, dtype=np.int64))
    rand = rng.choice(neg, size=min(RANDOM_NEGATIVES, len(neg)), replace=False)
    return np.unique(np.concatenate([pos, np.fromiter(hard, dtype=np.int64), rand]))


def cache_bottom(tok, base, frozen, pairs, max_length, key, batch=64):
    """Hidden states after the frozen layers, per pair (fp16, unpadded); cached on disk."""
    import torch

    path = WORK / f"enc_bottom_{key}.pt"
    if path.exists():
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
                print(f"  cached {i + len(idx)}/{len(pairs)} ({time.time() - t0:.0f}s)", flush=True)
    torch.save(states, path)
    return states


def cache_pooled(tok, base, pairs, max_length, key_of, name, batch=64):
    """Mean-pooled output of the whole (frozen) encoder per pair; cached on disk. Resumes from
    cached hidden states of a lower layer when there are some."""
    import torch

    n_layers = len(base.encoder.layer)
    path = WORK / f"enc_pooled_{name}_{key_of(n_layers)}.npy"
    if path.exists():
        return np.load(path)
    start = next((k for k in range(n_layers - 1, 0, -1) if (WORK / f"enc_bottom_{name}_{key_of(k)}.pt").exists()), None)
    if start is None:
        states = cache_bottom(tok, base, n_layers, pairs, max_length, f"{name}_{key_of(n_layers)}", batch)
        start = n_layers
    else:
        states = torch.load(WORK / f"enc_bottom_{name}_{key_of(start)}.pt")
    top = enc.build_top(base, start, 1).eval()
    out = np.zeros((len(states), base.config.hidden_size), dtype=np.float32)
    order = np.argsort([len(x) for x in states], kind="stable")
    t0 = time.time()
    with torch.inference_mode():
        for n, i in enumerate(range(0, len(order), batch)):
            idx = order[i:i + batch]
            hidden, mask = padded(states, idx)
            out[idx] = top.pool(hidden, mask).numpy()
            if n % 100 == 0:
                print(f"  pooled {i + len(idx)}/{len(states)} from layer {start} ({time.time() - t0:.0f}s)", flush=True)
    np.save(path, out)
    return out


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
    best, best_state = -1.0, None
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
        print(f"  head epoch {ep + 1}: val mean AP on candidates {ap:.4f}", flush=True)
        if ap > best:
            best, best_state = ap, {k: v.clone() for k, v in top.head.state_dict().items()}
    top.head.load_state_dict(best_state)
    return best


def padded(states, idx):
    import torch

    n = max(len(states[j]) for j in idx)
    hidden = torch.zeros(len(idx), n, states[idx[0]].shape[1])
    mask = torch.zeros(len(idx), n, dtype=torch.long)
    for r, j in enumerate(idx):
        hidden[r, :len(states[j])] = states[j].float()
        mask[r, :len(states[j])] = 1
    return hidden, mask


def train_top(top, states, y, epochs, batch, lr, seed):
    import torch

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    pos = y.sum(0)
    pos_weight = torch.tensor(np.clip(np.sqrt((len(y) - pos) / np.maximum(pos, 1)), 1, 10), dtype=torch.float32)
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=pos_weight)
    params = [{"params": top.layers.parameters(), "lr": lr}, {"params": top.head.parameters(), "lr": lr * 20}]
    opt = torch.optim.AdamW(params, weight_decay=0.01)
    lengths = np.array([len(s) for s in states])
    steps = epochs * int(np.ceil(len(states) / batch))
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=[lr, lr * 20], total_steps=steps, pct_start=0.1)
    yt = torch.tensor(y, dtype=torch.float32)
    t0, step = time.time(), 0
    top.train()
    for ep in range(epochs):
        # batches of similar length, in random order
        order = np.argsort(lengths + rng.random(len(lengths)) * 8, kind="stable")
        batches = [order[i:i + batch] for i in range(0, len(order), batch)]
        rng.shuffle(batches)
        total = 0.0
        for nb, b in enumerate(batches, 1):
            hidden, mask = padded(states, b)
            loss = loss_fn(top(hidden, mask), yt[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss.detach())
            step += 1
            if step % 100 == 0:
                print(f"  epoch {ep + 1} step {step}/{steps} loss {total / nb:.4f} "
                      f"({time.time() - t0:.0f}s)", flush=True)
    top.eval()


def top_logits(top, states, idx, batch=64):
    import torch

    out = np.zeros((len(idx), top.head.out_features), dtype=np.float32)
    order = np.argsort([len(states[j]) for j in idx], kind="stable")
    with torch.inference_mode():
        for i in range(0, len(order), batch):
            rows = order[i:i + batch]
            hidden, mask = padded(states, [idx[r] for r in rows])
            out[rows] = top(hidden, mask).numpy()
    return out


def fit_fusion(z_t, z_e, y, platt) -> np.ndarray:
    """Per category (a, b, c) of sigmoid(a z_tfidf + b z_enc + c); TF-IDF Platt where data is thin."""
    from sklearn.linear_model import LogisticRegression

    out = np.column_stack([platt[:, 0], np.zeros(len(platt)), platt[:, 1]]).astype(np.float32)
    for j in range(y.shape[1]):
        if 5 <= y[:, j].sum() < len(y) - 5:
            lr = LogisticRegression(C=1.0).fit(np.column_stack([z_t[:, j], z_e[:, j]]), y[:, j])
            out[j] = [lr.coef_[0, 0], lr.coef_[0, 1], lr.intercept_[0]]
    return out


def main(argv=None) -> int:
    import torch

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cuad", type=Path, required=True)
    ap.add_argument("--model-dir", type=Path, default=ROOT / "models" / "clause_model")
    ap.add_argument("--base", default=enc.PACKAGE_BASE, help="base checkpoint (package name or local path)")
    ap.add_argument("--frozen", type=int, default=6,
                    help="lower layers kept as in the base (6 = the whole MiniLM encoder; fewer fine-tunes the rest)")
    ap.add_argument("--epochs", type=int, default=100)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--head-hidden", type=int, default=256)
    ap.add_argument("--max-length", type=int, default=128)
    ap.add_argument("--per-category", type=int, default=PER_CATEGORY, help="candidates per category at inference")
    ap.add_argument("--cap", type=int, default=CAP, help="candidates per document at inference")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    t0 = time.time()
    split = load_split()
    train = build_split(args.cuad, split["train"], drop_heading=True)
    val = build_split(args.cuad, split["val"], drop_heading=False)
    clf = Classifier(args.model_dir, use_encoder=False)
    cats = clf.model.categories
    thr = np.array([clf.thresholds[c] for c in cats])

    p_train = clf.model.predict_proba(train["fields"])
    rows = training_rows(p_train, train["y"], train["doc"], np.random.default_rng(0))
    print(f"encoder training units: {len(rows)} of {len(p_train)} ({time.time() - t0:.0f}s)", flush=True)
    tok, base = enc.load_base(enc.base_path(args.base))
    n_layers = len(base.encoder.layer)
    all_pairs = split_pairs(train)
    pairs = [all_pairs[i] for i in rows]
    y_rows = train["y"][rows].astype(np.float32)

    def key_for(ids):
        return lambda k: hashlib.sha256(f"{args.base}|{k}|{args.max_length}|{ids.tobytes().hex()}".encode()).hexdigest()[:10]

    # validation: the candidates the classifier would re-score
    z_val_t = clf.model.logits(val["fields"])
    p_val = clf.model.predict_proba(val["fields"])
    cand = candidates_by_doc(p_val, val["doc"], thr, args.per_category, args.cap)
    all_val = split_pairs(val)
    val_pairs = [all_val[i] for i in cand]
    y_c = val["y"][cand]
    print(f"val candidates: {len(cand)} ({len(cand) / len(np.unique(val['doc'])):.1f} per contract)", flush=True)

    top = enc.build_top(base, args.frozen, len(cats), args.head_hidden)
    if args.frozen >= n_layers:  # frozen encoder: pooled vectors once, then the head
        x = cache_pooled(tok, base, pairs, args.max_length, key_for(rows), "train")
        x_val = cache_pooled(tok, base, val_pairs, args.max_length, key_for(cand), "val")
        print(f"pooled train and val ({time.time() - t0:.0f}s)", flush=True)
        train_head(top, x, y_rows, x_val, y_c, args.epochs, args.lr, seed=0)
        import torch

        with torch.inference_mode():
            z_val_e = top.head(torch.tensor(x_val)).numpy()
    else:  # fine-tuning the top layers
        states = cache_bottom(tok, base, args.frozen, pairs, args.max_length, f"train_{key_for(rows)(args.frozen)}")
        train_top(top, states, y_rows, args.epochs, args.batch, args.lr, seed=0)
        v_states = cache_bottom(tok, base, args.frozen, val_pairs, args.max_length, f"val_{key_for(cand)(args.frozen)}")
        z_val_e = top_logits(top, v_states, list(range(len(cand))))
    print(f"trained ({time.time() - t0:.0f}s)", flush=True)

    fusion = fit_fusion(z_val_t[cand], z_val_e, y_c, clf.model.platt)
    p_fused = p_val.copy()
    p_fused[cand] = enc.fuse(z_val_t[cand], z_val_e, fusion)
    print(f"val mean AP on candidates: tfidf {mean_ap(p_val[cand], y_c):.4f}  encoder {mean_ap(z_val_e, y_c):.4f}  "
          f"fused {mean_ap(p_fused[cand], y_c):.4f}")
    print(f"val mean AP, all units: tfidf {mean_ap(p_val, val['y']):.4f}  fused {mean_ap(p_fused, val['y']):.4f}")
    unit_thr = [best_f1_threshold(p_fused[:, j], val["y"][:, j]) for j in range(len(cats))]

    weights = {k: v.detach().numpy().astype(np.float16) for k, v in top.state_dict().items()}
    np.savez_compressed(args.model_dir / "encoder.npz", **weights)
    config_path = args.model_dir / "config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config["version"] = config["version"].replace("tfidf-linear", "tfidf-minilm")
    config["encoder"] = {
        "base": args.base, "file": "encoder.npz", "frozen_layers": args.frozen, "max_length": args.max_length,
        "head_hidden": args.head_hidden,
        "per_category": args.per_category, "cap": args.cap, "fusion": fusion.round(6).tolist(),
        "unit_thresholds": dict(zip(cats, map(float, unit_thr))),
        "training": {"units": int(len(rows)), "epochs": args.epochs, "batch": args.batch, "lr": args.lr,
                     "val_candidates": int(len(cand))},
    }
    config_path.write_text(json.dumps(config, indent=1), encoding="utf-8")
    size = (args.model_dir / "encoder.npz").stat().st_size
    print(f"saved encoder.npz ({size / 1e6:.1f} MB) in {time.time() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
