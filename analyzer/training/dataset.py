"""Training data: units, fields and labels of CUAD contracts, cached by code and data hashes."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from analyzer.classify.features import HeadingIndex, normalise, unit_fields
from analyzer.classify.units import document_units
from analyzer.core.files import write_bytes, write_text
from analyzer.core.settings import PACKAGE_DIR, work_dir
from analyzer.core.taxonomy import ALL_CATEGORIES
from analyzer.evaluation.cuad_data import load_contracts, unit_labels

DROP_HEADING = 0.3  # share of training units whose heading is hidden
CAT_INDEX = {c: i for i, c in enumerate(ALL_CATEGORIES)}

# The code that turns a contract into units, fields and labels: a change in any of it
# changes the cache key.
_UNIT_CODE = ("core", "ingest", "structure", "nlp", "classify/units.py", "classify/features.py",
              "evaluation/cuad_data.py", "evaluation/heading_labels.py")


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def code_hash(parts=_UNIT_CODE) -> str:
    """sha256 over the source files (``.py`` and pattern data) of ``parts`` of the package."""
    root = PACKAGE_DIR
    h = hashlib.sha256()
    for part in parts:
        p = root / part
        files = [p] if p.is_file() else sorted(f for f in p.rglob("*") if f.is_file()
                                               and "__pycache__" not in f.parts and f.suffix != ".pyc")
        for f in files:
            h.update(f.relative_to(root).as_posix().encode() + b"\0")
            h.update(f.read_bytes())
    return h.hexdigest()


def data_hashes(cuad_dir: Path, split_file: Path, handwritten: Path) -> dict:
    """sha256 of each training input, and one over all of them (``all``), contract texts included."""
    cuad_dir = Path(cuad_dir)
    out = {
        "contracts.jsonl": sha256_file(cuad_dir / "contracts.jsonl"),
        "annotations.jsonl": sha256_file(cuad_dir / "annotations.jsonl"),
        "split.json": sha256_file(split_file),
        "handwritten_examples.jsonl": sha256_file(handwritten),
    }
    texts = hashlib.sha256()
    with open(cuad_dir / "annotations.jsonl", encoding="utf-8") as f:
        for line in f:
            rel = json.loads(line)["txt"]
            texts.update(rel.encode() + b"\0" + bytes.fromhex(sha256_file(cuad_dir / rel)))
    out["texts"] = texts.hexdigest()
    out["all"] = hashlib.sha256(json.dumps(out, sort_keys=True).encode()).hexdigest()
    return out


def build_split(cuad_dir: Path, names: list[str], drop_heading: bool, data_hash: str, seed: int = 0) -> dict:
    """Units, fields and labels of the named contracts.

    Returns ``fields`` (text/head/ctx lists over all units), ``y`` (units x categories),
    ``doc`` (contract index per unit), ``units`` (per contract) and ``contracts``. Cached
    under the work folder as JSON + ``.npy``, keyed by the unit-building code, the data and
    the arguments.
    """
    key = hashlib.sha256("|".join([code_hash(), data_hash, str(drop_heading), str(seed), *names]).encode()).hexdigest()[:16]
    cache_json, cache_y = work_dir() / f"units_{key}.json", work_dir() / f"units_{key}.npy"
    contracts = load_contracts(cuad_dir, names)
    if cache_json.is_file() and cache_y.is_file():
        cached = json.loads(cache_json.read_text(encoding="utf-8"))
        y = np.load(cache_y)
        return {"fields": cached["fields"], "y": y, "doc": np.array(cached["doc"], dtype=np.int64),
                "units": [[tuple(u) for u in us] for us in cached["units"]], "contracts": contracts}
    rng = np.random.default_rng(seed)
    fields: dict[str, list[str]] = {"text": [], "head": [], "ctx": []}
    ys, doc, all_units = [], [], []
    for k, c in enumerate(contracts):
        units = document_units(c.text)
        index = HeadingIndex(c.text)
        headings = [index.context(s) for s, _ in units]
        drop = list(rng.random(len(units)) < DROP_HEADING) if drop_heading else None
        f = unit_fields(c.text, units, drop)
        for name in fields:
            fields[name] += f[name]
        ys.append(unit_labels(c, units, headings))
        doc += [k] * len(units)
        all_units.append(units)
    y = np.concatenate(ys) if ys else np.zeros((0, len(ALL_CATEGORIES)), dtype=np.uint8)
    import io

    buf = io.BytesIO()
    np.save(buf, y)
    write_bytes(cache_y, buf.getvalue())
    write_text(cache_json, json.dumps({"fields": fields, "doc": doc, "units": all_units}))
    return {"fields": fields, "y": y, "doc": np.array(doc, dtype=np.int64), "units": all_units, "contracts": contracts}


def load_handwritten(path: Path) -> tuple[dict, np.ndarray]:
    """Fields and labels of the hand-written examples, each with and without its heading."""
    fields: dict[str, list[str]] = {"text": [], "head": [], "ctx": []}
    ys = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        r = json.loads(line)
        y = np.zeros(len(ALL_CATEGORIES), dtype=np.uint8)
        for c in r["categories"]:
            y[CAT_INDEX[c]] = 1
        for head in (r.get("heading", ""), ""):  # with and without its heading
            fields["text"].append(normalise(r["text"]))
            fields["head"].append(f"{head.lower()} __pos_body")
            fields["ctx"].append("")
            ys.append(y)
    return fields, np.array(ys)
