"""CUAD loading: contracts, annotation offsets, the split and the unit labels used for training."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from analyzer.core.taxonomy import ALL_CATEGORIES
from analyzer.evaluation.cuad_data import (
    Contract,
    load_contracts,
    load_split,
    unit_labels,
)

COL = {c: i for i, c in enumerate(ALL_CATEGORIES)}

LICENCE = ("SOFTWARE LICENSE AGREEMENT\n\nThis Agreement is made on May 8, 2014 between Acme Inc. and Beta LLC.\n\n"
           "1. Grant. Acme grants Beta a non-exclusive licence.\n\n"
           "2. Law. This Agreement is governed by the laws of New York.\n")
VENTURE = "JOINT VENTURE AGREEMENT\n\nThe parties form a joint venture company.\n"


def _ann(text: str, snippet: str) -> dict:
    start = text.index(snippet)
    return {"text": snippet, "start": start, "end": start + len(snippet)}


def _write_cuad(root: Path) -> Path:
    """A CUAD-shaped folder: contracts.jsonl, annotations.jsonl and txt/ (two contracts, one odd type)."""
    (root / "txt").mkdir(parents=True)
    docs = {
        "Beta_License": ("License_Agreements", LICENCE, {
            "Document Name": [_ann(LICENCE, "SOFTWARE LICENSE AGREEMENT")],
            "Parties": [_ann(LICENCE, "Acme Inc."), _ann(LICENCE, "Beta LLC")],
            "Agreement Date": [_ann(LICENCE, "May 8, 2014")],
            "Governing Law": [_ann(LICENCE, "This Agreement is governed by the laws of New York.")],
            "License Grant": [{"text": "licence (answer without offsets)", "start": None, "end": None}],
            "Exclusivity": [],
        }),
        "Alpha_JV": ("Joint Venture", VENTURE, {"Parties": [_ann(VENTURE, "The parties")]}),
        "Gamma_Lease": ("Lease", "LEASE AGREEMENT\n\nThe tenant pays rent.\n", {}),
    }
    with open(root / "contracts.jsonl", "w", encoding="utf-8") as contracts, \
            open(root / "annotations.jsonl", "w", encoding="utf-8") as annotations:
        for name, (kind, text, labels) in docs.items():
            (root / "txt" / f"{name}.txt").write_text(text, encoding="utf-8")
            row = {"filename": f"{name}.pdf", "txt": f"txt/{name}.txt", "pdf": f"pdf/{name}.pdf", "type": kind}
            contracts.write(json.dumps(row) + "\n")
            annotations.write(json.dumps(dict(row, labels=labels)) + "\n")
    return root


@pytest.fixture
def cuad(tmp_path) -> Path:
    return _write_cuad(tmp_path / "cuad")


def test_load_contracts_reads_every_contract_sorted_by_name(cuad):
    contracts = load_contracts(cuad)
    assert [c.name for c in contracts] == ["Alpha_JV", "Beta_License", "Gamma_Lease"]
    assert [c.agreement_type for c in contracts] == ["jv", "license", "other"]
    assert contracts[1].text == LICENCE and contracts[1].cuad_type == "License_Agreements"


def test_load_contracts_keeps_the_order_of_the_names_given(cuad):
    assert [c.name for c in load_contracts(cuad, ["Gamma_Lease", "Alpha_JV"])] == ["Gamma_Lease", "Alpha_JV"]
    assert load_contracts(cuad, []) == []
    with pytest.raises(KeyError):
        load_contracts(cuad, ["Missing_Contract"])


def test_load_contracts_spans_index_the_text_under_category_ids(cuad):
    licence = load_contracts(cuad, ["Beta_License"])[0]
    assert set(licence.spans) == {"document_name", "parties", "agreement_date", "governing_law"}
    assert [t for _, _, t in licence.spans["parties"]] == ["Acme Inc.", "Beta LLC"]
    for spans in licence.spans.values():
        for s, e, t in spans:
            assert licence.text[s:e] == t
    law = licence.spans["governing_law"][0]
    assert law[2] == "This Agreement is governed by the laws of New York."


def test_load_contracts_present_counts_answers_without_offsets_but_not_empty_ones(cuad):
    licence = load_contracts(cuad, ["Beta_License"])[0]
    assert "license_grant" in licence.present and "license_grant" not in licence.spans
    assert "exclusivity" not in licence.present
    assert licence.present == {"document_name", "parties", "agreement_date", "governing_law", "license_grant"}


def test_load_split_reads_the_given_file_or_the_configured_one(tmp_path, monkeypatch):
    split = {"train": ["Alpha_JV"], "val": ["Beta_License"], "test": ["Gamma_Lease"]}
    path = tmp_path / "split.json"
    path.write_text(json.dumps(split), encoding="utf-8")
    assert load_split(path) == split
    monkeypatch.setenv("ANALYZER_SPLIT", str(path))
    assert load_split() == split


def test_the_shipped_split_is_disjoint_and_names_contracts():
    split = load_split()
    parts = [set(split[k]) for k in ("train", "val", "test")]
    assert all(parts) and not (parts[0] & parts[1] or parts[0] & parts[2] or parts[1] & parts[2])


# ----------------------------------------------------------------- unit labels

FILLER = "lorem ipsum " * 100  # no words that any distant-label rule reads


def _contract(spans: dict[str, list[tuple[int, int]]]) -> Contract:
    return Contract(name="c", text=FILLER, cuad_type="License_Agreements",
                    spans={cat: [(s, e, FILLER[s:e]) for s, e in v] for cat, v in spans.items()})


@pytest.mark.parametrize(("unit", "labelled"), [
    ((100, 200), True),   # the annotation itself
    ((150, 240), True),   # overlap 50 of a 90-character unit: more than half the unit
    ((150, 250), True),   # overlap 50 of a 100-character unit: exactly half counts
    ((0, 400), True),     # the whole annotation inside a long unit: half (all) of the annotation
    ((180, 300), False),  # overlap 20: under half of the unit (120) and of the annotation (100)
    ((60, 110), False),   # overlap 10 of a 50-character unit
    ((200, 260), False),  # touching at the end offset is no overlap
    ((40, 100), False),   # touching at the start offset is no overlap
])
def test_unit_labels_overlap_rule(unit, labelled):
    y = unit_labels(_contract({"governing_law": [(100, 200)]}), [unit], [""])
    assert y.shape == (1, len(ALL_CATEGORIES)) and y.dtype == np.uint8
    assert y[0, COL["governing_law"]] == int(labelled)
    assert y.sum() == int(labelled)


def test_unit_labels_per_unit_and_category():
    contract = _contract({"governing_law": [(100, 200)], "parties": [(0, 20), (500, 520), (770, 820)],
                          "not_a_taxonomy_category": [(0, 1200)]})
    units = [(0, 50), (100, 200), (490, 530), (800, 900)]
    y = unit_labels(contract, units, ["", "", "", ""])
    # (0, 20) and (500, 520) lie inside their units; (770, 820) overlaps (800, 900) by 20: under half of 100 and of 50
    assert y[:, COL["parties"]].tolist() == [1, 0, 1, 0]
    assert y[:, COL["governing_law"]].tolist() == [0, 1, 0, 0]
    assert y.sum() == 3  # a category outside the taxonomy is ignored


def test_unit_labels_add_distant_labels_from_headings_and_wording():
    text = FILLER + '"Territory" means Canada. ' + FILLER
    contract = Contract(name="c", text=text, cuad_type="Joint Venture", spans={})
    at = text.index('"Territory"')
    units = [(0, 100), (200, 300), (at, at + 25)]
    y = unit_labels(contract, units, ["", "confidentiality", ""])
    assert y[:, COL["confidentiality"]].tolist() == [0, 1, 0]
    assert y[:, COL["territory"]].tolist() == [0, 0, 1]
    assert y.sum() == 2


def test_unit_labels_without_units():
    y = unit_labels(_contract({"governing_law": [(100, 200)]}), [], [])
    assert y.shape == (0, len(ALL_CATEGORIES))
