"""Legacy purchase records: future purchases skipped with their warranties and files, prices
rounded half up or refused, tax_deductible in any spelling, dates and created_at kept
(docs/api.md §6.5)."""

import datetime
from decimal import Decimal

import pytest

from catalog.models import Retailer
from interchange.imports import import_json
from interchange.tests.legacy_imports.helpers import (
    F_FUTURE,
    LOST,
    P_FREE,
    P_FUTURE,
    P_LAPTOP,
    R_KITCHEN,
    SKIPPED_WITH_WARNING,
    UTC,
    W_FUTURE,
    W_LAPTOP,
    json_file,
    legacy_export,
    legacy_purchase,
    legacy_warranty,
    mentioning,
    sha256,
)
from kernel import clock
from purchases.models import Attachment, Blob, Purchase
from warranties.models import Warranty

pytestmark = pytest.mark.django_db


def test_a_future_purchase_is_skipped_with_its_warranties_and_files_and_no_orphans():
    report = import_json(json_file(legacy_export())).as_dict()

    assert report["purchases_skipped_future_date"] == 1
    assert not Purchase.objects.filter(id=P_FUTURE).exists()
    assert not Purchase.objects.filter(purchase_date__gt=clock.today()).exists()
    for record_id in SKIPPED_WITH_WARNING:
        assert len(mentioning(report["warnings"], record_id)) == 1, record_id
        assert not mentioning(report["errors"], record_id)
    assert not Warranty.objects.filter(id=W_FUTURE).exists()
    assert not Attachment.objects.filter(id=F_FUTURE).exists()
    assert not Blob.objects.filter(sha256=sha256(LOST)).exists()  # no blob row for nothing


@pytest.mark.parametrize(
    ("price", "expected"),
    [
        ("999.99", Decimal("999.99")),
        ("999.9", Decimal("999.90")),
        ("10", Decimal("10.00")),
        ("12.345", Decimal("12.35")),
        ("12.344", Decimal("12.34")),
        ("0.005", Decimal("0.01")),
        (" 1000.0 ", Decimal("1000.00")),
        (12.345, Decimal("12.35")),
        (10, Decimal("10.00")),
        (0.125, Decimal("0.13")),
    ],
)
def test_money_as_a_string_or_a_number_is_rounded_half_up(price, expected):
    data = {"purchases": [legacy_purchase(id=P_LAPTOP, product_name="Laptop", price=price)]}

    report = import_json(json_file(data)).as_dict()

    assert report["purchases_added"] == 1 and report["errors"] == []
    assert Purchase.objects.get().price == expected


@pytest.mark.parametrize("price", ["0", "0.00", "-5", -1, 0, "0.004", "0.0049"])
def test_a_price_not_above_zero_skips_the_record_with_an_error_naming_it(price):
    data = {
        "purchases": [
            legacy_purchase(id=P_LAPTOP, product_name="Laptop", price="999.99"),
            legacy_purchase(id=P_FREE, product_name="Free sample", price=price),
        ]
    }

    report = import_json(json_file(data)).as_dict()

    assert report["purchases_added"] == 1
    assert len(report["errors"]) == 1 and P_FREE in report["errors"][0]
    assert list(Purchase.objects.values_list("product_name", flat=True)) == ["Laptop"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, False),
        (1, True),
        (True, True),
        (False, False),
        ("0", False),
        ("1", True),
        ("true", True),
        ("false", False),
        (None, False),
    ],
)
def test_tax_deductible_accepts_0_1_true_false_and_their_strings(value, expected):
    data = {
        "purchases": [
            legacy_purchase(id=P_LAPTOP, product_name="Laptop", price="1", tax_deductible=value)
        ]
    }

    report = import_json(json_file(data)).as_dict()

    assert report["errors"] == []
    assert Purchase.objects.get().tax_deductible is expected


@pytest.mark.parametrize(
    "written",
    [
        "2025-02-03",
        "2025-02-03 00:00:00",
        "2025-02-03 23:59:59.999999",
        "2025-02-03T18:40:12",
        "2025-02-03T23:30:00Z",
        "2025-02-03T00:30:00+05:00",  # the UTC instant is on the 2nd: the written date is kept
        "2025-02-03 22:00:00-08:00",  # the UTC instant is on the 4th
    ],
)
def test_a_purchase_date_written_as_a_datetime_keeps_its_date(written):
    data = {
        "purchases": [
            legacy_purchase(id=P_LAPTOP, product_name="Laptop", price="1", purchase_date=written)
        ]
    }

    import_json(json_file(data))

    assert Purchase.objects.get().purchase_date == datetime.date(2025, 2, 3)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2025-02-03 18:40:12.118302", datetime.datetime(2025, 2, 3, 18, 40, 12, 118302, UTC)),
        ("2025-02-03 18:40:12", datetime.datetime(2025, 2, 3, 18, 40, 12, tzinfo=UTC)),
        ("2025-02-03T18:40:12Z", datetime.datetime(2025, 2, 3, 18, 40, 12, tzinfo=UTC)),
        ("2025-02-03 20:40:12+02:00", datetime.datetime(2025, 2, 3, 18, 40, 12, tzinfo=UTC)),
        ("2025-02-03T13:40:12.5-05:00", datetime.datetime(2025, 2, 3, 18, 40, 12, 500000, UTC)),
    ],
)
def test_created_at_is_kept_from_the_file_and_naive_values_are_utc(written, expected):
    data = {
        "retailers": [
            {"id": R_KITCHEN, "name": "Kitchen Outlet", "url": "", "created_at": written}
        ],
        "purchases": [
            legacy_purchase(id=P_LAPTOP, product_name="Laptop", price="1", created_at=written)
        ],
        "warranties": [legacy_warranty(id=W_LAPTOP, purchase_id=P_LAPTOP, created_at=written)],
    }

    import_json(json_file(data))

    assert Purchase.objects.get().created_at == expected
    assert Retailer.objects.get().created_at == expected
    assert Warranty.objects.get().created_at == expected
