"""Batch review: every file gets a row, bad files are isolated, runs resume, Dask matches local."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from analyzer.batch.folder_review import (
    STATE,
    BatchSummary,
    discover,
    flat_name,
    review,
)
from analyzer.cli import main
from analyzer.core.errors import AnalyzerError

TESTS = Path(__file__).resolve().parent
# Fixtures that the spawned workers import: this module, found on the path pytest set up.
SLOW_TARGET = f"{__name__}:slow_analyze"
CRASH_TARGET = f"{__name__}:crashing_analyze"

LICENCE = """TECHNOLOGY LICENSE AGREEMENT

This Technology License Agreement is made between Acme Robotics Ltd ("Licensor") and Beta Devices Inc ("Licensee").

1. Grant of License. Licensor grants Licensee a non-exclusive, non-transferable licence to use the Licensed Technology in the Field of Use.

2. Confidentiality. Each party shall keep the other's Confidential Information secret for five years.

3. Governing Law. This Agreement is governed by the laws of England and Wales.
"""


def slow_analyze(source, **kwargs):
    """``analyze`` that hangs on files whose name contains "hang"."""
    if "hang" in str(kwargs.get("filename", "")):
        time.sleep(600)
    from analyzer.pipeline import analyze

    return analyze(source, **kwargs)


def crashing_analyze(source, **kwargs):
    """``analyze`` whose process dies (as on a segfault) on files whose name contains "crash"."""
    if "crash" in str(kwargs.get("filename", "")):
        os.kill(os.getpid(), signal.SIGKILL)
    from analyzer.pipeline import analyze

    return analyze(source, **kwargs)


def _txt_folder(root: Path, names: list[str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for i, name in enumerate(names):
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(LICENCE.replace("five", f"{i + 2}"), encoding="utf-8")
    return root


def _encrypted_pdf(path: Path) -> None:
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(200, 200)
    w.encrypt("secret")
    with path.open("wb") as fh:
        w.write(fh)


@pytest.fixture(scope="module")
def mixed_folder(tmp_path_factory, samples_dir) -> Path:
    """Good TXT/DOCX/PDF files in a subfolder tree, four bad files and one to skip."""
    root = tmp_path_factory.mktemp("mixed")
    _txt_folder(root, ["plain.txt", "deeper/nested/UPPER.TXT"])
    for name in ("mutual_nda.docx", "mutual_nda.pdf"):
        src = samples_dir / name
        if not src.is_file():
            pytest.skip(f"samples/{name} is absent")
        (root / "samples").mkdir(exist_ok=True)
        shutil.copy(src, root / "samples" / name)
    (root / "bad").mkdir()
    (root / "bad" / "corrupt.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n" + bytes(range(256)) * 4)
    _encrypted_pdf(root / "bad" / "locked.pdf")
    (root / "bad" / "legacy.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024)
    (root / "bad" / "legacy_renamed.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024)
    (root / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    return root


@pytest.fixture(scope="module")
def mixed_run(mixed_folder, tmp_path_factory):
    out = tmp_path_factory.mktemp("mixed_out")
    rc = main(["review", str(mixed_folder), "--output", str(out), "--workers", "2", "--redline"])
    return rc, out


def _summary_csv(out: Path) -> pd.DataFrame:
    return pd.read_csv(out / "summary.csv", keep_default_na=False).set_index("file")


def test_batch_discover_walks_subfolders_and_skips_others(mixed_folder):
    todo, skipped = discover(mixed_folder)
    assert "deeper/nested/UPPER.TXT" in todo and "samples/mutual_nda.pdf" in todo
    assert "bad/legacy.doc" in todo and skipped == ["logo.png"]


@pytest.mark.slow
def test_batch_review_exit_code_is_1_when_a_file_fails(mixed_run):
    rc, _ = mixed_run
    assert rc == 1


@pytest.mark.slow
@pytest.mark.parametrize(
    "file, status, reason",
    [
        ("plain.txt", "success|partial_success", ""),
        ("deeper/nested/UPPER.TXT", "success|partial_success", ""),
        ("samples/mutual_nda.docx", "success|partial_success", ""),
        ("samples/mutual_nda.pdf", "success|partial_success", ""),
        ("bad/corrupt.pdf", "failure", "bad/corrupt.pdf: file is corrupt"),
        ("bad/locked.pdf", "failure", "bad/locked.pdf: document is encrypted"),
        ("bad/legacy_renamed.docx", "failure", "bad/legacy_renamed.docx: legacy Word .doc"),
        ("bad/legacy.doc", "failure", "bad/legacy.doc: legacy Word .doc"),
        ("logo.png", "skipped", "not a DOCX, PDF or TXT file (.png)"),
    ],
)
def test_batch_review_summary_row_per_file(mixed_run, file, status, reason):
    _, out = mixed_run
    rows = _summary_csv(out)
    assert len(rows) == 9
    row = rows.loc[file]
    assert row["status"] in status.split("|")
    assert row["error"].startswith(reason) if reason else row["error"] == ""
    report = out / "reports" / f"{flat_name(file)}.json"
    analyzed = row["status"] not in ("failure", "skipped")
    assert report.is_file() == analyzed
    redline = out / "redlines" / f"{flat_name(file)}.docx"
    assert redline.is_file() == analyzed
    if analyzed:
        assert redline.read_bytes()[:2] == b"PK"
    if report.is_file():
        data = json.loads(report.read_text(encoding="utf-8"))
        assert data["document"]["source"] == file and data["versions"]["analyzer"]


@pytest.mark.slow
def test_batch_review_outputs_and_journal(mixed_run):
    _, out = mixed_run
    assert not list(out.rglob("*.tmp"))
    journal = [json.loads(line) for line in (out / STATE).read_text(encoding="utf-8").splitlines()]
    assert sorted(e["file"] for e in journal) == sorted(
        ["plain.txt", "deeper/nested/UPPER.TXT", "samples/mutual_nda.docx", "samples/mutual_nda.pdf",
         "bad/corrupt.pdf", "bad/locked.pdf", "bad/legacy_renamed.docx", "bad/legacy.doc"])
    assert {e["outcome"] for e in journal} == {"done", "failure"}
    html = (out / "summary.html").read_text(encoding="utf-8")
    assert "<table class='heatmap'>" in html and "bad/locked.pdf" in html


@pytest.mark.usefixtures("stub_classifier")
@pytest.mark.parametrize("forget", ["report", "journal_line", "content_changed"])
def test_batch_resume_redoes_only_what_is_missing(tmp_path, forget):
    src = _txt_folder(tmp_path / "in", ["a.txt", "b.txt", "sub/c.txt"])
    out = tmp_path / "out"
    first = review(src, out, workers=0, progress=False)
    assert sorted(first.done) == ["a.txt", "b.txt", "sub/c.txt"] and not first.reused
    if forget == "report":
        (out / "reports" / "sub__c.txt.json").unlink()
    elif forget == "journal_line":
        lines = (out / STATE).read_text(encoding="utf-8").splitlines()
        (out / STATE).write_text("\n".join(x for x in lines if '"sub/c.txt"' not in x) + "\n", encoding="utf-8")
    else:
        (src / "sub" / "c.txt").write_text(LICENCE + "\n4. Notices. In writing.\n", encoding="utf-8")
    second = review(src, out, workers=0, progress=False)
    assert second.done == ["sub/c.txt"]
    assert sorted(second.reused) == ["a.txt", "b.txt"]
    assert [r["file"] for r in second.rows] == ["a.txt", "b.txt", "sub/c.txt"]
    assert second.rows == sorted(second.rows, key=lambda r: r["file"])
    third = review(src, out, workers=0, progress=False)
    assert third.done == [] and len(third.reused) == 3


@pytest.mark.usefixtures("stub_classifier")
def test_batch_resume_redoes_everything_for_another_perspective(tmp_path):
    src = _txt_folder(tmp_path / "in", ["a.txt", "b.txt"])
    out = tmp_path / "out"
    review(src, out, workers=0, progress=False, perspective="licensee")
    again = review(src, out, workers=0, progress=False, perspective="licensor")
    assert sorted(again.done) == ["a.txt", "b.txt"] and again.reused == []


# worker processes load the real model at start-up
@pytest.mark.slow
def test_batch_timeout_kills_a_hung_file_and_goes_on(tmp_path):
    src = _txt_folder(tmp_path / "in", ["a.txt", "hang.txt", "z.txt"])
    t0 = time.monotonic()
    summary = review(src, tmp_path / "out", timeout=10, progress=False, analyze_target=SLOW_TARGET)
    assert time.monotonic() - t0 < 240
    assert sorted(summary.done) == ["a.txt", "z.txt"]
    assert summary.failed == [("hang.txt", "hang.txt: timed out after 10 s")]


@pytest.mark.slow
def test_batch_worker_crash_fails_only_that_file(tmp_path):
    src = _txt_folder(tmp_path / "in", ["a.txt", "crash.txt", "z.txt"])
    summary = review(src, tmp_path / "out", workers=2, progress=False, analyze_target=CRASH_TARGET)
    assert sorted(summary.done) == ["a.txt", "z.txt"]
    (name, reason), = summary.failed
    assert name == "crash.txt" and reason.startswith("crash.txt: worker process crashed")


@pytest.mark.usefixtures("stub_classifier")
def test_batch_keyboard_interrupt_keeps_what_is_done(tmp_path, monkeypatch, capsys):
    import analyzer.batch.folder_review as batch

    src = _txt_folder(tmp_path / "in", ["a.txt", "b.txt", "c.txt"])
    out = tmp_path / "out"
    real_run = batch._run

    def interrupted_after_one(*args, **kwargs):
        results = real_run(*args, **kwargs)
        yield next(results)
        results.close()
        raise KeyboardInterrupt

    monkeypatch.setattr(batch, "_run", interrupted_after_one)
    assert main(["review", str(src), "--output", str(out), "--workers", "0"]) == 130
    rows = _summary_csv(out)
    assert list(rows.index) == ["a.txt"]
    monkeypatch.setattr(batch, "_run", real_run)
    resumed = review(src, out, workers=0, progress=False)
    assert resumed.reused == ["a.txt"] and resumed.done == ["b.txt", "c.txt"]


@pytest.mark.slow
def test_batch_sigint_stops_cleanly(tmp_path):
    """A real Ctrl-C: the batch stops within seconds, keeps the finished file, exits 130."""
    src = _txt_folder(tmp_path / "in", ["a.txt", "hang.txt"])
    out = tmp_path / "out"
    script = (
        "import signal, sys\n"
        # a shell that starts jobs in the background hands them SIGINT ignored; Ctrl-C at a terminal does not
        "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        f"sys.path.insert(0, {str(TESTS)!r})\n"
        "from analyzer.batch.folder_review import review\n"
        "if __name__ == '__main__':\n"
        "    try:\n"
        f"        review({str(src)!r}, {str(out)!r}, progress=False, timeout=600, analyze_target='test_batch:slow_analyze')\n"
        "    except KeyboardInterrupt:\n"
        "        sys.exit(130)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=TESTS.parents[1])
    try:
        deadline = time.monotonic() + 240
        while not ((out / STATE).is_file() and (out / STATE).read_text()) and time.monotonic() < deadline:
            assert proc.poll() is None, "the batch ended before it was interrupted"
            time.sleep(0.2)
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 130
    finally:
        if proc.poll() is None:
            proc.kill()
    rows = _summary_csv(out)
    assert list(rows.index) == ["a.txt"]


# worker processes load the real model at start-up; threads in this process can share the stub
@pytest.mark.parametrize("processes, ship_bytes", [(False, None), pytest.param(True, True, marks=pytest.mark.slow)])
def test_batch_dask_gives_the_local_summary(tmp_path, processes, ship_bytes, request):
    distributed = pytest.importorskip("distributed")
    if not processes:
        request.getfixturevalue("stub_classifier")
    src = _txt_folder(tmp_path / "in", ["a.txt", "sub/b.txt"])
    (src / "broken.pdf").write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 50)
    (src / "notes.md").write_text("not a contract", encoding="utf-8")
    local = review(src, tmp_path / "local", workers=0, progress=False)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=processes,
                                  dashboard_address=None) as cluster:
        remote = review(src, tmp_path / "dask", scheduler=cluster.scheduler_address, progress=False,
                        ship_bytes=ship_bytes)
    assert remote.rows == local.rows
    assert remote.failed == local.failed and remote.skipped == local.skipped == ["notes.md"]
    for name in ("a.txt.json", "sub__b.txt.json"):
        a = json.loads((tmp_path / "local" / "reports" / name).read_text(encoding="utf-8"))
        b = json.loads((tmp_path / "dask" / "reports" / name).read_text(encoding="utf-8"))
        assert a == b


def test_batch_dask_missing_extra_names_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    src = _txt_folder(tmp_path / "in", ["a.txt"])
    with pytest.raises(AnalyzerError, match=r"pip install 'clause-analyzer\[distributed\]'"):
        review(src, tmp_path / "out", scheduler="tcp://127.0.0.1:1", progress=False)


@pytest.mark.usefixtures("stub_classifier")
def test_batch_output_inside_input_is_not_reviewed(tmp_path):
    src = _txt_folder(tmp_path / "in", ["a.txt"])
    first = review(src, src / "out", workers=0, progress=False)
    second = review(src, src / "out", workers=0, progress=False)
    assert isinstance(second, BatchSummary)
    assert first.skipped == second.skipped == [] and second.reused == ["a.txt"]


@pytest.mark.usefixtures("stub_classifier")
def test_batch_missing_folder_is_a_one_line_error(tmp_path, capsys):
    assert main(["review", str(tmp_path / "nope"), "--output", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "nope" in err and "\n" not in err


@pytest.mark.usefixtures("stub_classifier")
@pytest.mark.parametrize("visible", [True, False])
def test_batch_task_reads_path_or_needs_bytes(tmp_path, visible):
    import hashlib

    from analyzer.batch.task import run_task

    src = _txt_folder(tmp_path / "in", ["a.txt"]) / "a.txt"
    sha = hashlib.sha256(src.read_bytes()).hexdigest()
    task = {"rel": "a.txt", "path": str(src if visible else tmp_path / "elsewhere" / "a.txt"), "data": None,
            "sha256": sha, "check_sha256": True}
    by_path = run_task(task)
    if not visible:
        assert by_path["ok"] is False and by_path["kind"] == "need_bytes"
        by_path = run_task(dict(task, data=src.read_bytes()))
    assert by_path["ok"] and by_path["sha256"] == sha
    assert json.loads(by_path["report_json"])["document"]["source"] == "a.txt"


@pytest.mark.usefixtures("stub_classifier")
def test_batch_dask_ships_bytes_to_a_worker_that_cannot_see_the_file(tmp_path):
    distributed = pytest.importorskip("distributed")
    from analyzer.batch.dask_cluster import run_dask

    src = _txt_folder(tmp_path / "in", ["a.txt"]) / "a.txt"
    # The worker sees a different file at this path (its sha256 differs): the client ships the bytes.
    task = {"rel": "a.txt", "path": str(src), "data": None, "sha256": "0" * 64}
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        (done_task, shipped), = list(run_dask([task], cluster.scheduler_address, timeout=120))
        (_, refused), = list(run_dask([task], cluster.scheduler_address, timeout=120, ship_bytes=False))
    assert shipped["ok"] and "data" not in done_task
    assert not refused["ok"] and refused["error"] == "a.txt: file is not visible on this worker"


def test_progress_rate_falls_back_to_documents_per_minute():
    from analyzer.batch.folder_review import BatchSummary, _rate

    s = BatchSummary(out_dir=Path("."), skipped=[])
    s.done = ["a.txt", "b.txt"]
    assert _rate(s, 30.0) == "4.0 docs/min"
    s.pages = 12
    assert _rate(s, 4.0) == "3.0 pages/s"
