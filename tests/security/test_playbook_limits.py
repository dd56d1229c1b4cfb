"""Hostile playbooks: includes outside the allowed folders, special files, oversized and deeply nested YAML.

Each case runs ``clause-analyzer playbook validate`` in a subprocess, bounded in time and memory, and
expects exit code 1, one line on stderr that names the playbook and the reason, no traceback, and
nothing of the secret file that the playbook tries to read.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from analyzer.core.errors import PlaybookError
from analyzer.review.playbook import (
    LIBRARY_DIR,
    MAX_PLAYBOOK_BYTES,
    MAX_YAML_DEPTH,
    load_playbook,
    load_playbook_bytes,
)

ROOT = Path(__file__).resolve().parents[2]
MARKER = "SECRET_MARKER_7f3a9c"
TIMEOUT = 60
MEMORY_LIMIT = 1536 * 1024 * 1024

PLAYBOOK = """\
schema_version: "1"
id: hostile
version: "0.1"
title: Hostile
agreement_types: [license]
perspectives: [licensee]
default_perspective: licensee
{includes}rules:
  - id: h.conf
    title: Confidentiality
    category: confidentiality
    requirement: required
    severity: high
    rationale: Know-how must stay secret.
    preferred: "{{licensor}} shall keep it confidential."
"""


def _playbook(folder: Path, includes: list[str] | None = None, name: str = "pb.yaml") -> Path:
    inc = "includes: [" + ", ".join(f"'{i}'" for i in includes) + "]\n" if includes else ""
    path = folder / name
    path.write_text(PLAYBOOK.format(includes=inc), encoding="utf-8")
    return path


@pytest.fixture
def secret(tmp_path_factory) -> Path:
    """A file outside the playbook's folder whose content must never be shown."""
    path = tmp_path_factory.mktemp("elsewhere") / "secret.yaml"
    path.write_text(f"{MARKER}: 1\nkind: ruleset\nother_{MARKER}: [{MARKER}]\n", encoding="utf-8")
    return path


def _limit_memory():
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _run(*args: str, timeout: int = TIMEOUT) -> subprocess.CompletedProcess:
    try:
        return subprocess.run([sys.executable, "-m", "analyzer", *args], cwd=ROOT, capture_output=True, text=True,
                              timeout=timeout, preexec_fn=_limit_memory if os.name == "posix" else None)
    except subprocess.TimeoutExpired:
        pytest.fail(f"clause-analyzer {' '.join(args)} did not finish within {timeout}s")


def _assert_one_line_error(proc: subprocess.CompletedProcess, path: Path, reason: str) -> str:
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "Traceback" not in out and "RecursionError" not in out, out
    assert MARKER not in out, out
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert str(path) in lines[0] and reason in lines[0], lines[0]
    return lines[0]


