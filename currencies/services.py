"""Writes of exchange rates: the ECB's history loaded and refreshed, and manual rates.

Loading adds only days the table does not have yet and never changes a stored ECB rate, so a
conversion made with a rate can be made again with the same rate (docs/currencies.md §1).
"""

import datetime
import functools
import logging
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import audit_record
from currencies.ecb import MAX_FILE_BYTES, RatesFileInvalid, csv_text, ecb_days, file_bytes
from currencies.models import RATE_DECIMAL_PLACES, RATE_MAX_DIGITS, ExchangeRate
from currencies.selectors import EURO
from kernel.clock import today
from kernel.money import ISO_4217_CODES
from kernel.outbound import TargetRefused, target_check

logger = logging.getLogger(__name__)

Progress = Callable[[str, int, int | None], None]
# Rows the loader sends at a time (its progress advances by as many).
BATCH_SIZE = 10_000
# The ECB answers in well under a second; a stalled download must not hold the scheduler long.
DOWNLOAD_TIMEOUT_SECONDS = 30
DOWNLOAD_SCHEMES = {"http", "https"}
# The columns of the loader's INSERT, in its order.
FIELDS = ("id", "created_at", "updated_at", "currency_code", "day", "per_euro", "source")


def _no_progress(stage: str, done: int, total: int | None) -> None:
    pass


# --- The ECB's history ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RatesLoadSummary:
    """What a load did: the days and rates added, and how many of the file's days were known."""

    days_added: int = 0
    rates_added: int = 0
    days_known: int = 0
    first_day: datetime.date | None = None  # of the days added
    last_day: datetime.date | None = None
    skipped: bool = False  # `if_empty` and the table already had ECB rates

    def __str__(self) -> str:
        if self.skipped:
            return "The ECB's rates are already loaded; nothing to do."
        if not self.days_added:
            return f"No new days: all {self.days_known:,} days of the file were already there."
        return (
            f"Added {self.days_added:,} day(s) of ECB rates ({self.rates_added:,} rates), "
            f"{self.first_day} to {self.last_day}; {self.days_known:,} day(s) were already there."
        )


@transaction.atomic
def rates_load_ecb(
    *,
    file: str | Path | bytes | BinaryIO | None = None,
    progress: Progress | None = None,
    if_empty: bool = False,
) -> RatesLoadSummary:
    """Load the ECB's rates from FILE (a ZIP or CSV in the ECB's format; default: the history
    shipped with the app) and return what was added.

    Only days the table has no ECB rates for are added, in batches, in one transaction: loading
    the same file again adds nothing, and a day's rates arrive whole or not at all. With
    IF_EMPTY nothing is read when any ECB rate is stored (the first run loads the history once).
    Raises RatesFileInvalid, with the line and the reason, for a file that is not the ECB's.
    """
    progress = progress or _no_progress
    ecb = ExchangeRate.objects.filter(source=ExchangeRate.Source.ECB)
    if if_empty and ecb.exists():
        return RatesLoadSummary(skipped=True)
    text = csv_text(file_bytes(file))
    _loaders_serialised()
    known = set(ecb.order_by().values_list("day", flat=True).distinct())
    rows, days, days_known = [], [], 0
    progress("Reading the rates", 0, None)
    for ecb_day in ecb_days(text, skip=known):
        if ecb_day.rates is None:
            days_known += 1
            continue
        days.append(ecb_day.day)
        rows += [(code, ecb_day.day, per_euro) for code, per_euro in ecb_day.rates.items()]
    _insert_ecb_rows(rows, progress)
    return RatesLoadSummary(
        days_added=len(days),
        rates_added=len(rows),
        days_known=days_known,
        first_day=min(days, default=None),
        last_day=max(days, default=None),
    )


