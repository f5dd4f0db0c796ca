"""Every purchase keeps the conversion to the base currency it was made with (docs/currencies.md
§6): exact amounts from a three-day ECB file, the kept rate, the re-convert, the base currency."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AuditEvent
from accounts.tests.factories import MemberFactory
from currencies.models import ExchangeRate
from currencies.services import rates_load_ecb
from currencies.tests.factories import FRIDAY, ManualRateFactory, ecb_zip
from preferences.services import preferences_reset, preferences_update
from purchases.conversions import CONVERSION_FIELDS
from purchases.demo import purchases_load_demo
from purchases.models import Purchase, RateSource
from purchases.selectors import purchases_without_rate_count
from purchases.services import purchase_create, purchase_update, purchases_reconvert
from purchases.tests.factories import PurchaseFactory

pytestmark = pytest.mark.django_db

SATURDAY = FRIDAY + datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def rates():
    rates_load_ecb(file=ecb_zip())


def bought(price: str, currency_code: str, day=FRIDAY, **fields) -> Purchase:
    return purchase_create(
        data={
            "product_name": "Kettle",
            "price": Decimal(price),
            "currency_code": currency_code,
            "purchase_date": day,
            **fields,
        }
    )


def conversion(purchase: Purchase) -> dict:
    purchase.refresh_from_db()
    return {field: getattr(purchase, field) for field in CONVERSION_FIELDS}


def test_a_purchase_in_euros_keeps_its_price_in_dollars_with_the_rate_its_day_and_source():
    assert conversion(bought("100.00", "EUR")) == {
        "base_price": Decimal("108.79"),
        "base_currency_code": "USD",
        "exchange_rate": Decimal("1.087900000000"),
        "rate_day": FRIDAY,
        "rate_source": RateSource.ECB,
    }


def test_a_weekend_purchase_takes_fridays_rate_crossed_through_the_euro():
    kept = conversion(bought("10000", "JPY", day=SATURDAY))
    assert kept["base_price"] == Decimal("67.29")  # 10,000 x 0.006729139605
    assert kept["exchange_rate"] == Decimal("0.006729139605")
    assert kept["rate_day"] == FRIDAY


def test_a_purchase_in_the_base_currency_has_rate_one_and_its_own_price():
    assert conversion(bought("24.99", "USD")) == {
        "base_price": Decimal("24.99"),
        "base_currency_code": "USD",
        "exchange_rate": Decimal(1),
        "rate_day": None,
        "rate_source": RateSource.SAME,
    }


@pytest.mark.parametrize(
    ("currency_code", "day"),
    [("KWD", FRIDAY), ("EUR", datetime.date(2025, 1, 2)), ("XYZ", FRIDAY)],
    ids=["no ECB rate", "before the rates", "unknown code"],
)
def test_a_purchase_without_a_usable_rate_is_saved_and_counted(currency_code, day):
    purchase = bought("50.00", currency_code, day=day)
    assert conversion(purchase) == {
        "base_price": None,
        "base_currency_code": "USD",
        "exchange_rate": None,
        "rate_day": None,
        "rate_source": "",
    }
    assert purchases_without_rate_count() == 1


def test_a_manual_rate_of_the_day_overrides_the_ecbs():
    ManualRateFactory(currency_code="USD", day=FRIDAY, per_euro=Decimal("1.1000"))
    kept = conversion(bought("100.00", "EUR"))
    assert (kept["base_price"], kept["rate_source"]) == (Decimal("110.00"), RateSource.MANUAL)


def test_an_unrelated_change_keeps_the_rate_even_when_new_rates_arrive():
    purchase = bought("100.00", "GBP")
    ManualRateFactory(currency_code="GBP", day=FRIDAY, per_euro=Decimal("0.5"))
    purchase_update(purchase=purchase, data={"notes": "Descaled", "price": Decimal("100")})
    assert conversion(purchase)["base_price"] == Decimal("130.17")  # 100 x 1.301658331140


@pytest.mark.parametrize(
    ("change", "base_price", "rate_day"),
    [
        ({"price": Decimal("200.00")}, Decimal("260.33"), FRIDAY),
        ({"currency_code": "EUR"}, Decimal("108.79"), FRIDAY),
        (
            {"purchase_date": datetime.date(2025, 3, 13)},
            Decimal("129.57"),
            datetime.date(2025, 3, 13),
        ),
    ],
    ids=["price", "currency", "date"],
)
def test_a_new_price_currency_or_date_converts_again(change, base_price, rate_day):
    purchase = bought("100.00", "GBP")
    purchase_update(purchase=Purchase.objects.get(pk=purchase.pk), data=change)
    kept = conversion(purchase)
    assert (kept["base_price"], kept["rate_day"]) == (base_price, rate_day)


def test_reconvert_takes_the_rates_stored_now_and_says_what_changed():
    kept = bought("100.00", "GBP")
    missing = bought("5.00", "KWD")
    same = bought("3.00", "USD")
    ManualRateFactory(currency_code="GBP", day=FRIDAY, per_euro=Decimal("0.8"))
    ManualRateFactory(currency_code="KWD", day=FRIDAY, per_euro=Decimal("0.335"))

    summary = purchases_reconvert(actor=MemberFactory())

    assert (summary.examined, summary.changed, summary.without_rate) == (3, 2, 0)
    assert conversion(kept)["base_price"] == Decimal("135.99")  # 1.0879 / 0.8 = 1.359875
    assert conversion(missing)["base_price"] == Decimal("16.24")  # 1.0879 / 0.335
    assert conversion(same)["rate_source"] == RateSource.SAME
    event = AuditEvent.objects.get(action="purchases.reconvert")
    assert event.details["changed"] == 2


def test_reconvert_only_missing_leaves_kept_rates_alone():
    kept = bought("100.00", "GBP")
    missing = bought("5.00", "KWD")
    ManualRateFactory(currency_code="GBP", day=FRIDAY, per_euro=Decimal("0.8"))
    ManualRateFactory(currency_code="KWD", day=FRIDAY, per_euro=Decimal("0.335"))

    summary = purchases_reconvert(only_missing=True)

    assert (summary.examined, summary.changed) == (1, 1)
    assert conversion(kept)["base_price"] == Decimal("130.17")
    assert conversion(missing)["base_price"] == Decimal("16.24")
    assert purchases_without_rate_count() == 0


def test_reconvert_that_changes_nothing_writes_no_audit_entry():
    bought("100.00", "GBP")
    assert purchases_reconvert().changed == 0
    assert not AuditEvent.objects.filter(action="purchases.reconvert").exists()


def test_reconvert_runs_a_constant_number_of_queries():
    def queries_for(count: int) -> int:
        Purchase.objects.all().delete()
        for index in range(count):
            PurchaseFactory(currency_code=["EUR", "GBP", "JPY"][index % 3], purchase_date=FRIDAY)
        with CaptureQueriesContext(connection) as queries:
            purchases_reconvert()
        return len(queries)

    assert queries_for(3) == queries_for(30)


def test_changing_the_base_currency_converts_every_purchase_to_it():
    dollars = bought("108.79", "USD")
    pounds = bought("100.00", "GBP")

    preferences_update(currency_code="EUR")

    assert conversion(dollars)["base_price"] == Decimal("100.00")  # 108.79 / 1.0879
    assert conversion(pounds) == {
        "base_price": Decimal("119.65"),  # 100 / 0.83578 = 119.648...
        "base_currency_code": "EUR",
        "exchange_rate": Decimal("1.196487113834"),
        "rate_day": FRIDAY,
        "rate_source": RateSource.ECB,
    }
    preferences_reset()
    assert conversion(pounds)["base_currency_code"] == "USD"


def test_the_demo_household_buys_abroad_too_and_converts_every_purchase():
    ExchangeRate.objects.all().delete()  # the demo's dates follow today: no rate for any
    purchases_load_demo(count=60, seed=1)
    currencies = set(Purchase.objects.values_list("currency_code", flat=True))
    assert currencies == {"USD", "EUR", "GBP", "CHF"}
    assert not Purchase.objects.exclude(base_currency_code="USD").exists()
    foreign = Purchase.objects.exclude(currency_code="USD")
    assert purchases_without_rate_count() == foreign.count()
