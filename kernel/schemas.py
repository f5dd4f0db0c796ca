"""Wire types shared by every app's API schemas (docs/api.md §2)."""

import datetime
import math
import re
import uuid
from decimal import Decimal
from typing import Annotated, Any, Generic, Literal, TypeVar

from django.db.models import Count, Model, Subquery, Window
from django.utils.translation import gettext
from ninja import Schema as NinjaSchema
from ninja.errors import HttpError
from ninja.schema import DjangoGetter
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError

from kernel.links import web_link_check
from kernel.money import ISO_4217_CODES, quantize_money

MAX_MONEY = Decimal("99999999.99")


def _money_in(value: Decimal) -> Decimal:
    # Compare before rounding: quantizing an astronomically large number fails.
    if not value.is_finite() or abs(value) > MAX_MONEY:
        raise PydanticCustomError("money_too_large", f"must be a number of at most {MAX_MONEY}")
    return quantize_money(value)


def _positive(value: Decimal) -> Decimal:
    if value <= 0:
        raise PydanticCustomError("not_positive", "must be greater than 0")
    return value


# Money (docs/api.md §2.2) out: a string with exactly two decimals. In: a JSON number or string,
# rounded half-up.
Money = Annotated[
    Decimal,
    PlainSerializer(lambda value: str(quantize_money(value)), return_type=str),
    Field(json_schema_extra={"type": "string", "pattern": r"^-?\d+\.\d{2}$"}),
]
PriceIn = Annotated[
    Decimal,
    AfterValidator(_money_in),
    AfterValidator(_positive),
    Field(description="Amount, as a number or a string; rounded half-up to 2 places; > 0."),
]


def _not_negative(value: Decimal) -> Decimal:
    if value < 0:
        raise PydanticCustomError("not_negative", "must be 0 or more")
    return value


# An amount that may be zero (a warranty claim's cost): like PriceIn, but 0 or more.
AmountIn = Annotated[
    Decimal,
    AfterValidator(_money_in),
    AfterValidator(_not_negative),
    Field(description="Amount, as a number or a string; rounded half-up to 2 places; 0 or more."),
]


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[Tt ].*)?", re.DOTALL)


def _date_part(value: Any) -> Any:
    """Accept "YYYY-MM-DD", or a full ISO datetime whose date is kept (docs/api.md §2.3).

    Stricter than pydantic's lax mode, which would read numbers as Unix timestamps.
    """
    if isinstance(value, datetime.date):
        return value
    # Error types of their own, so that spends_tracker/validation.py words each for people.
    if value is None or (isinstance(value, str) and not value.strip()):
        raise PydanticCustomError("date_missing", "a date is required")
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise PydanticCustomError("date_format", "must be a date as YYYY-MM-DD")
    return value[:10]


DateIn = Annotated[datetime.date, BeforeValidator(_date_part)]


