"""``clause-analyzer compare``: the JSON follows the fixed compare report; exit codes and errors."""

from __future__ import annotations

import json

import pytest
from draft_pairs import OLD, docx_bytes

from analyzer.cli import main

FIXED_CHANGE = {"id", "kind", "category", "judgement", "message", "rule_id", "old", "new"}


def test_cli_compare_json_has_the_fixed_fields(pair_files, stub_classifier, capsys):
    old, new = pair_files
    assert main(["compare", str(old), str(new), "--perspective", "licensee"]) == 0
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert data["schema_version"] == "1" and data["perspective"] == "licensee"
    for side, path in (("old", old), ("new", new)):
        assert {"source", "sha256", "text"} <= set(data[side]) and data[side]["source"] == path.name
        assert data[side]["text"] == path.read_text(encoding="utf-8")
    assert set(data["summary"]) >= {"worse", "better", "neutral"}
    assert data["changes"] and all(FIXED_CHANGE <= set(c) for c in data["changes"])
    for c in data["changes"]:
        assert c["kind"] in ("added", "deleted", "modified", "moved")
        assert c["judgement"] in ("worse", "better", "neutral")
        assert (c["old"] is None) == (c["kind"] == "added") and (c["new"] is None) == (c["kind"] == "deleted")
    assert data["changes"][0]["judgement"] == "worse"
    assert "worse" in err and "better" in err


@pytest.mark.parametrize("fmt", ["md", "html", "docx"])
def test_cli_compare_other_formats_and_respond(pair_files, stub_classifier, tmp_path, capsys, fmt):
    old, new = pair_files
    out, reply = tmp_path / f"cmp.{fmt}", tmp_path / "reply.docx"
    assert main(["compare", str(old), str(new), "--format", fmt, "-o", str(out), "--respond", str(reply)]) == 0
    assert out.stat().st_size > 0 and reply.read_bytes()[:2] == b"PK"
    if fmt != "docx":
        assert "Worse" in out.read_text(encoding="utf-8")
    assert "reversed as tracked changes" in capsys.readouterr().err


def test_cli_compare_unreadable_input_is_one_line_naming_the_file(tmp_path, stub_classifier, capsys):
    good = tmp_path / "v1.txt"
    good.write_text(OLD, encoding="utf-8")
    bad = tmp_path / "v2.docx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    assert main(["compare", str(good), str(bad)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "v2.docx" in err[0]
    assert main(["compare", str(tmp_path / "missing.txt"), str(good)]) == 1
    assert "missing.txt" in capsys.readouterr().err


def test_cli_compare_single_file_without_tracked_changes(tmp_path, stub_classifier, capsys):
    plain = tmp_path / "plain.docx"
    plain.write_bytes(docx_bytes(OLD))
    assert main(["compare", str(plain)]) == 1
    assert capsys.readouterr().err.strip() == "error: plain.docx: has no tracked changes: give the old and the new draft"


@pytest.mark.parametrize("argv", [["compare"], ["compare", "a.txt", "b.txt", "--format", "docx"],
                                  ["compare", "a.txt", "b.txt", "--fallback"],
                                  ["compare", "a.txt", "b.txt", "--perspective", "buyer"]])
def test_cli_compare_usage_errors_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
