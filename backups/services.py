from django.db import transaction

from catalog.models import Brand, Retailer
from preferences.models import Preference
from purchases.models import Attachment, Purchase
from purchases.services import attachments_delete
from warranties.models import Warranty


@transaction.atomic
def data_reset_all() -> dict[str, int]:
    """Delete every purchase, warranty, retailer, brand and stored setting, all or nothing.

    Returns how many rows of each kind were deleted, and how many stored files
    (`uploads_deleted`, removed once the deletion has committed). User accounts, API tokens and
    stored backups are kept (decision D6).
    """
    deleted = {
        "uploads_deleted": attachments_delete(attachments=Attachment.objects.all()),
        "warranties": Warranty.objects.all().delete()[0],
        "purchases": Purchase.objects.all().delete()[0],
        "retailers": Retailer.objects.all().delete()[0],
        "brands": Brand.objects.all().delete()[0],
        "settings": Preference.objects.all().delete()[0],
    }
    return deleted
