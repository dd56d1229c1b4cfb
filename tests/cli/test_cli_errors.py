"""The CLI shows one line for every failure: an internal error exits 1, ``--debug`` adds the traceback."""

from __future__ import annotations

import pytest

import analyzer.structure.segment as segment_module
from analyzer.cli import main


def _bug(doc):
    raise KeyError("x")


@pytest.fixture
def contract(tmp_path):
    path = tmp_path / "deal.txt"
    path.write_text("LICENSE AGREEMENT\n\n1. Grant. Licensor grants Licensee a licence.\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["analyze", "redline"])
def test_cli_internal_error_is_one_line_and_exit_1(monkeypatch, capsys, contract, command):
    monkeypatch.setattr(segment_module, "segment", _bug)
    extra = ["--output", str(contract.parent / "out.docx")] if command == "redline" else []
    assert main([command, str(contract), *extra]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        f"error: {contract}: internal error (KeyError: 'x'); run with --debug for the traceback"]


@pytest.mark.parametrize("unused", [None])
def test_cli_debug_prints_the_traceback(monkeypatch, capsys, contract, unused):
    monkeypatch.setattr(segment_module, "segment", _bug)
    assert main(["--debug", "analyze", str(contract)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):")
    assert "in _bug" in err and "KeyError: 'x'" in err
    assert err.splitlines()[-1] == f"error: {contract}: internal error (KeyError: 'x')"


@pytest.mark.parametrize("unused", [None])
def test_cli_review_records_a_bug_as_failed_and_goes_on(monkeypatch, capsys, tmp_path, unused):
    import analyzer.batch.task as task

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "bug.txt").write_text("LICENSE AGREEMENT\n\n1. Grant. Licensor grants a licence.\n", encoding="utf-8")
    (folder / "notes.png").write_bytes(b"\x89PNG\r\n\x1a\n")

    monkeypatch.setattr(task, "warm_models", lambda: None)
    monkeypatch.setattr(segment_module, "segment", _bug)
    assert main(["review", str(folder), "--output", str(tmp_path / "out"), "--workers", "0"]) == 1
    err = capsys.readouterr().err
    assert "bug.txt: internal error (KeyError: 'x')" in err and "Traceback" not in err
