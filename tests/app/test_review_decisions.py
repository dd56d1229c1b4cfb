"""Deciding every finding on the review page: a current counter, cards that show the decision,
overlapping suggestions merged or chosen, memos (DOCX included) that carry the decisions, and the
one-line reason for a legacy .doc, the same as the CLI's."""

from __future__ import annotations

import io
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import docx
import pytest
from app_media import download_data
from streamlit.testing.v1 import AppTest

from analyzer.core.schema import Severity

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
TIMEOUT = 180
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096


def _progress(at: AppTest) -> str:
    return at.get("progress")[0].proto.text


def _head(at: AppTest, fid: str) -> str:
    return next(h.value for h in at.html if h.value.startswith('<p class="ca-head') and f'id="card-{fid}"' in h.value)


def _fid(radio) -> str:
    return radio.key.rsplit(":", 1)[1]


@pytest.fixture(scope="module")
def review(samples_dir):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    data = (samples_dir / "tech_license.docx").read_bytes()
    at.file_uploader(key="review_upload").set_value(("tech_license.docx", data, "application/octet-stream")).run()
    assert not at.exception, at.exception
    deadline = time.time() + TIMEOUT
    while _provisional(at) and time.time() < deadline:  # a first, quick report is refined once the model is loaded
        time.sleep(1)
        at.run()
    return at


def _provisional(at: AppTest) -> bool:
    return "provisional" in at.session_state and bool(at.session_state["provisional"])


def _report(at: AppTest):
    return next(iter(at.session_state["reports"].values()))


def _radios(at: AppTest):
    return [r for r in at.radio if str(r.key).startswith("dec:")]


def _inject(at: AppTest, findings) -> None:
    """Add hand-made findings to the report the page shows (and to any report that replaces it)."""
    sha = _report(at).document.sha256
    for _ in range(3):
        for rep in at.session_state["reports"].values():
            if rep.document.sha256 == sha and not any(f.id == findings[0].id for f in rep.findings):
                rep.findings.extend(f.model_copy(deep=True) for f in findings)
        at.run()
        keys = {str(r.key) for r in at.radio}
        if all(f"dec:{sha[:16]}:{f.id}" in keys for f in findings):
            return
    raise AssertionError("the injected findings are not shown")


@pytest.mark.slow
@pytest.mark.parametrize("unused", [None])
def test_counter_is_current_and_cards_show_each_decision(review, unused):
    at = review
    total = len(_report(at).findings)
    assert _progress(at).startswith(f"**{total} of {total} undecided**")
    radios = _radios(at)
    first, second, third = radios[0], radios[1], radios[2]
    first.set_value("Accept").run()
    assert _progress(at).startswith(f"**{total - 1} of {total} undecided**")  # current after one click, no lag
    assert 'class="ca-head accepted"' in _head(at, _fid(first))
    at.radio(key=second.key).set_value("Reject").run()
    assert _progress(at).startswith(f"**{total - 2} of {total} undecided**")
    assert 'class="ca-head rejected"' in _head(at, _fid(second))
    at.radio(key=third.key).set_value("Not applicable").run()
    note = at.text_input(key=third.key.replace("dec:", "note:", 1))
    note.set_value("We are the licensee; this protects the licensor.").run()
    assert 'class="ca-head not_applicable"' in _head(at, _fid(third))
    assert "1 not applicable" in _progress(at)
    area = next((t for t in at.text_area if t.key == first.key.replace("dec:", "txt:", 1)), None)
    if area is not None:
        area.set_value("Edited language agreed with the other side.").run()
        assert 'class="ca-head edited"' in _head(at, _fid(first))
        assert "(1 edited)" in _progress(at)
    shown = at.radio(key="show_filter")
    shown.set_value("Undecided").run()
    assert len(_radios(at)) == total - 3
    at.radio(key="show_filter").set_value("All").run()


@pytest.mark.slow
@pytest.mark.parametrize("unused", [None])
def test_memos_carry_the_decisions(review, unused):
    at = review
    sha = next(iter(at.session_state["decisions"]))
    decided = at.session_state["decisions"][sha]
    assert sorted(decided.values()).count("accepted") >= 1 and "rejected" in decided.values()
    memo = docx.Document(io.BytesIO(download_data(at, "dl_memo_docx")))
    text = "\n".join(p.text for p in memo.paragraphs)
    assert "Decision: Accepted" in text and "Decision: Rejected" in text and "Decision: Not applicable" in text
    assert "We are the licensee; this protects the licensor." in text
    assert "Decisions: " in text and "undecided" in text
    md = download_data(at, "dl_md").decode()
    assert "— REJECTED" in md and "— NOT APPLICABLE" in md and "n/a page" not in md
    if "(1 edited)" in _progress(at):
        assert "Edited language agreed with the other side." in md and "Accepted language, as edited" in md
    html = download_data(at, "dl_html").decode()
    assert "class='decision rejected'" in html


