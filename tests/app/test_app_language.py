"""The review page's language switch: finding messages and the Markdown and HTML memos in Chinese,
with ``AppTest`` and the real library."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_media import download_data
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")

pytestmark = pytest.mark.slow


def _download(at: AppTest, key: str) -> str:
    return download_data(at, key).decode("utf-8")


def _shown(at: AppTest) -> str:
    return " ".join(e.value for e in at.markdown) + " ".join(e.value for e in at.get("html"))


def test_app_language_switch_shows_findings_and_memos_in_chinese(samples_dir):
    at = AppTest.from_file(APP, default_timeout=180).run()
    data = (samples_dir / "zh_jv_contract.txt").read_bytes()
    at.file_uploader(key="review_upload").set_value(("zh_jv_contract.txt", data, "text/plain")).run()
    assert not at.exception, at.exception
    box = at.selectbox(key="review_lang")
    assert box.options == ["English", "中文"] and box.value == "en"
    assert "缺少：僵局" not in _shown(at) and "<b>deadlock</b>" in _shown(at)
    assert _download(at, "dl_md").startswith("# Contract review: zh_jv_contract.txt")
    box.set_value("zh").run()
    assert not at.exception, at.exception
    shown = _shown(at)
    assert "缺少：僵局" in shown
    assert "<b>僵局</b>" in shown and "<b>deadlock</b>" not in shown  # the cards name the categories in Chinese
    assert _download(at, "dl_md").startswith("# 合同审查：zh_jv_contract.txt")
    assert "僵局" in _download(at, "dl_html")
    # the suggested language stays in the redline's language; the report itself is unchanged
    reports = list(at.session_state["reports"].values())
    assert reports and not any(f.message.startswith("缺少") for r in reports for f in r.findings)
    # the choice is kept across reruns
    at.run()
    assert at.selectbox(key="review_lang").value == "zh"
