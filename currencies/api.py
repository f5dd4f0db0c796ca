"""Exchange rates (docs/api.md §5.14): the manual rates, and a conversion preview."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import Query, Router, Status
from ninja.errors import HttpError

from currencies.schemas import (
    ConversionOut,
    ConversionQuery,
    ManualRateIn,
    ManualRateOut,
    ManualRatePatch,
    ManualRateQuery,
)
from currencies.selectors import MAX_LOOKBACK_DAYS, amount_convert, manual_rate_list, rate_on
from currencies.services import manual_rate_create, manual_rate_delete, manual_rate_update
from kernel.clock import today
from kernel.schemas import COMMON_ERRORS, NOT_FOUND, ErrorOut, Page, get_or_404, paginate
from preferences.selectors import preferred_currency_code

router = Router(tags=["Exchange rates"])


@router.get("/rates", response={200: Page[ManualRateOut], **COMMON_ERRORS})
def list_rates(request, query: Query[ManualRateQuery]):
    """The manual rates, newest day first (the ECB's are not listed: there are 200,000)."""
    return paginate(
        manual_rate_list(currency_code=query.currency), skip=query.skip, limit=query.limit
    )


@router.post("/rates", response={201: ManualRateOut, **COMMON_ERRORS})
def create_rate(request, payload: ManualRateIn):
    """Enter a rate by hand; it overrides the ECB's of the same currency and day."""
    rate = manual_rate_create(actor=request.user, **payload.model_dump())
    return Status(201, rate)


# Declared before /rates/{rate_id}, so that "convert" is never read as an id.
@router.get("/rates/convert", response={200: ConversionOut, 404: ErrorOut, **COMMON_ERRORS})
def convert(request, query: Query[ConversionQuery]):
    """The rate from `currency` to `base` on `day`, the day it is from and its source; with
    `amount`, the amount converted. 404 when there is no usable rate."""
    base = query.base or preferred_currency_code()
    day = query.day or today()
    if query.amount is None:
        rate = rate_on(currency_code=query.currency, base_code=base, day=day)
        converted = None
    else:
        conversion = amount_convert(
            amount=query.amount, currency_code=query.currency, base_code=base, day=day
        )
        rate, converted = (conversion.rate, conversion.amount) if conversion else (None, None)
    if rate is None:
        message = ngettext(
            "No exchange rate from %(currency)s to %(base)s on %(day)s or in the %(days)s day "
            "before.",
            "No exchange rate from %(currency)s to %(base)s on %(day)s or in the %(days)s days "
            "before.",
            MAX_LOOKBACK_DAYS,
        )
        words = {"currency": query.currency.upper(), "base": base.upper(), "day": day}
        raise HttpError(404, message % {**words, "days": MAX_LOOKBACK_DAYS})
    return {
        "currency": query.currency.strip().upper(),
        "base": base.strip().upper(),
        "rate": str(rate.rate),
        "day": rate.day,
        "source": rate.source,
        "amount": None if query.amount is None else str(query.amount),
        "converted": None if converted is None else str(converted),
    }


@router.api_operation(
    ["PUT", "PATCH"],
    "/rates/{rate_id}",
    response={200: ManualRateOut, **NOT_FOUND, **COMMON_ERRORS},
)
def update_rate(request, rate_id: str, payload: ManualRatePatch):
    """Change a manual rate; the fields not sent (or null) stay."""
    rate = get_or_404(manual_rate_list(), rate_id, _("Manual rate not found"))
    return manual_rate_update(actor=request.user, rate=rate, **payload.model_dump())


@router.delete("/rates/{rate_id}", response={204: None, **NOT_FOUND, **COMMON_ERRORS})
def delete_rate(request, rate_id: str):
    """Delete a manual rate: the ECB's rate of its day, if any, applies again."""
    manual_rate_delete(
        actor=request.user, rate=get_or_404(manual_rate_list(), rate_id, _("Manual rate not found"))
    )
    return Status(204, None)
