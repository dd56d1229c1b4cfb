"""The Streamlit app, page by page, with ``streamlit.testing.v1.AppTest`` and the real library."""

from __future__ import annotations

import html
import io
import json
import zipfile
from pathlib import Path

import pytest
from app_media import download_data
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
TIMEOUT = 120




def _app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=TIMEOUT).run()


def _upload(at: AppTest, key: str, files) -> AppTest:
    return at.file_uploader(key=key).set_value(files).run()


def _errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def _corrupt_docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "<w:document><unclosed>")
    return buf.getvalue()[:-30]


@pytest.fixture(scope="module")
def reviewed(samples_dir):
    """The review page after uploading the DOCX sample (analysis runs once per module)."""
    at = _app()
    data = (samples_dir / "tech_license.docx").read_bytes()
    _upload(at, "review_upload", ("tech_license.docx", data, "application/octet-stream"))
    return at


@pytest.mark.parametrize("page", ["app_pages/review.py", "app_pages/batch.py", "app_pages/playbooks.py"])
def test_app_pages_render_without_upload(page):
    at = _app().switch_page(page).run()
    assert not at.exception
    assert at.title[0].value in ("Review a contract", "Batch review", "Playbooks")


@pytest.mark.slow
@pytest.mark.parametrize("unused", [None])
def test_app_review_shows_findings_sorted_by_severity(reviewed, unused):
    at = reviewed
    assert not at.exception, at.exception
    assert not _errors(at)
    badges = [h.value.split('<span class="ca-sev ', 1)[1].split('"', 1)[0] for h in at.html
              if h.value.startswith('<p class="ca-head')]
    assert badges, "no findings rendered"
    order = {"high": 0, "medium": 1, "low": 2}
    ranks = [order[b] for b in badges]
    assert ranks == sorted(ranks)
    assert any(m.label == "Risk score" for m in at.metric)
    assert [t.label.split(" (")[0] for t in at.tabs] == ["Findings", "Clause map", "Downloads"]


@pytest.mark.slow
@pytest.mark.parametrize("unused", [None])
def test_app_review_downloads_have_content(reviewed, unused):
    at = reviewed
    report = json.loads(download_data(at, "dl_json"))
    assert report["document"]["source"] == "tech_license.docx" and report["findings"]
    assert download_data(at, "dl_md").decode().startswith("# Contract review: tech_license.docx")
    assert b"<html" in download_data(at, "dl_html")
    redline = next(b for b in at.get("download_button") if b.key == "dl_docx")
    assert redline.proto.disabled  # nothing accepted yet


@pytest.mark.slow
@pytest.mark.parametrize("unused", [None])
def test_app_review_accept_suggestion_builds_redline(reviewed, unused):
    at = reviewed
    radio = next(r for r in at.radio if str(r.key).startswith("dec:"))
    radio.set_value("Accept").run()
    assert not at.exception, at.exception
    redline = next(b for b in at.get("download_button") if b.key == "dl_docx")
    assert not redline.proto.disabled
    data = download_data(at, "dl_docx")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        body = zf.read("word/document.xml").decode("utf-8")
    assert "<w:ins " in body or "<w:del " in body
    fid = radio.key.rsplit(":", 1)[1]
    assert at.session_state["decisions"][next(iter(at.session_state["decisions"]))][fid] == "accepted"


@pytest.mark.slow
@pytest.mark.parametrize("sample", ["tech_license.pdf"])
def test_app_review_redline_from_non_docx_source(samples_dir, sample):
    at = _upload(_app(), "review_upload", (sample, (samples_dir / sample).read_bytes(), "application/octet-stream"))
    assert not at.exception and not _errors(at)
    radio = next(r for r in at.radio if str(r.key).startswith("dec:"))
    radio.set_value("Accept").run()
    with zipfile.ZipFile(io.BytesIO(download_data(at, "dl_docx"))) as zf:
        body = zf.read("word/document.xml").decode("utf-8")
    assert "<w:ins " in body or "<w:del " in body
    assert any("built from the extracted text" in c.value for c in at.caption)


@pytest.mark.slow
@pytest.mark.parametrize("unused", [None])
def test_app_review_edit_suggestion_text_is_kept(reviewed, unused):
    at = reviewed
    area = next(t for t in at.text_area if str(t.key).startswith("txt:"))
    area.set_value("The Parties shall negotiate in good faith.").run()
    assert not at.exception
    fid = area.key.rsplit(":", 1)[1]
    texts = next(iter(at.session_state["edited_texts"].values()))
    assert texts[fid] == "The Parties shall negotiate in good faith."
    at.radio(key=area.key.replace("txt:", "dec:", 1)).set_value("Accept").run()
    with zipfile.ZipFile(io.BytesIO(download_data(at, "dl_docx"))) as zf:
        body = zf.read("word/document.xml").decode("utf-8")
    assert "negotiate in good faith" in body


