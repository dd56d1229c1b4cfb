"""Shared fixtures. Tests use samples/ and fixtures they build; ../shared data is optional."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
DATA = Path(__file__).resolve().parent / "data"
SHARED = Path(os.environ.get("ANALYZER_SHARED", ROOT.parent / "shared"))
REAL_AGREEMENTS = SHARED / "real_agreements"
CUAD = SHARED / "cuad"
GEN_TEST_DATA = os.environ.get("ANALYZER_GEN_TEST_DATA") == "1"


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return SAMPLES


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def real_agreements() -> Path:
    if not REAL_AGREEMENTS.is_dir():
        pytest.skip("../shared/real_agreements is absent")
    return REAL_AGREEMENTS


@pytest.fixture(scope="session")
def cuad_dir() -> Path:
    if not (CUAD / "contracts.jsonl").is_file():
        pytest.skip("../shared/cuad is absent")
    return CUAD


def verify_golden(path: Path, actual: str) -> None:
    """Compare ``actual`` with the golden file; write it when missing or when
    ANALYZER_GEN_TEST_DATA=1."""
    if GEN_TEST_DATA or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), f"golden file differs: {path}"
