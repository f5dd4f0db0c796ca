"""Kept conversions through exports, imports and restores (docs/api.md §6.1, §6.2;
docs/currencies.md §6): CSV columns beside the price, version 3 files keep them with the manual
rates, older files and CSV files are converted on import in bulk, a backup restores them exactly."""

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backups.services import backup_restore, data_reset_all
from currencies.models import ExchangeRate
from currencies.services import rates_load_ecb
from currencies.tests.factories import FRIDAY, ManualRateFactory, ecb_zip
from interchange.archive import export_zip
from interchange.exports import export_csv_chunks, export_json_chunks
from interchange.imports import import_csv, import_json
from purchases.conversions import CONVERSION_FIELDS
from purchases.models import Purchase, RateSource
from purchases.services import purchase_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def rates():
    rates_load_ecb(file=ecb_zip())


def bought(price: str, currency_code: str, name: str = "Kettle") -> Purchase:
    return purchase_create(
        data={
            "product_name": name,
            "price": Decimal(price),
            "currency_code": currency_code,
            "purchase_date": FRIDAY,
        }
    )


def conversions() -> dict:
    return {
        row[0]: row[1:] for row in Purchase.objects.values_list("product_name", *CONVERSION_FIELDS)
    }


def manual_rates() -> list:
    return list(
        ExchangeRate.objects.filter(source=ExchangeRate.Source.MANUAL)
        .order_by("currency_code", "day")
        .values_list("currency_code", "day", "per_euro")
    )


def test_the_csv_export_has_the_converted_amount_beside_the_price():
    bought("100.00", "GBP")
    rows = list(csv.DictReader(io.StringIO("".join(export_csv_chunks()))))
    assert {key: rows[0][key] for key in ("price", "currency_code", *CONVERSION_FIELDS)} == {
        "price": "100.00",
        "currency_code": "GBP",
        "base_price": "130.17",
        "base_currency_code": "USD",
        "exchange_rate": "1.301658331140",
        "rate_day": "2025-03-14",
        "rate_source": "ECB",
    }


def test_the_json_export_is_version_4_with_conversions_and_manual_rates():
    ManualRateFactory(currency_code="ARS", day=FRIDAY, per_euro=Decimal("1150.5"))
    bought("5.00", "KWD")
    data = json.loads("".join(export_json_chunks()))
    assert data["format_version"] == 4
    [purchase] = data["purchases"]
    assert {key: purchase[key] for key in CONVERSION_FIELDS} == {
        "base_price": None,
        "base_currency_code": "USD",
        "exchange_rate": None,
        "rate_day": None,
        "rate_source": None,
    }
    assert [(r["currency_code"], r["day"], r["per_euro"]) for r in data["exchange_rates"]] == [
        ("ARS", "2025-03-14", "1150.500000")
    ]


def test_a_version_3_file_keeps_its_conversions_though_the_rates_here_differ():
    bought("100.00", "GBP")
    ManualRateFactory(currency_code="GBP", day=FRIDAY, per_euro=Decimal("0.8"))
    exported = "".join(export_json_chunks()).encode()
    kept = conversions()
    data_reset_all()

    import_json(io.BytesIO(exported))

    assert conversions() == kept
    assert conversions()["Kettle"][0] == Decimal("130.17")  # not 135.99 at the manual rate


def test_a_version_2_file_is_converted_on_import():
    bought("100.00", "GBP")
    document = json.loads("".join(export_json_chunks()))
    document["format_version"] = 2
    for purchase in document["purchases"]:
        for field in CONVERSION_FIELDS:
            del purchase[field]
    del document["exchange_rates"]
    data_reset_all()

    import_json(io.BytesIO(json.dumps(document).encode()))

    assert conversions()["Kettle"] == (
        Decimal("130.17"),
        "USD",
        Decimal("1.301658331140"),
        FRIDAY,
        RateSource.ECB,
    )


def test_a_csv_import_converts_at_the_rates_here_whatever_the_file_says():
    bought("100.00", "GBP")
    exported = "".join(export_csv_chunks()).replace(",130.17,", ",999.99,").encode()
    data_reset_all()

    import_csv(io.BytesIO(exported))

    assert conversions()["Kettle"][0] == Decimal("130.17")


def test_an_import_converts_in_a_constant_number_of_queries():
    def queries_for(count: int) -> int:
        Purchase.objects.all().delete()
        document = {
            "format_version": 1,
            "purchases": [
                {
                    "product_name": f"Thing {index}",
                    "price": "10.00",
                    "currency_code": ["EUR", "GBP", "JPY", "KWD"][index % 4],
                    "purchase_date": (FRIDAY - datetime.timedelta(days=index % 3)).isoformat(),
                }
                for index in range(count)
            ],
        }
        with CaptureQueriesContext(connection) as queries:
            report = import_json(io.BytesIO(json.dumps(document).encode()))
        assert report.counts["purchases_added"] == count
        return len(queries)

    queries_for(1)  # the first import of a test also reads what later ones find cached
    # (30 rows still go in one INSERT on SQLite, whose statements take at most 999 values.)
    assert queries_for(4) == queries_for(30)
    assert Purchase.objects.filter(base_price__isnull=True).count() == 7  # the KWD ones


def test_a_restore_gives_back_the_same_conversions_and_manual_rates(tmp_path):
    ManualRateFactory(currency_code="GBP", day=FRIDAY, per_euro=Decimal("0.8"))
    bought("100.00", "GBP", "Pounds")
    bought("10000", "JPY", "Yen")
    bought("5.00", "KWD", "Dinars")
    bought("3.00", "USD", "Dollars")
    archive = tmp_path / "backup.zip"
    with open(archive, "wb") as stream:
        export_zip(stream)
    before = (conversions(), manual_rates())
    # Afterwards: the rate changes, a purchase is re-priced, another manual rate is entered.
    ExchangeRate.objects.filter(source=ExchangeRate.Source.MANUAL).update(per_euro=Decimal("0.7"))
    ManualRateFactory(currency_code="KWD", day=FRIDAY, per_euro=Decimal("0.335"))
    Purchase.objects.filter(product_name="Pounds").update(base_price=Decimal("1.00"))

    with open(archive, "rb") as stream:
        backup_restore(stream)

    assert (conversions(), manual_rates()) == before
    assert before[0]["Pounds"][0] == Decimal("135.99")
