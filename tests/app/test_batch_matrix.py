"""The batch matrix opens on the risk columns: categories with risks first, then missing, then present."""

from __future__ import annotations

import pandas as pd
import pytest

from ui.batch import matrix_columns


@pytest.mark.parametrize("show_all", [False, True])
def test_matrix_opens_on_the_risk_columns(show_all):
    frame = pd.DataFrame([
        {"file": "a", "status": "success", "agreement_type": "license", "confidence": 0.9, "parties": "A; B",
         "high": 1, "medium": 0, "low": 0, "governing_law": "present", "confidentiality": "risk",
         "audit_rights": "missing", "exclusivity": "", "error": ""},
        {"file": "b", "status": "success", "agreement_type": "license", "confidence": 0.8, "parties": "C; D",
         "high": 0, "medium": 1, "low": 0, "governing_law": "risk", "confidentiality": "risk",
         "audit_rights": "", "exclusivity": "", "error": ""},
    ])
    cols = matrix_columns(frame, show_all)
    assert cols[:5] == ["file", "status", "high", "medium", "low"]
    assert cols[5:8] == ["confidentiality", "governing_law", "audit_rights"]
    assert ("exclusivity" in cols) is show_all
    assert cols[-4:] == ["agreement_type", "confidence", "parties", "error"]
