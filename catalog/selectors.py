from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower

from catalog.models import Brand, Retailer


def retailer_list():
    """Return retailers by name (ignoring case), each with `is_brand`: a same-named brand exists."""
    same_name_brand = Brand.objects.alias(name_lower=Lower("name")).filter(
        name_lower=Lower(OuterRef("name"))
    )
    return Retailer.objects.annotate(is_brand=Exists(same_name_brand)).order_by(Lower("name"), "id")


def brand_list():
    return Brand.objects.order_by(Lower("name"), "id")
