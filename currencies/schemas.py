import datetime
import uuid
from decimal import Decimal
from typing import Annotated

from pydantic import Field, PlainSerializer

from currencies.models import RATE_DECIMAL_PLACES
from kernel.schemas import BodySchema, DateIn, PageQuery, Schema

# Units per euro out: a string with the six places the ECB publishes ("1.117200").
PerEuro = Annotated[
    Decimal,
    PlainSerializer(
        lambda value: str(value.quantize(Decimal(1).scaleb(-RATE_DECIMAL_PLACES))),
        return_type=str,
    ),
    Field(json_schema_extra={"type": "string", "pattern": r"^\d+\.\d{6}$"}),
]
# In: a number or a string; the service checks it and says what is wrong in words (422).
PerEuroIn = Annotated[
    Decimal | str,
    Field(description="Units of the currency one euro bought that day, > 0, at most 6 places."),
]


class ManualRateOut(Schema):
    id: uuid.UUID
    currency_code: str
    day: datetime.date
    per_euro: PerEuro
    source: str
    created_at: datetime.datetime
    updated_at: datetime.datetime | None


class ManualRateIn(BodySchema):
    currency_code: str = Field(max_length=16, description="ISO 4217, e.g. USD (not EUR).")
    day: DateIn | None = Field(None, description="The day the rate is for; not in the future.")
    per_euro: PerEuroIn | None = None


class ManualRatePatch(BodySchema):
    currency_code: str | None = Field(None, max_length=16)
    day: DateIn | None = None
    per_euro: PerEuroIn | None = None


class ManualRateQuery(PageQuery):
    currency: str | None = Field(None, max_length=16, description="Only this currency's rates.")


class ConversionQuery(Schema):
    currency: str = Field(max_length=16, description="The currency converted from (ISO 4217).")
    base: str | None = Field(
        None, max_length=16, description="The currency converted to; default: the household's."
    )
    day: DateIn | None = Field(None, description="The day of the rate; default: today.")
    amount: Decimal | None = Field(
        None, gt=0, lt=Decimal("1e12"), description="An amount to convert, if any."
    )


class ConversionOut(Schema):
    currency: str
    base: str
    rate: str = Field(description="Units of the base currency per 1 unit of the currency.")
    day: datetime.date | None = Field(description="The day the rate is from (null: same code).")
    source: str = Field(description="ECB, MANUAL (a manual rate took part) or SAME.")
    amount: str | None = Field(None, description="The amount sent, as sent.")
    converted: str | None = Field(
        None, description="The amount in the base currency, rounded half-up to its minor units."
    )
