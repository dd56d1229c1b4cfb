"""The unit scorer: TF-IDF features of a unit, its headings and its neighbours,
a multi-label linear layer, and per-category Platt calibration.

Everything is stored as plain arrays and JSON (``weights.npz`` + ``config.json``),
so loading needs no pickle and no particular scikit-learn version.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

FIELDS = ("text", "head", "ctx")
FIELD_WEIGHTS = {"text": 1.0, "head": 1.0, "ctx": 0.5}
VECTORIZER_PARAMS = {
    "text": {"ngram_range": (1, 2), "max_features": 80000, "min_df": 2, "sublinear_tf": True},
    "head": {"ngram_range": (1, 2), "max_features": 8000, "min_df": 2, "sublinear_tf": True},
    "ctx": {"ngram_range": (1, 1), "max_features": 20000, "min_df": 2, "sublinear_tf": True},
}
_TOKEN = r"(?u)\b\w[\w'-]*\b|__pos_\w+"


def _vectorizer(field: str, vocabulary=None) -> TfidfVectorizer:
    params = dict(VECTORIZER_PARAMS[field])
    if vocabulary is not None:
        params.pop("max_features")
        params.pop("min_df")
        params["vocabulary"] = vocabulary
    return TfidfVectorizer(lowercase=True, token_pattern=_TOKEN, dtype=np.float32, **params)


class Featurizer:
    """Three TF-IDF vectorisers, stacked with field weights."""

    def __init__(self, vectorizers: dict[str, TfidfVectorizer]):
        self.vectorizers = vectorizers

    @classmethod
    def fit(cls, fields: dict[str, list[str]]) -> Featurizer:
        return cls({f: _vectorizer(f).fit(fields[f]) for f in FIELDS})

    def transform(self, fields: dict[str, list[str]]) -> sp.csr_matrix:
        blocks = [self.vectorizers[f].transform(fields[f]) * FIELD_WEIGHTS[f] for f in FIELDS]
        return sp.hstack(blocks, format="csr", dtype=np.float32)

    @property
    def n_features(self) -> int:
        return sum(len(self.vectorizers[f].vocabulary_) for f in FIELDS)

    def to_arrays(self) -> tuple[dict, dict[str, np.ndarray]]:
        vocab, arrays = {}, {}
        for f in FIELDS:
            v = self.vectorizers[f]
            terms = sorted(v.vocabulary_, key=v.vocabulary_.get)
            vocab[f] = terms
            arrays[f"idf_{f}"] = v.idf_.astype(np.float32)
        return vocab, arrays

    @classmethod
    def from_arrays(cls, vocab: dict, arrays) -> Featurizer:
        vecs = {}
        for f in FIELDS:
            v = _vectorizer(f, vocabulary={t: i for i, t in enumerate(vocab[f])})
            v.idf_ = np.asarray(arrays[f"idf_{f}"], dtype=np.float64)
            vecs[f] = v
        return cls(vecs)


class UnitModel:
    """Scores units: calibrated probability per category."""

    def __init__(self, featurizer: Featurizer, weight: np.ndarray, bias: np.ndarray,
                 platt: np.ndarray, categories: list[str]):
        self.featurizer = featurizer
        self.weight = weight.astype(np.float32)
        self.bias = bias.astype(np.float32)
        self.platt = platt.astype(np.float32)  # (n_cat, 2): a, b of sigmoid(a * logit + b)
        self.categories = categories

    def logits(self, fields: dict[str, list[str]]) -> np.ndarray:
        x = self.featurizer.transform(fields)
        return np.asarray(x @ self.weight) + self.bias

    def calibrate(self, z: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(z * self.platt[:, 0] + self.platt[:, 1])))

    def predict_proba(self, fields: dict[str, list[str]]) -> np.ndarray:
        return self.calibrate(self.logits(fields))

    def save(self, directory: Path, extra_config: dict, extra_arrays: dict[str, np.ndarray]) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        vocab, arrays = self.featurizer.to_arrays()
        (directory / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
        np.savez_compressed(directory / "weights.npz", weight=self.weight.astype(np.float16), bias=self.bias,
                            platt=self.platt, **arrays, **extra_arrays)
        config = {"categories": self.categories, **extra_config}
        (directory / "config.json").write_text(json.dumps(config, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> tuple[UnitModel, dict, dict[str, np.ndarray]]:
        config = json.loads((directory / "config.json").read_text(encoding="utf-8"))
        vocab = json.loads((directory / "vocab.json").read_text(encoding="utf-8"))
        with np.load(directory / "weights.npz") as z:
            arrays = {k: z[k] for k in z.files}
        model = cls(Featurizer.from_arrays(vocab, arrays), arrays["weight"], arrays["bias"], arrays["platt"],
                    config["categories"])
        return model, config, arrays
