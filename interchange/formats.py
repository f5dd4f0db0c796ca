"""The data interchange formats (docs/api.md §6): one definition of every record and CSV column.

Exports write these shapes; imports (and the admin's import/export buttons) read them back.
Version 4 is what this application writes: enums as plain values, ISO 8601 datetimes in UTC with
`Z`, prices as 2-decimal strings, `tax_deductible` as 0/1; each purchase with its kept conversion
to the base currency, and the manual exchange rates (version 3); the warranty claims, and on each
file the claim it documents (version 4). Versions 1 to 3 still import (docs/api.md §6.1).
"""

import datetime
import operator

from kernel.money import quantize_in, quantize_money

FORMAT_VERSION = 4


def iso_datetime(value: datetime.datetime | None) -> str | None:
    if value is None:
        return None
    text = value.astimezone(datetime.UTC).isoformat()
    return text.replace("+00:00", "Z")


def iso_date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def money(value) -> str:
    return str(quantize_money(value))


def _id(value) -> str | None:
    return str(value) if value else None


# Each record reads the attributes of a model instance, or of a row of `values_list(...,
# named=True)` with the same names (what exports use: instances cost far more to build).


def retailer_record(retailer) -> dict:
    return {
        "id": str(retailer.id),
        "name": retailer.name,
        "url": retailer.url,
        "created_at": iso_datetime(retailer.created_at),
        "updated_at": iso_datetime(retailer.updated_at),
    }


brand_record = retailer_record


def purchase_record(purchase) -> dict:
    return {
        "id": str(purchase.id),
        "product_name": purchase.product_name,
        "price": money(purchase.price),
        "currency_code": purchase.currency_code,
        "retailer_id": _id(purchase.retailer_id),
        "brand_id": _id(purchase.brand_id),
        "purchase_date": iso_date(purchase.purchase_date),
        "notes": purchase.notes,
        "tax_deductible": int(purchase.tax_deductible),
        "model_number": purchase.model_number,
        "serial_number": purchase.serial_number,
        "retailer_order_number": purchase.retailer_order_number,
        "quantity": purchase.quantity,
        "link": purchase.link,
        "return_deadline": iso_date(purchase.return_deadline),
        "return_policy": purchase.return_policy,
        "tags": purchase.tags,
        "status": purchase.status,
        "created_at": iso_datetime(purchase.created_at),
        "updated_at": iso_datetime(purchase.updated_at),
        **_people(purchase),
        **conversion_record(purchase),
    }


def conversion_record(purchase) -> dict:
    """A purchase's kept conversion (docs/api.md §6.1): the base price in the base currency's
    minor units, the rate with its 12 places; nulls when there is none."""
    base_code = purchase.base_currency_code or None
    base_price, rate = purchase.base_price, purchase.exchange_rate
    return {
        "base_price": (
            str(quantize_in(base_price, base_code))
            if base_price is not None and base_code
            else None
        ),
        "base_currency_code": base_code,
        "exchange_rate": str(rate) if rate is not None else None,
        "rate_day": iso_date(purchase.rate_day),
        "rate_source": purchase.rate_source or None,
    }


def exchange_rate_record(rate) -> dict:
    """A manual exchange rate (the ECB's are the same everywhere and are not exported)."""
    return {
        "currency_code": rate.currency_code,
        "day": iso_date(rate.day),
        "per_euro": str(rate.per_euro),
        "created_at": iso_datetime(rate.created_at),
        "updated_at": iso_datetime(rate.updated_at),
    }


def _people(row) -> dict:
    """Who added and who last changed ROW, by username (None: unknown).

    Export rows carry them as `created_by_name` and `updated_by_name` annotations; a model
    instance reads its relations.
    """
    people = {}
    for relation in ("created_by", "updated_by"):
        name = getattr(row, f"{relation}_name", _UNSET)
        if name is _UNSET:
            user = getattr(row, relation, None) if getattr(row, f"{relation}_id", None) else None
            name = user.get_username() if user is not None else None
        people[relation] = name
    return people


_UNSET = object()


def audit_record_of(event) -> dict:
    """One event of the audit trail as exports carry it (the account itself is not: its name)."""
    return {
        "at": iso_datetime(event.at),
        "actor_name": event.actor_name,
        "action": event.action,
        "target": event.target,
        "details": event.details,
    }


