import datetime

from kernel import clock
from warranties.models import EXPIRING_SOON_DAYS, Warranty


def warranty_list(
    *,
    status: str | None = None,
    expiring_soon: bool | None = None,
    purchase_id=None,
    today: datetime.date | None = None,
):
    """Return warranties with their effective status and purchase, soonest end first.

    EXPIRING_SOON true keeps the active ones ending within 30 days; false drops them.
    """
    today = today or clock.today()
    warranties = Warranty.objects.with_status(today).select_related(
        "purchase", "created_by", "updated_by"
    )
    if status:
        warranties = warranties.in_status(status, today)
    if expiring_soon is not None:
        expiring_ids = Warranty.objects.expiring(EXPIRING_SOON_DAYS, today).values("id")
        warranties = (
            warranties.filter(id__in=expiring_ids)
            if expiring_soon
            else warranties.exclude(id__in=expiring_ids)
        )
    if purchase_id:
        warranties = warranties.filter(purchase_id=purchase_id)
    return warranties.order_by("warranty_end", "created_at", "id")


def warranty_list_expiring(*, days: int, today: datetime.date | None = None):
    """Return the active warranties ending between TODAY and TODAY + DAYS, soonest first."""
    today = today or clock.today()
    return (
        Warranty.objects.expiring(days, today)
        .with_status(today)
        .select_related("purchase", "created_by", "updated_by")
        .order_by("warranty_end", "created_at", "id")
    )
