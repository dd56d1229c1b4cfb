"""The golden-file check: it never passes without a reviewed golden file."""

import pytest
import support
from support import GEN_TEST_DATA, verify_golden


def test_golden_regeneration_flag_is_off():
    assert not GEN_TEST_DATA, "ANALYZER_GEN_TEST_DATA=1 rewrites golden files; never commit with it on"


def test_verify_golden_fails_on_a_missing_file_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(support, "GEN_TEST_DATA", False)
    missing = tmp_path / "groundtruth" / "new.txt"
    with pytest.raises(AssertionError, match="golden file missing"):
        verify_golden(missing, "actual output")
    assert not missing.exists() and not missing.parent.exists()


def test_verify_golden_fails_on_a_difference(tmp_path, monkeypatch):
    monkeypatch.setattr(support, "GEN_TEST_DATA", False)
    golden = tmp_path / "g.txt"
    golden.write_text("expected", encoding="utf-8")
    verify_golden(golden, "expected")
    with pytest.raises(AssertionError, match="golden file differs"):
        verify_golden(golden, "changed")
    assert golden.read_text(encoding="utf-8") == "expected"


def test_verify_golden_writes_only_when_generating(tmp_path, monkeypatch):
    monkeypatch.setattr(support, "GEN_TEST_DATA", True)
    golden = tmp_path / "sub" / "g.txt"
    verify_golden(golden, "fresh")
    assert golden.read_text(encoding="utf-8") == "fresh"
