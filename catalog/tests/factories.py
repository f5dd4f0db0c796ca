import factory

from catalog.models import Brand, Retailer


class RetailerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Retailer

    name = factory.Sequence(lambda n: f"Retailer {n}")
    url = factory.LazyAttribute(lambda o: f"https://{o.name.lower().replace(' ', '-')}.example")


class BrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brand

    name = factory.Sequence(lambda n: f"Brand {n}")
    url = None
