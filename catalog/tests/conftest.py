"""Fixtures of the catalog tests: `kind`, each test of the retailers and brands API once per
endpoint (catalog/tests/api_helpers.py KINDS)."""

import pytest

from catalog.tests.api_helpers import KINDS


@pytest.fixture(params=KINDS)
def kind(request):
    return request.param
