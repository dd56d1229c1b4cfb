"""Placeholders resolve to the contract's own defined terms, else the party names, else bracketed descriptions."""

from __future__ import annotations

from analyzer.core.schema import DocumentInfo, Entity, Format, Party, Report
from analyzer.review.placeholders import fill, placeholder_values


def _report(parties=(), terms=()) -> Report:
    return Report(document=DocumentInfo(source="c.txt", format=Format.TXT, sha256="0" * 64, chars=4), text="text",
                  parties=[Party(name=n, role=r, alias=a, start=0, end=1) for n, r, a in parties],
                  entities=[Entity(type="defined_term", text=t, value=t, start=0, end=1) for t in terms])


TEMPLATE = "{licensor} grants to {licensee} a licence under {licensed_patents} and the {know_how} in {territory}."


def test_defined_terms_are_used_when_the_contract_defines_them():
    r = _report([("Acme Ltd", "licensor", "Licensor"), ("Beta Inc.", "licensee", "Beta")],
                ["Licensed Patents", "the Licensed Know-How", "Territory"])
    out = fill(TEMPLATE, placeholder_values(r))
    assert out == ("Licensor grants to Beta a licence under the Licensed Patents and the Licensed Know-How "
                   "in the Territory.")
    assert "the the" not in out.lower()


def test_without_definitions_roles_fall_back_to_party_names():
    r = _report([("Acme Ltd", "licensor", None), ("Beta Inc.", None, None)])
    out = fill(TEMPLATE, placeholder_values(r))
    assert out.startswith("Acme Ltd grants to Beta Inc. a licence under [the licensed patents]")
    assert "Licensor" not in out and "Licensed Patents" not in out and "the the" not in out.lower()
    assert "[the licensed know-how]" in out and "[the Territory]" in out


def test_an_undefined_role_is_never_an_undefined_term():
    out = fill(TEMPLATE, placeholder_values(_report([("Acme Ltd", None, None)])))
    assert "the Licensor" not in out.replace("[the Licensor]", "") and "[the Licensor]" in out
    defined = fill(TEMPLATE, placeholder_values(_report([("Acme Ltd", None, None)], ["Licensor"])))
    assert defined.startswith("The Licensor grants")


def _report_text(text: str, terms=()) -> Report:
    r = _report(terms=terms)
    return r.model_copy(update={"text": text, "document": r.document.model_copy(update={"chars": len(text)})})


def test_the_contract_is_named_as_it_names_itself():
    contract = "This Contract is made ... This Contract takes effect on approval. Under this Contract, the JV ..."
    assert fill("{agreement} ends.", placeholder_values(_report_text(contract))) == "This Contract ends."
    jv = "this JV Contract and this JV Contract and this Agreement"
    assert placeholder_values(_report_text(jv))["agreement"] == "this JV Contract"
    assert placeholder_values(_report_text("no self-reference"))["agreement"] == "this Agreement"
    # a defined term wins over the wording
    defined = _report_text("this Contract, this Contract", terms=["Agreement"])
    assert placeholder_values(defined)["agreement"] == "this Agreement"
