"""Build hook: bundle the data the analyzer needs into the wheel.

The classifier artifact (``models/clause_model``), the CUAD split
(``models/split.json``) and the clause library (``clause_library/*.yaml`` and its
``schema.json``) live outside the package in the checkout. ``build_py`` copies
them to ``analyzer/bundled/``, where ``analyzer.core.settings`` finds them when
the checkout's folders are absent (an installed wheel). An editable install
reads them from the checkout. Everything else is declared in ``pyproject.toml``.
"""

from __future__ import annotations

import os
from glob import glob

from setuptools import setup
from setuptools.command.build_py import build_py

# (folder in the checkout, folder under analyzer/bundled/, file patterns)
BUNDLED = [
    ("models/clause_model", "clause_model", ["*"]),
    ("models", "", ["split.json"]),
    ("clause_library", "clause_library", ["*.yaml", "schema.json"]),
    ("clause_library/overlays", "clause_library/overlays", ["*.yaml", "schema.json"]),
]


def bundled_files(root: str) -> list[tuple[str, str, list[str]]]:
    """``(source folder, target folder relative to analyzer/bundled, file names)`` per entry of ``BUNDLED``."""
    out = []
    for source, target, patterns in BUNDLED:
        folder = os.path.join(root, source)
        names = sorted({os.path.basename(p) for pattern in patterns for p in glob(os.path.join(folder, pattern))
                        if os.path.isfile(p) and not os.path.basename(p).startswith(".")})
        if not names:
            raise SystemExit(f"setup.py: nothing to bundle from {source}/ ({', '.join(patterns)})")
        out.append((source, target, names))
    return out


class BuildPyWithData(build_py):
    """``build_py`` whose package data also holds the files of ``BUNDLED``."""

    def _bundled(self) -> list[tuple[str, str, str, list[str]]]:
        # setuptools wants paths relative to the folder of setup.py, which is the working folder here
        return [("analyzer.bundled", source, os.path.join(self.build_lib, "analyzer", "bundled", target), names)
                for source, target, names in bundled_files(".")]

    def _get_data_files(self):
        return super()._get_data_files() + self._bundled()

    def get_data_files_without_manifest(self):
        return super().get_data_files_without_manifest() + self._bundled()


setup(cmdclass={"build_py": BuildPyWithData})
