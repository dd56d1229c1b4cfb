"""Hostile files and folders: symbolic links out of the folder, FIFOs, odd file names,
bad numeric options, a torn batch journal and a worker killed by a signal."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from analyzer.batch.folder_review import STATE, review, scan
from analyzer.batch.local_pool import crash_reason, run_local
from analyzer.core import files as atomic
from analyzer.core.errors import EmptyDocument, NotRegularFile, escape_name
from analyzer.ingest import open_regular, parse

ROOT = Path(__file__).resolve().parents[2]
MARKER = "SECRET-MARKER-7f3a9c"
CRASH_TARGET = f"{__name__}:killed_analyze"
CONTRACT = ("LICENCE AGREEMENT\n\n1. Grant. The Licensor grants the Licensee a non-exclusive licence.\n\n"
            "2. Governing Law. This Agreement is governed by the laws of England.\n")
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")
needs_symlink = pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX symbolic links")


def killed_analyze(source, **kwargs):
    """``analyze`` whose process is killed by SIGKILL on files whose name contains "crash"."""
    if "crash" in str(kwargs.get("filename", "")):
        os.kill(os.getpid(), signal.SIGKILL)
    from analyzer.pipeline import analyze

    return analyze(source, **kwargs)


def _cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analyzer", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def _one_line(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


# --- symbolic links ------------------------------------------------------------------

@pytest.mark.usefixtures("stub_classifier")
@needs_symlink
def test_review_does_not_follow_a_symlink_out_of_the_folder(tmp_path):
    secret = tmp_path / "secret" / "shadow.txt"
    secret.parent.mkdir()
    secret.write_text(f"{MARKER}\n{CONTRACT}", encoding="utf-8")
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text(CONTRACT, encoding="utf-8")
    (src / "s.txt").symlink_to(secret)
    (src / "sub" / "rel.txt").symlink_to(Path("..") / ".." / "secret" / "shadow.txt")
    (src / "sub" / "inside.txt").symlink_to(Path("..") / "a.txt")
    (src / "linked_dir").symlink_to(secret.parent, target_is_directory=True)
    (src / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    out = tmp_path / "out"

    summary = review(src, out, workers=0, progress=False)

    for path in out.rglob("*"):
        if path.is_file():
            assert MARKER.encode() not in path.read_bytes(), path
    assert sorted(summary.done) == ["a.txt", "sub/inside.txt"]  # a link that stays inside may be read
    assert summary.skip_reasons["s.txt"] == "symbolic link to a file outside the folder; not followed"
    assert summary.skip_reasons["sub/rel.txt"] == "symbolic link to a file outside the folder; not followed"
    assert summary.skip_reasons["linked_dir"] == "symbolic link to a folder; not followed"
    assert summary.skip_reasons["dangling.txt"] == "broken symbolic link; not followed"
    assert {"s.txt", "sub/rel.txt", "linked_dir", "dangling.txt"} <= set(summary.skipped)
    rows = {r["file"]: r for r in summary.rows}
    assert rows["s.txt"]["status"] == "skipped"
    csv = (out / "summary.csv").read_text(encoding="utf-8")
    assert "s.txt,skipped" in csv and "symbolic link to a file outside the folder" in csv
    assert not (out / "reports" / "s.txt.json").exists()


@pytest.mark.usefixtures("stub_classifier")
@needs_symlink
def test_review_rechecks_a_link_swapped_after_the_scan(tmp_path, monkeypatch):
    """A link that pointed inside at scan time but outside when hashed is still refused."""
    import analyzer.batch.folder_review as batch

    secret = tmp_path / "secret.txt"
    secret.write_text(f"{MARKER}\n{CONTRACT}", encoding="utf-8")
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(CONTRACT, encoding="utf-8")
    (src / "l.txt").symlink_to("a.txt")
    real_scan = batch.scan

    def scan_then_swap(*args, **kwargs):
        got = real_scan(*args, **kwargs)
        (src / "l.txt").unlink()
        (src / "l.txt").symlink_to(secret)
        return got

    monkeypatch.setattr(batch, "scan", scan_then_swap)
    summary = review(src, tmp_path / "out", workers=0, progress=False)
    assert summary.done == ["a.txt"]
    assert summary.skip_reasons["l.txt"].startswith("symbolic link to a file outside the folder")
    assert not any(MARKER.encode() in p.read_bytes() for p in (tmp_path / "out").rglob("*") if p.is_file())


# --- FIFOs and other non-regular files ----------------------------------------------

@needs_fifo
def test_analyze_refuses_a_fifo_without_blocking(tmp_path):
    fifo = tmp_path / "f.txt"
    os.mkfifo(fifo)
    proc = _cli("analyze", str(fifo))
    assert proc.returncode == 1 and proc.stdout == ""
    assert _one_line(proc.stderr) == "error: f.txt: not a regular file (FIFO)"


@needs_fifo
def test_parse_and_open_regular_refuse_a_fifo(tmp_path):
    fifo = tmp_path / "f.txt"
    os.mkfifo(fifo)
    with pytest.raises(NotRegularFile, match=r"^f\.txt: not a regular file \(FIFO\)$"):
        parse(fifo)
    with pytest.raises(NotRegularFile, match=r"folder"):
        open_regular(tmp_path)


@pytest.mark.slow
@needs_fifo
def test_review_skips_a_fifo_without_blocking(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(CONTRACT, encoding="utf-8")
    os.mkfifo(src / "f.txt")
    out = tmp_path / "out"
    proc = _cli("review", str(src), "-o", str(out), "--workers", "0", timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "  skipped: f.txt: not a regular file (FIFO)" in proc.stderr.splitlines()
    csv = (out / "summary.csv").read_text(encoding="utf-8")
    assert "f.txt,skipped" in csv and "not a regular file (FIFO)" in csv
    assert (out / "reports" / "a.txt.json").is_file() and not (out / "reports" / "f.txt.json").exists()


@pytest.mark.usefixtures("stub_classifier")
@needs_fifo
def test_review_plan_refuses_a_file_swapped_for_a_fifo(tmp_path, monkeypatch):
    """A file replaced by a FIFO between the scan and the hashing fails that file; it does not hang."""
    import analyzer.batch.folder_review as batch

    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(CONTRACT, encoding="utf-8")
    (src / "b.txt").write_text(CONTRACT, encoding="utf-8")
    real_scan = batch.scan

    def scan_then_swap(*args, **kwargs):
        got = real_scan(*args, **kwargs)
        (src / "b.txt").unlink()
        os.mkfifo(src / "b.txt")
        return got

    monkeypatch.setattr(batch, "scan", scan_then_swap)
    summary = review(src, tmp_path / "out", workers=0, progress=False)
    assert summary.done == ["a.txt"]
    assert summary.failed == [("b.txt", "b.txt: not a regular file (FIFO)")]


def test_scan_lists_only_regular_files(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(CONTRACT, encoding="utf-8")
    (src / "notes.md").write_text("x", encoding="utf-8")
    todo, skipped = scan(src)
    assert todo == ["a.txt"] and skipped == {"notes.md": "not a DOCX, PDF or TXT file (.md)"}


# --- numeric options -----------------------------------------------------------------

@pytest.mark.parametrize("option, value", [("--timeout", "inf"), ("--timeout", "-1"), ("--timeout", "nan"),
                                           ("--timeout", "0"), ("--timeout", "1e400"), ("--timeout", "soon"),
                                           ("--workers", "-1"), ("--workers", "1.5"), ("--workers", "100000")])
def test_review_numeric_options_are_usage_errors(tmp_path, option, value):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(CONTRACT, encoding="utf-8")
    proc = _cli("review", str(src), "-o", str(tmp_path / "out"), f"{option}={value}")
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "usage:" in proc.stderr
    assert f"argument {option}" in proc.stderr
    assert not (tmp_path / "out").exists()


def test_eval_limit_must_be_positive(tmp_path):
    proc = _cli("eval", "--cuad", str(tmp_path), "--limit", "0")
    assert proc.returncode == 2 and "argument --limit" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("timeout", [float("inf"), float("nan"), -1.0, 0])
def test_review_library_rejects_bad_timeout(tmp_path, timeout):
    from analyzer.core.errors import AnalyzerError

    src = tmp_path / "in"
    src.mkdir()
    with pytest.raises(AnalyzerError, match="timeout must be"):
        review(src, tmp_path / "out", timeout=timeout, progress=False)


# --- control characters in file names -----------------------------------------------

def test_escape_name_keeps_one_line():
    assert escape_name("a\nb\r\tc.txt") == "a\\nb\\r\\tc.txt"
    assert escape_name("x\x1b[31m\u202ey\u2028.txt") == "x\\x1b[31m\\u202ey\\u2028.txt"
    assert escape_name(os.fsdecode(b"bad\xff.txt")) == "bad\\xff.txt"
    assert escape_name("ordinary name (é).docx") == "ordinary name (é).docx"


@pytest.mark.skipif(sys.platform == "win32", reason="newlines are not allowed in Windows file names")
def test_analyze_file_name_with_newline_is_one_line(tmp_path):
    path = tmp_path / "bad\nname.txt"
    path.write_bytes(b"")
    with pytest.raises(EmptyDocument) as info:
        parse(path)
    assert str(info.value) == "bad\\nname.txt: file is empty"
    proc = _cli("analyze", str(path))
    assert proc.returncode == 1
    assert _one_line(proc.stderr) == "error: bad\\nname.txt: file is empty"


@pytest.mark.usefixtures("stub_classifier")
@pytest.mark.skipif(sys.platform == "win32", reason="newlines are not allowed in Windows file names")
def test_review_summary_lines_escape_names(tmp_path, capsys):
    src = tmp_path / "in"
    src.mkdir()
    (src / "x\ny.txt").write_bytes(b"")
    summary = review(src, tmp_path / "out", workers=0, progress=True)
    assert summary.failed == [("x\ny.txt", "x\\ny.txt: file is empty")]
    err = capsys.readouterr().err
    assert "  failed: x\\ny.txt: file is empty" in err.splitlines()


# --- the batch journal ---------------------------------------------------------------

def test_journal_torn_last_line_does_not_swallow_the_next_record(tmp_path, caplog):
    journal = tmp_path / STATE
    atomic.append_line(journal, {"file": "a.txt", "outcome": "done"})
    with open(journal, "ab") as fh:  # a writer killed in the middle of its line
        fh.write(b'{"file": "b.txt", "outc')
    with caplog.at_level(logging.WARNING, logger="analyzer.core.files"):
        assert [r["file"] for r in atomic.read_lines(journal)] == ["a.txt"]
    assert "incomplete" in caplog.text
    atomic.append_line(journal, {"file": "c.txt", "outcome": "done"})
    atomic.append_line(journal, {"file": "d.txt", "outcome": "failure"})
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="analyzer.core.files"):
        assert [r["file"] for r in atomic.read_lines(journal)] == ["a.txt", "c.txt", "d.txt"]
    assert "line 2 is not valid JSON" in caplog.text
    lines = journal.read_bytes().split(b"\n")
    assert lines[1] == b'{"file": "b.txt", "outc' and json.loads(lines[2])["file"] == "c.txt"


def test_journal_skips_garbage_and_keeps_reading(tmp_path):
    journal = tmp_path / STATE
    journal.write_bytes(b'{"file": "a.txt"}\n\xff\xfe not json\n[1, 2]\n\n{"file": "b.txt"}\n')
    assert [r["file"] for r in atomic.read_lines(journal)] == ["a.txt", "b.txt"]


def test_journal_line_with_undecodable_file_name_round_trips(tmp_path):
    journal = tmp_path / STATE
    name = os.fsdecode(b"caf\xe9.txt")
    atomic.append_line(journal, {"file": name})
    assert journal.read_bytes().endswith(b"\n")
    assert [r["file"] for r in atomic.read_lines(journal)] == [name]


@pytest.mark.usefixtures("stub_classifier")
def test_batch_resumes_after_a_torn_journal(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for name in ("a.txt", "b.txt"):
        (src / name).write_text(CONTRACT, encoding="utf-8")
    out = tmp_path / "out"
    review(src, out, workers=0, progress=False)
    with open(out / STATE, "ab") as fh:
        fh.write(b'{"file": "a.txt", "outcome": "fail')
    (src / "c.txt").write_text(CONTRACT, encoding="utf-8")
    second = review(src, out, workers=0, progress=False)
    assert second.reused == ["a.txt", "b.txt"] and second.done == ["c.txt"]
    third = review(src, out, workers=0, progress=False)
    assert third.reused == ["a.txt", "b.txt", "c.txt"] and third.done == []


# --- a worker killed by a signal -------------------------------------------------------

def test_crash_reason_names_the_signal():
    assert crash_reason(-signal.SIGKILL) == "worker process crashed (killed by signal SIGKILL)"
    assert crash_reason(-signal.SIGSEGV) == "worker process crashed (killed by signal SIGSEGV)"
    assert crash_reason(3) == "worker process crashed (exit code 3)"
    assert crash_reason(None) == "worker process crashed (exit status unknown)"


@pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX signals")
def test_pool_reports_the_signal_that_killed_a_worker(tmp_path):
    path = tmp_path / "crash.txt"
    path.write_text(CONTRACT, encoding="utf-8")
    task = {"rel": "crash.txt", "path": str(path), "data": None, "sha256": "0" * 64,
            "playbook": None, "perspective": None, "redline": False}
    (got_task, result), = list(run_local([task], workers=1, timeout=120, analyze_target=CRASH_TARGET, warm=False))
    assert got_task["rel"] == "crash.txt" and result["kind"] == "crash"
    assert result["error"] == "crash.txt: worker process crashed (killed by signal SIGKILL)"
