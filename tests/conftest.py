"""Shared fixtures. Tests use samples/ and fixtures they build; ../shared data is optional.

The tests mirror the packages of ``analyzer/`` (tests/core, tests/ingest, ...). Test modules are
imported by their file name (pytest's default import mode, no ``__init__.py``), so every
``test_*.py`` name is unique across tests/; shared helpers (``support``, ``builders``,
``stub_classifier``) are importable because ``tests`` is on the pytest ``pythonpath``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support import CUAD, DATA, REAL_AGREEMENTS, ROOT, SAMPLES


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return SAMPLES


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def real_agreements() -> Path:
    if not REAL_AGREEMENTS.is_dir():
        pytest.skip("../shared/real_agreements is absent")
    return REAL_AGREEMENTS


@pytest.fixture(scope="session")
def cuad_dir() -> Path:
    if not (CUAD / "contracts.jsonl").is_file():
        pytest.skip("../shared/cuad is absent")
    return CUAD


@pytest.fixture
def stub_classifier(monkeypatch):
    """``get_classifier()`` returns a ``StubClassifier`` (keyword rules, no artifact) for this test,
    and ``model_version()`` its version.

    For tests of plumbing (CLI, bad input, batch bookkeeping) whose result does not depend on the
    real model: they stay fast and in ``make test-fast``. Processes that a test starts (batch
    workers, the CLI run as a subprocess) do not see it and load the real model; such tests are
    marked ``slow``.
    """
    from stub_classifier import StubClassifier

    import analyzer.classify.classifier as classifier

    stub = StubClassifier()
    monkeypatch.setattr(classifier, "get_classifier", lambda: stub)
    monkeypatch.setattr(classifier, "model_version", lambda: stub.version)
    return stub


@pytest.fixture(autouse=True)
def _no_background_warm_up(request, monkeypatch):
    """The app's background classifier warm-up is off unless the test is ``slow``, so a fast test
    that runs the app (here or under ``tests/security``) never loads the real classifier behind its
    back, in a thread that outlives it."""
    if request.node.get_closest_marker("slow") is None:
        import ui.state

        monkeypatch.setattr(ui.state, "warm_up", lambda: None)


REAL_ARTIFACTS = (ROOT / "models" / "clause_model", ROOT / "analyzer" / "bundled" / "clause_model")


def _deselects_slow(markexpr: str) -> bool:
    """Whether ``-m markexpr`` leaves out a test marked only ``slow`` ("not slow" does; "slow or not
    slow", which runs everything, does not)."""
    if not markexpr:
        return False
    try:
        from _pytest.mark.expression import Expression

        return not Expression.compile(markexpr).evaluate(lambda name, **kwargs: name == "slow")
    except (ImportError, AttributeError, TypeError):
        return "not slow" in markexpr


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """In a run that deselects ``slow`` tests, no other test may load the real classifier artifact.

    Loading it takes seconds; a test that needs it is marked ``slow`` (or uses ``stub_classifier``),
    so ``make test-fast`` stays fast and no test there quietly depends on the model. This covers the
    test and its fixtures of every scope, not the processes that a test starts.
    """
    guard = _deselects_slow(item.config.getoption("markexpr") or "") and not item.get_closest_marker("slow")
    if not guard:
        yield
        return
    from analyzer.classify.tfidf_stage import UnitModel

    real = UnitModel.__dict__["load"]
    real_dirs = {d.resolve() for d in REAL_ARTIFACTS}

    def load(directory):
        if Path(directory).resolve() in real_dirs:
            pytest.fail(f"{item.nodeid} loads the real classifier: mark it slow or use stub_classifier",
                        pytrace=False)
        return real.__func__(UnitModel, directory)

    UnitModel.load = load
    try:
        yield
    finally:
        UnitModel.load = real