def _insert_ecb_rows(rows: list[tuple[str, datetime.date, Decimal]], progress: Progress) -> None:
    """Insert ROWS (code, day, units per euro) as ECB rates, as fast as the database allows.

    Not bulk_create: building 200,000 model instances and compiling their values took 26 of the
    27 s of a load on SQLite. The values are adapted as the fields adapt them, then sent with
    COPY on PostgreSQL and one prepared INSERT run for every row on SQLite (bench/rates_load.py
    has the figures). On SQLite a row another loader added meanwhile is skipped by ON CONFLICT;
    on PostgreSQL `_loaders_serialised` keeps a second loader waiting instead.
    """
    # The connection itself, not the `connection` proxy, whose every attribute costs a
    # thread-local look-up (3 of 8 s on SQLite).
    db = transaction.get_connection()
    meta, ops = ExchangeRate._meta, db.ops
    table = ops.quote_name(meta.db_table)
    columns = ", ".join(ops.quote_name(meta.get_field(name).column) for name in FIELDS)
    new_id = functools.partial(meta.get_field("id").get_db_prep_value, connection=db)
    created = meta.get_field("created_at").get_db_prep_save(timezone.now(), db)
    source = meta.get_field("source").get_db_prep_save(ExchangeRate.Source.ECB.value, db)
    days = {day: ops.adapt_datefield_value(day) for day in {day for _, day, _ in rows}}
    with db.cursor() as cursor:
        for start in range(0, len(rows), BATCH_SIZE):
            progress("Saving the rates", start, len(rows))
            values = [
                (new_id(uuid.uuid4()), created, None, code, days[day], per_euro, source)
                for code, day, per_euro in rows[start : start + BATCH_SIZE]
            ]
            if db.vendor == "postgresql":
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in values:
                        copy.write_row(row)
            else:
                placeholders = ", ".join(["%s"] * len(FIELDS))
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) "
                    "ON CONFLICT DO NOTHING",
                    values,
                )
    progress("Saving the rates", len(rows), len(rows))


def _loaders_serialised() -> None:
    """Make a second loader on PostgreSQL wait until this one commits, then see its days.

    (COPY has no ON CONFLICT. SQLite serialises writers by itself.) Manual rates wait too, for
    the seconds a load takes.
    """
    db = transaction.get_connection()
    if db.vendor == "postgresql":
        with db.cursor() as cursor:
            table = db.ops.quote_name(ExchangeRate._meta.db_table)
            cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")


