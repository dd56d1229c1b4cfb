"""Law and forum suggestions fit the contract type and the parties' countries."""

from __future__ import annotations

from analyzer.core.schema import Party
from analyzer.review.findings import compare
from analyzer.review.jurisdiction import detect, forum_defaults
from analyzer.review.overlays import suggest_overlays
from analyzer.review.playbook import resolve_playbook
from tests.builders import clause_report

JV_PREAMBLE = ("This Contract is made between Beijing Huaxin Technology Co., Ltd., a company established under the "
               "laws of the People's Republic of China (\"Party A\"), and Rheinwerk GmbH, a company organised under the "
               "laws of Germany (\"Party B\"). The parties shall establish a Sino-foreign equity joint venture company "
               "(the \"Company\") under the Law on Sino-Foreign Equity Joint Ventures.\n\n")
LICENCE_PREAMBLE = ("This Agreement is made between Acme Robotics Inc., a Delaware corporation (\"Licensor\"), and "
                    "Rheinwerk GmbH, a company organised under the laws of Germany (\"Licensee\").\n\n")
NY_CONVENTION_SEATS = ("Singapore", "Hong Kong", "Geneva", "Paris", "Stockholm", "London")


def _report(preamble: str, sections, names):
    report = clause_report(sections)
    head = "SUPPLY AGREEMENT\n\n"
    text = head + preamble + report.text[len(head):]
    shift = len(preamble)
    clauses = [c.model_copy(update={"start": c.start + shift, "end": c.end + shift}) for c in report.clauses]
    parties = []
    for name, role in names:
        s = text.index(name)
        parties.append(Party(name=name, role=role, start=s, end=s + len(name)))
    return report.model_copy(update={"text": text, "clauses": clauses, "parties": parties})


def _jv():
    return _report(JV_PREAMBLE, [("Registered capital", "The registered capital of the Company is USD 10,000,000."),
                                 ("Board", "The Board of Directors is the highest authority of the Company.")],
                   [("Beijing Huaxin Technology Co., Ltd.", None), ("Rheinwerk GmbH", None)])


def _suggested(findings, category):
    return " ".join(t for f in findings if f.category == category and f.suggestion
                    for t in (f.suggestion.text, f.suggestion.fallback_text) if t)


def test_a_sino_foreign_equity_jv_is_detected():
    j = detect(_jv())
    assert j.sino_foreign_jv and j.prc_party and j.party_countries == ["China", "Germany"]


def test_a_sino_foreign_jv_gets_prc_law_and_cietac_or_hkiac_never_english_law():
    findings = compare(_jv(), resolve_playbook("joint-venture"), "partner")
    law, disputes = _suggested(findings, "governing_law"), _suggested(findings, "dispute_resolution")
    assert law and disputes
    assert "People's Republic of China" in law
    assert "England" not in law + disputes and "English law" not in law + disputes
    assert "CIETAC" in disputes and "HKIAC" in disputes


def test_a_us_german_licence_gets_a_seat_in_a_new_york_convention_state():
    grant = "Licensor hereby grants to Licensee a non-exclusive licence under the Licensed Patents."
    report = _report(LICENCE_PREAMBLE, [("Licence", grant)],
                     [("Acme Robotics Inc.", "licensor"), ("Rheinwerk GmbH", "licensee")])
    assert detect(report).party_countries == ["United States", "Germany"]
    disputes = _suggested(compare(report, resolve_playbook("tech-license"), "licensee"), "dispute_resolution")
    assert "Singapore International Arbitration Centre" in disputes
    assert any(seat in disputes for seat in NY_CONVENTION_SEATS)
    assert "New York" not in disputes and "Germany" not in disputes  # neutral to both parties


def test_nothing_to_go_on_leaves_the_playbook_defaults():
    assert forum_defaults(clause_report([("Price", "The price is fixed.")])) == {}