def _flag(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
        return int(value.strip().lower() == "true")
    return value


# The legacy dashboard sends and reads 0/1 (docs/api.md §2.4); true/false are accepted too.
Flag = Annotated[int, BeforeValidator(_flag), Field(ge=0, le=1)]


def _empty_to_none(value: Any) -> Any:
    return None if value == "" else value


def _stripped_not_empty(value: str) -> str:
    value = value.strip()
    if not value:
        raise PydanticCustomError("empty", "must not be empty")
    return value


def required_name(max_length: int = 255):
    """A required name of 1 to MAX_LENGTH characters, stored without surrounding spaces."""
    return Annotated[
        str, Field(min_length=1, max_length=max_length), AfterValidator(_stripped_not_empty)
    ]


def fields_sent(payload: BaseModel, *, not_null: set[str]) -> dict:
    """Return the fields a client sent in PAYLOAD, minus nulls for the NOT_NULL fields.

    A null for a field that cannot be empty means "take the default" (create) or "leave it as it
    is" (update); a null for an optional field clears it.
    """
    return {
        key: value
        for key, value in payload.model_dump(exclude_unset=True).items()
        if value is not None or key not in not_null
    }


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return value


def optional_text(max_length: int | None = None):
    """Optional free text of at most MAX_LENGTH characters; blank text counts as null."""
    text = Annotated[str, Field(max_length=max_length)] if max_length else str
    return Annotated[text | None, BeforeValidator(_blank_to_none)]


def web_link(max_length: int, *, blank_is_null: bool = True):
    """An optional http or https address of at most MAX_LENGTH characters (kernel/links.py).

    With BLANK_IS_NULL blank text counts as null; otherwise it is kept as it was sent.
    """
    text = Annotated[str, Field(max_length=max_length)] | None
    blank = [BeforeValidator(_blank_to_none)] if blank_is_null else []
    return Annotated[text, *blank, AfterValidator(web_link_check)]


_ABSENT = object()
# Values DjangoGetter would pass on unchanged (not managers, querysets, callables or files).
_AS_IS = frozenset(
    {str, int, bool, float, Decimal, datetime.date, datetime.datetime, uuid.UUID, list, type(None)}
)


def _reading_plan(schema) -> list[tuple[str, Any]]:
    """(attribute, resolver or None) for each field of SCHEMA; empty when a field has an alias
    that is not a plain name (a path or choices), which only ninja's way reads."""
    plan = []
    for name, field in schema.model_fields.items():
        alias = field.validation_alias or field.alias or name
        if not isinstance(alias, str):
            return []
        plan.append((alias, schema._ninja_resolvers.get(name)))
    return plan


class Schema(NinjaSchema):
    """Base of every API schema: ninja's, reading a model object's fields in one pass.

    ninja wraps the object in a `DjangoGetter`, which pydantic asks for each field through
    `__getattr__`, each answer checked for managers, querysets, callables and files: at 100,000
    purchases that was a fifth of a page of purchases' time (docs/performance.md). For a model
    object this reads each field once into a dict, with the schema's `resolve_*` functions and
    the same conversions, and lets pydantic validate the dict. Anything else (dicts, plain
    objects) takes ninja's way. A field the object lacks is left out, so that its default holds,
    as ninja's AttributeError did.
    """

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values: Any, handler, info: ValidationInfo) -> Any:
        plan = cls.__dict__.get("_field_plan")
        if plan is None:
            plan = cls._field_plan = _reading_plan(cls)
        if not plan or not isinstance(values, Model):
            return super()._run_root_validator(values, handler, info)
        getter = DjangoGetter(values, cls, info.context)
        fields = {}
        for name, resolver in plan:
            value = resolver(getter) if resolver else getattr(values, name, _ABSENT)
            if type(value) in _AS_IS:
                fields[name] = value
            elif value is not _ABSENT:
                fields[name] = getter._convert_result(value)
        return handler(fields)


class BodySchema(BaseModel):
    """Base of request bodies: a JSON object (anything else is a 422); unknown keys are ignored.

    A plain pydantic model rather than ninja's Schema, whose attribute-reading validator would
    accept a JSON array as an object with every field missing.
    """

    model_config = ConfigDict(extra="ignore")


# Query filters where an empty value means "no filter" (e.g. `?retailer_id=`).
OptionalUUIDQuery = Annotated[uuid.UUID | Literal[""] | None, AfterValidator(_empty_to_none)]
OptionalDateQuery = Annotated[
    datetime.date | Literal[""] | None,
    BeforeValidator(lambda value: None if value == "" else _date_part(value)),
]


class ErrorOut(Schema):
    detail: str


class ValidationErrorItem(Schema):
    type: str
    loc: list[str | int]
    msg: str


class ValidationErrorOut(Schema):
    detail: list[ValidationErrorItem]


class MessageOut(Schema):
    message: str


# Errors every authenticated route can answer with (documented so schema-driven clients know):
# 400 an unparseable request, 401 no valid credentials, 403 a role that does not allow the
# operation (its x-required-role says which does) or a session request without its CSRF
# token, 422 request validation.
COMMON_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ValidationErrorOut}
NOT_FOUND = {404: ErrorOut}

ItemT = TypeVar("ItemT")


class Page(Schema, Generic[ItemT]):
    """The pagination envelope of docs/api.md §2.7."""

    items: list[ItemT]
    total: int
    page: int
    limit: int
    pages: int


