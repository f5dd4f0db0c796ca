"""Each purchase's conversion to the household's base currency, kept beside its price.

A purchase keeps the five fields of its conversion (`CONVERSION_FIELDS`): the price in the base
currency, that base, the rate, the rate's day and its source (docs/currencies.md §6). They are
computed when the price, the currency or the date is set (`purchase_convert`, one query) and
again only when asked (`conversions_apply`, for many purchases at once: the re-convert, imports,
a change of the base currency), so that a past total never moves when new rates arrive.

These are the helpers of the write services (purchases.services, the importer of
interchange/importer/): they change rows or objects but neither open a transaction nor replace
the data version; their callers do.
"""

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection

from currencies.selectors import SAME, Rate, amount_at_rate, amount_convert, rates_on_days
from purchases.models import Purchase, RateSource

CONVERSION_FIELDS = ["base_price", "base_currency_code", "exchange_rate", "rate_day", "rate_source"]
# What decides a conversion: changing one of these on a purchase converts it again.
CONVERTED_FIELDS = ["price", "currency_code", "purchase_date"]
_UPDATE_BATCH = 2000


def conversion_values(
    *, price: Decimal, currency_code: str, base_code: str, rate: Rate | None
) -> dict:
    """The five conversion fields of PRICE in CURRENCY_CODE at RATE (None: no usable rate).

    A purchase in the base currency keeps its price as it is (rate 1, SAME, no day), even in a
    currency without minor units; without a rate, only the base is kept, so that the purchase is
    counted as "without a rate" in this base and found by `only_missing`.
    """
    if currency_code == base_code:
        return {
            "base_price": price,
            "base_currency_code": base_code,
            "exchange_rate": Decimal(1),
            "rate_day": None,
            "rate_source": RateSource.SAME.value,
        }
    if rate is None:
        return {
            "base_price": None,
            "base_currency_code": base_code,
            "exchange_rate": None,
            "rate_day": None,
            "rate_source": "",
        }
    return {
        "base_price": amount_at_rate(amount=price, rate=rate, base_code=base_code),
        "base_currency_code": base_code,
        "exchange_rate": rate.rate,
        "rate_day": rate.day,
        "rate_source": rate.source,
    }


def purchase_convert(purchase: Purchase, *, base_code: str) -> None:
    """Set PURCHASE's conversion to BASE_CODE at its date's rate, on the object (not saved)."""
    conversion = amount_convert(
        amount=purchase.price,
        currency_code=purchase.currency_code,
        base_code=base_code,
        day=purchase.purchase_date,
    )
    rate = conversion.rate if conversion is not None else None
    if rate is not None and rate.source == SAME:
        rate = None  # one currency: conversion_values keeps the price as it is
    values = conversion_values(
        price=purchase.price,
        currency_code=purchase.currency_code,
        base_code=base_code,
        rate=rate,
    )
    for field, value in values.items():
        setattr(purchase, field, value)


def conversion_needed(purchase: Purchase, stored: tuple | None) -> bool:
    """Whether PURCHASE must be converted again: new, never converted, or one of
    CONVERTED_FIELDS differs from STORED (their values as the database held them)."""
    if stored is None or not purchase.base_currency_code:
        return True
    return tuple(getattr(purchase, field) for field in CONVERTED_FIELDS) != stored


def purchase_convert_if_changed(purchase: Purchase, *, base_code: str) -> None:
    """Convert PURCHASE, about to be saved, if it is new or its price, currency or date differ
    from the stored ones (one query): for writes that change the object before the service sees
    it (the admin's form)."""
    stored = (
        None
        if purchase._state.adding
        else Purchase.objects.filter(pk=purchase.pk).values_list(*CONVERTED_FIELDS).first()
    )
    if conversion_needed(purchase, stored):
        purchase_convert(purchase, base_code=base_code)


@dataclass
class ConversionCounts:
    """What `conversions_apply` did: purchases examined, changed, and left without a rate."""

    examined: int = 0
    changed: int = 0
    without_rate: int = 0


