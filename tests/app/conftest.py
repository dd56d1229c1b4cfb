"""App tests: recorded media. (The classifier's background warm-up is off for fast tests: see
``tests/conftest.py``.)"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module", autouse=True)
def _record_media():
    """AppTest keeps the media storages it creates (``app_media.download_data`` reads them)."""
    import streamlit.testing.v1.app_test as app_test
    from app_media import RecordingStorage

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(app_test, "MemoryMediaFileStorage", RecordingStorage)
        yield
    RecordingStorage.instances.clear()
