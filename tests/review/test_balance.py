"""One-sided terms: who holds a right or carries a burden, read from plain drafting, and the
findings the ``_balance`` rules give from each side."""

from __future__ import annotations

import pytest
from builders import add_sections

from analyzer.review.attributes import Context, extract_attributes
from analyzer.review.balance_attributes import holder, infer_licence_roles, side_of
from analyzer.review.playbook import has_joint_committee


def _attrs(text: str, roles=None):
    return extract_attributes(text, [(0, len(text))], Context(roles=dict(roles or {})))


@pytest.mark.parametrize("text, attr, want", [
    ("Party B may terminate this Agreement at any time for any reason upon thirty (30) days written notice.",
     "convenience_side", "one_party"),
    ("Either party may terminate this Agreement upon ninety (90) days notice.", "convenience_side", "mutual"),
    ("Party B shall have the right to terminate this Agreement in advance by sending a written notice to Party A.",
     "convenience_side", "one_party"),
    ("Licensee shall indemnify, defend and hold harmless Licensor against any third-party claims.",
     "indemnity_side", "licensee"),
    ("The Manufacturer indemnifies the Customer for the same.", "indemnity_side", "one_party"),
    ("Each party shall indemnify the other against claims arising from its breach.", "indemnity_side", "mutual"),
    ("Licensee shall not assign this Agreement without the prior written consent of Licensor.",
     "assignment_side", "licensee"),
    ("Neither party may assign this Agreement without the consent of the other.", "assignment_side", "mutual"),
    ("Party A shall not engage in any other business without the consent of Party B.", "non_compete_side", "one_party"),
])
def test_sides_are_read_from_the_subject_of_the_right(text, attr, want):
    assert getattr(_attrs(text), attr) == want


def test_a_negated_duty_names_no_one():
    a = _attrs("Licensor shall not be required to indemnify Licensee for any claim.")
    assert a.indemnitors == [] and a.indemnity_side is None


def test_two_different_parties_holding_the_same_right_is_mutual():
    assert side_of(["party a", "party b"]) == "mutual"
    assert side_of(["licensor"]) == "licensor"
    assert side_of([]) is None


def test_holder_maps_party_names_to_their_roles():
    ctx = Context(roles={"pfhof": "licensor", "village media company": "licensee"})
    assert holder("4.4 In addition, PFHOF", ctx) == "licensor"
    assert holder("the Village Media Company", ctx) == "licensee"
    assert holder("Either Party", ctx) == "each_party"


def test_roles_are_inferred_from_the_grant_when_the_parties_have_none():
    roles: dict[str, str] = {}
    infer_licence_roles("SONY, on behalf of itself and its Affiliates, hereby grants to PURCHASER a non-exclusive licence.",
                        ["Sony Electronics Inc.", "SONY", "GSI Technology, Inc.", "PURCHASER"], roles)
    assert roles == {"sony": "licensor", "purchaser": "licensee"}


@pytest.mark.parametrize("text, attr", [
    ("The Licensor may terminate this Agreement forthwith if the Licensee breaches any of its terms.", "immediate_termination"),
    ("This Agreement shall terminate automatically upon the termination of the Master License Agreement.",
     "automatic_termination"),
    ("The License Fees for each project shall be mutually agreed by the parties.", "fees_to_be_agreed"),
    ("Licensee shall pay a minimum annual royalty of $10,000.", "minimum_commitment"),
    ("Licensee may sell off its remaining inventory for six months after termination.", "sell_off"),
    ("Either Party may assign this Agreement in connection with a merger or sale of all or substantially all of its assets.",
     "assignable_on_sale"),
])
def test_terms_that_take_control_away_are_read(text, attr):
    assert getattr(_attrs(text), attr) is True


def test_a_cure_period_is_not_immediate_termination():
    a = _attrs("The Licensor may terminate this Agreement if the Licensee breaches it and fails to cure the breach "
               "within thirty (30) days after written notice.")
    assert a.immediate_termination is None


def test_change_of_control_and_price_holders():
    a = _attrs("PFHOF may terminate this Agreement immediately if the Village Media Company ceases to be controlled by HOFV.",
               {"pfhof": "licensor", "village media company": "licensee"})
    assert a.change_of_control_terminator == "licensor"
    assert _attrs("Party B may adjust the Service Fee at its sole discretion.").price_changer == "party b"


_ONE_SIDED = [
    ("Licence", "Alpha Ltd hereby grants to Beta Inc a non-exclusive licence to use the Technology in China."),
    ("Royalties", "Beta Inc shall pay Alpha Ltd a royalty of five percent (5%) of Net Sales each quarter. "
                  "The fees for any additional services shall be mutually agreed by the parties."),
    ("Termination", "Alpha Ltd may terminate this Agreement at any time for any reason upon thirty (30) days notice. "
                    "Alpha Ltd may terminate this Agreement immediately if Beta Inc undergoes a change of control."),
    ("Indemnity", "Beta Inc shall indemnify, defend and hold harmless Alpha Ltd against all third-party claims."),
    ("Assignment", "Beta Inc shall not assign this Agreement without the prior written consent of Alpha Ltd."),
]


def _findings(perspective: str, sections=_ONE_SIDED):
    from analyzer.pipeline import analyze

    text, _ = add_sections("LICENCE AGREEMENT\n\nThis Agreement is made between Alpha Ltd, a company incorporated in "
                           "England (\"Alpha\"), and Beta Inc, a Delaware corporation (\"Beta\").\n\n", sections)
    report = analyze(text.encode(), filename="one_sided.txt", playbook="tech-license", perspective=perspective)
    return report.findings


def test_one_sided_terms_are_risks_for_the_licensee(stub_classifier):
    msgs = {f.rule_id + ": " + f.message for f in _findings("licensee") if f.rule_id.startswith("balance.")}
    joined = "\n".join(msgs)
    assert "only the licensor may terminate at will" in joined
    assert "only the licensee gives an indemnity" in joined
    assert "only the licensee is barred from assigning" in joined
    assert "the licensor may terminate if the licensee changes control" in joined
    assert "a payment term is left to be agreed later" in joined


def test_the_licensor_is_not_warned_of_its_own_rights(stub_classifier):
    msgs = "\n".join(f.message for f in _findings("licensor") if f.rule_id.startswith("balance."))
    assert "only the licensor may terminate at will" not in msgs
    assert "licensee changes control" not in msgs
    assert "only the licensee gives an indemnity" not in msgs


def test_balance_rules_are_never_reported_missing(stub_classifier):
    bare = [("Licence", "Alpha Ltd hereby grants to Beta Inc a non-exclusive licence to use the Technology.")]
    assert not [f for f in _findings("licensee", bare) if f.rule_id.startswith("balance.") and f.kind == "missing"]


def test_balance_suggestions_insert_and_never_replace_the_clients_text(stub_classifier):
    for f in _findings("licensee"):
        if f.rule_id.startswith("balance.") and f.suggestion is not None:
            assert f.suggestion.action == "insert"


def test_joint_committee_condition():
    class R:
        text = "The parties shall form a Joint Steering Committee of three members each."

    assert has_joint_committee(R())
    R.text = "The Licensee shall report to the Licensor each quarter."
    assert not has_joint_committee(R())
