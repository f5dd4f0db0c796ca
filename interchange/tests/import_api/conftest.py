"""Fixtures of the import API tests: the folder uploads stream to, created before each test."""

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def incoming_folder(settings):
    """Create the folder uploads stream to, so that comparing folders before/after is exact."""
    Path(settings.FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)
