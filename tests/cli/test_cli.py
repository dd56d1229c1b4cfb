import json

import pytest

from analyzer.cli import build_parser, main

COMMANDS = ["analyze", "redline", "review", "eval", "train", "compare", "playbook", "schema"]


@pytest.mark.parametrize("command", COMMANDS)
def test_cli_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exc:
        main([command, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: clause-analyzer " + command)


def test_cli_schema_prints_report_schema(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    for field in ["schema_version", "status", "issues", "document", "text", "agreement_type",
                  "parties", "clauses", "labels", "entities", "findings", "versions"]:
        assert field in schema["properties"], field


def test_cli_usage_error_exits_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["analyze"])
    assert exc.value.code == 2


def test_cli_subcommands_match_architecture():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert set(sub.choices) == set(COMMANDS)


@pytest.mark.usefixtures("stub_classifier")
def test_cli_unknown_perspective_for_playbook_falls_back_with_warning(samples_dir, tmp_path, capsys):
    out = tmp_path / "r.json"
    rc = main(["analyze", str(samples_dir / "mutual_nda.txt"), "--playbook", "nda",
               "--perspective", "licensee", "--output", str(out)])
    assert rc == 0
    err = capsys.readouterr().err
    assert "no perspective 'licensee'" in err and "Traceback" not in err
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["perspective"] == "partner" and report["status"] == "partial_success"
    assert report["findings"], "the review still runs from the playbook's default perspective"


@pytest.mark.parametrize("command", ["analyze", "redline", "review", "eval", "compare", "train", "playbook validate", "schema"])
def test_cli_every_command_is_documented_in_readme(command):
    from support import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"clause-analyzer {command}" in readme


def test_cli_readme_setup_uses_the_two_make_commands():
    from support import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "make run" in readme and "make test" in readme
    assert "\nrun:" in makefile and "\ntest:" in makefile


def test_cli_analyze_uses_the_stub_classifier_fixture(stub_classifier, samples_dir, tmp_path):
    out = tmp_path / "r.json"
    assert main(["analyze", str(samples_dir / "tech_license.txt"), "--output", str(out)]) == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    assert stub_classifier.calls == 1 and report["versions"]["model"] == stub_classifier.version
    assert (report["agreement_type"]["label"], report["agreement_type"]["confidence"]) == ("license", 0.9)
    assert {label["category"] for label in report["labels"]} >= {"license_grant", "governing_law"}


@pytest.mark.parametrize("flag", [["--progress"], []])
def test_cli_analyze_progress_lists_the_stages_on_stderr(flag, stub_classifier, samples_dir, tmp_path, capsys):
    out = tmp_path / "r.json"
    assert main(["analyze", str(samples_dir / "tech_license.txt"), "--output", str(out), *flag]) == 0
    err = capsys.readouterr().err
    if not flag:  # stderr is not a terminal here: no progress unless asked for
        assert "parse…" not in err
        return
    started = [line.split(": ", 1)[1] for line in err.splitlines() if line.endswith("…")]
    assert started == ["parse…", "segment…", "extract…", "classify…", "compare…"]
    done = next(line for line in err.splitlines() if ": done in " in line)
    assert "tech_license.txt: done in " in done and "classify " in done and "finding(s)" in done
    assert json.loads(out.read_text(encoding="utf-8"))["findings"] is not None
