"""``refine``: a report classified again by another classifier and compared again gives what
``analyze`` gives with that classifier, and leaves the first report as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from stub_classifier import StubClassifier

from analyzer.core.errors import ModelError
from analyzer.core.schema import Status
from analyzer.output.render import render
from analyzer.pipeline import analyze, refine

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
TEXT = b"""TECHNOLOGY LICENSE AGREEMENT

This Agreement is made between Acme Ltd ("Licensor") and Beta Inc ("Licensee").

1. Grant. Licensor grants Licensee a non-exclusive licence to use the Software.

2. Confidentiality. Each party shall keep confidential the other party's information.

3. Governing Law. This Agreement is governed by the laws of England.
"""


class _Fast(StubClassifier):
    """Misses governing law: a classifier that finds less than the full one."""

    def __init__(self, fail: Exception | None = None):
        super().__init__()
        self.version = "stub-fast"
        self.fail = fail

    def predict(self, *args, **kwargs):
        if self.fail is not None:
            raise self.fail
        out = super().predict(*args, **kwargs)
        out.labels = [lab for lab in out.labels if lab.category != "governing_law"]
        return out


@pytest.mark.parametrize("fail", [None, ModelError("artifact unreadable")])
def test_refine_gives_the_report_of_analyze_with_the_full_classifier(fail):
    fast = analyze(TEXT, filename="deal.txt", classifier=_Fast(fail))
    before = render(fast, "json")
    refined = refine(fast, classifier=StubClassifier())
    assert render(refined, "json") == render(analyze(TEXT, filename="deal.txt", classifier=StubClassifier()), "json")
    assert render(fast, "json") == before  # the first report is left as it was
    assert refined.status == Status.SUCCESS and not refined.issues
    assert refined.versions["model"] != fast.versions.get("model")


@pytest.mark.slow
@pytest.mark.parametrize("name", ["long_license.docx", "tech_license.pdf", "jv_agreement.txt",
                                  "zh_jv_contract.docx", "bilingual_license.docx"])
def test_refine_of_the_fast_stage_report_is_the_full_report(name):
    from analyzer.classify.classifier import Classifier, get_classifier, model_dir

    path = SAMPLES / name
    fast = analyze(path, classifier=Classifier(model_dir(), use_encoder=False))
    assert fast.versions["model"].endswith("+tfidf-only")
    full = get_classifier()
    assert render(refine(fast, classifier=full), "json") == render(analyze(path, classifier=full), "json")