@dataclass(frozen=True)
class RatesRefreshSummary:
    """What a refresh did: the load's summary, or the reason it failed (ERROR), or that
    refreshing is off (no URL)."""

    url: str
    loaded: RatesLoadSummary | None = None
    error: str | None = None

    def __str__(self) -> str:
        if not self.url:
            return "Refreshing the rates is off (SPENDS_ECB_RATES_URL is empty)."
        if self.error:
            return f"The rates were not refreshed: {self.error}"
        return str(self.loaded)


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect is a new target: it gets the same check as the first one.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        _target_check(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class RatesUnavailable(Exception):
    """The rates could not be downloaded; the message says why."""


def _target_check(url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in DOWNLOAD_SCHEMES or not parts.hostname:
        raise RatesUnavailable(f"{url} is not an http:// or https:// address.")
    try:
        target_check(parts.hostname, what="The rates URL")
    except TargetRefused as refused:
        raise RatesUnavailable(str(refused)) from None


def _download(url: str) -> bytes:
    _target_check(url)
    opener = urllib.request.build_opener(_CheckedRedirects)
    request = urllib.request.Request(url, headers={"User-Agent": "Spends Tracker rates"})
    try:
        with opener.open(request, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response:
            data = response.read(MAX_FILE_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise RatesUnavailable(f"the server answered HTTP {error.code} {error.reason}.") from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, RatesUnavailable):
            raise error.reason from None
        raise RatesUnavailable(f"the server could not be reached ({error.reason}).") from None
    except (OSError, ValueError) as error:  # a timeout while reading, a malformed answer
        raise RatesUnavailable(f"the download failed ({error}).") from None
    return data


def rates_refresh(*, url: str | None = None, progress: Progress | None = None):
    """Download the ECB's history from URL (default: SPENDS_ECB_RATES_URL) and load its new days.

    Never raises for a failed download or a file that is not the ECB's: the failure is logged
    and returned in the summary's `error` (the scheduler tries again the next day, and the
    rates already stored stay; when none are, the history shipped with the app is loaded). An
    empty URL turns refreshing off. The address is checked like every request the app makes of
    its own (kernel/outbound.py), redirects included.
    """
    url = settings.SPENDS_ECB_RATES_URL if url is None else url
    if not url:
        return RatesRefreshSummary(url="")
    try:
        loaded = rates_load_ecb(file=_download(url), progress=progress)
    except (RatesUnavailable, RatesFileInvalid) as error:
        logger.warning("Exchange rates not refreshed from %s: %s", url, error)
        # With the network blocked for good, a household still gets the history shipped with
        # the app, once: the same figures as anywhere else up to the day it was shipped.
        rates_load_ecb(progress=progress, if_empty=True)
        return RatesRefreshSummary(url=url, error=str(error))
    return RatesRefreshSummary(url=url, loaded=loaded)


# --- Manual rates ---------------------------------------------------------------------------------


def manual_rate_clean(
    *,
    currency_code: str,
    day: datetime.date | None,
    per_euro: Decimal | str | None,
    changing: ExchangeRate | None = None,
) -> tuple[str, datetime.date, Decimal]:
    """Return the manual rate's values checked; raise ValidationError by field in plain words.

    CHANGING is the manual rate being changed, if any: another one of the same currency and
    day is refused.
    """
    errors = {}
    code = (currency_code or "").strip().upper()
    if code == EURO:
        errors["currency_code"] = _(
            "Rates are given per euro, so the euro's own rate is always 1: enter the rate of the "
            "other currency."
        )
    elif code not in ISO_4217_CODES and not currency_code:
        errors["currency_code"] = _(
            "An empty code is not a currency code: use the three letters of ISO 4217, such as "
            "USD, GBP or JPY."
        )
    elif code not in ISO_4217_CODES:
        errors["currency_code"] = _(
            "%(code)s is not a currency code: use the three letters of ISO 4217, such as USD, "
            "GBP or JPY."
        ) % {"code": currency_code}
    if day is None:
        errors["day"] = _("Give the day the rate is for.")
    elif day > today():
        errors["day"] = _(
            "The day cannot be in the future: a rate is what a day's money was worth."
        )
    try:
        rate = Decimal(str(per_euro).strip()) if per_euro is not None else None
    except InvalidOperation:
        rate = None
    whole_digits = RATE_MAX_DIGITS - RATE_DECIMAL_PLACES
    if rate is None or not rate.is_finite() or rate <= 0:
        errors["per_euro"] = _("The rate must be a number above 0: how many units one euro buys.")
    elif rate >= 10**whole_digits or rate != rate.quantize(Decimal(1).scaleb(-RATE_DECIMAL_PLACES)):
        errors["per_euro"] = _(
            "The rate may have at most %(places)s decimal places and %(digits)s digits before "
            "the point."
        ) % {"places": RATE_DECIMAL_PLACES, "digits": whole_digits}
    if errors:
        raise ValidationError(errors)
    taken = ExchangeRate.objects.filter(
        source=ExchangeRate.Source.MANUAL, currency_code=code, day=day
    )
    if changing is not None:
        taken = taken.exclude(pk=changing.pk)
    if taken.exists():
        message = _("There is already a manual %(code)s rate for %(day)s: change that one instead.")
        raise ValidationError({"day": message % {"code": code, "day": day}})
    return code, day, rate


def _audit_details(rate: ExchangeRate) -> dict:
    return {
        "currency_code": rate.currency_code,
        "day": str(rate.day),
        "per_euro": str(rate.per_euro),
    }


@transaction.atomic
def manual_rate_create(
    *,
    actor: AbstractBaseUser | None,
    currency_code: str,
    day: datetime.date | None,
    per_euro: Decimal | str | None,
) -> ExchangeRate:
    """Record that one euro bought PER_EURO units of CURRENCY_CODE on DAY (overriding the ECB's
    rate of that currency and day); audited as ACTOR's. One manual rate per currency and day."""
    code, day, per_euro = manual_rate_clean(currency_code=currency_code, day=day, per_euro=per_euro)
    rate = ExchangeRate.objects.create(
        currency_code=code, day=day, per_euro=per_euro, source=ExchangeRate.Source.MANUAL
    )
    audit_record(actor=actor, action="rate.create", target=str(rate), **_audit_details(rate))
    return rate


@transaction.atomic
def manual_rate_update(
    *,
    actor: AbstractBaseUser | None,
    rate: ExchangeRate,
    currency_code: str | None = None,
    day: datetime.date | None = None,
    per_euro: Decimal | str | None = None,
) -> ExchangeRate:
    """Change a manual rate (None keeps a value); the ECB's rates are never changed."""
    if rate.source != ExchangeRate.Source.MANUAL:
        raise ValidationError(_("Only manual rates can be changed; the ECB's stay as published."))
    before = _audit_details(rate)
    code, day, per_euro = manual_rate_clean(
        currency_code=currency_code if currency_code is not None else rate.currency_code,
        day=day if day is not None else rate.day,
        per_euro=per_euro if per_euro is not None else rate.per_euro,
        changing=rate,
    )
    rate.currency_code, rate.day, rate.per_euro = code, day, per_euro
    rate.save()
    after = _audit_details(rate)
    changes = {
        key: {"from": before[key], "to": after[key]} for key in after if before[key] != after[key]
    }
    if changes:
        audit_record(actor=actor, action="rate.update", target=str(rate), changes=changes)
    return rate


@transaction.atomic
def manual_rate_delete(*, actor: AbstractBaseUser | None, rate: ExchangeRate) -> None:
    """Delete a manual rate: the ECB's rate of that day, if any, applies again."""
    if rate.source != ExchangeRate.Source.MANUAL:
        raise ValidationError(_("Only manual rates can be deleted; the ECB's stay as published."))
    audit_record(actor=actor, action="rate.delete", target=str(rate), **_audit_details(rate))
    rate.delete()
