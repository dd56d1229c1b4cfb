"""The wheel works outside the checkout: it carries the model, the split and the clause library.

The project is copied without its tests and caches, built into a wheel
(``pip wheel``, no build isolation: offline), installed into a bare target
folder, and run from another folder with only that folder on ``PYTHONPATH``,
so nothing can be read from the checkout.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "tech_license.docx"
LEFT_OUT = {".venv", ".git", "tests", "benchmarks", "docs", "samples", "scripts", "build", "dist",
            ".pytest_cache", ".hypothesis", "__pycache__", "work"}

pytestmark = pytest.mark.slow


def _copy_ignore(folder: str, names: list[str]) -> set[str]:
    return {n for n in names if n in LEFT_OUT or n.endswith(".egg-info")}


def _run(args: list[str], cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, Path, dict]:
    """(site folder holding the installed wheel, a folder outside the checkout, the environment to run in)."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    shutil.copytree(ROOT, src, ignore=_copy_ignore)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANALYZER_", "PYTHON"))}
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                  "-w", str(tmp / "dist"), "."], cwd=src, env=env)
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = (tmp / "dist").glob("clause_analyzer-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for part in ("analyzer/bundled/clause_model/config.json", "analyzer/bundled/split.json",
                 "analyzer/bundled/clause_library/schema.json", "analyzer/bundled/clause_library/tech-license.yaml"):
        assert part in names, part
    site = tmp / "site"
    got = _run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(wheel)],
               cwd=tmp, env=env)
    assert got.returncode == 0, got.stdout + got.stderr
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    return site, elsewhere, {**env, "PYTHONPATH": str(site)}


def test_wheel_install_imports_from_the_install_not_the_checkout(installed):
    site, elsewhere, env = installed
    code = ("import analyzer; from analyzer.core import settings; "
            "print(analyzer.__file__); print(settings.model_dir()); print(settings.library_dir()); "
            "print(settings.split_path())")
    proc = _run([sys.executable, "-c", code], cwd=elsewhere, env=env)
    assert proc.returncode == 0, proc.stderr
    module, model, library, split = (Path(line) for line in proc.stdout.splitlines())
    assert module.resolve().is_relative_to(site.resolve())
    bundled = (site / "analyzer" / "bundled").resolve()
    assert model.resolve() == bundled / "clause_model" and library.resolve() == bundled / "clause_library"
    assert split.resolve() == bundled / "split.json"


def test_wheel_install_analyzes_a_sample_from_another_folder(installed):
    site, elsewhere, env = installed
    proc = _run([sys.executable, "-m", "analyzer", "analyze", str(SAMPLE)], cwd=elsewhere, env=env)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["status"] == "success", report["issues"]
    assert report["findings"] and report["labels"] and report["playbook"] == "tech-license"
    assert report["versions"].get("model", "unknown") != "unknown"


def test_wheel_install_has_the_command(installed):
    site, elsewhere, env = installed
    script = site / "bin" / "clause-analyzer"
    assert script.is_file()
    proc = _run([sys.executable, str(script), "playbook", "validate", str(site / "analyzer" / "bundled" /
                                                                         "clause_library" / "nda.yaml")],
                cwd=elsewhere, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "valid playbook" in proc.stdout
