"""Reads of exchange rates: the rate between two currencies on a day, and conversions.

How a rate is chosen (docs/currencies.md §2): rates are stored per euro, so a pair is crossed
through the euro, each leg being the currency's rate of the latest day on or before the day
asked, at most MAX_LOOKBACK_DAYS back (the ECB publishes none on weekends and TARGET holidays);
on that day a manual rate wins over the ECB's.
"""

import bisect
import datetime
from collections.abc import Iterable
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


def _crossed(
    currency_leg: tuple[Decimal, datetime.date | None, str | None],
    base_leg: tuple[Decimal, datetime.date | None, str | None],
) -> Rate | None:
    """The rate crossed through the euro from the two legs (units per euro, day, source)."""
    currency_per_euro, currency_day, currency_source = currency_leg
    base_per_euro, base_day, base_source = base_leg
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


_EURO_LEG = (Decimal(1), None, None)


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
    return _crossed(legs.get(currency_code, _EURO_LEG), legs.get(base_code, _EURO_LEG))


class _Series:
    """One currency's legs by day (a manual rate winning over the ECB's), for many look-ups."""

    def __init__(self, rows: list[tuple[datetime.date, str, Decimal]]):
        self.legs: dict[datetime.date, tuple[Decimal, datetime.date, str]] = {}
        for day, source, per_euro in rows:
            chosen = self.legs.get(day)
            if chosen is None or source == ExchangeRate.Source.MANUAL:
                self.legs[day] = (per_euro, day, source)
        self.days = sorted(self.legs)

    def leg_on(self, day: datetime.date):
        """The leg of the latest day on or before DAY, at most MAX_LOOKBACK_DAYS back."""
        index = bisect.bisect_right(self.days, day)
        if not index:
            return None
        found = self.days[index - 1]
        if (day - found).days > MAX_LOOKBACK_DAYS:
            return None
        return self.legs[found]


def rates_on_days(
    *, currency_days: Iterable[tuple[str, datetime.date]], base_code: str
) -> dict[tuple[str, datetime.date], Rate | None]:
    """Return `rate_on` of each (currency code, day) of CURRENCY_DAYS to BASE_CODE, in bulk.

    The same answers as `rate_on`, one by one, but from one query in all: the rows of the
    currencies concerned between the earliest day less MAX_LOOKBACK_DAYS and the latest day (a
    few thousand rows per currency for ten years), so that converting 100,000 purchases costs no
    query per purchase. Codes are expected upper-case, as purchases store them.
    """
    base_code = base_code.strip().upper()
    wanted = set(currency_days)
    answers: dict[tuple[str, datetime.date], Rate | None] = {}
    foreign = {(code, day) for code, day in wanted if code != base_code}
    for code, day in wanted - foreign:
        answers[(code, day)] = Rate(rate=Decimal(1), day=None, source=SAME)
    if not foreign:
        return answers
    codes = ({code for code, _ in foreign} | {base_code}) - {EURO}
    days = [day for _, day in foreign]
    rows = ExchangeRate.objects.filter(
        currency_code__in=codes,
        day__lte=max(days),
        day__gte=min(days) - datetime.timedelta(days=MAX_LOOKBACK_DAYS),
    ).values_list("currency_code", "day", "source", "per_euro")
    by_code: dict[str, list] = {code: [] for code in codes}
    for code, day, source, per_euro in rows:
        by_code[code].append((day, source, per_euro))
    series = {code: _Series(rows) for code, rows in by_code.items()}
    for code, day in foreign:
        legs = [
            _EURO_LEG if leg_code == EURO else series[leg_code].leg_on(day)
            for leg_code in (code, base_code)
        ]
        answers[(code, day)] = None if None in legs else _crossed(*legs)
    return answers


def amount_at_rate(*, amount: Decimal, rate: Rate, base_code: str) -> Decimal:
    """AMOUNT times RATE, rounded half-up to BASE_CODE's minor units (as `amount_convert`)."""
    return quantize_in(_DIVISION.multiply(Decimal(amount), rate.rate), base_code.strip().upper())


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
        amount=amount_at_rate(amount=amount, rate=rate, base_code=base_code),
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
