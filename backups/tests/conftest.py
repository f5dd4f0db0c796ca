"""Fixtures of the backups tests (factories.py builds what they hold)."""

import pytest

from backups.tests.factories import attach, kettle_with_warranty


@pytest.fixture
def household():
    """The kettle under warranty, with its receipt stored."""
    kettle = kettle_with_warranty()
    attach(kettle, "r.pdf", b"%PDF-1.4 r")
    return kettle