def warranty_record(warranty) -> dict:
    """A warranty with its effective status (the queryset must annotate `effective_status`)."""
    return {
        "id": str(warranty.id),
        "purchase_id": str(warranty.purchase_id),
        "warranty_start": iso_date(warranty.warranty_start),
        "warranty_end": iso_date(warranty.warranty_end),
        "warranty_type": warranty.warranty_type,
        "status": warranty.effective_status,
        "provider": warranty.provider,
        "notes": warranty.notes,
        "created_at": iso_datetime(warranty.created_at),
        "updated_at": iso_datetime(warranty.updated_at),
        **_people(warranty),
    }


def claim_record(claim) -> dict:
    """A warranty claim (format version 4); its documents are the files whose `claim_id` is it."""
    return {
        "id": str(claim.id),
        "warranty_id": str(claim.warranty_id),
        "opened_on": iso_date(claim.opened_on),
        "number": claim.number,
        "status": claim.status,
        "closed_on": iso_date(claim.closed_on),
        "resolution": claim.resolution,
        "cost": money(claim.cost) if claim.cost is not None else None,
        "currency_code": claim.currency_code,
        "follow_up_on": iso_date(claim.follow_up_on),
        "notes": claim.notes,
        "created_at": iso_datetime(claim.created_at),
        "updated_at": iso_datetime(claim.updated_at),
        **_people(claim),
    }


def attachment_record(attachment) -> dict:
    """An attachment's metadata (the bytes travel as `uploads/` entries of a ZIP archive)."""
    blob = attachment.blob
    return {
        "id": str(attachment.id),
        "purchase_id": str(attachment.purchase_id),
        "filename": attachment.filename,
        "stored_filename": f"{blob.sha256}{blob.extension}",
        "file_type": attachment.file_type,
        "mime_type": attachment.mime_type,
        "file_size": blob.size,
        "file_hash": blob.sha256,
        "reference_count": blob.reference_count,
        "claim_id": _id(attachment.claim_id),
        "created_at": iso_datetime(attachment.created_at),
        "updated_at": iso_datetime(attachment.updated_at),
    }


# CSV of purchases (docs/api.md §6.2): the 13 columns of the existing application's file, in its
# order, then the columns this application adds. Each is (header, value of a purchase record or
# purchase).
CSV_LEGACY_COLUMNS = [
    "id",
    "product_name",
    "price",
    "currency_code",
    "retailer_id",
    "brand_id",
    "purchase_date",
    "notes",
    "model_number",
    "serial_number",
    "retailer_order_number",
    "created_at",
    "updated_at",
]
CSV_EXTRA_COLUMNS = [
    "tax_deductible",
    "quantity",
    "link",
    "return_deadline",
    "return_policy",
    "tags",
    "status",
    "retailer_name",
    "brand_name",
    "warranty_end",
    # The kept conversion beside the original price (docs/api.md §6.2); a CSV import reads
    # them not: it converts at the rates of this installation.
    "base_price",
    "base_currency_code",
    "exchange_rate",
    "rate_day",
    "rate_source",
    # How many of the purchase's warranty claims are open (docs/claims.md §6); the claims
    # themselves travel in the JSON and ZIP exports. A CSV import reads it not.
    "open_claims",
]
CSV_COLUMNS = CSV_LEGACY_COLUMNS + CSV_EXTRA_COLUMNS

# A cell a spreadsheet would run as a formula starts with one of these (OWASP CSV injection). Such
# text is written with a leading apostrophe, and so is text that starts with an apostrophe, so
# that reading the file back (`csv_text`) gives exactly the text that was written.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_ESCAPED_STARTS = (*_FORMULA_STARTS, "'")


def csv_cell(value) -> str:
    """Render VALUE for a CSV cell, neutralising text a spreadsheet would execute."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(_ESCAPED_STARTS):
        return "'" + text
    return text


def csv_text(cell: str) -> str | None:
    """Read a CSV cell written by `csv_cell`: empty is None, the protecting apostrophe goes."""
    if cell == "":
        return None
    if cell.startswith("'") and cell[1:].startswith(_ESCAPED_STARTS):
        return cell[1:]
    return cell


_in_csv_order = operator.itemgetter(*CSV_COLUMNS)


def purchase_csv_row(purchase) -> list[str]:
    """One CSV row; PURCHASE also has `retailer_name`, `brand_name`, `primary_warranty_end` and
    `open_claims` (see `interchange.exports.purchase_csv_rows`)."""
    record = purchase_record(purchase)
    record["retailer_name"] = purchase.retailer_name
    record["brand_name"] = purchase.brand_name
    record["warranty_end"] = iso_date(purchase.primary_warranty_end)
    record["open_claims"] = purchase.open_claims
    return [csv_cell(value) for value in _in_csv_order(record)]
