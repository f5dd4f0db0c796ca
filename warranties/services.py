from django.db import transaction
from django.utils import timezone


@transaction.atomic
def warranties_set_voided(*, warranties, voided: bool) -> int:
    """Void (or un-void) the given warranties (a queryset); return how many changed."""
    return warranties.exclude(voided=voided).update(voided=voided, updated_at=timezone.now())
