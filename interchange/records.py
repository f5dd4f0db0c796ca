"""Reading one record of an import file into model field values (docs/api.md §6.1, §6.2, §6.5).

Records are the dictionaries of a JSON export (legacy version 1 or version 2) or the rows of a CSV
file keyed by header name; the readers here turn one into the values of a model's fields, or raise
RecordError with a sentence naming the field, which the import report shows next to the record.
The importer (`interchange.imports`) and the admin's import resources both read through them.

`lossless` readers (version 2 files, written by this application) keep text exactly as written;
legacy readers treat blank text as "not given".
"""

import datetime
import functools
import math
import re
import uuid
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext

from catalog.models import Retailer
from interchange import parsing
from kernel.links import NOT_A_WEB_LINK, web_link_check
from kernel.money import ISO_4217_CODES
from preferences.selectors import preferred_currency_code
from purchases.blobs import extension_of
from purchases.models import Attachment, FileType, Purchase, PurchaseStatus, RateSource
from warranties.models import CLOSED_CLAIM_STATUSES, Claim, ClaimStatus, Warranty, WarrantyStatus

SHA256_HEX = re.compile(r"[0-9a-f]{64}")
_CURRENCY_CODE = re.compile(r"[A-Z]{3}")
_BLOB_EXTENSION = re.compile(r"(\.[^/\\\x00]{1,15})?")
_MAX_INTEGER = 2_147_483_647
PURCHASE_STATUSES = PurchaseStatus.values
WARRANTY_STATUSES = WarrantyStatus.values
CLAIM_STATUSES = ClaimStatus.values
FILE_TYPES = FileType.values  # the largest value of an integer column on PostgreSQL


class RecordError(ValueError):
    """One record cannot be imported; the message says which field and why."""


def field_problem(key: str, problem) -> str:
    """ "price: 'abc' is not an amount": a field of a record, and what is wrong with it."""
    return gettext("%(field)s: %(problem)s") % {"field": key, "problem": problem}


def _read(record: dict, key: str, reader, *args, **kwargs):
    try:
        return reader(record.get(key), *args, **kwargs)
    except ValueError as error:
        raise RecordError(field_problem(key, error)) from None


def _text_value(value, *, max_length: int | None, lossless: bool) -> str | None:
    if value is None:  # the most common value of all: a cell or field left out
        return None
    if isinstance(value, bool | dict | list):
        raise ValueError(gettext("expected text"))
    if isinstance(value, str) and "\x00" in value:
        raise ValueError(gettext("contains a NUL character, which text cannot hold"))
    if lossless and isinstance(value, str):
        if max_length and len(value) > max_length:
            raise ValueError(parsing.text_too_long(max_length))
        return value
    return parsing.parse_text(value, max_length=max_length)


@functools.cache
def _max_length(model, field: str) -> int | None:
    return model._meta.get_field(field).max_length


def _text(record: dict, key: str, model, *, lossless: bool, field: str | None = None):
    # What _read does, without its generic arguments: it runs for every text field of every row.
    try:
        return _text_value(
            record.get(key), max_length=_max_length(model, field or key), lossless=lossless
        )
    except ValueError as error:
        raise RecordError(field_problem(key, error)) from None


def _required_text(record: dict, key: str, model, *, lossless: bool) -> str:
    value = _text(record, key, model, lossless=lossless)
    if value is None or not value.strip():
        raise RecordError(gettext("%(field)s: is missing") % {"field": key})
    return value if lossless else value.strip()


def _required_date(record: dict, key: str) -> datetime.date:
    value = _read(record, key, parsing.parse_date)
    if value is None:
        raise RecordError(gettext("%(field)s: is missing") % {"field": key})
    return value


def is_blob_extension(extension: str) -> bool:
    """Whether EXTENSION can end a blob's name: empty, or a dot and up to 15 characters."""
    return bool(_BLOB_EXTENSION.fullmatch(extension))


def optional_date(record: dict, key: str) -> datetime.date | None:
    return _read(record, key, parsing.parse_date)


def _not_whole(value) -> str:
    return gettext("%(value)s is not a whole number") % {"value": repr(value)}


def _not_bytes(value) -> str:
    return gettext("%(value)s is not a number of bytes") % {"value": repr(value)}


def _quantity(value) -> int:
    if value is None or value == "":
        return 1
    if isinstance(value, bool):
        raise ValueError(gettext("expected a whole number"))
    try:
        # A JSON file may say 2.0 (a float, or a Decimal from the stream parser).
        number = value if isinstance(value, float | Decimal) else int(str(value).strip())
    except ValueError:
        raise ValueError(_not_whole(value)) from None
    if not math.isfinite(number) or number != int(number):
        raise ValueError(_not_whole(value))
    if not 1 <= number <= _MAX_INTEGER:
        raise ValueError(
            gettext("%(value)s is not between 1 and %(max)s")
            % {"value": repr(value), "max": _MAX_INTEGER}
        )
    return int(number)


