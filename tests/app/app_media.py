"""The bytes behind the app's download buttons in ``AppTest`` runs: ``tests/app/conftest.py``
makes AppTest keep every media storage it creates, and ``download_data`` reads from them."""

from __future__ import annotations

import os
from typing import ClassVar

from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage


class RecordingStorage(MemoryMediaFileStorage):
    """Keeps every storage AppTest creates so a download button's bytes can be read after the run."""

    instances: ClassVar[list[MemoryMediaFileStorage]] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        RecordingStorage.instances.append(self)


def download_data(at, key: str) -> bytes:
    """The bytes behind the download button ``key`` in the last run."""
    from streamlit.runtime.media_file_storage import MediaFileStorageError

    button = next(b for b in at.get("download_button") if b.key == key)
    name = os.path.basename(button.proto.url)
    for storage in reversed(RecordingStorage.instances):
        try:
            return storage.get_file(name).content
        except MediaFileStorageError:
            continue
    raise AssertionError(f"no stored file behind download button {key}")