DOMESTIC_PREAMBLE = ("This Agreement is made between Acme Robotics Inc., a Delaware corporation (\"Licensor\"), and "
                     "Bolt Devices Inc., a California corporation (\"Licensee\").\n\n")
COURTS = ("Governing law", "This Agreement is governed by the laws of the State of New York. Any dispute shall be "
          "brought exclusively in the state or federal courts located in New York County, New York.")


def test_courts_are_a_finding_only_across_borders():
    national_courts = "harder to enforce abroad"
    home = _report(DOMESTIC_PREAMBLE, [COURTS], [("Acme Robotics Inc.", "licensor"), ("Bolt Devices Inc.", "licensee")])
    abroad = _report(LICENCE_PREAMBLE, [COURTS], [("Acme Robotics Inc.", "licensor"), ("Rheinwerk GmbH", "licensee")])
    assert detect(home).domestic is True and detect(abroad).domestic is False
    messages = lambda r: " ".join(f.message for f in compare(r, resolve_playbook("tech-license"), "licensee"))  # noqa: E731
    assert national_courts not in messages(home)
    assert national_courts in messages(abroad)


CN_LICENCE_PREAMBLE = ("This Agreement is made between Hefei Zhiyuan Battery Technology Co., Ltd., a company established "
                       "in the People's Republic of China (\"Licensor\"), and Rheinwerk GmbH, a company organised under "
                       "the laws of Germany (\"Licensee\").\n\n")


def _export_language(preamble: str, names) -> str:
    grant = "Licensor hereby grants to Licensee a non-exclusive licence under the Licensed Patents."
    report = _report(preamble, [("Licence", grant)], names)
    return _suggested(compare(report, resolve_playbook("tech-license"), "licensee"), "export_control")


def test_the_export_control_clause_for_a_chinese_party_names_prc_law_and_the_sanctions_conflict():
    text = _export_language(CN_LICENCE_PREAMBLE, [("Hefei Zhiyuan Battery Technology Co., Ltd.", "licensor"),
                                                  ("Rheinwerk GmbH", "licensee")])
    assert "Export Control Law of the People's Republic of China" in text
    assert "Anti-Foreign Sanctions Law" in text
    assert "International Traffic in Arms" not in text
    # the US and EU rules are kept only where they apply
    assert "where they apply, the US Export Administration Regulations" in text


def test_the_export_control_clause_without_a_chinese_party_keeps_the_us_and_eu_rules():
    text = _export_language(LICENCE_PREAMBLE, [("Acme Robotics Inc.", "licensor"), ("Rheinwerk GmbH", "licensee")])
    assert "including the US Export Administration Regulations, the International Traffic in Arms" in text
    assert "People's Republic of China" not in text


ZH_JV_PREAMBLE = ("甲方：苏州华源科技股份有限公司，一家依据中华人民共和国法律成立的公司，注册地址为中国江苏省苏州市（\"甲方\"）；\n"
                  "乙方：北海储能有限公司，一家依据德国法律成立的公司，注册地址为德国汉堡（\"乙方\"）。\n"
                  "双方同意设立中外合资经营企业。本合同的订立、效力和解释适用中华人民共和国法律。\n\n")


def test_a_chinese_contract_reads_each_partys_own_line_and_the_chinese_law_clause():
    report = _report(ZH_JV_PREAMBLE, [("Board", "The Board of Directors is the highest authority of the Company.")],
                     [("苏州华源科技股份有限公司", None), ("北海储能有限公司", None)])
    j = detect(report)
    # the first party's words stop at its own line: the German seat of the second party is not its seat
    assert j.party_countries == ["China", "Germany"]
    assert j.governing_law == "China" and j.sino_foreign_jv
    suggested = {s.id: s.reasons for s in suggest_overlays(report)}
    assert "cn-inbound" in suggested and "北海储能有限公司 is established in the EU" in suggested["eu"]
    assert not any("苏州" in why for why in suggested["eu"])
