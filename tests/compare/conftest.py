"""Fixtures of the compare tests: a pair of hand-written drafts on disk."""

from __future__ import annotations

import pytest
from draft_pairs import NEW, OLD


@pytest.fixture
def pair_files(tmp_path):
    old, new = tmp_path / "v1.txt", tmp_path / "v2.txt"
    old.write_text(OLD, encoding="utf-8")
    new.write_text(NEW, encoding="utf-8")
    return old, new