def _hostile(case: str, folder: Path, secret: Path) -> tuple[Path, str]:
    """The playbook for ``case`` (built in ``folder``) and the reason its error must give."""
    if case == "absolute_path":
        return _playbook(folder, [str(secret)]), "not a plain .yaml file name"
    if case == "dot_dot":
        return _playbook(folder, [os.path.relpath(secret, folder)]), "not a plain .yaml file name"
    if case == "parent_file":
        (folder.parent / "x.yaml").write_text(secret.read_text(encoding="utf-8"), encoding="utf-8")
        return _playbook(folder, ["../x.yaml"]), "not a plain .yaml file name"
    if case == "dev_zero":
        return _playbook(folder, ["/dev/zero"]), "not a plain .yaml file name"
    if case == "fifo":
        os.mkfifo(folder / "_pipe.yaml")
        return _playbook(folder, ["_pipe.yaml"]), "_pipe.yaml: not a regular file"
    if case == "directory":
        (folder / "_dir.yaml").mkdir()
        return _playbook(folder, ["_dir.yaml"]), "_dir.yaml: not a regular file"
    if case == "symlink_outside":
        os.symlink(secret, folder / "_shared.yaml")
        return _playbook(folder, ["_shared.yaml"]), "resolves outside the playbook's folder and the clause library"
    if case == "symlink_device":
        os.symlink("/dev/zero", folder / "_zero.yaml")
        return _playbook(folder, ["_zero.yaml"]), "resolves outside"
    if case == "invalid_rule_set":
        (folder / "_bad.yaml").write_text(secret.read_text(encoding="utf-8"), encoding="utf-8")
        return _playbook(folder, ["_bad.yaml"]), "_bad.yaml: not a valid rule set"
    if case == "rule_set_yaml_error":
        (folder / "_bad.yaml").write_text(f"kind: ruleset\nrules: *{MARKER}\n{MARKER}: [unclosed\n", encoding="utf-8")
        return _playbook(folder, ["_bad.yaml"]), "_bad.yaml: not a valid rule set (YAML syntax error at line 2"
    if case == "oversized_include":
        (folder / "_big.yaml").write_text(f"# {MARKER}\n" + "#" * MAX_PLAYBOOK_BYTES + "\n", encoding="utf-8")
        return _playbook(folder, ["_big.yaml"]), "byte limit"
    if case == "oversized":
        path = _playbook(folder)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(f"# {MARKER}" + "x" * MAX_PLAYBOOK_BYTES + "\n")
        return path, "over the 1,048,576-byte limit"
    if case == "nested_sequences":
        path = folder / "nested.yaml"
        path.write_text(f"{MARKER}: " + "[" * 10_000 + "]" * 10_000 + "\n", encoding="utf-8")
        return path, f"nested deeper than {MAX_YAML_DEPTH} levels"
    if case == "nested_mappings":
        path = folder / "nested.yaml"
        path.write_text("{a: " * 10_000 + MARKER + "}" * 10_000 + "\n", encoding="utf-8")
        return path, f"nested deeper than {MAX_YAML_DEPTH} levels"
    if case == "nested_block_mappings":
        path = folder / "nested.yaml"
        path.write_text("".join(" " * i + f"k{i}:\n" for i in range(1000)) + " " * 1000 + f"{MARKER}: 1\n",
                        encoding="utf-8")
        return path, f"nested deeper than {MAX_YAML_DEPTH} levels"
    if case == "alias_bomb":
        lines = [f"l0: &l0 [{MARKER}, {MARKER}, {MARKER}, {MARKER}, {MARKER}, {MARKER}, {MARKER}, {MARKER}]"]
        lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 8) + "]" for i in range(1, 10)]
        path = folder / "bomb.yaml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path, "nodes (aliases expanded)"
    if case == "recursive_alias":
        path = folder / "cycle.yaml"
        path.write_text("a: &a [*a, *a, *a]\n", encoding="utf-8")
        return path, "recursive YAML alias"
    raise AssertionError(case)


CASES = ["absolute_path", "dot_dot", "parent_file", "dev_zero", "fifo", "directory", "symlink_outside",
         "symlink_device", "invalid_rule_set", "rule_set_yaml_error", "oversized_include", "oversized",
         "nested_sequences", "nested_mappings", "nested_block_mappings", "alias_bomb", "recursive_alias"]


@pytest.mark.skipif(os.name != "posix", reason="FIFOs, /dev/zero and symlinks")
@pytest.mark.parametrize("case", CASES)
def test_playbook_validate_refuses_hostile_playbook(tmp_path, secret, case):
    folder = tmp_path / "playbooks"
    folder.mkdir()
    path, reason = _hostile(case, folder, secret)
    _assert_one_line_error(_run("playbook", "validate", str(path)), path, reason)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
@pytest.mark.parametrize("special", ["/dev/zero", "fifo", "directory"])
def test_playbook_validate_refuses_special_top_level_file(tmp_path, special):
    if special == "fifo":
        path = tmp_path / "pipe.yaml"
        os.mkfifo(path)
    elif special == "directory":
        path = tmp_path / "dir.yaml"
        path.mkdir()
    else:
        path = Path(special)
    _assert_one_line_error(_run("playbook", "validate", str(path)), path, "not a regular file")


def test_playbook_errors_clip_keys_from_the_file(tmp_path):
    """Unknown keys and values of the playbook itself are shown escaped and cut short."""
    long_key = "k" * 500 + "\\u0007"
    text = PLAYBOOK.format(includes="").replace("    rationale:", f'    "{long_key}": 1\n    rationale:')
    text = text.replace("category: confidentiality", "category: " + "c" * 500)
    path = tmp_path / "pb.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PlaybookError) as exc:
        load_playbook(path)
    assert len(exc.value.errors) == 2
    for line in exc.value.errors:
        assert len(line) < 400 and "\x07" not in line and "\n" not in line, line
        assert "k" * 100 not in line and "c" * 100 not in line, line


