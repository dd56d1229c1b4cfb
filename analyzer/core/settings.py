"""Where the analyzer finds its data, and every ``ANALYZER_*`` setting.

Data folders (the classifier artifact, the clause library, the CUAD split) are found,
in order: the environment variable, the checkout's own folder (``models/``,
``clause_library/``), then the copy bundled into an installed wheel
(``analyzer/bundled/``).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]
CHECKOUT_DIR = PACKAGE_DIR.parent
BUNDLED_DIR = PACKAGE_DIR / "bundled"


def _data_path(var: str, in_checkout: str, bundled: str) -> Path:
    value = os.environ.get(var, "").strip()
    if value:
        return Path(value)
    local = CHECKOUT_DIR / in_checkout
    return local if local.exists() else BUNDLED_DIR / bundled


def model_dir() -> Path:
    """The classifier artifact: ``$ANALYZER_MODEL_DIR``, ``models/clause_model`` or the bundled copy."""
    return _data_path("ANALYZER_MODEL_DIR", "models/clause_model", "clause_model")


def library_dir() -> Path:
    """The clause library: ``$ANALYZER_CLAUSE_LIBRARY``, ``clause_library/`` or the bundled copy."""
    return _data_path("ANALYZER_CLAUSE_LIBRARY", "clause_library", "clause_library")


def split_path() -> Path:
    """The contract-level CUAD split: ``models/split.json`` or the bundled copy."""
    return _data_path("ANALYZER_SPLIT", "models/split.json", "split.json")


def work_dir() -> Path:
    """Caches of training and evaluation (git-ignored): ``$ANALYZER_WORK_DIR`` or ``models/work``."""
    value = os.environ.get("ANALYZER_WORK_DIR", "").strip()
    return Path(value) if value else CHECKOUT_DIR / "models" / "work"