def _currency_code(value, default: str | None = None, *, lossless: bool = False) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        # What new purchases default to (docs/api.md §9.7); an importer looks it up once.
        return default or preferred_currency_code()
    code = str(value).strip().upper()
    if not _CURRENCY_CODE.fullmatch(code):
        raise ValueError(
            gettext("%(value)s is not a three-letter currency code") % {"value": repr(value)}
        )
    # As the API refuses them; a restore keeps what it stored before codes were checked.
    if not lossless and code not in ISO_4217_CODES:
        raise ValueError(
            gettext("%(code)s is not a currency code of ISO 4217, such as USD, EUR or JPY")
            % {"code": code}
        )
    return code


def timestamps(record: dict) -> dict:
    """`created_at` from the file (now when missing), `updated_at` as written (docs/api.md §6.5)."""
    created_at = _read(record, "created_at", parsing.parse_datetime)
    return {
        "created_at": created_at or timezone.now(),
        "updated_at": _read(record, "updated_at", parsing.parse_datetime),
    }


def record_id(value) -> str | None:
    """The key under which a file refers to a record: the UUID when valid, else the raw text."""
    return record_key(value)[0]


def record_key(value) -> tuple[str | None, uuid.UUID | None]:
    """A record's key (see `record_id`) and its id as a UUID (None when it is not one)."""
    parsed = parsing.parse_id(value)
    if parsed is not None:
        return str(parsed), parsed
    if value is None or str(value).strip() == "":
        return None, None
    return str(value).strip(), None


def _link(record: dict, key: str, model, *, lossless: bool) -> str | None:
    """A link field: text that is an http or https address (kernel/links.py)."""
    value = _text(record, key, model, lossless=lossless)
    try:
        return web_link_check(value)
    except ValueError:
        raise RecordError(field_problem(key, NOT_A_WEB_LINK)) from None


def catalog_entry_fields(record: dict, *, lossless: bool) -> dict:
    """A retailer's or brand's `name` (required, trimmed) and `url`, with timestamps."""
    name = _required_text(record, "name", Retailer, lossless=False)
    return {
        "name": name,
        "url": _link(record, "url", Retailer, lossless=lossless),
        **timestamps(record),
    }


PURCHASE_TEXT_FIELDS = [
    "notes",
    "model_number",
    "serial_number",
    "retailer_order_number",
    "return_policy",
    "tags",
]


def purchase_fields(record: dict, *, lossless: bool, default_currency: str | None = None) -> dict:
    """A purchase's own fields (retailer and brand are resolved by the importer).

    Missing optional keys take the defaults of docs/api.md §4.1: the preferred currency, quantity 1,
    not tax-deductible, RECEIVED.
    """
    status = record.get("status")
    return {
        "product_name": _required_text(record, "product_name", Purchase, lossless=lossless),
        "price": _read(record, "price", parsing.parse_money),
        "currency_code": _read(
            record, "currency_code", _currency_code, default_currency, lossless=lossless
        ),
        "purchase_date": _required_date(record, "purchase_date"),
        "tax_deductible": _read(record, "tax_deductible", parsing.parse_flag),
        "quantity": _read(record, "quantity", _quantity),
        "return_deadline": _read(record, "return_deadline", parsing.parse_date),
        "status": (
            _read(record, "status", parsing.parse_enum, PURCHASE_STATUSES)
            if status not in (None, "")
            else PurchaseStatus.RECEIVED
        ),
        **{key: _text(record, key, Purchase, lossless=lossless) for key in PURCHASE_TEXT_FIELDS},
        "link": _link(record, "link", Purchase, lossless=lossless),
        **timestamps(record),
    }


# A spreadsheet row (interchange/mapping.py) may say more of the warranty its end date makes.
WARRANTY_EXTRAS = {
    "warranty_provider": "provider",
    "warranty_type": "warranty_type",
    "warranty_notes": "notes",
}


def warranty_extras(record: dict) -> dict:
    """The provider, type and notes a row gives the warranty its `warranty_end` creates."""
    return {
        name: _text(record, key, Warranty, lossless=False, field=name)
        for key, name in WARRANTY_EXTRAS.items()
        if record.get(key) not in (None, "")
    }


# A purchase without a kept conversion: `purchases.conversions.conversions_complete` converts it
# once the import's rows are in (interchange/imports.py).
NOT_CONVERTED = {
    "base_price": None,
    "base_currency_code": "",
    "exchange_rate": None,
    "rate_day": None,
    "rate_source": "",
}
_MAX_BASE_PRICE = Decimal(10) ** 15  # the field's 18 digits, 3 of them places
_MAX_RATE = Decimal(10) ** 18  # 30 digits, 12 places


def _positive_decimal(value, limit: Decimal, places: int) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise ValueError("not a number")
    number = Decimal(str(value).strip())
    if not number.is_finite() or not 0 < number < limit or number != round(number, places):
        raise ValueError("out of range")
    return number


