"""The agreement type read from the title and the whole body, and the playbook it routes to."""

from __future__ import annotations

from analyzer.classify import agreement_type as atype
from analyzer.review.playbook import default_playbook_id, resolve_playbook

SAAS = """MASTER SUBSCRIPTION SERVICES AGREEMENT

This Agreement is made between CloudCo Inc. ("Provider") and Buyer Ltd ("Customer").

1. Services. Provider shall provide the Services to Customer during the Subscription Term. The Subscription Fees
are set out in the Order Form. Provider shall perform the Services in accordance with the Service Levels.
2. Customer Data. Customer owns all Customer Data. Provider shall return Customer Data on termination.
"""

SUPPLY = """SUPPLY AGREEMENT

This Agreement is made between Maker GmbH ("Supplier") and Retail Corp ("Buyer").

1. Supply. Supplier shall manufacture the Products in accordance with the Specifications and Buyer shall issue
Purchase Orders. Supplier shall deliver the Products DAP (Incoterms 2020). Buyer provides forecasts monthly.
2. Warranty. The Products shall conform to the Specifications for twelve months.
"""

UNTITLED_MIX = """This document records what Acme and Beta agreed.

Acme shall provide the Services. Beta may issue Purchase Orders for Products. Acme hereby grants Beta a
non-exclusive license to the Licensed Technology. The Joint Venture Company has a registered capital.
The Joint Steering Committee oversees the Research Plan.
"""


def _model():
    texts = ["This patent license agreement grants a license to the licensed patents and royalties"] * 3 + \
            ["This joint venture agreement forms a joint venture company with registered capital"] * 3
    return atype.train(texts, ["license"] * 3 + ["jv"] * 3)


def test_a_saas_agreement_routes_to_the_services_playbook():
    t = atype.detect(_model(), SAAS)
    assert (t.label, t.subtype, t.grants_licence) == ("services", "services", False)
    assert default_playbook_id(t) == "saas-services"
    assert resolve_playbook(None, t).id == "saas-services"


def test_a_supply_agreement_routes_to_the_supply_playbook():
    t = atype.detect(_model(), SUPPLY)
    assert (t.label, t.subtype) == ("distribution", "supply")
    assert resolve_playbook(None, t).id == "supply-manufacturing"


def test_the_body_wording_decides_the_subtype_without_a_title():
    body = SUPPLY.split("\n", 1)[1]
    assert atype.detect(_model(), body).subtype == "supply"
    assert atype.detect(_model(), SAAS.split("\n", 1)[1]).subtype == "services"


def test_a_document_with_mixed_evidence_is_low_confidence_with_alternatives():
    t = atype.detect(_model(), UNTITLED_MIX)
    assert t.basis == "body"
    assert t.low_confidence and t.confidence < atype.LOW_CONFIDENCE
    assert len(t.alternatives) == 2 and all(p <= t.confidence for _, p in t.alternatives)


def test_licences_jvs_and_ndas_keep_their_playbooks():
    assert default_playbook_id("license") == "tech-license"
    assert default_playbook_id("jv") == "joint-venture"
    assert default_playbook_id("nda") == "nda"
    assert default_playbook_id("other") == "tech-license"


def test_a_software_licence_routes_to_the_services_playbook_and_a_technology_licence_does_not():
    body = ("\n\nThis Agreement is made between Vendor Inc. (\"Licensor\") and Buyer Ltd (\"Licensee\").\n\n"
            "1. Licence. Licensor hereby grants to Licensee a non-exclusive license to use the Software.\n")
    for title in ("SOFTWARE LICENSE AND MAINTENANCE AGREEMENT", "LICENSE AND HOSTING AGREEMENT"):
        t = atype.detect(_model(), title + body)
        assert (t.label, t.subtype) == ("license", "software"), title
        assert default_playbook_id(t) == "saas-services"
    for title in ("SOFTWARE AND TECHNOLOGY LICENSE AGREEMENT", "PATENT LICENSE AGREEMENT"):
        t = atype.detect(_model(), title + body)
        assert t.label == "license" and t.subtype != "software", title
        assert default_playbook_id(t) == "tech-license"
