"""Documents whose clauses live in another document: an amendment or addendum, a supplement, a
cover page of published terms. What they lack is not reported missing."""

from __future__ import annotations

import hashlib

import pytest

from analyzer.core.schema import DocumentInfo, Finding, Report
from analyzer.review.outside_terms import supplemented_agreement, without_missing


def _report(text: str) -> Report:
    return Report(document=DocumentInfo(source="a.txt", format="txt", sha256=hashlib.sha256(text.encode()).hexdigest(),
                                        chars=len(text)), text=text)


@pytest.mark.parametrize("opening, amends", [
    ("AMENDMENT NO. 2 TO MANUFACTURING AND SUPPLY AGREEMENT\n\nTHIS AMENDMENT NO. 2 is made between A and B.", True),
    ("SECOND AMENDMENT TO SERVICES AGREEMENT\n\nThis Second Amendment is dated 1 May 2020.", True),
    ("ENDORSEMENT AGREEMENT ADDENDUM I\n\nThis Addendum is made between A and B.", True),
    ("DATA PROCESSING AGREEMENT\n\nThis DPA forms part of and supplements the Agreement between the parties.", True),
    # whole agreements, restated or renamed
    ("AMENDED AND RESTATED LICENSE AGREEMENT\n\nThis Agreement is made between A and B.", False),
    ("COOPERATION AGREEMENT (2014 Amendment)\n\nThis Cooperation Agreement is made between A and B.", False),
    ("LICENSE AGREEMENT\n\nThis Agreement may be amended only in writing signed by both parties.", False),
    # a schedule of the agreement itself
    ("SUPPLY AGREEMENT\n\nSCHEDULE 1\n\nThis Schedule forms part of the Agreement and sets out the Products.", False),
])
def test_an_amendment_or_supplement_is_recognised(opening, amends):
    assert (supplemented_agreement(_report(opening)) is not None) == amends


def test_an_amendment_reports_nothing_missing_and_says_why():
    r = _report("AMENDMENT NO. 1 TO THE DISTRIBUTION AGREEMENT\n\nThe Territory in Section 2 is replaced by Canada.")
    missing = Finding(id="m", rule_id="x", category="governing_law", kind="missing", severity="high", message="m")
    risk = Finding(id="r", rule_id="y", category="exclusivity", kind="risk", severity="low", message="m")
    kept, note = without_missing(r, [missing, risk])
    assert kept == [risk]
    assert "AMENDMENT NO. 1 TO THE DISTRIBUTION AGREEMENT" in note and "governing_law" in note
    whole = _report("DISTRIBUTION AGREEMENT\n\nThe Territory is Canada.")
    assert without_missing(whole, [missing, risk]) == ([missing, risk], None)
