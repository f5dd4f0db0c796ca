"""The summary against the reference, for every seed and currency (docs/api.md §5.5)."""

import pytest

from analytics.tests.reference.oracle import (
    average,
    base_of,
    expected_warranty_summary,
    get_json,
    money,
    total_of,
    without_rate,
)

pytestmark = pytest.mark.django_db


def test_summary_matches_the_reference(api_client, data):
    warranties = expected_warranty_summary(data)
    for param, currency in data.currency_cases():
        base = base_of(data, param)
        mine = data.counted(param, currency)
        total = total_of(mine, base)
        expected = {
            "total_spent": money(total),
            "avg_price": average(total, len(mine) - without_rate(mine, base)),
            "total_items": len(mine),
            "active_warranties": warranties["active"],
            "expiring_warranties": warranties["expiring_soon"],
            "expired_warranties": warranties["expired"],
            "tax_deductible_count": sum(p.tax_deductible for p in mine),
            "other_currency_count": len(data.purchases) - len(data.purchases_in(currency)),
            **data.conversions(param),
        }

        assert get_json(api_client, "/summary", currency=param) == expected, param
