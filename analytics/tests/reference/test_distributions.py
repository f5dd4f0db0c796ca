"""The retailer and brand distributions against the reference (docs/api.md §5.5, decision
§9.9)."""

import pytest

from analytics.tests.reference.oracle import base_of, expected_distribution, get_json

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/retailers", "/brands"])
def test_retailer_and_brand_distributions_match_the_reference(api_client, data, path):
    for param, currency in data.currency_cases():
        base = base_of(data, param)
        mine = data.counted(param, currency)
        expected = {
            "retailers": expected_distribution(data.retailers, mine, "retailer", base),
            "brands": expected_distribution(data.brands, mine, "brand", base),
            **data.conversions(param),
        }

        assert get_json(api_client, path, currency=param) == expected, param
