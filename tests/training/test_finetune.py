"""Fine-tuning the top layers over cached states: candidate units, checkpoints and resuming."""

from __future__ import annotations

import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from analyzer.classify.encoder_stage import build_top
from analyzer.training.finetune import candidate_rows, train_top_resumable


def test_finetune_candidate_rows_by_hand():
    probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.3, 0.7], [0.1, 0.1],   # contract 0
                      [0.5, 0.2], [0.4, 0.3], [0.1, 0.9]], dtype=np.float32)  # contract 1
    y = np.zeros((7, 3), dtype=np.uint8)
    y[3, 0] = 1  # a labelled unit that stage 1 ranks low is kept
    y[5, 2] = 1  # a label outside the chosen columns does not count
    doc = np.array([0, 0, 0, 0, 1, 1, 1])
    rows = candidate_rows(probs, y, doc, per_category=1, label_cols=[0, 1])
    assert rows.tolist() == [0, 1, 3, 4, 6]


def _tiny(seed=0):
    config = transformers.BertConfig(vocab_size=50, hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
                                     intermediate_size=32, max_position_embeddings=64)
    torch.manual_seed(seed)
    base = transformers.BertModel(config).eval()
    return build_top(base, 1, 3, hidden=8)


def _data(n, seed):
    g = torch.Generator().manual_seed(seed)
    states = [torch.randn(int(3 + i % 7), 16, generator=g).half() for i in range(n)]
    y = np.zeros((n, 3), dtype=np.float32)
    for i, s in enumerate(states):
        y[i, int(s.float().mean() > 0)] = 1
    return states, y


def test_finetune_resumes_where_it_stopped(tmp_path):
    states, y = _data(40, 1)
    v_states, y_v = _data(12, 2)

    whole = _tiny()
    done = train_top_resumable(whole, states, y, v_states, y_v, tmp_path / "a", epochs=2, batch=4, lr=1e-3,
                               checkpoint_every=3)
    assert done["done"] and done["units_seen"] == 80

    parts = _tiny()
    first = train_top_resumable(parts, states, y, v_states, y_v, tmp_path / "b", epochs=2, batch=4, lr=1e-3,
                                max_seconds=0, checkpoint_every=3)
    assert first == {"done": False, "epoch": 0, "batch": 3}
    parts = _tiny(seed=5)  # a new process: weights come from the checkpoint
    again = train_top_resumable(parts, states, y, v_states, y_v, tmp_path / "b", epochs=2, batch=4, lr=1e-3,
                                checkpoint_every=3)
    assert again["done"] and again["units_seen"] == 80
    for (k, a), (_, b) in zip(whole.state_dict().items(), parts.state_dict().items()):
        assert torch.allclose(a, b, atol=1e-6), k

    log = (tmp_path / "b" / "train.log").read_text(encoding="utf-8")
    assert "stopped for time" in log and "resumed at epoch 1 batch 3" in log
    rows = [json.loads(line) for line in (tmp_path / "b" / "metrics.jsonl").read_text(encoding="utf-8").splitlines()]
    assert any("units_per_s" in r for r in rows) and sum("val_map_candidates" in r for r in rows) == 2
