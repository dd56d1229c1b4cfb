"""Legal entity components and run_nlp: parties, defined terms, dates, durations, money,
governing law, cross-references, title, and the span invariants."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from analyzer.ingest import parse
from analyzer.nlp import legal_nlp, run_nlp
from analyzer.nlp.components import COMPONENTS
from analyzer.structure.segment import segment

DATA = Path(__file__).resolve().parents[1] / "data" / "segment"


def _run(text: str):
    doc = parse(text.encode("utf-8"), filename="t.txt")
    clauses = segment(doc)
    return doc, clauses, run_nlp(doc, clauses)


def _entities(text: str, type_: str):
    _, _, out = _run(text)
    return [(e.text, e.value) for e in out.entities if e.type == type_]


@pytest.fixture(scope="module")
def licence():
    doc = parse(DATA / "licence.txt")
    clauses = segment(doc)
    return doc, clauses, run_nlp(doc, clauses)


@pytest.mark.parametrize("text,expected", [
    ('This Agreement is made by and between ACME CORP., a Delaware corporation ("Licensor"), and '
     'Beta GmbH, a German company ("Licensee").',
     [("ACME CORP.", "Licensor", "licensor"), ("Beta GmbH", "Licensee", "licensee")]),
    ('This Agreement is entered into on January 13, 2005 between professional golfer, TOM WATSON, '
     '(hereinafter referred to as "CONSULTANT") and ADAMS GOLF, LTD. (hereinafter referred to as "ADAMS GOLF").',
     [("TOM WATSON", "CONSULTANT", "consultant"), ("ADAMS GOLF, LTD.", "ADAMS GOLF", None)]),
    ('THIS JOINT VENTURE AGREEMENT is made among Foo Holdings Limited, a company incorporated in England '
     '("Foo" or "Partner A"), and Bar S.A. (the "Distributor").',
     [("Foo Holdings Limited", "Foo", "partner"), ("Bar S.A.", "Distributor", "distributor")]),
    ("This Agreement is made between Acme Inc. and Beta LLC. The parties agree as follows.",
     [("Acme Inc.", None, None), ("Beta LLC.", None, None)]),
])
def test_nlp_parties_and_roles(text, expected):
    _, _, out = _run(text)
    assert [(p.name, p.alias, p.role) for p in out.parties] == expected
    types = {(e.type, e.text) for e in out.entities}
    for name, alias, _ in expected:
        assert ("party", name) in types
        if alias:
            assert ("party_alias", alias) in types


def test_nlp_parties_from_signature_block():
    text = ("SERVICES AGREEMENT\n\nThe parties agree as follows.\n\n1. Services. Provider provides services.\n\n"
            "2. Fees. Customer pays.\n\nIN WITNESS WHEREOF the parties sign.\n\nACME SERVICES INC.\nBy: ______\n\n"
            "BETA HOLDINGS LLC\nBy: ______\n")
    _, _, out = _run(text)
    assert [p.name for p in out.parties] == ["ACME SERVICES INC.", "BETA HOLDINGS LLC"]


@pytest.mark.parametrize("term,uses", [("Field", 1), ("Territory", 1), ("Licensee", 5), ("Effective Date", 2)])
def test_nlp_defined_terms_and_uses(licence, term, uses):
    doc, _, out = licence
    defs = [e for e in out.entities if e.type == "defined_term" and e.value == term]
    assert len(defs) == 1 and doc.text[defs[0].start:defs[0].end] == term
    found = [e for e in out.entities if e.type == "term_use" and e.value == term]
    assert len(found) == uses
    assert all(doc.text[e.start:e.end] == term for e in found)


@pytest.mark.parametrize("text,term", [
    ('"Affiliate" means any entity that controls a party.', "Affiliate"),
    ('the exclusive territory (the "Territory") is Europe.', "Territory"),
    ('Beta Corp. (hereinafter "Beta") agrees.', "Beta"),
    ('Acme, referred to in this Agreement as "Company" or "Boyd", agrees.', "Boyd"),
])
def test_nlp_defined_term_patterns(text, term):
    assert (term, term) in _entities(text, "defined_term")


def test_nlp_term_uses_are_case_sensitive():
    text = '"Products" means the goods. The Products and the products differ. Products\' price.'
    assert [t for t, _ in _entities(text, "term_use")] == ["Products", "Products"]


@pytest.mark.parametrize("text,expected", [
    ("within thirty (30) days of notice", [("thirty (30) days", "P30D")]),
    ("for a term of five (5) years", [("five (5) years", "P5Y")]),
    ("no later than 90 days after", [("90 days", "P90D")]),
    ("a twelve-month period", [("twelve-month", "P12M")]),
    ("within 2 business days", [("2 business days", "P2D")]),
    ("for one hundred and eighty (180) days", [("one hundred and eighty (180) days", "P180D")]),
    ("within 48 hours", [("48 hours", "PT48H")]),
])
def test_nlp_durations(text, expected):
    assert _entities(text, "duration") == expected


@pytest.mark.parametrize("text,type_,expected", [
    ("an upfront fee of $1,000,000 payable", "money", [("$1,000,000", "USD 1000000")]),
    ("a fee of USD 50,000 per year", "money", [("USD 50,000", "USD 50000")]),
    ("a milestone of EUR 2 million", "money", [("EUR 2 million", "EUR 2000000")]),
    ("a total of 1.5 million dollars", "money", [("1.5 million dollars", "USD 1500000")]),
    ("a fee of £2,500.50", "money", [("£2,500.50", "GBP 2500.5")]),
    ("a royalty of five percent (5%) of Net Sales", "percent", [("five percent (5%)", "5%")]),
    ("a discount of 12.5%", "percent", [("12.5%", "12.5%")]),
    ("interest at 10 percent", "percent", [("10 percent", "10%")]),
])
def test_nlp_money_and_percent(text, type_, expected):
    assert _entities(text, type_) == expected


@pytest.mark.parametrize("text,type_,value", [
    ("This Agreement shall be governed by the laws of the State of New York, without regard to conflicts.",
     "governing_law", "New York"),
    ("This Agreement is governed by and construed in accordance with the laws of England and Wales.",
     "governing_law", "England and Wales"),
    ("This Agreement shall be construed under the laws of Delaware.", "governing_law", "Delaware"),
    ("The parties submit to the exclusive jurisdiction of the courts of Delaware.", "jurisdiction", "Delaware"),
    ("Venue shall lie exclusively in Santa Clara County, California.", "jurisdiction", "Santa Clara County"),
    ("Any dispute shall be finally settled under the ICC Rules of Arbitration.", "arbitration", "rules:ICC"),
    ("The seat of arbitration shall be Singapore.", "arbitration", "seat:Singapore"),
    ("The arbitration shall be held in Geneva, Switzerland.", "arbitration", "seat:Geneva"),
])
def test_nlp_governing_law_forum_arbitration(text, type_, value):
    assert value in [v for _, v in _entities(text, type_)]


@pytest.mark.parametrize("ref,target_number", [
    ("Section 2.2", "2.2"), ("Article 3", "Article 3"), ("Schedule A", "Schedule A"),
])
def test_nlp_cross_references_resolved(licence, ref, target_number):
    _, clauses, out = licence
    by_id = {c.id: c for c in clauses}
    refs = [e for e in out.entities if e.type == "cross_reference" and e.text == ref]
    assert refs and by_id[refs[0].target_clause_id].number == target_number


@pytest.mark.parametrize("sentence,values,targets", [
    ("Subject to Sections 1.1 and 1.2, the rest applies.", ["section:1.1", "section:1.2"], ["1.1", "1.2"]),
    ("As set out in clause 2(b), fees apply.", ["clause:2(b)"], ["(b)"]),
    ("See Exhibit B and Article II.", ["exhibit:B", "article:II"], [None, "2"]),
    ("Under Section 10(b) of the Securities Exchange Act nothing applies.", [], []),
])
def test_nlp_cross_reference_lists(sentence, values, targets):
    text = ("1. Scope.\n1.1 First. Text.\n1.2 Second. Text.\n\n2. Fees.\n(a) one;\n(b) two.\n\n3. Other. "
            + sentence + "\n")
    doc, clauses, out = _run(text)
    by_id = {c.id: c for c in clauses}
    refs = [e for e in out.entities if e.type == "cross_reference"]
    assert [e.value for e in refs] == values
    assert [by_id[e.target_clause_id].number if e.target_clause_id else None for e in refs] == targets


@pytest.mark.parametrize("text,type_,value", [
    ('This Agreement is made as of March 1, 2024 (the "Effective Date") between A Inc. and B LLC.',
     "effective_date", "2024-03-01"),
    ("This Agreement is dated the 8th day of May 2014 between A Inc. and B LLC.", "agreement_date", "2014-05-08"),
    ("This Agreement is entered into on January 13, 2005 between A Inc. and B LLC.", "agreement_date", "2005-01-13"),
    ("AGREEMENT made this ____ day of ___________, 2000, between A Inc. and B LLC.", "agreement_date", "2000"),
    ("Dated 01/13/2005", "date", "2005-01-13"),
])
def test_nlp_dates(text, type_, value):
    assert value in [v for _, v in _entities(text, type_)]


@pytest.mark.parametrize("text,title", [
    ("EXCLUSIVE LICENSE AGREEMENT\n\nThis Agreement is made between A Inc. and B LLC.", "EXCLUSIVE LICENSE AGREEMENT"),
    ("Exhibit 10.4 CONSULTING AGREEMENT This Consulting Agreement is made.", "CONSULTING AGREEMENT"),
    ("Joint Venture Agreement\n\nThis Agreement is made between A Inc. and B LLC.", "Joint Venture Agreement"),
    # a title whose last word was set on a line of its own (PDF layout)
    ("RESEARCH AND DEVELOPMENT COLLABORATION\n\nAGREEMENT\n\nThis Agreement is made between A Inc. and B LLC.",
     "RESEARCH AND DEVELOPMENT COLLABORATION\n\nAGREEMENT"),
    ("EXHIBIT 10.1\n\nAGREEMENT\n\nThis Agreement is made between A Inc. and B LLC.", "AGREEMENT"),
])
def test_nlp_document_title(text, title):
    doc, clauses, out = _run(text)
    names = [e for e in out.entities if e.type == "document_name"]
    assert [e.text for e in names] == [title]
    assert doc.text[names[0].start:names[0].end] == title


@pytest.mark.parametrize("name", ["legal_term_uses", "legal_parties"])
def test_nlp_components_without_prerequisites_return_doc_unchanged(name):
    nlp = spacy.blank("en")
    nlp.add_pipe(name)
    doc = nlp('"Licensor" means ACME. Licensor agrees.')
    assert dict(doc.spans) == {}


@pytest.mark.parametrize("name", COMPONENTS)
def test_nlp_components_registered_and_write_spans(name):
    nlp = spacy.blank("en")
    if name in ("legal_term_uses", "legal_parties"):
        nlp.add_pipe("legal_defined_terms")
    nlp.add_pipe(name)
    doc = nlp('CONSULTING AGREEMENT between ACME Inc. ("Licensor") and Beta LLC ("Licensee") dated May 8, 2014. '
              "Licensor pays $5 within 30 days under Section 2. It is governed by the laws of the State of New York.")
    assert name in doc.spans and len(doc.spans[name]) > 0
    assert name in legal_nlp().pipe_names


def test_nlp_run_invariants(licence):
    doc, clauses, out = licence
    by_id = {c.id: c for c in clauses}
    n = len(doc.text)
    for s in out.sentences:
        assert 0 <= s.start < s.end <= n
        c = by_id[s.clause_id]
        assert c.start <= s.start and s.end <= c.end
        assert not any(k.parent_id == c.id and k.start < s.end and s.start < k.end for k in clauses)
    for e in out.entities:
        assert 0 <= e.start < e.end <= n and doc.text[e.start:e.end] == e.text
        if e.clause_id:
            assert by_id[e.clause_id].start <= e.start and e.end <= by_id[e.clause_id].end
    for p in out.parties:
        assert doc.text[p.start:p.end] == p.name


def test_nlp_run_cuad_invariants(cuad_dir):
    import json

    rows = [json.loads(line) for line in open(cuad_dir / "contracts.jsonl", encoding="utf-8")][10:16]
    for r in rows:
        doc = parse(cuad_dir / r["txt"])
        clauses = segment(doc)
        out = run_nlp(doc, clauses)
        by_id = {c.id: c for c in clauses}
        for s in out.sentences:
            c = by_id[s.clause_id] if s.clause_id else None
            assert c is None or (c.start <= s.start and s.end <= c.end)
        for e in out.entities:
            assert doc.text[e.start:e.end] == e.text
