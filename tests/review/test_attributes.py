"""Attribute extraction on hand-written clause sentences."""

from __future__ import annotations

import pytest

from analyzer.core.schema import Entity, Party
from analyzer.review.attributes import (
    ATTRIBUTE_NAMES,
    Context,
    allowed_values,
    document_context,
    extract_attributes,
)


def attrs(text: str, ctx: Context | None = None):
    return extract_attributes(text, [(0, len(text))], ctx)


@pytest.mark.parametrize("text, expected", [
    ("Licensor hereby grants to Licensee an exclusive, royalty-bearing licence under the Patents.", "exclusive"),
    ("Licensor grants Licensee a non-exclusive, non-transferable license to use the Software.", "non_exclusive"),
    ("Licensor grants Licensee a sole licence to the Know-How in the Territory.", "sole"),
    ("Licensor grants Licensee the exclusive right to manufacture the Products.", "exclusive"),
    ("Licensee shall use the Software only for its internal purposes.", None),
])
def test_attributes_exclusivity(text, expected):
    assert attrs(text).exclusivity == expected


@pytest.mark.parametrize("text, territory, worldwide", [
    ("Licensor grants a worldwide, non-exclusive licence to the Licensed Patents.", "worldwide", True),
    ("The licence is granted throughout the world.", "worldwide", True),
    ("Licensee may sell Licensed Products in the Territory only.", "Territory", False),
    ("Licensee may sell Licensed Products in Germany and Austria.", "Germany and Austria", False),
    ("Licensee may sell Licensed Products.", None, None),
])
def test_attributes_territory(text, territory, worldwide):
    a = attrs(text)
    assert (a.territory, a.worldwide) == (territory, worldwide)


@pytest.mark.parametrize("text, present", [
    ("Licensor grants a licence to make Licensed Products solely in the Field.", True),
    ("The licence is limited to the field of veterinary diagnostics.", True),
    ("Licensor grants a licence to make and sell Licensed Products.", False),
])
def test_attributes_field_of_use(text, present):
    assert (attrs(text).field_of_use is not None) == present


def test_attributes_field_from_definition():
    text = '"Field" means human oncology diagnostics.\n\nLicensor grants a licence to sell Products.'
    ctx = document_context(text)
    a = extract_attributes(text, [(text.index("Licensor"), len(text))], ctx)
    assert a.field_of_use == "defined term"


@pytest.mark.parametrize("text, field, value", [
    ("Licensee may grant sublicenses to its Affiliates.", "sublicensable", True),
    ("The licence is non-sublicensable and non-transferable.", "sublicensable", False),
    ("Licensee shall not sublicense any rights.", "sublicensable", False),
    ("The licence is non-transferable.", "transferable", False),
    ("A perpetual, irrevocable, fully paid-up licence.", "perpetual", True),
    ("A perpetual, irrevocable, fully paid-up licence.", "irrevocable", True),
    ("A perpetual, irrevocable, fully paid-up licence.", "royalty_bearing", False),
    ("Licensee shall pay royalties of 5% of Net Sales.", "royalty_bearing", True),
    ("Royalties remain payable after the expiration of the Licensed Patents.", "royalty_after_expiry", True),
])
def test_attributes_licence_flags(text, field, value):
    assert getattr(attrs(text), field) == value


@pytest.mark.parametrize("text, owner, grant_back, severable", [
    ("All Improvements made by Licensee shall be owned by Licensor.", "licensor", None, None),
    ("Improvements shall be the property of the party that made them.", "developing_party", None, None),
    ("Improvements made jointly shall be jointly owned.", "joint", None, None),
    ("Licensee hereby grants to Licensor an exclusive, royalty-free licence to all Improvements.", None, "exclusive", None),
    ("Licensee grants Licensor a non-exclusive licence under its severable improvements.", None, "non_exclusive", True),
    ("Licensee hereby assigns to Licensor all right, title and interest in any Improvements.", None, "assignment", None),
])
def test_attributes_improvements(text, owner, grant_back, severable):
    a = attrs(text)
    assert (a.improvements_owner, a.grant_back, a.severable) == (owner, grant_back, severable)


def test_attributes_owner_from_party_alias():
    ctx = Context(roles={"acme": "licensor", "beta": "licensee"})
    assert attrs("All improvements to the Technology shall be owned by Acme.", ctx).improvements_owner == "licensor"


CONF = ("The Recipient shall keep the Confidential Information confidential for a period of five (5) years after "
        "termination. This obligation does not apply to information that is publicly available, was already known "
        "to the Recipient, is lawfully received from a third party without restriction, or is independently "
        "developed. On request the Recipient shall return or destroy all Confidential Information. This clause "
        "survives termination.")


def test_attributes_confidentiality():
    a = attrs(CONF)
    assert a.confidentiality_years == 5
    assert a.exceptions == ["public", "prior_knowledge", "third_party", "independent"]
    assert a.return_or_destroy and a.survives


@pytest.mark.parametrize("text, triggers, cure", [
    ("Either party may terminate this Agreement if the other commits a material breach and fails to cure it "
     "within ten (10) days after notice.", ["breach"], 10),
    ("Licensor may terminate if Licensee becomes insolvent or bankrupt.", ["insolvency"], None),
    ("Either party may terminate upon a material breach not remedied within sixty days, or upon a change of control "
     "of the other party.", ["breach", "change_of_control"], 60),
    ("Licensee may terminate this Agreement for convenience on ninety (90) days' notice.", ["convenience"], None),
    ("If a party defaults and does not cure within two (2) months, the other may terminate.", ["breach"], 60),
])
def test_attributes_termination(text, triggers, cure):
    a = attrs(text)
    assert (a.termination_triggers, a.cure_days) == (triggers, cure)


