"""Fixtures of the import safety tests: their own household (it overrides the one of
interchange/tests/conftest.py), and a temporary folder the tests can list."""

import tempfile

import pytest
from django.core.files.storage import default_storage

from interchange.tests.factories import attach, kitchen_kettle, settings_stored, toaster
from interchange.tests.import_safety.helpers import SEEDED_RECEIPT, store_name
from warranties.tests.factories import WarrantyFactory


@pytest.fixture(autouse=True)
def private_tempdir(tmp_path, monkeypatch):
    """Send the temporary files of the code under test to a folder the test can list."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture
def household():
    """Stored settings, a retailer and a brand, two purchases, a warranty and a stored file."""
    settings_stored()
    kettle = kitchen_kettle()
    WarrantyFactory(purchase=kettle)
    toaster()
    attach(kettle, "receipt.pdf", SEEDED_RECEIPT)
    assert default_storage.exists(store_name(SEEDED_RECEIPT))
    return kettle
