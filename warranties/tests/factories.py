import datetime

import factory

from kernel.tests.factories import VersionedModelFactory
from purchases.tests.factories import PurchaseFactory
from warranties.models import Warranty


class WarrantyFactory(VersionedModelFactory):
    class Meta:
        model = Warranty

    purchase = factory.SubFactory(PurchaseFactory)
    warranty_start = factory.SelfAttribute("purchase.purchase_date")
    warranty_end = factory.LazyAttribute(lambda o: o.warranty_start + datetime.timedelta(days=365))
