import datetime
from decimal import Decimal

import factory

from catalog.tests.factories import BrandFactory, RetailerFactory
from kernel.tests.factories import VersionedModelFactory
from purchases.models import Purchase


class PurchaseFactory(VersionedModelFactory):
    class Meta:
        model = Purchase

    product_name = factory.Sequence(lambda n: f"Product {n}")
    price = factory.Faker("pydecimal", left_digits=4, right_digits=2, min_value=Decimal("0.01"))
    currency_code = "USD"
    retailer = factory.SubFactory(RetailerFactory)
    brand = factory.SubFactory(BrandFactory)
    purchase_date = factory.Faker(
        "date_between", start_date=datetime.date(2020, 1, 1), end_date=datetime.date(2025, 12, 31)
    )
