import factory

from catalog.models import Brand, Retailer
from kernel.tests.factories import VersionedModelFactory


class RetailerFactory(VersionedModelFactory):
    class Meta:
        model = Retailer

    name = factory.Sequence(lambda n: f"Retailer {n}")
    url = factory.LazyAttribute(lambda o: f"https://{o.name.lower().replace(' ', '-')}.example")


class BrandFactory(VersionedModelFactory):
    class Meta:
        model = Brand

    name = factory.Sequence(lambda n: f"Brand {n}")
    url = None
