"""Reads of exchange rates: the rate between two currencies on a day, and conversions.

How a rate is chosen (docs/currencies.md §2): rates are stored per euro, so a pair is crossed
through the euro, each leg being the currency's rate of the latest day on or before the day
asked, at most MAX_LOOKBACK_DAYS back (the ECB publishes none on weekends and TARGET holidays);
on that day a manual rate wins over the ECB's.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal

from django.db.models import QuerySet

from currencies.models import ExchangeRate
from kernel.money import quantize_in

EURO = "EUR"
SAME = "SAME"
# The ECB's longest gap is Easter (Good Friday to Easter Monday: 4 days); a week also bridges a
# manual rate entered once a week. Older rates are not used: None says there is no usable rate.
MAX_LOOKBACK_DAYS = 7
# A crossed rate is rounded half-up to 12 decimal places, so that a conversion kept with its rate
# can be recomputed exactly from it (JPY to GBP is about 0.0047: 10 significant digits stay).
RATE_PLACES = 12
RATE_QUANTUM = Decimal(1).scaleb(-RATE_PLACES)
# Division in a context of its own: the thread's decimal context cannot change a result.
_DIVISION = Context(prec=34)


@dataclass(frozen=True)
class Rate:
    """RATE units of the base currency per 1 unit of the currency, as of DAY, from SOURCE.

    SOURCE is "ECB", "MANUAL" (if either leg is manual) or "SAME" (one currency: rate 1, no
    day). DAY is the older of the two legs' days: the rate is no newer than that.
    """

    rate: Decimal
    day: datetime.date | None
    source: str


@dataclass(frozen=True)
class Conversion:
    """AMOUNT in the base currency, rounded to its minor units, and the RATE that gave it."""

    amount: Decimal
    currency_code: str
    base_code: str
    rate: Rate


def _legs(codes: set[str], day: datetime.date) -> dict[str, tuple[Decimal, datetime.date, str]]:
    """Each code's (units per euro, day, source) chosen for DAY: one indexed query in all."""
    rows = (
        ExchangeRate.objects.filter(
            currency_code__in=codes,
            day__lte=day,
            day__gte=day - datetime.timedelta(days=MAX_LOOKBACK_DAYS),
        )
        .order_by("currency_code", "-day")
        .values_list("currency_code", "day", "source", "per_euro")
    )
    legs: dict[str, tuple[Decimal, datetime.date, str]] = {}
    for code, row_day, source, per_euro in rows:
        chosen = legs.get(code)
        if chosen is None or (
            chosen[1] == row_day and source == ExchangeRate.Source.MANUAL  # a manual rate wins
        ):
            legs[code] = (per_euro, row_day, source)
    return legs


def rate_on(*, currency_code: str, base_code: str, day: datetime.date) -> Rate | None:
    """Return the rate from CURRENCY_CODE to BASE_CODE on DAY, or None when there is none.

    None: a currency the rates do not know, a day before its series starts, or a latest rate more
    than MAX_LOOKBACK_DAYS old. The euro needs no rate; one currency to itself is 1.
    """
    currency_code, base_code = currency_code.strip().upper(), base_code.strip().upper()
    if currency_code == base_code:
        return Rate(rate=Decimal(1), day=None, source=SAME)
    legs = _legs({currency_code, base_code} - {EURO}, day)
    if any(code != EURO and code not in legs for code in (currency_code, base_code)):
        return None
    euro = (Decimal(1), None, None)
    currency_per_euro, currency_day, currency_source = legs.get(currency_code, euro)
    base_per_euro, base_day, base_source = legs.get(base_code, euro)
    rate = _DIVISION.divide(base_per_euro, currency_per_euro).quantize(
        RATE_QUANTUM, rounding=ROUND_HALF_UP
    )
    if not rate:  # too small to show in 12 places: no usable rate
        return None
    sources = {currency_source, base_source} - {None}
    return Rate(
        rate=rate,
        day=min(leg_day for leg_day in (currency_day, base_day) if leg_day is not None),
        source=(
            ExchangeRate.Source.MANUAL.value
            if ExchangeRate.Source.MANUAL in sources
            else ExchangeRate.Source.ECB.value
        ),
    )


def amount_convert(
    *, amount: Decimal, currency_code: str, base_code: str, day: datetime.date
) -> Conversion | None:
    """Return AMOUNT in CURRENCY_CODE converted to BASE_CODE at DAY's rate, or None (no rate).

    The amount is AMOUNT times the rate as `rate_on` gives it (12 places), rounded half-up to the
    base currency's minor units (`kernel.money.quantize_in`: JPY none, KWD 3): anyone holding the
    rate gets the same amount again.
    """
    rate = rate_on(currency_code=currency_code, base_code=base_code, day=day)
    if rate is None:
        return None
    base_code = base_code.strip().upper()
    return Conversion(
        amount=quantize_in(_DIVISION.multiply(Decimal(amount), rate.rate), base_code),
        currency_code=currency_code.strip().upper(),
        base_code=base_code,
        rate=rate,
    )


def manual_rate_list(*, currency_code: str | None = None) -> QuerySet[ExchangeRate]:
    """The manual rates, newest day first, optionally of one currency."""
    rates = ExchangeRate.objects.filter(source=ExchangeRate.Source.MANUAL)
    if currency_code:
        rates = rates.filter(currency_code=currency_code.strip().upper())
    return rates.order_by("-day", "currency_code")


def ecb_rates_summary() -> dict:
    """How many ECB rates are stored and the days they span (for the command and the pages)."""
    rates = ExchangeRate.objects.filter(source=ExchangeRate.Source.ECB).order_by("day")
    first = rates.values_list("day", flat=True).first()
    last = rates.values_list("day", flat=True).last()
    return {"count": rates.count(), "first_day": first, "last_day": last}
