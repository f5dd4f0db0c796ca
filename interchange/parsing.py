"""Tolerant readers for the values of import files, legacy (version 1) and new (version 2).

Each reader returns the value in the model's terms or raises ValueError with a sentence that an
import report can show next to the record (docs/api.md §6.5).
"""

import datetime
import re
import uuid
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext, ngettext

from kernel.money import quantize_money
from kernel.schemas import MAX_MONEY

_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[Tt ].*)?", re.DOTALL)
_TRUE = {"1", "true", "yes"}
_FALSE = {"0", "false", "no", ""}


def parse_date(value) -> datetime.date | None:
    """Read "YYYY-MM-DD" or an ISO datetime (T or space, any fraction and offset): its date."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.date):
        return value if not isinstance(value, datetime.datetime) else value.date()
    match = _DATE.fullmatch(str(value).strip())
    if not match:
        raise ValueError(gettext("%(value)s is not a date (YYYY-MM-DD)") % {"value": repr(value)})
    try:
        return datetime.date.fromisoformat(match.group(1))
    except ValueError:
        raise ValueError(
            gettext("%(value)s is not a valid calendar date") % {"value": repr(value)}
        ) from None


def parse_datetime(value) -> datetime.datetime | None:
    """Read an ISO datetime with T or space, optional fraction and Z/offset; naive means UTC."""
    if value is None or value == "":
        return None
    text = str(value).strip().replace(" ", "T", 1)
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            gettext("%(value)s is not a date and time") % {"value": repr(value)}
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.UTC)
    return parsed.astimezone(datetime.UTC)


def parse_money(value, *, cost: bool = False) -> Decimal:
    """Read a price from a string or a number, rounded half-up to 2 places; it must be > 0.

    COST: the amount is a claim's cost, and the messages say so.
    """
    if isinstance(value, bool) or value is None or value == "":
        raise ValueError(
            gettext("the cost is missing") if cost else gettext("the price is missing")
        )
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(gettext("%(value)s is not an amount") % {"value": repr(value)}) from None
    if not amount.is_finite() or abs(amount) > MAX_MONEY:
        raise ValueError(
            gettext("%(value)s is not an amount this app can store") % {"value": repr(value)}
        )
    amount = quantize_money(amount)
    if amount <= 0:
        message = (
            gettext("the cost %(value)s is not more than zero")
            if cost
            else gettext("the price %(value)s is not more than zero")
        )
        raise ValueError(message % {"value": repr(value)})
    return amount


def parse_flag(value) -> bool:
    """Read tax_deductible: 0/1, true/false, "0"/"1" (missing means false)."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(gettext("%(value)s is neither 0 nor 1") % {"value": repr(value)})


def parse_enum(value, allowed: list[str]) -> str:
    """Read an enum value in any spelling: "ACTIVE", "active", "WarrantyStatus.ACTIVE".

    Returns the allowed value it names, in the allowed value's own case.
    """
    text = str(value).strip().rsplit(".", 1)[-1].lower()
    for choice in allowed:
        if choice.lower() == text:
            return choice
    raise ValueError(
        gettext("%(value)s is not one of %(allowed)s")
        % {"value": repr(value), "allowed": ", ".join(allowed)}
    )


def parse_id(value) -> uuid.UUID | None:
    """Read a record id: a UUID with or without dashes; anything else is None (a new id)."""
    if value is None:
        return None
    try:
        return uuid.UUID(str(value).strip())
    except ValueError:
        return None


def parse_text(value, *, max_length: int | None = None) -> str | None:
    """Read optional text: blank is None; longer than MAX_LENGTH is an error."""
    if value is None:
        return None
    text = str(value)
    if not text.strip():
        return None
    if max_length and len(text) > max_length:
        raise ValueError(text_too_long(max_length))
    return text


def text_too_long(max_length: int) -> str:
    return ngettext(
        "the text is longer than %(count)s character",
        "the text is longer than %(count)s characters",
        max_length,
    ) % {"count": max_length}
