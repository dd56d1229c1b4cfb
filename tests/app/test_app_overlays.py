"""The review page's jurisdiction-overlay multi-select, with ``AppTest`` and the real library."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")

pytestmark = pytest.mark.slow


def test_app_overlays_suggested_then_applied(samples_dir):
    at = AppTest.from_file(APP, default_timeout=180).run()
    data = (samples_dir / "outbound_license.txt").read_bytes()
    at.file_uploader(key="review_upload").set_value(("outbound_license.txt", data, "text/plain")).run()
    assert not at.exception
    box = at.multiselect(key="review_overlays")
    assert [o.split(":")[0] for o in box.options] == ["cn-inbound", "cn-outbound", "eu", "us"]
    captions = " ".join(c.value for c in at.caption)
    assert "Suggested for this contract: cn-outbound" in captions
    before = " ".join(e.value for e in at.markdown) + " ".join(e.value for e in at.get("html"))
    assert "Anti-Foreign Sanctions Law" not in before  # suggested, not applied
    box.set_value(["cn-outbound"]).run()
    assert not at.exception
    report = next(r for k, r in at.session_state["reports"].items() if len(k) == 4)
    assert report.versions["overlays"] == "cn-outbound@1.0"
    assert any("Anti-Foreign Sanctions Law" in f.message for f in report.findings)
