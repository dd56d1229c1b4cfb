"""The review page's language switch: finding messages and the Markdown and HTML memos in Chinese,
with ``AppTest`` and the real library."""

from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")

pytestmark = pytest.mark.slow


class _Storage(MemoryMediaFileStorage):
    instances: ClassVar[list[MemoryMediaFileStorage]] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _Storage.instances.append(self)


@pytest.fixture(autouse=True)
def _record_media(monkeypatch):
    from streamlit.testing.v1 import app_test

    monkeypatch.setattr(app_test, "MemoryMediaFileStorage", _Storage)
    yield
    _Storage.instances.clear()


def _download(at: AppTest, key: str) -> str:
    from streamlit.runtime.media_file_storage import MediaFileStorageError

    button = next(b for b in at.get("download_button") if b.key == key)
    name = os.path.basename(button.proto.url)
    for storage in reversed(_Storage.instances):
        try:
            return storage.get_file(name).content.decode("utf-8")
        except MediaFileStorageError:
            continue
    raise AssertionError(f"no stored file behind download button {key}")


def _shown(at: AppTest) -> str:
    return " ".join(e.value for e in at.markdown) + " ".join(e.value for e in at.get("html"))


def test_app_language_switch_shows_findings_and_memos_in_chinese(samples_dir):
    at = AppTest.from_file(APP, default_timeout=180).run()
    data = (samples_dir / "zh_jv_contract.txt").read_bytes()
    at.file_uploader(key="review_upload").set_value(("zh_jv_contract.txt", data, "text/plain")).run()
    assert not at.exception, at.exception
    box = at.selectbox(key="review_lang")
    assert box.options == ["English", "中文"] and box.value == "en"
    assert "缺少：僵局" not in _shown(at)
    assert _download(at, "dl_md").startswith("# Contract review: zh_jv_contract.txt")
    box.set_value("zh").run()
    assert not at.exception, at.exception
    shown = _shown(at)
    assert "缺少：僵局" in shown
    assert _download(at, "dl_md").startswith("# 合同审查：zh_jv_contract.txt")
    assert "僵局" in _download(at, "dl_html")
    # the suggested language stays in the redline's language; the report itself is unchanged
    reports = list(at.session_state["reports"].values())
    assert reports and not any(f.message.startswith("缺少") for r in reports for f in r.findings)
    # the choice is kept across reruns
    at.run()
    assert at.selectbox(key="review_lang").value == "zh"
