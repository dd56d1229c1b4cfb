"""The app shows one line, not a traceback, when the analysis hits a bug."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from streamlit.testing.v1 import AppTest

import analyzer.structure.segment as segment_module
import ui.state

APP = str(Path(__file__).resolve().parents[2] / "app.py")
CONTRACT = b"LICENSE AGREEMENT\n\n1. Grant. Licensor grants Licensee a licence.\n"


class _StubClassifier:
    version = "stub"

    def predict(self, text, clauses, sentences, **kwargs):
        return SimpleNamespace(labels=[], agreement_type=None)


def _bug(doc):
    raise KeyError("x")


@pytest.mark.parametrize("name", ["deal.txt"])
def test_app_bug_in_analysis_is_one_error_line(monkeypatch, name):
    monkeypatch.setattr(ui.state, "classifier", lambda: _StubClassifier())
    monkeypatch.setattr(segment_module, "segment", _bug)
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.file_uploader(key="review_upload").set_value([(name, CONTRACT, "text/plain")]).run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and "\n" not in errors[0]
    assert errors[0].startswith(f"{name}: ") and "KeyError" in errors[0] and "Traceback" not in errors[0]
