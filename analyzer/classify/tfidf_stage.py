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

from analyzer.classify.features import POSITION_TOKEN
from analyzer.core.taxonomy import CUAD_CATEGORIES

FIELDS = ("text", "head", "ctx", "head_chars")
# the unit fields each vectoriser reads: ``head_chars`` reads the headings again, as character n-grams
# within words, so "Sublicenses", "Sub-Licensing" and "Sublicensees" share most of their features
# where word features see three unrelated words. Only the categories labelled from headings (every
# category outside CUAD's 41) read it: for CUAD's annotated categories it lowered out-of-fold unit AP.
SOURCE = {"text": "text", "head": "head", "ctx": "ctx", "head_chars": "head"}
FIELD_WEIGHTS = {"text": 1.0, "head": 1.0, "ctx": 0.5, "head_chars": 0.5}
VECTORIZER_PARAMS = {
    "text": {"ngram_range": (1, 2), "max_features": 80000, "min_df": 2, "sublinear_tf": True},
    "head": {"ngram_range": (1, 2), "max_features": 8000, "min_df": 2, "sublinear_tf": True},
    "ctx": {"ngram_range": (1, 1), "max_features": 20000, "min_df": 2, "sublinear_tf": True},
    "head_chars": {"analyzer": "char_wb", "ngram_range": (4, 5), "max_features": 12000, "min_df": 3,
                   "sublinear_tf": True},
}
_TOKEN = r"(?u)\b\w[\w'-]*\b|__pos_\w+"


def reads_head_chars(categories: list[str]) -> np.ndarray:
    """Per category, whether its weights may use the ``head_chars`` block."""
    return np.array([c not in CUAD_CATEGORIES for c in categories], dtype=bool)


def _heading_words(head: str) -> str:
    """A ``head`` field without its position token, for the character n-grams."""
    return POSITION_TOKEN.sub(" ", head.lower())


def _vectorizer(field: str, vocabulary=None) -> TfidfVectorizer:
    params = dict(VECTORIZER_PARAMS[field])
    if vocabulary is not None:
        params.pop("max_features")
        params.pop("min_df")
        params["vocabulary"] = vocabulary
    if params.get("analyzer") == "char_wb":
        return TfidfVectorizer(lowercase=False, preprocessor=_heading_words, dtype=np.float32, **params)
    return TfidfVectorizer(lowercase=True, token_pattern=_TOKEN, dtype=np.float32, **params)


class Featurizer:
    """TF-IDF vectorisers over the unit fields (``FIELDS``), stacked with field weights. An
    artifact trained before ``head_chars`` existed loads with the three word fields."""

    def __init__(self, vectorizers: dict[str, TfidfVectorizer]):
        self.vectorizers = vectorizers

    @classmethod
    def fit(cls, fields: dict[str, list[str]]) -> Featurizer:
        return cls({f: _vectorizer(f).fit(fields[SOURCE[f]]) for f in FIELDS})

    def transform(self, fields: dict[str, list[str]]) -> sp.csr_matrix:
        blocks = [v.transform(fields[SOURCE[f]]) * FIELD_WEIGHTS[f] for f, v in self.vectorizers.items()]
        return sp.hstack(blocks, format="csr", dtype=np.float32)

    @property
    def n_features(self) -> int:
        return sum(len(v.vocabulary_) for v in self.vectorizers.values())

    @property
    def word_columns(self) -> int:
        """How many leading columns come from the word fields (the rest are ``head_chars``)."""
        return sum(len(v.vocabulary_) for f, v in self.vectorizers.items() if f != "head_chars")

    def to_arrays(self) -> tuple[dict, dict[str, np.ndarray]]:
        vocab, arrays = {}, {}
        for f in self.vectorizers:
            v = self.vectorizers[f]
            terms = sorted(v.vocabulary_, key=v.vocabulary_.get)
            vocab[f] = terms
            arrays[f"idf_{f}"] = v.idf_.astype(np.float32)
        return vocab, arrays

    @classmethod
    def from_arrays(cls, vocab: dict, arrays) -> Featurizer:
        vecs = {}
        for f in (f for f in FIELDS if f in vocab):
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