def rows_by_keys(queryset, skip: int, limit: int, shown):
    """Rows SKIP to SKIP + LIMIT of QUERYSET, as the SHOWN queryset loads them.

    The page's primary keys are chosen in a subquery that sorts the matching rows reading only
    what it orders by; SHOWN (with its joins and prefetches) then reads those rows alone. Both
    databases otherwise join every match before sorting: on SQLite 36 of a 57 ms search at
    100,000 purchases; on PostgreSQL a ranked search of 12,000 matches sorted them with all
    their joined columns (50 ms, 16 ms by key). Still one query.
    """
    keys = queryset.values("pk")[skip : skip + limit]
    return shown.filter(pk__in=Subquery(keys)).order_by(*queryset.query.order_by)


def page_and_total_by_keys(queryset, skip: int, limit: int, shown) -> tuple[list, int]:
    """Rows SKIP to SKIP + LIMIT of QUERYSET as SHOWN loads them, and how many rows it has.

    For a search, where finding the matches is the dear part: the page's keys and the number of
    matches come from one pass over them (`COUNT(*) OVER ()` beside the keys), and SHOWN reads
    the page's rows by key. A COUNT and a page each found the matches: at 100,000 purchases a
    rare serial number's trigrams (`000` is in every one) took 9 ms to find, twice. Not for
    plain lists: an index gives their first rows without reading every match, which a window
    over all of them would. Two queries, as a COUNT and a page are; a third only when SKIP is
    past the last match (the count then comes alone).
    """
    keys = list(
        queryset.annotate(matches=Window(Count("pk"))).values_list("pk", "matches")[
            skip : skip + limit
        ]
    )
    if not keys:
        return [], queryset.count() if skip else 0
    return rows_in_order(shown, [key for key, _matches in keys]), keys[0][1]


def rows_in_order(shown, keys: list) -> list:
    """The rows of the SHOWN queryset whose primary keys are KEYS, in that order."""
    rows = {row.pk: row for row in shown.filter(pk__in=keys)}
    return [rows[key] for key in keys if key in rows]


def paginate(
    queryset, *, skip: int, limit: int, shown=None, searched: bool = False, keys=None
) -> dict:
    """Return one page of QUERYSET in the envelope shape: one COUNT and one SELECT.

    With SHOWN, the page's rows are loaded by that queryset (see `rows_by_keys`), and for a
    SEARCHED queryset counted in the same pass (`page_and_total_by_keys`). KEYS, when the
    caller found the page's primary keys a cheaper way (the purchases' search: its best
    matches among the newest purchases), are the page: SHOWN reads them, and QUERYSET is
    counted.
    """
    if keys is not None:
        items, total = rows_in_order(shown, keys), queryset.count()
    elif shown is not None and searched:
        items, total = page_and_total_by_keys(queryset, skip, limit, shown)
    else:
        total = queryset.count()
        if shown is None:
            items = list(queryset[skip : skip + limit])
        else:
            items = list(rows_by_keys(queryset, skip, limit, shown))
    return {
        "items": items,
        "total": total,
        "page": skip // limit + 1,
        "limit": limit,
        "pages": math.ceil(total / limit),
    }


class PageQuery(Schema):
    """`skip` and `limit` (docs/api.md §2.7); limits outside 1..100 answer 422."""

    skip: int = Field(0, ge=0, le=1_000_000_000, description="Offset of the first item.")
    limit: int = Field(20, ge=1, le=100, description="Page size, 1 to 100 (default 20).")


def get_or_404(queryset, object_id: str, message: str):
    """Return the row of QUERYSET with primary key OBJECT_ID; 404 also for a malformed id.

    MESSAGE may be a lazy translation (a module constant): it is written in the request's
    language here.
    """
    try:
        return queryset.get(pk=uuid.UUID(str(object_id)))
    except (ValueError, queryset.model.DoesNotExist):
        raise HttpError(404, str(message)) from None


def iso_currency_code(value: str | None) -> str | None:
    """Return VALUE in upper case if it is an ISO 4217 code (kernel.money); refuse it otherwise.

    The check of every currency a client sends (purchases, claims). Values stored before the
    check keep their code and still show (preferences/formats.py).
    """
    if not value:
        return value
    if value.upper() not in ISO_4217_CODES:
        raise ValueError(
            gettext(
                "%(code)s is not a currency code: use the three letters of ISO 4217, such as "
                "USD, EUR or JPY."
            )
            % {"code": value}
        )
    return value.upper()
