from django.db import transaction
from django.utils import timezone

from purchases.models import PurchaseStatus


@transaction.atomic
def purchases_mark_received(*, purchases) -> int:
    """Mark the given purchases (a queryset) as received; return how many changed."""
    return purchases.exclude(status=PurchaseStatus.RECEIVED).update(
        status=PurchaseStatus.RECEIVED, updated_at=timezone.now()
    )