@pytest.mark.slow
@pytest.mark.parametrize("unused", [None])
def test_duplicate_suggestions_are_merged_into_one_change(review, unused):
    from analyzer.core.schema import Finding, Suggestion

    at = review
    report = _report(at)
    clause = next(c for c in report.clauses if c.heading)
    text = "Improvements. Each party owns the improvements it makes alone (merged once)."
    added = [Finding(id=f"dup{i}000000000000", rule_id="test.dup", category="improvements", kind="missing",
                     severity=sev, message=f"duplicate {i}", clause_id=clause.id,
                     suggestion=Suggestion(action="insert", text=text, after_clause_id=clause.id))
             for i, sev in enumerate([Severity.MEDIUM, Severity.HIGH])]
    _inject(at, added)
    sha = report.document.sha256[:16]
    for f in added:
        at.radio(key=f"dec:{sha}:{f.id}").set_value("Accept").run()
    assert not at.exception, at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "1 duplicate(s) merged into one change" in captions
    with zipfile.ZipFile(io.BytesIO(download_data(at, "dl_docx"))) as zf:
        body = zf.read("word/document.xml").decode()
    assert body.count("(merged once)") == 1


@pytest.mark.slow
@pytest.mark.parametrize("unused", [None])
def test_overlapping_suggestions_make_the_user_choose(review, unused):
    from analyzer.core.schema import Finding, Span, Suggestion

    at = review
    report = _report(at)
    s = report.text.index("Licensee hereby grants")
    e = report.text.index(".", s) + 1

    def rival(fid: str, severity: Severity, text: str, start: int) -> Finding:
        return Finding(id=fid, rule_id=f"test.{fid}", category="improvements", kind="risk", severity=severity,
                       message=f"message {fid}", evidence=[Span(start=start, end=e)],
                       suggestion=Suggestion(action="replace", text=text, start=start, end=e))

    added = [rival("rivalhigh0000000", Severity.HIGH, "Licensee grants Licensor a non-exclusive licence (first option).", s),
             rival("rivallow00000000", Severity.LOW, "Licensee keeps its Improvements (second option).", s + 9)]
    _inject(at, added)
    sha = report.document.sha256[:16]
    for f in added:
        at.radio(key=f"dec:{sha}:{f.id}").set_value("Accept").run()
    assert not at.exception, at.exception
    choice = next(r for r in at.radio if str(r.key).startswith("conflict:"))
    assert any("change the same text" in w.value for w in at.warning)
    assert choice.value == "rivalhigh0000000"  # the more severe one until the user chooses
    choice.set_value("rivallow00000000").run()
    with zipfile.ZipFile(io.BytesIO(download_data(at, "dl_docx"))) as zf:
        body = zf.read("word/document.xml").decode()
    assert "(second option)" in body and "(first option)" not in body
    shown = " ".join(h.value for h in at.html)
    assert "Not in the redline" in shown and "overlaps the replace of rivallow00000000" in shown
    md = download_data(at, "dl_md").decode()
    assert "Not in the redline:" in md  # the memo says which accepted suggestion the redline left out


def test_legacy_doc_upload_gives_the_same_reason_as_the_cli(tmp_path):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.file_uploader(key="review_upload").set_value(("old.doc", OLE, "application/msword")).run()
    assert not at.exception
    page = [e.value for e in at.error]
    path = tmp_path / "old.doc"
    path.write_bytes(OLE)
    proc = subprocess.run([sys.executable, "-m", "analyzer", "analyze", str(path)], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)
    cli = proc.stderr.strip().splitlines()[-1]
    assert proc.returncode != 0 and cli.startswith("error: old.doc: legacy Word .doc")
    assert len(page) == 1 and page[0].replace("\\", "") == cli.removeprefix("error: ")


def test_batch_lists_a_legacy_doc_with_its_reason_on_the_page():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run().switch_page("app_pages/batch.py").run()
    at.file_uploader(key="batch_upload").set_value([("old.doc", OLE, "application/msword"),
                                                    ("a.txt", b"This Agreement is made today.", "text/plain")]).run()
    assert not at.exception
    assert any("1 file(s) not analyzed" in e.value for e in at.error)
    listed = " ".join(h.value for h in at.html)
    assert "old.doc: legacy Word .doc" in listed
