"""Presence signals (analyzer.review.presence) on hand-built reports: what counts as a clause of a kind."""

from __future__ import annotations

import pytest
from builders import clause_report

from analyzer.core.schema import Report
from analyzer.review.presence import PresenceIndex


def report(sections=(), loose: str = "", labels=()) -> Report:
    return clause_report(sections, loose, labels, source="p.txt")


def found(rep: Report, category: str) -> bool:
    return bool(PresenceIndex(rep).evidence(category))


SEVERABILITY = ("If any term or provision of this Agreement is held invalid or unenforceable, the remainder of this "
                "Agreement shall remain in full force and effect.")


def test_severability_is_not_a_term_clause():
    assert not found(report(loose=SEVERABILITY), "term")
    assert found(report(loose="The term of this Agreement shall automatically become effective on the Effective Date "
                              "and end five (5) years later."), "term")


def test_a_reference_to_the_initial_term_is_not_a_term_clause():
    ref = "The Distributor shall appoint ten resellers in the Territory within the Initial Term of the Agreement."
    assert not found(report(loose=ref), "term")
    assert found(report(loose="The Initial Term of this Agreement shall be three (3) years."), "term")


def test_liability_insurance_is_not_a_limitation_of_liability():
    insurance = ("Each party will maintain general liability insurance, provided in no event shall the general liability "
                 "insurance amounts be less than five million dollars per occurrence.")
    assert not found(report(loose=insurance), "limitation_of_liability")
    exclusion = "NEITHER PARTY SHALL BE LIABLE FOR ANY INDIRECT, SPECIAL, CONSEQUENTIAL OR EXEMPLARY DAMAGES."
    assert found(report(loose=exclusion), "limitation_of_liability")


@pytest.mark.parametrize("heading, body, category, present", [
    # a section heading that ends in "Agreement" is a clause heading, not the document's title
    ("Termination of Agreement", "This agreement shall terminate immediately on notice of fraud or gross misconduct.",
     "termination_for_cause", True),
    ("Transfer of Shares", "Neither Partner may transfer any Shares before the third anniversary of Completion.",
     "anti_assignment", False),
    ("Transfer of Interest", "Neither party may transfer its interest without the prior written consent of the other.",
     "anti_assignment", True),
    ("Successors and Assigns", "This Agreement binds the parties and their successors and assigns.", "anti_assignment", False),
    ("Ownership of Equipment", "The Supplier will own the Equipment it has purchased for the Services.",
     "ip_ownership_assignment", False),
    ("Ownership of Intellectual Property", "The Customer shall own all Deliverables created under this Agreement.",
     "ip_ownership_assignment", True),
    ("Revenue Code Election", "The parties elect to be taxed as a partnership and shall not dispute that treatment.",
     "dispute_resolution", False),
    ("Mediation", "Any dispute shall first be referred to a mediator appointed by the parties.", "dispute_resolution", True),
    ("Applicable Law and Mediation", "Any claim shall be submitted to non-binding mediation before any court proceeding.",
     "governing_law", False),
])
def test_heading_signal(heading, body, category, present):
    assert found(report([(heading, body)]), category) == present


@pytest.mark.parametrize("sentence, present", [
    ("HGF shall have the right, upon written approval of NVOS, to assign, transfer or sell all or part of their "
     "interest in this agreement.", True),
    ("Each party agrees not to transfer, sell, pledge, mortgage or make other disposition (whether by way of fixed or "
     "floating charge) or encumbrance on its shares in the Company except as provided in this Agreement.", True),
    ("No party hereto may transfer its shares in the Company for a period of five (5) years.", True),
    ("The Company shall not sell its products outside the Territory.", False),
    ("The Licensee may not assign this Agreement without the Licensor's consent.", False),
])
def test_share_transfer_wording(sentence, present):
    assert found(report(loose=sentence), "transfer_restrictions") == present


