"""The artifact's content version, provenance and atomic publish."""

from __future__ import annotations

import json

import numpy as np
import pytest

from analyzer.training import artifact
from analyzer.training.dataset import code_hash, data_hashes


def _write(folder, weight=1.0, version="x"):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps({"version": version, "encoder": None, "a": 1}), encoding="utf-8")
    (folder / "vocab.json").write_text("{}", encoding="utf-8")
    np.savez_compressed(folder / "weights.npz", weight=np.full(3, weight, np.float16))


def test_version_is_a_content_hash(tmp_path):
    _write(tmp_path / "a", version="old")
    _write(tmp_path / "b", version="other")
    _write(tmp_path / "c", weight=2.0)
    assert artifact.content_hash(tmp_path / "a") == artifact.content_hash(tmp_path / "b")
    assert artifact.content_hash(tmp_path / "a") != artifact.content_hash(tmp_path / "c")
    v = artifact.finalize(tmp_path / "a", {"all": "d" * 64})
    assert v.startswith("tfidf-linear-") and len(v) == len("tfidf-linear-") + 12
    config = json.loads((tmp_path / "a" / "config.json").read_text(encoding="utf-8"))
    assert config["version"] == v
    prov = config["provenance"]
    assert prov["content_sha256"].startswith(v.rsplit("-", 1)[1])
    assert set(prov["libraries"]) == set(artifact.LIBRARIES)
    assert prov["training_data_sha256"] == {"all": "d" * 64}
    # finalizing does not change the content hash: the version is stable
    assert artifact.content_hash(tmp_path / "a") == prov["content_sha256"]


def test_publish_replaces_the_whole_folder(tmp_path):
    out = tmp_path / "model"
    _write(out)
    (out / "encoder.npz").write_bytes(b"old")
    staged = artifact.staging(out)
    assert staged.parent == out.parent and staged.is_dir() and not any(staged.iterdir())
    _write(staged, weight=3.0)
    artifact.publish(staged, out)
    assert not staged.exists()
    assert not (out / "encoder.npz").exists()
    with np.load(out / "weights.npz") as z:
        assert float(z["weight"][0]) == 3.0
    assert [p.name for p in tmp_path.iterdir()] == ["model"]


def test_publish_into_a_new_folder(tmp_path):
    staged = artifact.staging(tmp_path / "new")
    _write(staged)
    artifact.publish(staged, tmp_path / "new")
    assert (tmp_path / "new" / "config.json").is_file()


def test_cache_keys_follow_code_and_data(tmp_path):
    assert code_hash() == code_hash()
    assert code_hash(("classify/units.py",)) != code_hash(("classify/features.py",))
    cuad = tmp_path / "cuad"
    (cuad / "txt").mkdir(parents=True)
    (cuad / "txt" / "a.txt").write_text("text", encoding="utf-8")
    (cuad / "contracts.jsonl").write_text('{"txt": "txt/a.txt"}\n', encoding="utf-8")
    (cuad / "annotations.jsonl").write_text('{"txt": "txt/a.txt"}\n', encoding="utf-8")
    split, hand = tmp_path / "split.json", tmp_path / "hand.jsonl"
    split.write_text("{}", encoding="utf-8")
    hand.write_text("", encoding="utf-8")
    before = data_hashes(cuad, split, hand)
    (cuad / "txt" / "a.txt").write_text("changed", encoding="utf-8")
    after = data_hashes(cuad, split, hand)
    assert before["texts"] != after["texts"] and before["all"] != after["all"]
    assert before["annotations.jsonl"] == after["annotations.jsonl"]


def test_train_rejects_an_unknown_stage(tmp_path):
    from analyzer.training import train

    with pytest.raises(ValueError):
        train(tmp_path, stage="bogus")


def test_cli_train_needs_stage1_for_the_encoder_stage(tmp_path, capsys):
    from analyzer.cli import main

    rc = main(["train", "--cuad", str(tmp_path), "--stage", "encoder", "--output", str(tmp_path / "none")])
    assert rc == 1
    assert "no stage 1 artifact" in capsys.readouterr().err
    assert not (tmp_path / "none").exists()
