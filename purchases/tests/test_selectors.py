"""The purchase list's selector: the order of a list in several currencies."""

from decimal import Decimal

import pytest

from purchases.selectors import purchase_list
from purchases.tests.factories import PurchaseFactory

pytestmark = pytest.mark.django_db


def _bought(name, price, currency_code, base_price):
    return PurchaseFactory(
        product_name=name,
        price=Decimal(price),
        currency_code=currency_code,
        base_currency_code="USD",
        base_price=None if base_price is None else Decimal(base_price),
    )


def test_sorting_by_price_compares_what_each_cost_in_the_base_currency():
    _bought("Dollar lamp", "100.00", "USD", "100.00")
    _bought("Euro kettle", "100.00", "EUR", "108.79")
    _bought("Yen teapot", "10000", "JPY", "66.81")
    _bought("Peso mug", "90000.00", "ARS", None)  # no rate: last either way
    _bought("Peso cup", "50.00", "ARS", None)

    highest_first = [p.product_name for p in purchase_list(sort="-price")]
    lowest_first = [p.product_name for p in purchase_list(sort="price")]

    assert highest_first == ["Euro kettle", "Dollar lamp", "Yen teapot", "Peso mug", "Peso cup"]
    assert lowest_first == ["Yen teapot", "Dollar lamp", "Euro kettle", "Peso cup", "Peso mug"]


@pytest.mark.django_db
def test_tag_suggestions_are_the_households_tags_once_each(django_assert_num_queries):
    from purchases.selectors import _distinct_tag_strings, tag_suggestions

    PurchaseFactory(tags="tv,living room")
    PurchaseFactory(tags=" TV , kitchen,,")
    PurchaseFactory(tags=None)
    PurchaseFactory(tags="")
    PurchaseFactory.create_batch(3, tags="garden")
    PurchaseFactory(tags="tv,living room")

    with django_assert_num_queries(2):  # the data version, then the distinct tag strings
        suggestions = tag_suggestions()
    # One spelling of each (whichever was met first), sorted regardless of case.
    assert [tag.lower() for tag in suggestions] == ["garden", "kitchen", "living room", "tv"]
    # Each stored string once, by the index (a loose index scan), the empty one left out.
    assert sorted(_distinct_tag_strings()) == [" TV , kitchen,,", "garden", "tv,living room"]


@pytest.mark.django_db
def test_tag_suggestions_are_kept_until_the_data_changes(django_assert_num_queries):
    from purchases.selectors import tag_suggestions
    from purchases.services import purchase_create

    PurchaseFactory(tags="tv")
    assert tag_suggestions() == ["tv"]
    with django_assert_num_queries(1):  # the data version alone
        assert tag_suggestions() == ["tv"]

    purchase_create(data={"product_name": "Lamp", "price": "5", "tags": "lighting"})

    assert tag_suggestions() == ["lighting", "tv"]


def test_tags_split_into_names_without_blanks_or_repeats():
    from purchases.models import tag_names_of

    assert tag_names_of("tv, living room,,TV") == ["tv", "living room"]
    assert tag_names_of(None) == []
