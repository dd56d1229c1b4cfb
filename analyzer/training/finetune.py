"""Fine-tuning the encoder's top layers over cached lower-layer states, resumably.

The training units are the ones stage 2 re-scores at run time: each category's best
stage 1 candidates per contract (scored out of fold, so they look like a new
contract's), plus every unit that carries a CUAD label. The frozen lower layers run
once and their outputs are cached (fp16, unpadded) under the work folder; an
epoch then runs only the top layers and the head, over batches of similar length.

A run folder (``models/work/finetune_<key>/``) holds ``checkpoint.pt`` (model,
optimiser, schedule, position in the epoch), ``best.pt`` (the epoch with the best
validation mean AP), ``train.log`` and ``metrics.jsonl``. A run stopped by
``max_seconds`` (or killed) resumes from its last checkpoint when started again
with the same data and options.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import numpy as np

from analyzer.training.tfidf import mean_ap

log = logging.getLogger(__name__)

CHECKPOINT_EVERY = 50  # steps


def candidate_rows(probs: np.ndarray, y: np.ndarray, doc: np.ndarray, per_category: int,
                   label_cols: list[int]) -> np.ndarray:
    """Each category's best ``per_category`` units per contract by ``probs``, and every unit with a
    label in ``label_cols``."""
    rows = set(np.flatnonzero(y[:, label_cols].any(1)).tolist())
    for d in np.unique(doc):
        idx = np.flatnonzero(doc == d)
        k = min(per_category, len(idx))
        top = np.argpartition(-probs[idx], k - 1, axis=0)[:k]
        rows.update(int(i) for i in idx[top.ravel()])
    return np.array(sorted(rows), dtype=np.int64)


def _batches(lengths: np.ndarray, batch: int, seed: int, epoch: int) -> list[np.ndarray]:
    """Batches of similar length, in a random order fixed by (seed, epoch)."""
    rng = np.random.default_rng([seed, epoch])
    order = np.argsort(lengths + rng.random(len(lengths)) * 8, kind="stable")
    out = [order[i:i + batch] for i in range(0, len(order), batch)]
    rng.shuffle(out)
    return out


class RunLog:
    """``train.log`` and ``metrics.jsonl`` of a run folder."""

    def __init__(self, run_dir: Path):
        self.dir = Path(run_dir)
        self.dir.mkdir(parents=True, exist_ok=True)

    def line(self, msg: str) -> None:
        log.info("  %s", msg)
        with open(self.dir / "train.log", "a", encoding="utf-8") as f:
            f.write(time.strftime("%Y-%m-%d %H:%M:%S ") + msg + "\n")

    def metrics(self, row: dict) -> None:
        with open(self.dir / "metrics.jsonl", "a", encoding="utf-8") as f:
            f.write(json.dumps(row) + "\n")


def train_top_resumable(top, states, y, val_states, y_val, run_dir: Path, epochs: int, batch: int, lr: float,
                        seed: int = 0, max_seconds: float | None = None,
                        checkpoint_every: int = CHECKPOINT_EVERY) -> dict:
    """Fine-tune ``top`` (its layers and head) on ``states``; validate on ``val_states`` after each
    epoch. Checkpoints every ``checkpoint_every`` steps and at each epoch's end; stops at the first
    checkpoint after ``max_seconds``. Returns {"done": bool, ...}; when done, ``top`` holds the
    best epoch's weights."""
    import torch

    from analyzer.training.encoder import padded, top_logits

    run = RunLog(run_dir)
    torch.manual_seed(seed)
    pos = y.sum(0)
    pos_weight = torch.tensor(np.clip(np.sqrt((len(y) - pos) / np.maximum(pos, 1)), 1, 10), dtype=torch.float32)
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=pos_weight)
    params = [{"params": top.layers.parameters(), "lr": lr}, {"params": top.head.parameters(), "lr": lr * 20}]
    opt = torch.optim.AdamW(params, weight_decay=0.01)
    lengths = np.array([len(s) for s in states])
    per_epoch = int(np.ceil(len(states) / batch))
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=[lr, lr * 20], total_steps=epochs * per_epoch, pct_start=0.1)
    yt = torch.tensor(y, dtype=torch.float32)
    ckpt, best_path = run.dir / "checkpoint.pt", run.dir / "best.pt"
    pos_epoch, pos_batch, best_ap, seen, spent = 0, 0, -1.0, 0, 0.0
    if ckpt.is_file():
        state = torch.load(ckpt, weights_only=False)
        top.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        sched.load_state_dict(state["sched"])
        pos_epoch, pos_batch, best_ap = state["epoch"], state["batch"], state["best_ap"]
        seen, spent = state["seen"], state["seconds"]
        torch.set_rng_state(state["torch_rng"])
        run.line(f"resumed at epoch {pos_epoch + 1} batch {pos_batch} ({seen} units, {spent:.0f}s so far)")
    else:
        run.line(f"start: {len(states)} units, {per_epoch} batches of {batch} per epoch, {epochs} epochs, lr {lr}")

    def save():
        torch.save({"model": top.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(),
                    "epoch": pos_epoch, "batch": pos_batch, "best_ap": best_ap, "seen": seen,
                    "seconds": spent + time.time() - t0, "torch_rng": torch.get_rng_state()}, ckpt.with_suffix(".tmp"))
        ckpt.with_suffix(".tmp").replace(ckpt)

    t0, window_t, window_n, total = time.time(), time.time(), 0, 0.0
    while pos_epoch < epochs:
        batches = _batches(lengths, batch, seed, pos_epoch)
        top.train()
        while pos_batch < len(batches):
            b = batches[pos_batch]
            hidden, mask = padded(states, b)
            loss = loss_fn(top(hidden, mask), yt[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss.detach())
            pos_batch += 1
            seen += len(b)
            window_n += len(b)
            if pos_batch % checkpoint_every == 0:
                rate = window_n / max(1e-9, time.time() - window_t)
                run.line(f"epoch {pos_epoch + 1} batch {pos_batch}/{len(batches)} loss {total / checkpoint_every:.4f} "
                         f"{rate:.1f} units/s")
                run.metrics({"epoch": pos_epoch + 1, "batch": pos_batch, "loss": total / checkpoint_every,
                             "units_per_s": rate})
                total, window_t, window_n = 0.0, time.time(), 0
                save()
                if max_seconds is not None and time.time() - t0 >= max_seconds:
                    run.line("stopped for time; run again to resume")
                    return {"done": False, "epoch": pos_epoch, "batch": pos_batch}
        top.eval()
        ap = mean_ap(top_logits(top, val_states, list(range(len(val_states)))), y_val)
        run.metrics({"epoch": pos_epoch + 1, "val_map_candidates": ap, "seconds": spent + time.time() - t0})
        run.line(f"epoch {pos_epoch + 1} done: validation mean AP on candidates {ap:.4f}")
        if ap > best_ap:
            best_ap = ap
            torch.save(top.state_dict(), best_path)
        pos_epoch, pos_batch = pos_epoch + 1, 0
        save()
        if max_seconds is not None and time.time() - t0 >= max_seconds and pos_epoch < epochs:
            run.line("stopped for time; run again to resume")
            return {"done": False, "epoch": pos_epoch, "batch": 0}
    top.load_state_dict(torch.load(best_path))
    top.eval()
    seconds = spent + time.time() - t0
    return {"done": True, "best_val_map_candidates": best_ap, "units_seen": seen, "seconds": round(seconds),
            "units_per_s": round(seen / max(seconds, 1e-9), 1)}
