"""App tests: the classifier's background warm-up at app start is off unless the test is ``slow``,
so a fast test never loads the real classifier behind its back."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _no_background_warm_up(request, monkeypatch):
    if request.node.get_closest_marker("slow") is None:
        import ui.state

        monkeypatch.setattr(ui.state, "warm_up", lambda: None)


@pytest.fixture(scope="module", autouse=True)
def _record_media():
    """AppTest keeps the media storages it creates (``app_media.download_data`` reads them)."""
    import streamlit.testing.v1.app_test as app_test
    from app_media import RecordingStorage

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(app_test, "MemoryMediaFileStorage", RecordingStorage)
        yield
    RecordingStorage.instances.clear()
