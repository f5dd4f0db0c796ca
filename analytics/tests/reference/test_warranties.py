"""The warranty timeline and the warranty summary against the reference (docs/api.md §5.5,
decision §9.5)."""

import pytest

from analytics.tests.reference.oracle import expected_timeline, expected_warranty_summary, get_json

pytestmark = pytest.mark.django_db


def test_warranty_timeline_matches_the_reference(api_client, data):
    for months in (None, 1, data.rng.randint(2, 40)):
        expected = {
            "timeline": expected_timeline(data, months),
            "summary": expected_warranty_summary(data),
        }
        for param, _ in data.currency_cases():
            response = get_json(api_client, "/warranties/timeline", months=months, currency=param)

            assert response == expected, (months, param)


def test_warranty_summary_matches_the_reference(api_client, data):
    for param, _ in data.currency_cases():
        response = get_json(api_client, "/warranties/summary", currency=param)

        assert response == expected_warranty_summary(data), param