def conversions_apply(purchases, *, base_code: str, progress=None) -> ConversionCounts:
    """Convert PURCHASES (a queryset) to BASE_CODE at their dates' rates, in bulk.

    Three queries and the updates, whatever the number: the purchases' rows (one query), the
    rates of every (currency, day) among them (`rates_on_days`, one query), then one statement
    per batch of changed rows on PostgreSQL, or a prepared UPDATE run for each changed row on
    SQLite. Rows whose conversion comes out the same are not written.
    """
    progress = progress or (lambda stage, done, total: None)
    rows = list(purchases.order_by().values_list("pk", *CONVERTED_FIELDS, *CONVERSION_FIELDS))
    counts = ConversionCounts(examined=len(rows))
    rates = rates_on_days(currency_days={(row[2], row[3]) for row in rows}, base_code=base_code)
    changed: list[tuple] = []
    for pk, price, currency_code, day, *stored in rows:
        values = conversion_values(
            price=price,
            currency_code=currency_code,
            base_code=base_code,
            rate=rates[(currency_code, day)],
        )
        if values["base_price"] is None:
            counts.without_rate += 1
        new = tuple(values.values())
        if new != tuple(stored):
            changed.append((pk, *new))
    progress("Converting", 0, len(changed))
    for start in range(0, len(changed), _UPDATE_BATCH):
        _update_rows(changed[start : start + _UPDATE_BATCH])
        progress("Converting", min(start + _UPDATE_BATCH, len(changed)), len(changed))
    counts.changed = len(changed)
    return counts


def conversions_complete(*, base_code: str) -> ConversionCounts:
    """Convert every purchase not converted to BASE_CODE yet: never, or to another base.

    Imports call it once their rows are in (and their settings, which may change the base):
    imported purchases without a kept conversion, and any other purchase left unconverted,
    are converted in bulk, like a re-convert.
    """
    return conversions_apply(
        Purchase.objects.exclude(base_currency_code=base_code), base_code=base_code
    )


def _sqlite_values(row: tuple) -> list:
    """ROW as Django's SQLite backend stores it: a UUID as 32 hex digits, decimals and days as
    text (what its adapters do, without the fields' per-value checks)."""
    pk, base_price, base_code, rate, day, source = row
    return [
        None if base_price is None else str(base_price),
        base_code,
        None if rate is None else str(rate),
        None if day is None else day.isoformat(),
        source,
        pk.hex,
    ]


def _update_rows(rows: list[tuple]) -> None:
    """Write (pk, *CONVERSION_FIELDS values) ROWS: one UPDATE ... FROM VALUES on PostgreSQL (whose
    driver adapts UUIDs, decimals and dates itself), a prepared UPDATE run for each on SQLite.

    Django's `bulk_update` builds a CASE per field over the whole batch, and an UPDATE per row
    through the ORM compiles each one: both cost seconds for 100,000 purchases.
    """
    fields = [Purchase._meta.get_field(name) for name in CONVERSION_FIELDS]
    quote = connection.ops.quote_name
    table, pk_column = quote(Purchase._meta.db_table), quote(Purchase._meta.pk.column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            types = ["uuid", "numeric", "varchar", "numeric", "date", "varchar"]
            one = "(" + ", ".join(f"%s::{kind}" for kind in types) + ")"
            names = ", ".join(quote(field.column) for field in fields)
            sets = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in fields)
            cursor.execute(
                f"UPDATE {table} AS p SET {sets} FROM (VALUES {', '.join([one] * len(rows))}) "
                f"AS v(id, {names}) WHERE p.{pk_column} = v.id",
                [value for row in rows for value in row],
            )
            return
        sets = ", ".join(f"{quote(field.column)} = %s" for field in fields)
        cursor.executemany(
            f"UPDATE {table} SET {sets} WHERE {pk_column} = %s", [_sqlite_values(r) for r in rows]
        )


def conversions_for_new(
    items: Iterable[tuple[uuid.UUID, Decimal, str, datetime.date]], *, base_code: str
) -> dict[uuid.UUID, dict]:
    """The conversion fields of purchases not yet written: ITEMS are (id, price, currency, day).

    One query for all their rates (for generated data: the benchmark's, the demo's).
    """
    items = list(items)
    rates = rates_on_days(
        currency_days={(code, day) for _, _, code, day in items}, base_code=base_code
    )
    return {
        pk: conversion_values(
            price=price, currency_code=code, base_code=base_code, rate=rates[(code, day)]
        )
        for pk, price, code, day in items
    }
