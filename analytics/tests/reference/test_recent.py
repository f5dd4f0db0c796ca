"""The recent purchases and recent warranties against the reference (docs/api.md §5.5)."""

import pytest

from analytics.tests.reference.oracle import get_json, listed

pytestmark = pytest.mark.django_db


def test_recent_purchases_match_the_reference(api_client, data):
    objects = listed(api_client, "/api/purchases")
    ranked = sorted(data.purchases, key=lambda p: p.created_at, reverse=True)
    for limit in (None, 1, data.rng.randint(2, 30), 100):
        expected = [objects[str(p.id)] for p in ranked[: limit or 10]]
        for param, _ in data.currency_cases():
            response = get_json(api_client, "/recent-purchases", limit=limit, currency=param)

            assert response == expected, (limit, param)


def test_recent_warranties_match_the_reference(api_client, data):
    objects = listed(api_client, "/api/warranties")
    ranked = sorted(data.warranties, key=lambda w: w.created_at, reverse=True)
    for limit in (None, 1, data.rng.randint(2, 30), 100):
        expected = [objects[str(w.id)] for w in ranked[: limit or 10]]
        for param, _ in data.currency_cases():
            response = get_json(api_client, "/recent-warranties", limit=limit, currency=param)

            assert response == expected, (limit, param)