@pytest.mark.slow
@pytest.mark.parametrize("unused", [None])
def test_app_review_use_fallback_language(reviewed, unused):
    at = reviewed
    button = next((b for b in at.button if str(b.key).startswith("fb:")), None)
    if button is None:
        pytest.skip("no finding of this sample offers fallback language")
    fid = button.key.rsplit(":", 1)[1]
    report = next(iter(at.session_state["reports"].values()))
    finding = next(f for f in report.findings if f.id == fid)
    button.click().run()
    assert not at.exception
    area = next(t for t in at.text_area if t.key.endswith(fid))
    assert area.value == finding.suggestion.fallback_text


@pytest.mark.slow
@pytest.mark.parametrize("unused", [None])
def test_app_review_clause_map_shows_selected_clause(reviewed, unused):
    at = reviewed
    box = next(s for s in at.selectbox if str(s.key).startswith("clause:"))
    index = next((i for i, o in enumerate(box.options) if "[" in o), len(box.options) // 2)
    box.select_index(index).run()
    assert not at.exception
    box = next(s for s in at.selectbox if str(s.key).startswith("clause:"))
    report = next(iter(at.session_state["reports"].values()))
    clause = next(c for c in report.clauses if c.id == box.value)
    words = html.escape(" ".join(report.text[clause.start:clause.end].split()[:3]))
    shown = [h.value for h in at.html if 'class="ca-text"' in h.value]  # st.html: no Markdown pass
    assert shown and words.split()[0] in shown[-1]


@pytest.mark.slow
@pytest.mark.parametrize("unused", [None])
def test_app_review_perspective_change_recompares(reviewed, unused):
    at = reviewed
    box = next(s for s in at.selectbox if str(s.key).startswith("review_perspective"))
    other = next(o for o in box.options if o != box.value)
    box.set_value(other).run()
    assert not at.exception
    assert f"perspective {other}" in " ".join(c.value for c in at.caption)
    assert len(at.session_state["reports"]) == 2
    at.switch_page("app_pages/playbooks.py").run()
    at.switch_page("app_pages/review.py").run()
    assert not at.exception
    assert next(s for s in at.selectbox if str(s.key).startswith("review_perspective")).value == other


@pytest.mark.slow
@pytest.mark.parametrize("away", ["app_pages/batch.py", "app_pages/playbooks.py"])
def test_app_review_state_survives_page_switch(reviewed, away):
    at = reviewed
    radio = next(r for r in at.radio if str(r.key).startswith("dec:"))
    radio.set_value("Accept").run()
    at.switch_page(away).run()
    assert not at.exception
    at.switch_page("app_pages/review.py").run()
    assert not at.exception
    assert any("uploaded earlier" in c.value for c in at.caption)
    assert at.radio(key=radio.key).value == "Accept"
    assert not next(b for b in at.get("download_button") if b.key == "dl_docx").proto.disabled


@pytest.mark.parametrize("mb", ["1"])
def test_app_review_rejects_upload_over_limit(monkeypatch, mb):
    monkeypatch.setenv("ANALYZER_MAX_UPLOAD_MB", mb)
    data = b"This Agreement is long. " * (int(mb) * 1024 * 1024 // 24 + 1)
    at = _upload(_app(), "review_upload", ("big.txt", data, "text/plain"))
    assert not at.exception
    assert any(e.startswith("big.txt:") and "upload limit" in e for e in _errors(at))


@pytest.mark.parametrize("var, value", [("ANALYZER_MAX_UPLOAD_MB", "abc"), ("ANALYZER_MAX_BATCH_FILES", "0"),
                                        ("ANALYZER_OCR", "maybe")])
def test_app_bad_setting_is_one_error_line(monkeypatch, var, value):
    monkeypatch.setenv(var, value)
    at = _app()
    assert not at.exception
    errors = _errors(at)
    assert len(errors) == 1 and "\n" not in errors[0]
    assert errors[0].replace("\\", "").startswith(f"{var}={value!r} is not ")


@pytest.mark.slow  # the review page loads the real classifier before it reads the file
@pytest.mark.parametrize("name,data", [("broken.docx", _corrupt_docx()), ("scan.pdf", b"%PDF-1.4\n%broken")])
def test_app_review_bad_file_shows_one_line_error(name, data):
    at = _upload(_app(), "review_upload", (name, data, "application/octet-stream"))
    assert not at.exception
    errors = _errors(at)
    assert errors and errors[0].startswith(name) and "\n" not in errors[0]


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, b in members.items():
            zf.writestr(n, b)
    return buf.getvalue()


@pytest.mark.slow
@pytest.mark.parametrize("unused", [None])
def test_app_batch_matrix_keeps_going_past_a_bad_file(samples_dir, unused):
    at = _app().switch_page("app_pages/batch.py").run()
    files = [("tech_license.txt", (samples_dir / "tech_license.txt").read_bytes(), "text/plain"),
             ("mutual_nda.docx", (samples_dir / "mutual_nda.docx").read_bytes(), "application/octet-stream"),
             ("broken.docx", _corrupt_docx(), "application/octet-stream")]
    _upload(at, "batch_upload", files)
    at.button(key="batch_run").click().run()
    assert not at.exception, at.exception
    matrix = at.dataframe[0].value
    assert list(matrix["file"]) == ["tech_license.txt", "mutual_nda.docx", "broken.docx"]
    failed = matrix[matrix["status"] == "failure"]
    assert list(failed["file"]) == ["broken.docx"] and failed["error"].iloc[0].startswith("broken.docx")
    assert set(matrix["status"][:2]) <= {"success", "partial_success"}
    csv = download_data(at, "dl_csv").decode()
    assert csv.splitlines()[0].startswith("file,") and len(csv.splitlines()) == 4
    assert download_data(at, "dl_xlsx")[:2] == b"PK"
    assert at.dataframe[1].value.shape[0] > 0


@pytest.mark.slow
@pytest.mark.parametrize("unused", [None])
def test_app_batch_zip_is_extracted_safely(samples_dir, unused):
    data = _zip({"deals/tech_license.txt": (samples_dir / "tech_license.txt").read_bytes(),
                 "../escape.txt": b"This Agreement tries to escape.", "notes.png": b"\x89PNG"})
    at = _app().switch_page("app_pages/batch.py").run()
    _upload(at, "batch_upload", ("deals.zip", data, "application/zip"))
    at.button(key="batch_run").click().run()
    assert not at.exception, at.exception
    matrix = at.dataframe[0].value
    by_file = dict(zip(matrix["file"], matrix["status"]))
    assert by_file["deals/tech_license.txt"] in ("success", "partial_success")
    assert by_file["deals.zip/notes.png"] == "skipped"
    assert [f for f, s in by_file.items() if s == "failure"] == ["deals.zip/../escape.txt"]
    assert not (ROOT / "escape.txt").exists() and not (ROOT.parent / "escape.txt").exists()


@pytest.mark.parametrize("unused", [None])
def test_app_playbooks_browse_rules(unused):
    at = _app().switch_page("app_pages/playbooks.py").run()
    assert not at.exception
    assert at.selectbox(key="browse_playbook").options
    assert len(at.expander) > 0
    assert any("Preferred language" in m.value for m in at.markdown)


@pytest.mark.parametrize("yaml_text,expected", [
    ("schema_version: '1'\nid: Bad Id\n", "[id]"),
    ("rules: [unclosed\n", "YAML syntax error"),
])
def test_app_playbooks_invalid_upload_lists_errors(yaml_text, expected):
    at = _app().switch_page("app_pages/playbooks.py").run()
    _upload(at, "playbook_upload", ("mine.yaml", yaml_text.encode(), "application/x-yaml"))
    assert not at.exception
    assert any(e.startswith("mine.yaml is not a valid playbook") for e in _errors(at))
    assert any(expected in c.value for c in at.code)


@pytest.mark.parametrize("unused", [None])
def test_app_playbooks_valid_upload_is_offered_on_review(unused):
    import yaml

    from analyzer.review.playbook import list_playbooks

    shipped = list_playbooks()[0]
    data = yaml.safe_load(Path(shipped["path"]).read_text(encoding="utf-8"))
    data["id"], data["title"] = "my-house-rules", "My house rules"
    at = _app().switch_page("app_pages/playbooks.py").run()
    # its includes resolve against the shipped library
    _upload(at, "playbook_upload", ("house.yaml", yaml.safe_dump(data).encode(), "application/x-yaml"))
    assert not at.exception
    assert not _errors(at), [c.value for c in at.code]
    assert any("my-house-rules" in s.value for s in at.success)
    assert "my-house-rules" in at.session_state["custom_playbooks"]
    at.switch_page("app_pages/review.py").run()
    at.switch_page("app_pages/playbooks.py").run()
    assert any("uploaded: my-house-rules" in o for o in at.selectbox(key="browse_playbook").options)
