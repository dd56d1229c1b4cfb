"""``clause-analyzer eval --findings``: analyze each gold contract, write ``<id>.json`` reports, run the scorer."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest
from support import SHARED

from analyzer.cli import main
from analyzer.core.schema import Report

# Stands in for score_findings.py: it checks the arguments and prints what it was given.
FAKE_SCORER = textwrap.dedent('''\
    import json, os, sys
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    gold_dir, report_dir = args
    names = sorted(os.listdir(report_dir))
    for name in names:
        with open(os.path.join(report_dir, name), encoding="utf-8") as fh:
            report = json.load(fh)
        print("report", name, report["perspective"], report["document"]["format"], len(report["findings"]))
    print("gold", sorted(os.listdir(gold_dir)))
    print("verbose", "--verbose" in sys.argv)
    print("reports_dir", report_dir)
''')


@pytest.fixture
def gold(tmp_path, samples_dir):
    """A fake shared folder: contracts/ with one sample TXT, findings_gold/dev/G1.json and the fake scorer."""
    shared = tmp_path / "shared"
    (shared / "contracts").mkdir(parents=True)
    shutil.copy(samples_dir / "tech_license.txt", shared / "contracts" / "tech_license.txt")
    dev = shared / "findings_gold" / "dev"
    dev.mkdir(parents=True)
    (dev / "G1.json").write_text(json.dumps({
        "id": "G1", "agreement_type": "license", "perspective": "licensee",
        "source_txt": "contracts/tech_license.txt", "source_pdf": "contracts/tech_license.pdf",
        "categories": {}, "risks": [],
    }), encoding="utf-8")
    (dev / "README.txt").write_text("not a gold file", encoding="utf-8")
    (shared / "findings_gold" / "score_findings.py").write_text(FAKE_SCORER, encoding="utf-8")
    return dev


def _scorer_lines(out: str) -> dict[str, str]:
    return {line.split(" ", 1)[0]: line.split(" ", 1)[1] for line in out.splitlines()}


def test_findings_eval_writes_analyze_reports_and_prints_the_scorer_output(stub_classifier, gold, tmp_path, capsys):
    reports = tmp_path / "reports"
    rc = main(["eval", "--findings", str(gold), "--format", "txt", "--output", str(reports), "--verbose"])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    lines = _scorer_lines(captured.out)
    assert lines["report"].split()[:3] == ["G1.json", "licensee", "txt"]
    assert lines["gold"] == "['G1.json', 'README.txt']" and lines["verbose"] == "True"
    assert lines["reports_dir"] == str(reports)
    assert "G1: tech_license.txt: license," in captured.err

    written = (reports / "G1.json").read_text(encoding="utf-8")
    report = Report.model_validate_json(written)
    assert report.perspective == "licensee" and report.findings
    # The same JSON as ``clause-analyzer analyze`` with the gold's perspective.
    single = tmp_path / "single.json"
    assert main(["analyze", str(gold.parent.parent / "contracts" / "tech_license.txt"),
                 "--perspective", "licensee", "--output", str(single)]) == 0
    assert written == single.read_text(encoding="utf-8")
    assert stub_classifier.calls == 2


def test_findings_eval_without_output_uses_a_temporary_folder(stub_classifier, gold, capsys):
    assert main(["eval", "--findings", str(gold), "--format", "txt"]) == 0
    lines = _scorer_lines(capsys.readouterr().out)
    assert lines["report"].startswith("G1.json licensee txt ") and lines["verbose"] == "False"
    assert not Path(lines["reports_dir"]).exists(), "the temporary reports folder is removed"


def test_findings_eval_defaults_to_the_pdf_and_fails_when_it_is_missing(stub_classifier, gold, capsys):
    assert main(["eval", "--findings", str(gold)]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and stub_classifier.calls == 0
    pdf = gold.parent.parent / "contracts" / "tech_license.pdf"
    assert captured.err.splitlines() == [f"error: {pdf}: file not found (source_pdf of G1.json)"]


def test_findings_eval_fails_in_one_line_when_the_scorer_is_missing(stub_classifier, gold, capsys):
    (gold.parent / "score_findings.py").unlink()
    assert main(["eval", "--findings", str(gold), "--format", "txt"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and stub_classifier.calls == 0
    scorer = (gold.parent / "score_findings.py").resolve()
    assert captured.err.splitlines() == [f"error: {scorer}: file not found (findings scorer; give --scorer PATH)"]


def test_findings_eval_scorer_option_and_scorer_failure(stub_classifier, gold, tmp_path, capsys):
    bad = tmp_path / "bad_scorer.py"
    bad.write_text("import sys\nprint('no gold here', file=sys.stderr)\nsys.exit(3)\n", encoding="utf-8")
    assert main(["eval", "--findings", str(gold), "--format", "txt", "--scorer", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == f"error: {bad}: scorer exited with status 3 (no gold here)"


def test_findings_eval_rejects_a_gold_file_without_an_id(stub_classifier, gold, capsys):
    (gold / "G2.json").write_text(json.dumps({"source_txt": "contracts/tech_license.txt"}), encoding="utf-8")
    assert main(["eval", "--findings", str(gold), "--format", "txt"]) == 1
    assert capsys.readouterr().err.splitlines() == [f"error: {gold / 'G2.json'}: field 'id' is missing or not a string"]


@pytest.mark.parametrize("argv", [
    ["eval"],
    ["eval", "--cuad", "x", "--findings", "y"],
    ["eval", "--findings", "y", "--limit", "2"],
    ["eval", "--cuad", "x", "--scorer", "s.py"],
    ["eval", "--findings", "y", "--format", "docx"],
])
def test_eval_needs_exactly_one_mode_and_its_own_options(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    assert "usage: clause-analyzer eval" in capsys.readouterr().err


FINDINGS_GOLD = SHARED / "findings_gold"


@pytest.mark.slow
def test_findings_eval_real_scorer_on_one_gold_contract(tmp_path, capsys):
    """The real classifier and the real scorer on one development contract (PDF input)."""
    gold_file = FINDINGS_GOLD / "dev" / "D03.json"
    if not gold_file.is_file() or not (FINDINGS_GOLD / "score_findings.py").is_file():
        pytest.skip("../shared/findings_gold is absent")
    source = json.loads(gold_file.read_text(encoding="utf-8"))["source_pdf"]
    if not (SHARED / source).is_file():
        pytest.skip(f"../shared/{source} is absent")
    # A gold folder with this one contract, laid out like the shared one.
    shared = tmp_path / "shared"
    dev = shared / "findings_gold" / "dev"
    dev.mkdir(parents=True)
    shutil.copy(gold_file, dev / gold_file.name)
    (shared / source).parent.mkdir(parents=True)
    (shared / source).symlink_to(SHARED / source)

    reports = tmp_path / "reports"
    rc = main(["eval", "--findings", str(dev), "--output", str(reports),
               "--scorer", str(FINDINGS_GOLD / "score_findings.py"), "--verbose"])
    out = capsys.readouterr().out
    assert rc == 0
    per_doc, summary = out.strip().splitlines()
    assert json.loads(per_doc)["id"] == "D03"
    tokens = summary.split()
    values = dict(zip(tokens[::2], tokens[1::2]))
    assert values["docs"] == "1"
    assert 0.0 <= float(values["precision"]) <= 1.0
    assert int(values["findings"]) == len(json.loads((reports / "D03.json").read_text(encoding="utf-8"))["findings"])
