"""The JSON of ``clause-analyzer compare`` against the fixed fields of the compare report
(ARCHITECTURE.md, "Compare report"): on the hand-written pair, on the licence sample against
a markup of it, and on one DOCX whose tracked changes are the other side's.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from analyzer.cli import main
from analyzer.core.compare_schema import CompareReport
from analyzer.core.taxonomy import ALL_CATEGORIES

ROOT = Path(__file__).resolve().parents[2]
FIXED_TOP = {"schema_version", "perspective", "old", "new", "changes", "summary"}
FIXED_VERSION = {"source", "sha256", "text"}
FIXED_CHANGE = {"id", "kind", "category", "judgement", "message", "rule_id", "old", "new"}
ORDER = ["worse", "better", "neutral"]
SHA256 = re.compile(r"[0-9a-f]{64}")


def _markup(text: str) -> str:
    """The licence sample as the other side might return it: a shorter cure period, the
    confidentiality survival clause removed, one clause reworded."""
    text = text.replace("within ten (10) days after receiving", "within five (5) days after receiving", 1)
    text = text.replace("Headings are for convenience only.", "Headings are for ease of reference only.", 1)
    start = text.index("6.3 The obligations in this clause 6")
    return text[:start] + text[text.index("\n\n", start) + 2:]


def _run(capsys, *argv: str) -> dict:
    assert main(["compare", *argv, "--perspective", "licensee", "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def _check_fixed_fields(data: dict) -> None:
    assert FIXED_TOP <= set(data)
    assert data["schema_version"] == "1" and data["perspective"] == "licensee"
    for side in ("old", "new"):
        assert FIXED_VERSION <= set(data[side])
        assert isinstance(data[side]["source"], str) and data[side]["source"]
        assert SHA256.fullmatch(data[side]["sha256"]) and isinstance(data[side]["text"], str)
    ids = [c["id"] for c in data["changes"]]
    assert all(isinstance(i, str) and i for i in ids) and len(set(ids)) == len(ids)
    for c in data["changes"]:
        assert FIXED_CHANGE <= set(c), c
        assert c["kind"] in ("added", "deleted", "modified", "moved")
        assert c["judgement"] in ORDER
        assert c["category"] is None or c["category"] in ALL_CATEGORIES, c["category"]
        assert c["rule_id"] is None or (isinstance(c["rule_id"], str) and c["rule_id"])
        assert isinstance(c["message"], str) and c["message"].strip()
        assert (c["old"] is None) == (c["kind"] == "added") and (c["new"] is None) == (c["kind"] == "deleted")
        for side in ("old", "new"):  # a span indexes the text of its own version
            if c[side] is not None:
                assert set(c[side]) == {"start", "end"}
                assert 0 <= c[side]["start"] < c[side]["end"] <= len(data[side]["text"]), (side, c[side])
    counts = {j: sum(c["judgement"] == j for c in data["changes"]) for j in ORDER}
    assert {j: data["summary"][j] for j in ORDER} == counts
    judgements = [c["judgement"] for c in data["changes"]]
    assert judgements == sorted(judgements, key=ORDER.index)  # the worse changes lead
    CompareReport.model_validate(data)  # nothing outside the report model


def test_compare_json_fixed_fields_two_text_files(pair_files, stub_classifier, capsys):
    old, new = pair_files
    data = _run(capsys, str(old), str(new))
    _check_fixed_fields(data)
    for side, path in (("old", old), ("new", new)):
        assert data[side]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert data["summary"]["worse"] >= 1


def test_compare_json_fixed_fields_sample_and_markup(tmp_path, stub_classifier, capsys):
    text = (ROOT / "samples" / "tech_license.txt").read_text(encoding="utf-8")
    old, new = tmp_path / "ours.txt", tmp_path / "theirs.txt"
    old.write_text(text, encoding="utf-8")
    new.write_text(_markup(text), encoding="utf-8")
    data = _run(capsys, str(old), str(new))
    _check_fixed_fields(data)
    assert (data["old"]["source"], data["new"]["source"]) == ("ours.txt", "theirs.txt")
    assert (data["old"]["text"], data["new"]["text"]) == (text, _markup(text))
    assert {j: data["summary"][j] for j in ORDER} == {"worse": 2, "better": 0, "neutral": 1}
    by_rule = {c["rule_id"]: c for c in data["changes"]}
    deleted, cure = by_rule["compare.survives"], by_rule["compare.cure_days"]
    assert (deleted["kind"], deleted["judgement"], deleted["new"]) == ("deleted", "worse", None)
    assert text[deleted["old"]["start"]:deleted["old"]["end"]].startswith("6.3 The obligations in this clause 6")
    assert cure["kind"] == "modified" and cure["judgement"] == "worse"
    new_clause = data["new"]["text"][cure["new"]["start"]:cure["new"]["end"]]
    old_clause = text[cure["old"]["start"]:cure["old"]["end"]]
    assert "five (5) days" in new_clause and "ten (10) days" in old_clause
    assert [c["judgement"] for c in data["changes"]] == ["worse", "worse", "neutral"]


def test_compare_json_fixed_fields_one_docx_with_tracked_changes(samples_dir, stub_classifier, capsys):
    path = samples_dir / "tech_license.docx"  # carries the other side's tracked changes
    data = _run(capsys, str(path))
    _check_fixed_fields(data)
    assert data["old"]["sha256"] != data["new"]["sha256"] and data["old"]["text"] != data["new"]["text"]
    cure = next(c for c in data["changes"] if c["rule_id"] == "compare.cure_days")
    assert cure["judgement"] == "worse"
    assert "thirty (30)" in data["old"]["text"][cure["old"]["start"]:cure["old"]["end"]]


def test_compare_json_written_to_a_file_is_the_same_report(pair_files, stub_classifier, tmp_path, capsys):
    old, new = pair_files
    out = tmp_path / "cmp.json"
    assert main(["compare", str(old), str(new), "--perspective", "licensee", "--format", "json", "-o", str(out)]) == 0
    capsys.readouterr()
    on_disk = json.loads(out.read_text(encoding="utf-8"))
    _check_fixed_fields(on_disk)
    assert on_disk == _run(capsys, str(old), str(new))
