import datetime

import factory

from kernel.tests.factories import VersionedModelFactory
from purchases.tests.factories import PurchaseFactory
from warranties.models import Claim, Warranty


class WarrantyFactory(VersionedModelFactory):
    class Meta:
        model = Warranty

    purchase = factory.SubFactory(PurchaseFactory)
    warranty_start = factory.SelfAttribute("purchase.purchase_date")
    warranty_end = factory.LazyAttribute(lambda o: o.warranty_start + datetime.timedelta(days=365))


class ClaimFactory(VersionedModelFactory):
    class Meta:
        model = Claim

    warranty = factory.SubFactory(WarrantyFactory)
    opened_on = factory.LazyAttribute(lambda o: o.warranty.warranty_start)
    number = factory.Sequence(lambda n: f"RMA-{n}")
    currency_code = "USD"


def attachment_of(purchase, content: bytes = b"%PDF-1.7\n%%EOF\n", name: str = "receipt.pdf"):
    """An attachment of PURCHASE, added by the purchases service (blob and reference count)."""
    # Why here: the purchases service is the layer above warranties; tests may use any app.
    from django.core.files.uploadedfile import SimpleUploadedFile

    from purchases.services import attachment_add

    upload = SimpleUploadedFile(name, content, "application/pdf")
    return attachment_add(purchase=purchase, upload=upload, file_type="receipt")[0]
