"""The ``head_chars`` block of stage 1: headings as character n-grams, read only by the categories
labelled from headings, and artifacts from before it still load."""

from __future__ import annotations

import numpy as np

from analyzer.classify.tfidf_stage import FIELDS, Featurizer, reads_head_chars
from analyzer.training.tfidf import fit_units

HEADS = ["sublicenses __pos_body", "sub-licensing __pos_body", "sublicensees __pos_body", "confidentiality __pos_body",
         "confidential information __pos_body", "governing law __pos_end", "payment __pos_body", "payments __pos_body",
         "term and termination __pos_body", "termination __pos_body"] * 3
FIELDS_SMALL = {"text": [f"the parties agree to clause {i}" for i in range(len(HEADS))], "head": HEADS,
                "ctx": ["previous clause next clause"] * len(HEADS)}


def _block(feat: Featurizer, heads: list[str], field: str) -> np.ndarray:
    x = feat.transform({"text": [""] * len(heads), "head": heads, "ctx": [""] * len(heads)}).toarray()
    start = 0
    for f, v in feat.vectorizers.items():
        if f == field:
            return x[:, start:start + len(v.vocabulary_)]
        start += len(v.vocabulary_)
    raise KeyError(field)


def test_morphological_variants_of_a_heading_share_character_features_not_word_features():
    feat = Featurizer.fit(FIELDS_SMALL)
    heads = ["sublicenses __pos_body", "sub-licensing __pos_body", "payment __pos_body"]
    words, chars = _block(feat, heads, "head"), _block(feat, heads, "head_chars")
    # the word block: "sublicenses" and "sub-licensing" are unrelated tokens apart from the position token
    content = [i for i, t in enumerate(sorted(feat.vectorizers["head"].vocabulary_, key=feat.vectorizers["head"].vocabulary_.get))
               if not t.startswith("__pos")]
    assert float(words[0, content] @ words[1, content]) == 0.0
    assert float(chars[0] @ chars[1]) > 0.0  # " sub", "licen", "icens", ... shared
    assert float(chars[0] @ chars[2]) == 0.0  # nothing shared with "payment"
    # the position token is not a character feature
    assert not any("pos" in t for t in feat.vectorizers["head_chars"].vocabulary_)


def test_cuad_categories_get_no_weight_on_heading_characters():
    feat = Featurizer.fit(FIELDS_SMALL)
    x = feat.transform(FIELDS_SMALL)
    cats = ["license_grant", "sublicensing"]  # CUAD's annotated category, a heading-labelled one
    assert reads_head_chars(cats).tolist() == [False, True]
    y = np.zeros((len(HEADS), 2), dtype=np.uint8)
    y[:, 0] = y[:, 1] = [h.startswith("sub") for h in HEADS]
    w, _ = fit_units(feat, x, y, categories=cats, jobs=1)
    k = feat.word_columns
    assert k < feat.n_features == w.shape[0]
    assert np.all(w[k:, 0] == 0) and np.any(w[:k, 0] != 0)
    assert np.any(w[k:, 1] != 0)


def test_an_artifact_without_heading_characters_loads_with_the_word_fields():
    feat = Featurizer.fit(FIELDS_SMALL)
    vocab, arrays = feat.to_arrays()
    assert set(vocab) == set(FIELDS)
    old_vocab = {f: t for f, t in vocab.items() if f != "head_chars"}
    old_arrays = {k: v for k, v in arrays.items() if k != "idf_head_chars"}
    old = Featurizer.from_arrays(old_vocab, old_arrays)
    assert list(old.vectorizers) == ["text", "head", "ctx"]
    assert old.n_features == old.word_columns == feat.word_columns
    x_new, x_old = feat.transform(FIELDS_SMALL), old.transform(FIELDS_SMALL)
    assert x_old.shape[1] == feat.word_columns
    assert np.allclose(x_new[:, :feat.word_columns].toarray(), x_old.toarray())
