"""CUAD-format data: contracts, annotations, the fixed contract-level split."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import numpy as np

from analyzer.core.settings import split_path
from analyzer.core.taxonomy import ALL_CATEGORIES, category_id

# CUAD agreement-type folders -> the project's agreement types.
TYPE_MAP = {
    "License_Agreements": "license", "IP": "license", "Franchise": "license",
    "Joint Venture": "jv", "Joint Venture _ Filing": "jv",
    "Collaboration": "collaboration", "Strategic Alliance": "collaboration", "Co_Branding": "collaboration",
    "Development": "development",
    "Distributor": "distribution", "Reseller": "distribution", "Supply": "distribution", "Agency Agreements": "distribution",
    "Service": "services", "Maintenance": "services", "Hosting": "services", "Outsourcing": "services",
    "Consulting Agreements": "services", "Transportation": "services", "Manufacturing": "services",
}


@dataclass
class Contract:
    name: str
    text: str
    cuad_type: str
    # category id -> list of (start, end, text)
    spans: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict)
    # categories annotated in the contract (including annotations without offsets)
    present: set[str] = field(default_factory=set)

    @property
    def agreement_type(self) -> str:
        return TYPE_MAP.get(self.cuad_type, "other")


def load_contracts(cuad_dir: Path, names: list[str] | None = None) -> list[Contract]:
    """Contracts of ``cuad_dir`` (only ``names``, in that order, when given)."""
    cuad_dir = Path(cuad_dir)
    rows = {}
    with open(cuad_dir / "annotations.jsonl", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            rows[Path(r["txt"]).stem] = r
    wanted = names if names is not None else sorted(rows)
    out = []
    for name in wanted:
        r = rows[name]
        text = (cuad_dir / r["txt"]).read_text(encoding="utf-8")
        spans: dict[str, list[tuple[int, int, str]]] = {}
        present: set[str] = set()
        for cat_name, anns in (r.get("labels") or {}).items():
            cid = category_id(cat_name)
            if anns:
                present.add(cid)
            for a in anns:
                if a.get("start") is None:
                    continue
                s, e = int(a["start"]), int(a["end"])
                spans.setdefault(cid, []).append((s, e, text[s:e]))
        out.append(Contract(name=name, text=text, cuad_type=r.get("type", ""), spans=spans,
                            present=present))
    return out


def load_split(path: Optional[Path] = None) -> dict[str, list[str]]:
    """The contract-level split (``train``/``val``/``test`` names); default ``settings.split_path()``."""
    return json.loads(Path(path or split_path()).read_text(encoding="utf-8"))


def unit_labels(contract: Contract, units: list[tuple[int, int]], headings: list[str]) -> np.ndarray:
    """Multi-hot unit labels: CUAD spans (overlap >= half of the unit or of the annotation)
    plus distant labels for the licensing/JV categories (``analyzer.evaluation.heading_labels``)."""
    from analyzer.evaluation.heading_labels import distant_labels

    index = {c: i for i, c in enumerate(ALL_CATEGORIES)}
    y = np.zeros((len(units), len(ALL_CATEGORIES)), dtype=np.uint8)
    starts = np.array([s for s, _ in units] or [0])
    ends = np.array([e for _, e in units] or [0])
    for cat, spans in contract.spans.items():
        j = index.get(cat)
        if j is None or not units:
            continue
        for s, e, _ in spans:
            ov = np.minimum(ends, e) - np.maximum(starts, s)
            y[(ov > 0) & ((ov >= 0.5 * (ends - starts)) | (ov >= 0.5 * (e - s))), j] = 1
    for i, (s, e) in enumerate(units):
        for cat in distant_labels(headings[i], contract.text[s:e]):
            y[i, index[cat]] = 1
    return y
