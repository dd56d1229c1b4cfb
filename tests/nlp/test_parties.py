"""Parties come from the preamble and the signature block; headings and defined terms are never parties."""

from __future__ import annotations

import pytest

from analyzer.ingest import parse
from analyzer.nlp import run_nlp
from analyzer.nlp.parties import find_signatories, is_legal_person
from analyzer.structure.segment import segment


def _parties(text: str):
    doc = parse(text.encode("utf-8"), filename="t.txt")
    return [(p.name, p.alias) for p in run_nlp(doc, segment(doc)).parties]


def test_two_companies_with_defined_short_names():
    text = ('This Licence Agreement is made between Acme Widgets Limited, a company registered in England '
            '("Acme"), and Beta Systems Inc. (hereinafter referred to as the "Licensee").\n\n'
            '1. Definitions\n\n"Territory" means France.\n')
    assert _parties(text) == [("Acme Widgets Limited", "Acme"), ("Beta Systems Inc.", "Licensee")]


@pytest.mark.parametrize("seat", ["England and Wales", "Ruritania and Outer Isles"])
def test_an_and_inside_a_partys_description_does_not_make_a_party(seat):
    text = ('This Agreement is made between Aurora Biomaterials, Inc., a Delaware corporation ("Aurora"); and '
            f'Kestrel Polymer Research Ltd., a company registered in {seat} under company number 09876543, '
            'having its registered office at 7 Science Park Way, Cambridge ("Kestrel").\n\n1. Definitions\n')
    assert _parties(text) == [("Aurora Biomaterials, Inc.", "Aurora"), ("Kestrel Polymer Research Ltd.", "Kestrel")]


def test_two_parties_sharing_one_short_name_stay_two():
    text = ('This Agreement is made between Acme Widgets Limited and Beta Systems GmbH (together, the "Licensors") '
            'and Gamma Inc. ("Licensee").\n\n1. Definitions\n')
    names = [n for n, _ in _parties(text)]
    assert names == ["Acme Widgets Limited", "Beta Systems GmbH", "Gamma Inc."]


def test_headings_and_definitions_are_not_parties():
    text = ("CLOUD SERVICE AGREEMENT\n\n1. Cloud Service Agreement; The Subscription Period\n\n"
            "The Customer may use the service during the Subscription Period.\n\n2. Conflicts; Definitions\n\n"
            '"Foreign Investment" means any investment.\n\nIN WITNESS WHEREOF\n\nBy: ____\nName: John Smith\n')
    names = [n for n, _ in _parties(text)]
    assert not any(n and ("Subscription" in n or "Definitions" in n or "WITNESS" in n) for n in names)
    assert all(a != "Foreign Investment" for _, a in _parties(text))


def test_signature_block_names_the_party_on_whose_behalf_it_signs():
    text = "Signed for and on behalf of Gamma Holdings plc\nBy: ______\n\nIN WITNESS WHEREOF\nBy: ______\n"
    spans = find_signatories(text, 0, len(text))
    assert [text[a:b] for a, b in spans] == ["Gamma Holdings plc"]


@pytest.mark.parametrize("name,ok", [
    ("Acme Widgets Limited", True), ("Beta GmbH", True), ("John Smith", True),
    ("Cloud Service Agreement; The Subscription Period", False), ("Conflicts; Definitions", False),
    ("Foreign Investment", False), ("The Subscription Period", False),
])
def test_a_party_is_a_company_or_a_person(name, ok):
    assert is_legal_person(name) is ok
