"""Paths and the golden-file check shared by the tests (importable as ``support``)."""

from __future__ import annotations

import os
from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
SAMPLES = ROOT / "samples"
DATA = TESTS / "data"
SHARED = Path(os.environ.get("ANALYZER_SHARED", ROOT.parent / "shared"))
REAL_AGREEMENTS = SHARED / "real_agreements"
CUAD = SHARED / "cuad"
GEN_TEST_DATA = os.environ.get("ANALYZER_GEN_TEST_DATA") == "1"


def verify_golden(path: Path, actual: str) -> None:
    """Compare ``actual`` with the golden file at ``path``.

    With ANALYZER_GEN_TEST_DATA=1 the file is (re)written first. Otherwise a missing golden file
    is a failure: it is never created silently, so a test cannot pass without a reviewed expectation.
    """
    if GEN_TEST_DATA:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    if not path.exists():
        raise AssertionError(f"golden file missing: {path} (generate it with ANALYZER_GEN_TEST_DATA=1 and review it)")
    assert actual == path.read_text(encoding="utf-8"), f"golden file differs: {path}"
