import datetime
import uuid
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Literal

from pydantic import Field, PlainSerializer

from kernel.schemas import DateIn, Money, Schema

MONTH_ABBREVIATIONS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)


def month_label(month: datetime.date) -> str:
    """ "Mar 2025": English whatever the server's locale (docs/api.md §2.3)."""
    return f"{MONTH_ABBREVIATIONS[month.month - 1]} {month.year}"


Percentage = Annotated[
    Decimal,
    PlainSerializer(
        lambda value: float(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)),
        return_type=float,
    ),
]

Currency = Annotated[
    str | None,
    Field(
        None,
        pattern=r"^[A-Za-z]{3}$",
        description="Three-letter code: money figures and the purchase counts that go with them "
        "cover the purchases in this currency only, amounts in it. Without it: every purchase, "
        "amounts in the base currency (the currency setting) at each purchase's kept rate.",
    ),
]


class CurrencyQuery(Schema):
    currency: Currency = None


class SpendingQuery(CurrencyQuery):
    months: int | None = Field(
        None, ge=1, le=120, description="N calendar months ending this month, zero-filled."
    )


class PeriodQuery(CurrencyQuery):
    start_date: DateIn | None = Field(None, description="Default: the earliest purchase.")
    end_date: DateIn | None = Field(None, description="Default: today.")


class TimelineQuery(Schema):
    months: int | None = Field(
        None, ge=1, le=120, description="Only months within N months before or after this one."
    )


class LimitQuery(Schema):
    limit: int = Field(10, ge=1, le=100)


class CurrencyLimitQuery(CurrencyQuery, LimitQuery):
    pass


class TopProductsQuery(CurrencyLimitQuery):
    sort_by: Literal["count", "total_spent", "avg_price"] = Field(
        "count", description="Ranking, largest first (docs/api.md §9.12)."
    )


# What every money answer says about its currencies (docs/api.md §9.8), after its own fields:
# the counts are 0 with ?currency=.
CurrencyOut = Annotated[str, Field(description="The currency of the amounts.")]
BaseCurrencyOut = Annotated[str, Field(description="The household's base currency.")]
ConvertedCount = Annotated[
    int,
    Field(description="Without ?currency=: purchases in other currencies added at their rate."),
]
WithoutRateCount = Annotated[
    int, Field(description="Without ?currency=: purchases counted but not added, having no rate.")
]


class SummaryOut(Schema):
    total_spent: Money
    avg_price: Money = Field(description="Per purchase with an amount in the currency.")
    total_items: int
    active_warranties: int
    expiring_warranties: int = Field(description="Active, ending within 30 days.")
    expired_warranties: int
    tax_deductible_count: int
    other_currency_count: int = Field(
        description="Purchases in other currencies than `currency`: left out with ?currency=, "
        "converted (or without a rate) without it."
    )
    currency: CurrencyOut
    base_currency: BaseCurrencyOut
    converted_count: ConvertedCount
    without_rate_count: WithoutRateCount


class MonthOut(Schema):
    month: str = Field(description='"Mar 2025"')
    period: str = Field(description='"2025-03"')
    total_amount: Money
    item_count: int
    without_rate_count: int = 0

    @staticmethod
    def resolve_month(bucket) -> str:
        return month_label(bucket.month)

    @staticmethod
    def resolve_period(bucket) -> str:
        return f"{bucket.month:%Y-%m}"


class SpendingOut(Schema):
    spending_over_time: list[MonthOut]
    currency: CurrencyOut
    base_currency: BaseCurrencyOut
    converted_count: ConvertedCount = 0
    without_rate_count: WithoutRateCount = 0


class PeriodOut(SpendingOut):
    start_date: datetime.date
    end_date: datetime.date
    total_amount: Money
    item_count: int


class WarrantySummaryOut(Schema):
    active: int
    expired: int
    voided: int
    expiring_soon: int
    total: int


class TimelineMonthOut(Schema):
    month: str
    period: str
    active: int
    expired: int
    expiring_soon: int

    resolve_month = staticmethod(MonthOut.resolve_month)
    resolve_period = staticmethod(MonthOut.resolve_period)


class TimelineOut(Schema):
    timeline: list[TimelineMonthOut]
    summary: WarrantySummaryOut


class ShareOut(Schema):
    name: str
    count: int
    percentage: Percentage
    total_spent: Money
    without_rate_count: int = 0


class RetailerShareOut(ShareOut):
    retailer_name: str = Field(description="Same as name.")

    @staticmethod
    def resolve_retailer_name(share) -> str:
        return share.name


class BrandShareOut(ShareOut):
    brand_name: str = Field(description="Same as name.")

    @staticmethod
    def resolve_brand_name(share) -> str:
        return share.name


class DistributionOut(Schema):
    retailers: list[RetailerShareOut]
    brands: list[BrandShareOut]
    currency: CurrencyOut
    base_currency: BaseCurrencyOut
    converted_count: ConvertedCount = 0
    without_rate_count: WithoutRateCount = 0


class TopProductOut(Schema):
    product_name: str
    count: int
    total_spent: Money
    avg_price: Money
    without_rate_count: int = 0


class TopProductsOut(Schema):
    top_products: list[TopProductOut]
    currency: CurrencyOut
    base_currency: BaseCurrencyOut
    converted_count: ConvertedCount = 0
    without_rate_count: WithoutRateCount = 0


class ExpensivePurchaseOut(Schema):
    id: uuid.UUID
    product_name: str
    brand_name: str | None
    price: Money = Field(description="In the purchase's own currency_code.")
    currency_code: str
    amount: Money = Field(description="The price in the answer's currency.")
    purchase_date: datetime.date

    @staticmethod
    def resolve_brand_name(purchase) -> str | None:
        return purchase.brand.name if purchase.brand else None


class ExpensivePurchasesOut(Schema):
    purchases: list[ExpensivePurchaseOut]
    currency: CurrencyOut
    base_currency: BaseCurrencyOut
    converted_count: ConvertedCount = 0
    without_rate_count: WithoutRateCount = 0