def kept_conversion(record: dict) -> dict:
    """The conversion a version 3 record kept (docs/api.md §6.1), or NOT_CONVERTED when it has
    none, or one that does not hold together: the purchase is then converted on import."""
    base_code = record.get("base_currency_code")
    if not isinstance(base_code, str) or not _CURRENCY_CODE.fullmatch(base_code):
        return NOT_CONVERTED
    source = record.get("rate_source") or ""
    try:
        base_price = _positive_decimal(record.get("base_price"), _MAX_BASE_PRICE, 3)
        rate = _positive_decimal(record.get("exchange_rate"), _MAX_RATE, 12)
        day = parsing.parse_date(record.get("rate_day"))
    except (ValueError, ArithmeticError):
        return NOT_CONVERTED
    with_rate = source in RateSource.values and base_price is not None and rate is not None
    without_rate = source == "" and base_price is None and rate is None and day is None
    if not (with_rate or without_rate):
        return NOT_CONVERTED
    return {
        "base_price": base_price,
        "base_currency_code": base_code,
        "exchange_rate": rate,
        "rate_day": day,
        "rate_source": source,
    }


def warranty_fields(record: dict, *, lossless: bool) -> dict:
    """A warranty's own fields; the status is kept only as "voided" (the rest is derived)."""
    start = _required_date(record, "warranty_start")
    end = _required_date(record, "warranty_end")
    if end < start:
        raise RecordError(
            gettext("warranty_end: %(end)s is before warranty_start %(start)s")
            % {"end": end, "start": start}
        )
    status = record.get("status")
    voided = status not in (None, "") and (
        _read(record, "status", parsing.parse_enum, WARRANTY_STATUSES) == WarrantyStatus.VOIDED
    )
    return {
        "warranty_start": start,
        "warranty_end": end,
        "warranty_type": _text(record, "warranty_type", Warranty, lossless=lossless),
        "provider": _text(record, "provider", Warranty, lossless=lossless),
        "notes": _text(record, "notes", Warranty, lossless=lossless),
        "voided": voided,
        **timestamps(record),
    }


def _claim_cost(value) -> Decimal | None:
    """A claim's cost: none, or an amount of 0 or more (a price read as `parse_money` reads it)."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal | int | float | str) and not isinstance(value, bool):
        try:
            if Decimal(str(value).strip()) == 0:
                return Decimal("0.00")
        except ArithmeticError:
            pass
    return parsing.parse_money(value, cost=True)


def claim_fields(record: dict, *, lossless: bool, default_currency: str | None = None) -> dict:
    """A warranty claim's own fields (format version 4; the importer resolves its warranty).

    A resolved or rejected claim without `closed_on` closes on its opening day; an open one
    keeps none (docs/claims.md §6).
    """
    opened_on = _required_date(record, "opened_on")
    status = record.get("status")
    status = (
        _read(record, "status", parsing.parse_enum, CLAIM_STATUSES)
        if status not in (None, "")
        else ClaimStatus.OPEN
    )
    closed_on = optional_date(record, "closed_on")
    if status in CLOSED_CLAIM_STATUSES:
        closed_on = closed_on or opened_on
        if closed_on < opened_on:
            raise RecordError(
                gettext("closed_on: %(closed)s is before opened_on %(opened)s")
                % {"closed": closed_on, "opened": opened_on}
            )
    else:
        closed_on = None
    return {
        "opened_on": opened_on,
        "number": _text(record, "number", Claim, lossless=lossless),
        "status": status,
        "closed_on": closed_on,
        "resolution": _text(record, "resolution", Claim, lossless=lossless),
        "cost": _read(record, "cost", _claim_cost),
        "currency_code": _read(
            record, "currency_code", _currency_code, default_currency, lossless=lossless
        ),
        "follow_up_on": optional_date(record, "follow_up_on"),
        "notes": _text(record, "notes", Claim, lossless=lossless),
        **timestamps(record),
    }


def _file_size(value) -> int | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        size = int(str(value).strip())
    except ValueError:
        raise ValueError(_not_bytes(value)) from None
    if size < 0:
        raise ValueError(_not_bytes(value))
    return size


def attachment_fields(record: dict, *, lossless: bool) -> dict:
    """An attachment record's fields plus its blob's `sha256`, `extension` and `size`.

    The hash is `file_hash`, or the 64 hex characters that start `stored_filename`; the extension
    is what follows them in `stored_filename` (the blob's name), else the original file name's.
    """
    stored = record.get("stored_filename")
    stored = stored.strip() if isinstance(stored, str) else ""
    sha256 = str(record.get("file_hash") or stored[:64]).strip().lower()
    if not SHA256_HEX.fullmatch(sha256):
        raise RecordError(gettext("file_hash: is not a SHA-256 hex digest"))
    filename = _text(record, "filename", Attachment, lossless=False) or stored or sha256
    extension = stored[64:] if stored[:64].lower() == sha256 else ""
    if not is_blob_extension(extension):
        extension = extension_of(filename)
    file_type = record.get("file_type")
    return {
        "filename": filename,
        "file_type": (
            _read(record, "file_type", parsing.parse_enum, FILE_TYPES)
            if file_type not in (None, "")
            else FileType.OTHER
        ),
        "mime_type": (
            _text(record, "mime_type", Attachment, lossless=False) or "application/octet-stream"
        ),
        "sha256": sha256,
        "extension": extension,
        "size": _read(record, "file_size", _file_size),
        **timestamps(record),
    }
