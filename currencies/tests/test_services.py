"""Rates loaded from the ECB's file and chosen for a day, exactly (docs/currencies.md)."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.models import AuditEvent
from currencies import ecb
from currencies.ecb import RatesFileInvalid
from currencies.models import ExchangeRate
from currencies.selectors import amount_convert, rate_on
from currencies.services import (
    manual_rate_create,
    manual_rate_delete,
    manual_rate_update,
    rates_load_ecb,
)
from currencies.tests.factories import (
    ECB_CSV,
    ECB_CSV_NEXT_DAY,
    FRIDAY,
    ExchangeRateFactory,
    ManualRateFactory,
    ecb_zip,
)
from kernel.money import quantize_in

pytestmark = pytest.mark.django_db

SATURDAY, SUNDAY = FRIDAY + datetime.timedelta(days=1), FRIDAY + datetime.timedelta(days=2)


@pytest.fixture
def ecb_rates():
    return rates_load_ecb(file=ecb_zip())


# --- Loading ------------------------------------------------------------------------------------


def test_loading_the_ecb_file_stores_every_published_rate_as_an_exact_decimal(ecb_rates):
    assert (ecb_rates.days_added, ecb_rates.rates_added) == (3, 12)  # KWD is N/A
    assert (ecb_rates.first_day, ecb_rates.last_day) == (datetime.date(2025, 3, 12), FRIDAY)
    stored = ExchangeRate.objects.get(currency_code="GBP", day=FRIDAY)
    assert stored.per_euro == Decimal("0.83578") and stored.source == ExchangeRate.Source.ECB
    assert ExchangeRate.objects.get(currency_code="IDR", day=FRIDAY).per_euro == Decimal("17797.05")
    assert not ExchangeRate.objects.filter(currency_code="KWD").exists()


def test_loading_the_same_file_again_adds_nothing_and_a_newer_file_adds_only_its_new_day(
    ecb_rates,
):
    again = rates_load_ecb(file=ECB_CSV.encode())
    assert (again.days_added, again.rates_added, again.days_known) == (0, 0, 3)
    assert "No new days" in str(again)

    newer = rates_load_ecb(file=ecb_zip(ECB_CSV_NEXT_DAY))
    assert (newer.days_added, newer.rates_added, newer.days_known) == (1, 4, 3)
    assert newer.first_day == newer.last_day == datetime.date(2025, 3, 17)
    assert ExchangeRate.objects.count() == 16


def test_an_ecb_rate_once_stored_is_never_changed_by_a_later_file(ecb_rates):
    rates_load_ecb(file=ECB_CSV.replace("1.0879", "1.5000").encode())
    assert ExchangeRate.objects.get(currency_code="USD", day=FRIDAY).per_euro == Decimal("1.0879")


def test_loading_with_if_empty_reads_nothing_once_ecb_rates_are_stored(ecb_rates):
    assert rates_load_ecb(file=b"not even a CSV", if_empty=True).skipped


def test_the_bundled_history_is_found_and_read():
    # Only its reading: loading its 200,000 rates belongs to bench/rates_load.py, not the suite.
    text = ecb.csv_text(ecb.file_bytes(None))
    first = next(ecb.ecb_days(text))
    assert text.startswith("Date,USD,JPY,")
    assert first.day > datetime.date(2024, 1, 1) and first.rates["USD"] > 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("Day,USD\n2025-03-14,1.08\n", "Line 1 must start with Date"),
        ("Date,usd\n", "'usd' is not a three-letter currency code"),
        ("Date,USD\n14/03/2025,1.08\n", "Line 2: '14/03/2025' is not a date"),
        ("Date,USD\n2025-03-14,1,08\n", "more values than line 1"),
        ("Date,USD\n2025-03-14,abc\n", "Line 2: USD 'abc' is not a number"),
        ("Date,USD\n2025-03-14,-1\n", "must be a number above 0"),
        ("Date,USD\n2025-03-14,1.0000001\n", "too many digits"),
        ("Date,USD\n2025-03-14,1.08\n2025-03-14,1.09\n", "Line 3: 2025-03-14 appears twice"),
    ],
)
def test_a_file_that_is_not_the_ecbs_is_refused_with_the_line_and_nothing_is_stored(text, message):
    with pytest.raises(RatesFileInvalid, match=message):
        rates_load_ecb(file=text.encode())
    assert not ExchangeRate.objects.exists()


def test_a_zip_without_a_csv_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "no rates here")
    with pytest.raises(RatesFileInvalid, match="holds no CSV"):
        rates_load_ecb(file=buffer.getvalue())


# --- Choosing a rate ------------------------------------------------------------------------------


def test_euro_to_dollar_is_the_ecbs_rate_of_the_day(ecb_rates):
    rate = rate_on(currency_code="EUR", base_code="USD", day=FRIDAY)
    assert (rate.rate, rate.day, rate.source) == (Decimal("1.087900000000"), FRIDAY, "ECB")
    back = rate_on(currency_code="usd", base_code="eur", day=FRIDAY)
    assert back.rate == Decimal("0.919202132549")


def test_dollar_to_yen_is_crossed_through_the_euro_and_rounded_to_twelve_places(ecb_rates):
    rate = rate_on(currency_code="USD", base_code="JPY", day=FRIDAY)
    assert rate.rate == Decimal("148.607408769188")  # 161.67 / 1.0879, half-up
    assert rate_on(currency_code="USD", base_code="GBP", day=FRIDAY).rate == Decimal(
        "0.768250758342"
    )


def test_a_weekend_day_takes_the_fridays_rate_and_says_so(ecb_rates):
    rate = rate_on(currency_code="USD", base_code="JPY", day=SUNDAY)
    assert rate == rate_on(currency_code="USD", base_code="JPY", day=FRIDAY)
    assert rate.day == FRIDAY


def test_a_rate_is_looked_for_at_most_seven_days_back(ecb_rates):
    assert rate_on(currency_code="EUR", base_code="USD", day=FRIDAY + datetime.timedelta(days=7))
    assert (
        rate_on(currency_code="EUR", base_code="USD", day=FRIDAY + datetime.timedelta(days=8))
        is None
    )


def test_there_is_no_rate_for_an_unknown_currency_a_missing_one_or_before_the_series(ecb_rates):
    assert rate_on(currency_code="CHF", base_code="USD", day=FRIDAY) is None
    assert rate_on(currency_code="KWD", base_code="EUR", day=FRIDAY) is None  # N/A that day
    assert rate_on(currency_code="EUR", base_code="USD", day=datetime.date(2025, 3, 11)) is None


def test_one_currency_to_itself_is_one_without_any_rate_stored():
    rate = rate_on(currency_code="JPY", base_code="jpy", day=FRIDAY)
    assert (rate.rate, rate.day, rate.source) == (Decimal(1), None, "SAME")


def test_a_manual_rate_overrides_the_ecbs_of_the_same_currency_and_day(ecb_rates):
    ManualRateFactory(currency_code="USD", day=FRIDAY, per_euro=Decimal("1.1"))
    assert rate_on(currency_code="EUR", base_code="USD", day=FRIDAY).rate == Decimal("1.1")
    rate = rate_on(currency_code="USD", base_code="JPY", day=SUNDAY)
    assert (rate.rate, rate.day, rate.source) == (Decimal("146.972727272727"), FRIDAY, "MANUAL")


def test_a_manual_rate_of_a_later_day_wins_over_an_older_ecb_rate(ecb_rates):
    ManualRateFactory(currency_code="USD", day=SATURDAY, per_euro=Decimal("1.2"))
    rate = rate_on(currency_code="EUR", base_code="USD", day=SUNDAY)
    assert (rate.rate, rate.day, rate.source) == (Decimal("1.2"), SATURDAY, "MANUAL")
    # The yen leg is still Friday's: the rate is as old as its older leg.
    assert rate_on(currency_code="USD", base_code="JPY", day=SUNDAY).day == FRIDAY


def test_a_manual_rate_gives_a_currency_the_ecb_does_not_publish(ecb_rates):
    ManualRateFactory(currency_code="KWD", day=FRIDAY, per_euro=Decimal("0.334"))
    conversion = amount_convert(
        amount=Decimal("1249.50"), currency_code="EUR", base_code="KWD", day=FRIDAY
    )
    assert conversion.amount == Decimal("417.333")  # three places: fils


# --- Converting amounts ---------------------------------------------------------------------------


def test_an_amount_is_converted_at_the_rate_and_rounded_to_the_base_currencys_minor_units(
    ecb_rates,
):
    conversion = amount_convert(
        amount=Decimal("1249.50"), currency_code="EUR", base_code="JPY", day=FRIDAY
    )
    assert conversion.amount == Decimal("202007")  # 202006.665: no decimals in yen
    assert conversion.rate.rate == Decimal("161.670000000000")
    dollars = amount_convert(
        amount=Decimal("100"), currency_code="JPY", base_code="USD", day=SUNDAY
    )
    # 100 x 0.006729139605 (1.0879 / 161.67, 12 places) = 0.6729..., cents half-up
    assert dollars.amount == Decimal("0.67") and dollars.rate.day == FRIDAY


def test_the_converted_amount_is_the_amount_times_the_kept_rate_again(ecb_rates):
    conversion = amount_convert(
        amount=Decimal("100.00"), currency_code="USD", base_code="JPY", day=FRIDAY
    )
    assert conversion.amount == quantize_in(Decimal("100.00") * conversion.rate.rate, "JPY")
    assert conversion.amount == Decimal("14861")


def test_without_a_rate_there_is_no_conversion(ecb_rates):
    assert (
        amount_convert(amount=Decimal(1), currency_code="CHF", base_code="USD", day=FRIDAY) is None
    )


def test_amounts_round_half_up_to_each_currencys_minor_units():
    assert quantize_in(Decimal("0.5"), "JPY") == Decimal("1")
    assert quantize_in(Decimal("2.5"), "KRW") == Decimal("3")
    assert quantize_in(Decimal("1.0005"), "KWD") == Decimal("1.001")
    assert quantize_in(Decimal("1.005"), "HUF") == Decimal("1.01")
    assert quantize_in(Decimal("1.005"), "USD") == Decimal("1.01")


# --- Manual rates ---------------------------------------------------------------------------------


def test_a_manual_rate_is_created_changed_and_deleted_with_an_audit_entry_each(api_user):
    rate = manual_rate_create(actor=api_user, currency_code=" ars ", day=FRIDAY, per_euro="1150.5")
    assert (rate.currency_code, rate.per_euro, rate.source) == ("ARS", Decimal("1150.5"), "MANUAL")
    manual_rate_update(actor=api_user, rate=rate, per_euro=Decimal("1160"))
    rate.refresh_from_db()
    assert rate.per_euro == Decimal("1160")
    manual_rate_delete(actor=api_user, rate=rate)
    assert not ExchangeRate.objects.exists()
    actions = list(AuditEvent.objects.order_by("at").values_list("action", flat=True))
    assert actions == ["rate.create", "rate.update", "rate.delete"]


def test_deleting_a_manual_rate_brings_back_the_ecbs(ecb_rates, api_user):
    manual = manual_rate_create(actor=api_user, currency_code="USD", day=FRIDAY, per_euro="1.1")
    manual_rate_delete(actor=api_user, rate=manual)
    assert rate_on(currency_code="EUR", base_code="USD", day=FRIDAY).source == "ECB"


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"per_euro": "0"}, "per_euro", "The rate must be a number above 0"),
        ({"per_euro": "-3"}, "per_euro", "The rate must be a number above 0"),
        ({"per_euro": "many"}, "per_euro", "The rate must be a number above 0"),
        ({"per_euro": "1.1234567"}, "per_euro", "at most 6 decimal places"),
        ({"per_euro": "1e15"}, "per_euro", "12 digits before the point"),
        ({"currency_code": "XYZ"}, "currency_code", "XYZ is not a currency code"),
        ({"currency_code": "dollars"}, "currency_code", "use the three letters of ISO 4217"),
        ({"currency_code": "EUR"}, "currency_code", "the euro's own rate is always 1"),
        ({"day": datetime.date(2999, 1, 1)}, "day", "The day cannot be in the future"),
        ({"day": None}, "day", "Give the day"),
    ],
)
def test_a_manual_rate_is_refused_in_plain_words(values, field, message):
    arguments = {"currency_code": "USD", "day": FRIDAY, "per_euro": "1.1", **values}
    with pytest.raises(ValidationError) as refused:
        manual_rate_create(actor=None, **arguments)
    assert message in " ".join(refused.value.message_dict[field])
    assert not ExchangeRate.objects.exists()


def test_a_second_manual_rate_for_the_same_currency_and_day_is_refused():
    ManualRateFactory(currency_code="USD", day=FRIDAY)
    with pytest.raises(ValidationError, match="already a manual USD rate for 2025-03-14"):
        manual_rate_create(actor=None, currency_code="USD", day=FRIDAY, per_euro="1.2")


def test_the_ecbs_rates_cannot_be_changed_or_deleted_as_manual_ones():
    rate = ExchangeRateFactory()
    with pytest.raises(ValidationError, match="Only manual rates"):
        manual_rate_update(actor=None, rate=rate, per_euro="2")
    with pytest.raises(ValidationError, match="Only manual rates"):
        manual_rate_delete(actor=None, rate=rate)
