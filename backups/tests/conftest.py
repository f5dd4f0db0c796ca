"""Fixtures of the backups tests (factories.py builds what they hold; disaster_sites.py the other
installations of the disaster recovery tests)."""

import pytest
from django.db import connection

from backups.tests.disaster_sites import Installations
from backups.tests.factories import attach, kettle_with_warranty


@pytest.fixture
def household():
    """The kettle under warranty, with its receipt stored."""
    kettle = kettle_with_warranty()
    attach(kettle, "r.pdf", b"%PDF-1.4 r")
    return kettle


# Package-scoped: the disaster recovery tests of several modules (test_disaster_recovery_*.py)
# copy the same templates, and building one (thousands of purchases) takes a while. Every test
# using it is marked slow by the top-level conftest.py (MARKERS_BY_FIXTURE). The installations are
# of the kind the suite runs on: CI runs the suite on both, so each kind is tested once (building
# a SQLite one in the PostgreSQL run too cost that run a minute).
@pytest.fixture(scope="package")
def installations(tmp_path_factory):
    made = Installations(tmp_path_factory)
    kind = "postgresql" if made.server else "sqlite"
    for template in [("household", kind), ("many", kind)]:
        made.start(*template)
    try:
        yield made
    finally:
        made.close()


@pytest.fixture
def suite_kind():
    """The kind of database the suite runs on: the other installations use the same kind."""
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"