@pytest.mark.parametrize("text, expected", [
    ("In no event shall either party's aggregate liability exceed the fees paid in the twelve months before the "
     "claim, except for breach of confidentiality, fraud or wilful misconduct.",
     {"capped": True, "cap_basis": "fees", "mutual": True, "carve_outs": ["confidentiality", "wilful_misconduct", "fraud"]}),
    ("Licensor's total liability shall not exceed USD 500,000.",
     {"capped": True, "cap_amount": "USD 500,000", "mutual": False, "liability_party": "licensor"}),
    ("The Licensee's liability under this Agreement is unlimited.", {"uncapped": True, "liability_party": "licensee"}),
    ("Neither party is liable for indirect or consequential damages.", {"excludes_indirect": True, "mutual": True}),
    ("Each party's liability is limited to two (2) times the fees paid under this Agreement.",
     {"capped": True, "cap_multiple": 2.0}),
])
def test_attributes_liability(text, expected):
    a = attrs(text).model_dump()
    assert {k: a[k] for k in expected} == expected


@pytest.mark.parametrize("text, law, rules, seat", [
    ("This Agreement is governed by the laws of England and Wales. Disputes shall be finally settled by arbitration "
     "under the LCIA Rules. The seat of arbitration shall be London.", "England and Wales", "LCIA", "London"),
    ("This Agreement shall be governed by the laws of the State of New York. Any dispute shall be resolved by "
     "arbitration administered by the International Centre for Dispute Resolution, held in New York, New York.",
     "New York", "ICDR", "New York, New York"),
    ("Disputes shall be settled under the Rules of Arbitration of the International Chamber of Commerce, seated in "
     "Geneva, Switzerland.", None, "ICC", "Geneva, Switzerland"),
    ("Any dispute shall be referred to arbitration in Singapore under the SIAC Rules.", None, "SIAC", "Singapore"),
    ("The seat of arbitration shall be London. The language is English; the ICC Rules apply.", None, "ICC", "London"),
    # the commission named without "Arbitration", its own rules
    ("Either Party may submit the dispute to China International Economic and Trade Commission for arbitration in "
     "Beijing according to its arbitration rules then in effect.", None, "CIETAC", "Beijing"),
])
def test_attributes_law_and_arbitration(text, law, rules, seat):
    a = attrs(text)
    assert (a.governing_law, a.arbitration, a.arbitration_rules, a.arbitration_seat) == (law, True, rules, seat)


@pytest.mark.parametrize("text, field, value", [
    ("Each party shall comply with the Export Administration Regulations and Regulation (EU) 2021/821 on dual-use items.",
     "export_regimes", ["ear", "eu_dual_use"]),
    ("Transfers shall be made under the standard contractual clauses; the GDPR applies.", "transfer_mechanism", True),
    ("No party may transfer shares without first offering them under a right of first refusal; tag-along and "
     "drag-along rights apply.", "transfer_rights", ["rofr", "tag_along", "drag_along"]),
    ("If a deadlock persists, it shall be escalated to the CEOs and then either party may serve a buy-sell notice.",
     "deadlock_mechanisms", ["escalation", "buy_sell"]),
    ("The following are reserved matters requiring unanimous approval of the Board.", "reserved_matters", True),
    ("On dissolution of the Company, the intellectual property shall be assigned to the partners.", "ip_on_exit", True),
    ("Licensor shall pay all costs of prosecution and maintenance of the Licensed Patents, including annuities.",
     "prosecution_costs", "licensor"),
    ("Licensee shall not challenge the validity of the Licensed Patents.", "no_challenge", True),
])
def test_attributes_other(text, field, value):
    assert getattr(attrs(text), field) == value


def test_attributes_spans_point_at_source_sentence():
    text = "Licensee may sublicense. Either party may terminate for material breach not cured within 15 days."
    first, second = (0, 24), (25, len(text))
    a = extract_attributes(text, [first, second])
    assert a.spans["sublicensable"] == first and a.spans["cure_days"] == second


def test_attributes_context_roles_from_parties():
    ctx = document_context("", [Entity(type="defined_term", text='"Territory"', start=0, end=1)],
                           [Party(name="Acme Robotics GmbH", role="licensor", alias="Acme", start=0, end=1)])
    assert ctx.roles == {"acme robotics gmbh": "licensor", "acme": "licensor"}
    assert "territory" in ctx.defined_terms


@pytest.mark.parametrize("name, values", [("grant_back", ("exclusive", "non_exclusive", "assignment")),
                                          ("exceptions", ("public", "prior_knowledge", "third_party", "independent")),
                                          ("cure_days", None)])
def test_attributes_allowed_values(name, values):
    assert name in ATTRIBUTE_NAMES and allowed_values(name) == values


@pytest.mark.parametrize("text, uncapped", [
    ("Licensee shall indemnify Licensor against all claims, including without limitation product liability claims.", None),
    ("The liability of the Licensee under this clause is unlimited.", True),
    ("Nothing in this Agreement shall limit liability, which shall not be limited or capped for fraud.", True),
])
def test_attributes_without_limitation_is_not_uncapped(text, uncapped):
    assert attrs(text).uncapped == uncapped


@pytest.mark.parametrize("text, grantor", [
    ("Licensor hereby grants to Licensee an exclusive licence.", "licensor"),
    ("Licensee hereby grants to Licensor a perpetual, irrevocable licence under its Improvements.", "licensee"),
    ("Beta shall pay the fees.", None),
])
def test_attributes_grantor(text, grantor):
    assert attrs(text).grantor == grantor