@pytest.mark.parametrize("sentence, category, present", [
    ("In the event of the merger or consolidation of the Company with any other entity, the Agent shall have the "
     "right to terminate the Agreement by so notifying the Company in writing.", "change_of_control", True),
    ("The Licensor may terminate this Agreement on thirty days' notice on the merger of the Licensee with another "
     "entity.", "change_of_control", True),
    ("This Agreement is the entire agreement of the parties and supersedes any merger or prior understanding, and "
     "survives if it is terminated.", "change_of_control", False),
    ("The Company may merge with another entity without notice.", "change_of_control", False),
    ("Either party may assign this Agreement, with notice to the other party, in connection with the assigning "
     "party's merger, reorganization, acquisition or other transfer of all or substantially all of its assets.",
     "change_of_control", True),
    ("This Manual is governed in all its parts by the applicable regulations of the Republic of Colombia.",
     "governing_law", True),
    ("The Services are governed by the Service Levels in Schedule 2.", "governing_law", False),
])
def test_change_of_control_and_governing_law_wording(sentence, category, present):
    assert found(report(loose=sentence), category) == present


def test_a_bare_heading_label_is_not_evidence():
    rep = report([("Misc", "Notices shall be in writing.")], loose="-------- 9.0 Limitation of Liability\n",
                 labels=[("limitation_of_liability", "-------- 9.0 Limitation of Liability")])
    assert not found(rep, "limitation_of_liability")


def test_page_furniture_does_not_carry_a_labels_keyword():
    furniture = "Confidential Execution Version Annex 1 [***] Agreement Omitted pursuant to Regulation S-K, Item 601."
    rep = report(loose=furniture, labels=[("confidentiality", furniture)])
    assert not found(rep, "confidentiality")
    real = "The Recipient shall keep the Confidential Information of the Discloser secret and not disclose it."
    assert found(report(loose=real, labels=[("confidentiality", real)]), "confidentiality")


@pytest.mark.parametrize("sentence, present", [
    ("Upon being signed by both Parties, this Agreement shall become effective and binding.", False),
    ("The Licensee is, and at all times during the term of this Agreement will remain in compliance with "
     "applicable laws.", False),
    ("This Agreement shall commence on the Effective Date and continue for five (5) years.", True),
    ("This Agreement shall remain in full force and effect until terminated as provided below.", True),
    ("If any provision of this Agreement shall be held by a court to be contrary to law, the remaining provisions "
     "shall remain in full force and effect.", False),
])
def test_term_phrase(sentence, present):
    assert found(report(loose=sentence), "term") == present


def test_share_transfer_label_is_not_an_assignment_clause():
    shares = "Any transfer of Shares in breach of this clause 7 is void, and the Company shall not register it."
    rep = report([("Transfer of Shares", shares)], labels=[("anti_assignment", shares)])
    assert PresenceIndex(rep).evidence("anti_assignment") == []
    assign = "Neither party may transfer any of its rights under this Agreement without the other's consent."
    rep = report([("General", assign)], labels=[("anti_assignment", assign)])
    assert [u.source for u in PresenceIndex(rep).evidence("anti_assignment")] == ["label"]


def test_the_document_decision_supplies_evidence_when_no_label_is_flagged():
    from analyzer.core.schema import Presence

    sentence = "Neither party may assign this Agreement without the prior written consent of the other party."
    report = clause_report([("Miscellaneous", sentence)])
    assert not PresenceIndex(report, signals=("label",)).evidence("anti_assignment")
    s = report.text.index(sentence)
    report.presence = [Presence(category="anti_assignment", present=True, confidence=0.8, start=s, end=s + len(sentence))]
    units = PresenceIndex(report, signals=("label",)).evidence("anti_assignment")
    assert [(u.start, u.end, u.source) for u in units] == [(s, s + len(sentence), "label")]
    report.presence = [Presence(category="anti_assignment", present=False, confidence=0.2, start=s, end=s + len(sentence))]
    assert not PresenceIndex(report, signals=("label",)).evidence("anti_assignment")
