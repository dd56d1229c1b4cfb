"""The "Compare drafts" page with AppTest: upload two versions, the worse changes come first."""

from __future__ import annotations

from pathlib import Path

import pytest
from draft_pairs import NEW, OLD, docx_bytes
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]

APP = str(ROOT / "app.py")


@pytest.fixture
def page(stub_classifier):
    import streamlit as st

    st.cache_resource.clear()  # the page's cached classifier is the stub in these tests
    return AppTest.from_file(APP, default_timeout=120).run().switch_page("app_pages/compare.py").run()


def _badges(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if "-badge[" in m.value]


def test_app_compare_page_renders_without_upload(page):
    assert not page.exception
    assert page.title[0].value == "Compare drafts"
    assert any("Upload the earlier and the later draft" in i.value for i in page.info)


def test_app_compare_two_versions_shows_worse_changes_first(page):
    page.selectbox(key="compare_perspective").set_value("licensee").run()
    page.file_uploader(key="compare_old").set_value(("v1.txt", OLD.encode(), "text/plain")).run()
    at = page.file_uploader(key="compare_new").set_value(("v2.docx", docx_bytes(NEW), "application/octet-stream")).run()
    assert not at.exception and not at.error
    badges = _badges(at)
    assert badges and badges[0].startswith(":red-badge[worse]")
    judgements = [b.split("[", 1)[1].split("]", 1)[0] for b in badges]
    assert judgements == sorted(judgements, key=["worse", "better", "neutral"].index)
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Worse"]) == judgements.count("worse") >= 4
    reply = next(b for b in at.get("download_button") if b.key == "dl_compare_reply")
    assert not reply.proto.disabled


def test_app_compare_one_file_without_tracked_changes_asks_for_the_new_draft(page):
    at = page.file_uploader(key="compare_old").set_value(("v1.docx", docx_bytes(OLD), "application/octet-stream")).run()
    assert not at.exception and not at.error
    assert any("upload the new draft too" in i.value for i in at.info)


def test_app_compare_legacy_doc_gets_the_cli_reason_inline(page):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096
    at = page.file_uploader(key="compare_new").set_value(("theirs.doc", ole, "application/msword")).run()
    at = at.file_uploader(key="compare_old").set_value(("ours.doc", docx_bytes(OLD), "application/msword")).run()
    assert not at.exception
    errors = [e.value.replace("\\", "") for e in at.error]
    assert errors == ["theirs.doc: legacy Word .doc (binary) format is not supported; save it as .docx"]


def test_app_compare_defaults_to_the_playbooks_perspective_as_the_cli_does(page):
    assert page.selectbox(key="compare_perspective").value == "default"
    page.file_uploader(key="compare_old").set_value(("v1.txt", OLD.encode(), "text/plain")).run()
    at = page.file_uploader(key="compare_new").set_value(("v2.txt", NEW.encode(), "text/plain")).run()
    assert not at.exception and not at.error
    caption = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "Playbook tech-license, perspective licensee" in caption  # the playbook's own default perspective
