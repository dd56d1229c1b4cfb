"""The trademark and brand licence playbook, its routing from the agreement type, and the
attributes its checks read."""

from __future__ import annotations

import pytest

from analyzer.classify.agreement_type import _TRADEMARK_TITLE
from analyzer.core.schema import AgreementType
from analyzer.pipeline import analyze
from analyzer.review.attributes import Context, extract_attributes
from analyzer.review.playbook import default_playbook_id, resolve_playbook

BRAND_LICENCE = """TRADEMARK LICENSE AGREEMENT

This Trademark License Agreement (this "Agreement") is made on 1 March 2025 between Guangzhou Mingyue Cosmetics Co., Ltd., a company established in the People's Republic of China ("Licensor"), and Bellcourt Retail Ltd., a company incorporated in England ("Licensee").

1. GRANT
1.1 Licensor hereby grants to Licensee an exclusive licence to use the Licensed Marks on cosmetics in the Territory.

2. OWNERSHIP
2.1 Licensor is the owner of the Licensed Marks.

3. TERMINATION
3.1 Either party may terminate this Agreement if the other party commits a material breach and fails to remedy it within thirty (30) days.
3.2 Upon termination, Licensee shall cease all use of the Licensed Marks.
"""


@pytest.mark.parametrize("title, trademark", [
    ("trademark license agreement", True), ("brand licence agreement", True), ("trade mark licence", True),
    ("patent and know-how licence agreement", False), ("technology licence agreement", False),
])
def test_trademark_title_is_recognised(title, trademark):
    assert bool(_TRADEMARK_TITLE.search(title)) is trademark


@pytest.mark.parametrize("label, subtype, expected", [
    ("license", "trademark", "trademark-brand-license"), ("license", None, "tech-license"),
    ("license", "supply", "tech-license"), ("distribution", "supply", "supply-manufacturing"),
])
def test_trademark_playbook_routing(label, subtype, expected):
    assert default_playbook_id(AgreementType(label=label, confidence=0.9, subtype=subtype)) == expected


def test_trademark_playbook_covers_the_brand_topics():
    pb = resolve_playbook("trademark-brand-license")
    attrs = {c.attribute for r in pb.rules for c in r.checks}
    assert {"quality_control", "licence_recordal", "domain_names", "social_media", "goodwill_to_licensor",
            "sell_off", "sales_channels", "mark_registration_bar", "territory"} <= attrs
    assert "common.export-control" not in {r.id for r in pb.rules}
    assert all(r.rationale for r in pb.rules)


def test_trademark_licence_findings(stub_classifier, tmp_path):
    path = tmp_path / "brand.txt"
    path.write_text(BRAND_LICENCE, encoding="utf-8")
    report = analyze(path, playbook="trademark-brand-license")
    messages = " ".join(f.message for f in report.findings)
    for needle in ("no quality standards", "recording the licence", "domain names", "social-media",
                   "goodwill it creates", "stock of branded products", "sales channels"):
        assert needle in messages, needle


@pytest.mark.parametrize("text, attribute", [
    ("Each party shall comply with the Export Control Law of the People's Republic of China.", "prc_export_control"),
    ("Licensee shall comply with the US Export Administration Regulations.", "foreign_sanctions"),
    ("Nothing in this Agreement requires a party to act in breach of the Anti-Foreign Sanctions Law.", "blocking_rules"),
    ("This Agreement takes effect only on the date the technology export licence is issued.", "transfer_licence_cp"),
    ("Licensor shall register this Agreement as a technology export contract with the commerce authority.", "contract_registration"),
    ("The transfer is subject to the security review of the transfer of intellectual property rights to foreign parties.", "security_review"),
    ("Licensee shall not release the technology to foreign nationals without a licence.", "deemed_export"),
    ("This Agreement is governed by the laws of the People's Republic of China.", "prc_law_chosen"),
    ("The exporting party shall complete the CAC security assessment for outbound transfer of personal information.", "pipl"),
    ("Licensee may deduct any withholding tax required by law.", "withholding_tax"),
    ("Licensee shall gross up the payment so that Licensor receives the full amount.", "tax_gross_up"),
    ("The parties shall apply the reduced rate under the double tax treaty.", "treaty_relief"),
    ("Licensee shall complete the foreign exchange and bank formalities to remit the royalties.", "fx_remittance"),
    ("The licence is granted on fair, reasonable and non-discriminatory terms.", "frand"),
    ("The royalty is calculated per unit on the net selling price of the handset.", "royalty_base"),
    ("If a court determines a FRAND rate, that rate applies.", "rate_setting"),
    ("Neither party shall seek any anti-suit injunction.", "anti_suit"),
    ("Service inventions made by its employees belong to Licensor.", "service_inventions"),
    ("Licensor shall pay the reward and remuneration due to the inventors.", "inventor_reward"),
    ("Each contractor has executed a written assignment of all rights to Licensor.", "contractor_chain"),
    ("Licensee shall not modify or improve the Licensed Technology.", "improvement_bar"),
    ("Licensee bears all liability for infringement of third-party rights caused by its use.", "infringement_allocated"),
    ("Licensee shall not sell Licensed Products to customers outside the Territory.", "passive_sales_ban"),
    ("Licensee shall purchase all components exclusively from Licensor.", "tying"),
    ("Licensee shall submit samples for approval and meet the quality standards.", "quality_control"),
    ("Licensor shall file the licence for recordal with the trademark office.", "licence_recordal"),
    ("Domain names containing the marks belong to Licensor.", "domain_names"),
    ("Social-media accounts using the marks are held for Licensor.", "social_media"),
    ("All goodwill arising from the use of the marks shall inure to the benefit of Licensor.", "goodwill_to_licensor"),
    ("Licensee may sell off its remaining stock for three months.", "sell_off"),
    ("Licensee may sell through the online sales channels listed in the schedule.", "sales_channels"),
    ("Licensee shall not apply to register any trademark confusingly similar to the marks.", "mark_registration_bar"),
])
def test_cross_border_attributes_read(text, attribute):
    attrs = extract_attributes(text, [(0, len(text))], Context(roles={}))
    assert getattr(attrs, attribute) is True


@pytest.mark.parametrize("text, attribute", [
    ("Licensee shall not actively seek customers outside the Territory.", "passive_sales_ban"),
    ("Nothing in this Agreement restricts passive sales outside the Territory.", "passive_sales_ban"),
    ("Licensee shall keep records of all sales under this licence.", "licence_recordal"),
    ("Licensee shall purchase all components from any qualified supplier.", "tying"),
    ("This Agreement is governed by the laws of England and Wales.", "prc_law_chosen"),
])
def test_cross_border_attributes_not_read(text, attribute):
    attrs = extract_attributes(text, [(0, len(text))], Context(roles={}))
    assert getattr(attrs, attribute) is None


@pytest.mark.slow
def test_trademark_licence_is_routed_to_the_brand_playbook(tmp_path):
    path = tmp_path / "brand.txt"
    path.write_text(BRAND_LICENCE, encoding="utf-8")
    report = analyze(path)
    assert report.agreement_type.subtype == "trademark" and report.playbook == "trademark-brand-license"
