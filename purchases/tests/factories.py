import datetime
from decimal import Decimal

import factory

from catalog.tests.factories import BrandFactory, RetailerFactory
from kernel.tests.factories import VersionedModelFactory
from preferences.selectors import preferred_currency_code
from purchases.conversions import CONVERSION_FIELDS, purchase_convert
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

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Converted as the services and imports convert (docs/currencies.md §6), at the rates
        # the test has loaded, unless the test gives the conversion itself.
        if "base_currency_code" not in kwargs:
            draft = model_class(**kwargs)
            purchase_convert(draft, base_code=preferred_currency_code())
            kwargs.update({field: getattr(draft, field) for field in CONVERSION_FIELDS})
        return super()._create(model_class, *args, **kwargs)
