"""``analyzer.core.settings``: every ``ANALYZER_*`` variable, read at call time and checked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analyzer.cli import main
from analyzer.core import settings
from analyzer.core.errors import AnalyzerError, ConfigError
from analyzer.core.settings import MB, VARIABLES, Limits

ROOT = Path(__file__).resolve().parents[2]
# A value each variable refuses, and the reason given.
BAD = {
    "ANALYZER_MODEL_DIR": ("/nonexistent/model", "is not an existing folder"),
    "ANALYZER_CLAUSE_LIBRARY": ("/nonexistent/library", "is not an existing folder"),
    "ANALYZER_SPLIT": ("/nonexistent/split.json", "is not an existing file"),
    "ANALYZER_ENCODER": ("sometimes", "is not on or off"),
    "ANALYZER_ENCODER_PATH": ("/nonexistent/encoder", "is not an existing folder"),
    "ANALYZER_TORCH_THREADS": ("two", "is not a positive whole number"),
    "ANALYZER_PDF_ENGINE": ("mupdf", "is not one of pdfium, pdfplumber, pypdf"),
    "ANALYZER_OCR": ("maybe", "is not on or off"),
    "ANALYZER_MAX_BYTES": ("lots", "is not a size in bytes"),
    "ANALYZER_MAX_PAGES": ("5M", "is not a positive whole number"),
    "ANALYZER_MAX_CHARS": ("-1", "is not a positive whole number"),
    "ANALYZER_MAX_UPLOAD_MB": ("abc", "is not a positive whole number"),
    "ANALYZER_MAX_BATCH_FILES": ("0", "is not a positive whole number"),
    "ANALYZER_MAX_BATCH_MB": ("1.5", "is not a positive whole number"),
}


@pytest.fixture(autouse=True)
def _no_settings(monkeypatch):
    for var in VARIABLES:
        monkeypatch.delenv(var, raising=False)


@pytest.mark.parametrize("unused", [None])
def test_settings_every_variable_in_the_code_is_listed(unused):
    used = set()
    for path in [*ROOT.joinpath("analyzer").rglob("*.py"), *ROOT.joinpath("ui").rglob("*.py"),
                 *ROOT.joinpath("app_pages").rglob("*.py"), ROOT / "app.py"]:
        used |= set(re.findall(r"\bANALYZER_[A-Z_]+[A-Z]\b", path.read_text(encoding="utf-8")))
    assert used - set(VARIABLES) == set()
    assert set(BAD) | {"ANALYZER_WORK_DIR"} == set(VARIABLES)


@pytest.mark.parametrize("unused", [None])
def test_settings_only_the_settings_module_reads_analyzer_variables(unused):
    reads = re.compile(r"(environ\.get|environ\[|getenv)\(?\s*[\"']ANALYZER_")
    offenders = [str(p.relative_to(ROOT)) for p in [*ROOT.joinpath("analyzer").rglob("*.py"),
                                                    *ROOT.joinpath("ui").rglob("*.py"), ROOT / "app.py"]
                 if reads.search(p.read_text(encoding="utf-8")) and p.name != "settings.py"]
    assert offenders == []


@pytest.mark.parametrize("var", sorted(BAD))
def test_settings_bad_value_is_a_one_line_config_error(monkeypatch, var):
    value, reason = BAD[var]
    monkeypatch.setenv(var, value)
    with pytest.raises(ConfigError) as info:
        settings.check()
    msg = str(info.value)
    assert msg.startswith(f"{var}={value!r} {reason}") and "\n" not in msg
    assert isinstance(info.value, AnalyzerError)


@pytest.mark.parametrize("value", ["abc"])
def test_settings_bad_upload_limit_is_no_longer_ignored(monkeypatch, value):
    monkeypatch.setenv("ANALYZER_MAX_UPLOAD_MB", value)
    with pytest.raises(ConfigError, match=r"^ANALYZER_MAX_UPLOAD_MB='abc' is not a positive whole number$"):
        Limits.from_env()


@pytest.mark.parametrize("unused", [None])
def test_settings_are_read_at_call_time(monkeypatch, tmp_path, unused):
    assert Limits.from_env() == Limits()
    monkeypatch.setenv("ANALYZER_MAX_UPLOAD_MB", "3")
    monkeypatch.setenv("ANALYZER_MAX_BATCH_FILES", "7")
    monkeypatch.setenv("ANALYZER_MAX_BATCH_MB", "9")
    monkeypatch.setenv("ANALYZER_MAX_BYTES", "2K")
    limits = Limits.from_env()
    assert (limits.max_upload_bytes, limits.max_batch_files, limits.max_batch_bytes, limits.max_bytes) == \
        (3 * MB, 7, 9 * MB, 2048)
    monkeypatch.setenv("ANALYZER_CLAUSE_LIBRARY", str(tmp_path))
    assert settings.library_dir() == tmp_path
    from analyzer.review import playbook

    assert playbook.LIBRARY_DIR == tmp_path and playbook.SCHEMA_PATH == tmp_path / "schema.json"
    assert playbook.list_playbooks() == []
    monkeypatch.delenv("ANALYZER_CLAUSE_LIBRARY")
    assert settings.library_dir() == ROOT / "clause_library"


@pytest.mark.parametrize("value, expected", [("off", False), ("0", False), ("No", False), ("on", True),
                                             ("1", True), ("TRUE", True), ("", True)])
def test_settings_switches(monkeypatch, value, expected):
    monkeypatch.setenv("ANALYZER_ENCODER", value)
    monkeypatch.setenv("ANALYZER_OCR", value)
    assert settings.encoder_enabled() is expected and settings.ocr_enabled() is expected


@pytest.mark.parametrize("unused", [None])
def test_settings_data_folders_fall_back_to_the_checkout(unused):
    assert settings.model_dir() == ROOT / "models" / "clause_model"
    assert settings.split_path() == ROOT / "models" / "split.json"
    assert settings.work_dir() == ROOT / "models" / "work"


@pytest.mark.parametrize("var", ["ANALYZER_MAX_UPLOAD_MB", "ANALYZER_PDF_ENGINE"])
def test_settings_cli_bad_value_exits_2_with_one_line(monkeypatch, capsys, var):
    value, reason = BAD[var]
    monkeypatch.setenv(var, value)
    assert main(["schema"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [f"error: {var}={value!r} {reason}"]
