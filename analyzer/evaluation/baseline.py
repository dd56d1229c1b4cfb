"""Reference baseline: TF-IDF + logistic regression per category on single sentences.

No headings, no neighbours, no span merging, no entity extraction: each
sentence is scored alone and is its own evidence span.
"""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from analyzer.classify.features import normalise
from analyzer.nlp.sentences import sentence_spans


def sentence_table(contracts, categories: list[str]):
    """Sentences, their text and multi-hot labels (overlap >= half of sentence or annotation)."""
    rows, ys, docs = [], [], []
    for k, c in enumerate(contracts):
        spans = sentence_spans(c.text)
        y = np.zeros((len(spans), len(categories)), dtype=np.uint8)
        st = np.array([s for s, _ in spans] or [0])
        en = np.array([e for _, e in spans] or [0])
        for j, cat in enumerate(categories):
            for s, e, _ in c.spans.get(cat, []):
                ov = np.minimum(en, e) - np.maximum(st, s)
                y[(ov > 0) & ((ov >= 0.5 * (en - st)) | (ov >= 0.5 * (e - s))), j] = 1
        rows += [(k, s, e, normalise(c.text[s:e])) for s, e in spans]
        ys.append(y)
        docs += [k] * len(spans)
    return rows, np.concatenate(ys), np.array(docs)


class Baseline:
    def __init__(self, categories: list[str]):
        self.categories = categories
        self.vec = TfidfVectorizer(ngram_range=(1, 2), max_features=80000, min_df=2, sublinear_tf=True)
        self.models: list[LogisticRegression | None] = []

    def fit(self, texts: list[str], y: np.ndarray) -> "Baseline":
        x = self.vec.fit_transform(texts)
        for j in range(y.shape[1]):
            if y[:, j].sum() >= 2:
                self.models.append(LogisticRegression(C=4.0, solver="liblinear", class_weight="balanced", random_state=0).fit(x, y[:, j]))
            else:
                self.models.append(None)
        return self

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        x = self.vec.transform(texts)
        out = np.zeros((len(texts), len(self.categories)), dtype=np.float32)
        for j, m in enumerate(self.models):
            if m is not None:
                out[:, j] = m.predict_proba(x)[:, 1]
        return out