def test_playbook_include_inside_own_folder_and_library(tmp_path):
    """Plain names still resolve: the playbook's own folder first (a symlink within it is fine), then the library."""
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "_mine.yaml").write_text(
        'kind: ruleset\nschema_version: "1"\nid: mine\nversion: "1"\nrules:\n'
        '  - {id: m.law, title: Law, category: governing_law, requirement: required, severity: low,\n'
        '     rationale: r, preferred: "p"}\n', encoding="utf-8")
    os.symlink(tmp_path / "rules" / "_mine.yaml", tmp_path / "_mine.yaml")
    pb = load_playbook(_playbook(tmp_path, ["_mine.yaml", "_common.yaml"]))
    assert "m.law" in {r.id for r in pb.rules}
    assert any(r.id.startswith("common.") for r in pb.rules)
    # only the given folders are searched
    with pytest.raises(PlaybookError, match="not found in the clause library"):
        load_playbook(_playbook(tmp_path, ["_mine.yaml"]), include_dirs=[LIBRARY_DIR])


def test_playbook_upload_includes_only_from_the_library(tmp_path, monkeypatch, secret):
    """An uploaded playbook cannot reach files beside the app's working folder or a temp folder."""
    from ui.playbooks import upload_error_text, validate_upload

    (tmp_path / "_local.yaml").write_text(secret.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    data = _playbook(tmp_path, ["_local.yaml"]).read_bytes()
    with pytest.raises(PlaybookError) as exc:
        validate_upload("mine.yaml", data)
    assert exc.value.errors == ["[includes.0] _local.yaml: not found in the clause library"]
    assert upload_error_text(exc.value).startswith("mine.yaml is not a valid playbook: [includes.0]")
    for hostile in (str(secret), f"../{secret.parent.name}/{secret.name}", "/dev/zero"):
        with pytest.raises(PlaybookError) as exc:
            load_playbook_bytes(_playbook(tmp_path, [hostile]).read_bytes(), "mine.yaml")
        assert len(exc.value.errors) == 1 and "not a plain .yaml file name" in exc.value.errors[0]
        assert MARKER not in str(exc.value.errors)
    # shipped rule sets resolve
    assert validate_upload("ok.yaml", _playbook(tmp_path, ["_common.yaml"]).read_bytes()).id == "hostile"


def test_playbook_upload_limits():
    with pytest.raises(PlaybookError, match="byte limit"):
        load_playbook_bytes(b"#" * (MAX_PLAYBOOK_BYTES + 1), "big.yaml")
    with pytest.raises(PlaybookError, match="nested deeper") as exc:
        load_playbook_bytes(b"a: " + b"[" * 10_000 + b"]" * 10_000, "deep.yaml")
    assert len(exc.value.errors) == 1 and "\n" not in str(exc.value)


def test_app_playbooks_upload_nested_shows_one_line_error():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("app_pages/playbooks.py").run()
    data = b"rules: " + b"[" * 10_000 + b"]" * 10_000 + b"\n"
    at.file_uploader(key="playbook_upload").set_value(("deep.yaml", data, "application/x-yaml")).run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and "\n" not in errors[0], errors
    assert errors[0].startswith("deep.yaml is not a valid playbook:") and "nested deeper than" in errors[0]


@pytest.mark.slow
def test_analyze_with_unloadable_playbook_fails(tmp_path, samples_dir):
    """An explicitly chosen playbook that cannot be loaded is an error, not a warning."""
    path = tmp_path / "deep.yaml"
    path.write_text(f"{MARKER}: " + "[" * 10_000 + "]" * 10_000 + "\n", encoding="utf-8")
    proc = _run("analyze", str(samples_dir / "mutual_nda.txt"), "--playbook", str(path), timeout=300)
    line = _assert_one_line_error(proc, path, "nested deeper than")
    assert line.startswith("error: ") and not proc.stdout
