"""Replacement language drops the run-in title of playbook text ("Licence grant. ..."): the same
rule (``analyzer.core.headings.is_run_in_heading``) that reads run-in titles in contracts."""

from __future__ import annotations

import pytest

from analyzer.review.findings import _without_title
from analyzer.review.playbook import resolve_playbook


@pytest.mark.parametrize("text, replacement", [
    ("Licence grant. The Licensor grants the Licensee a licence.", "The Licensor grants the Licensee a licence."),
    ("Governing law. This Agreement is governed by English law.", "This Agreement is governed by English law."),
    ("Licensee shall pay the fees. Payment is due in 30 days.",   # a sentence, not a title
     "Licensee shall pay the fees. Payment is due in 30 days."),
    ("Each party shall keep the information confidential.", "Each party shall keep the information confidential."),
    ("", ""),
    (None, None),
])
def test_without_title(text, replacement):
    assert _without_title(text) == replacement


@pytest.mark.parametrize("playbook", ["tech-license", "joint-venture", "rd-collaboration", "nda"])
def test_playbook_language_loses_only_its_title(playbook):
    dropped = 0
    for rule in resolve_playbook(playbook).rules:
        for text in [rule.preferred, rule.fallback, *(c.preferred for c in rule.checks)]:
            if text:
                out = _without_title(text)
                title = text[:len(text) - len(out)].rstrip()
                assert text.endswith(out) and (not title or (title.endswith(".") and len(title.split()) <= 8))
                dropped += bool(title)
    assert dropped  # the playbooks write their clauses with run-in titles
