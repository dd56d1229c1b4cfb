"""Agreement type (license, jv, collaboration, ...) from the opening of a contract."""

from __future__ import annotations

import re

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from analyzer.core.taxonomy import AGREEMENT_TYPES

OPENING = 6000  # characters read: title, parties, recitals, first definitions
# A title that names the type decides it (validation accuracy 0.92 with these rules vs 0.82 without).
TITLE_RULES = [
    ("nda", r"non-?disclosure|confidentiality agreement|secrecy agreement"),
    ("jv", r"joint venture|shareholders'? agreement|operating agreement"),
    ("collaboration", r"collaborat|alliance|co-?branding"),
    ("development", r"development"),
    ("license", r"licen[cs]e|franchise"),
    ("distribution", r"distribut|reseller|supply|dealer|agency"),
    ("services", r"services?|consult|maintenance|hosting|outsourc|transportation|manufactur"),
]
TITLE_CONFIDENCE = 0.9
_TOKEN = r"(?u)\b[a-zA-Z][a-zA-Z-]+\b"


def _opening(text: str) -> str:
    return re.sub(r"\s+", " ", text[:OPENING])


def train(texts: list[str], labels: list[str]) -> dict:
    vec = TfidfVectorizer(ngram_range=(1, 2), max_features=20000, min_df=2, sublinear_tf=True, token_pattern=_TOKEN)
    x = vec.fit_transform([_opening(t) for t in texts])
    clf = LogisticRegression(C=10.0, max_iter=2000, class_weight="balanced").fit(x, labels)
    return {"vocab": sorted(vec.vocabulary_, key=vec.vocabulary_.get), "idf": vec.idf_,
            "coef": clf.coef_, "intercept": clf.intercept_, "classes": list(clf.classes_)}


def config(model: dict) -> dict:
    return {"vocab": model["vocab"], "classes": model["classes"]}


def arrays(model: dict) -> dict[str, np.ndarray]:
    return {"type_idf": model["idf"].astype(np.float32), "type_coef": model["coef"].astype(np.float32),
            "type_intercept": model["intercept"].astype(np.float32)}


def from_artifact(cfg: dict, arr) -> dict:
    return {"vocab": cfg["vocab"], "classes": cfg["classes"], "idf": arr["type_idf"],
            "coef": arr["type_coef"], "intercept": arr["type_intercept"]}


def title_type(text: str) -> str | None:
    from analyzer.classify.units import title_span

    span = title_span(text)
    if not span:
        return None
    title = text[span[0]:span[1]].lower()
    return next((label for label, rx in TITLE_RULES if re.search(rx, title)), None)


def predict(model: dict, text: str) -> tuple[str, float]:
    """(type, confidence): from the title when it names the type, else from the opening text."""
    label = title_type(text)
    if label:
        return label, TITLE_CONFIDENCE
    if "_vec" not in model:
        vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=_TOKEN,
                              vocabulary={t: i for i, t in enumerate(model["vocab"])})
        vec.idf_ = np.asarray(model["idf"], dtype=np.float64)
        model["_vec"] = vec
    x = model["_vec"].transform([_opening(text)])
    z = np.asarray(x @ np.asarray(model["coef"]).T).ravel() + np.asarray(model["intercept"])
    if len(z) == 1 and len(model["classes"]) == 2:  # a two-class model scores the second class against the first
        z = np.array([0.0, z[0]])
    p = np.exp(z - z.max())
    p /= p.sum()
    i = int(np.argmax(p))
    label = model["classes"][i]
    return (label if label in AGREEMENT_TYPES else "other"), float(p[i])
