from django.db import IntegrityError, transaction

from catalog.defaults import DEFAULT_BRANDS, DEFAULT_RETAILERS
from catalog.models import Brand, CatalogEntry, Retailer


def _entry_get_or_create(model: type[CatalogEntry], *, name: str, url: str | None = None):
    """Return (entry, created) for NAME, matched ignoring case and surrounding spaces."""
    name = name.strip()
    existing = model.objects.named(name).first()
    if existing is not None:
        return existing, False
    try:
        # The savepoint keeps an outer transaction usable if another writer won the race.
        with transaction.atomic():
            return model.objects.create(name=name, url=url), True
    except IntegrityError:
        existing = model.objects.named(name).first()
        if existing is None:
            raise
        return existing, False


def retailer_get_or_create(*, name: str, url: str | None = None) -> tuple[Retailer, bool]:
    """Return the retailer called NAME (any case), creating it with URL if there is none."""
    return _entry_get_or_create(Retailer, name=name, url=url)


def brand_get_or_create(*, name: str, url: str | None = None) -> tuple[Brand, bool]:
    """Return the brand called NAME (any case), creating it with URL if there is none."""
    return _entry_get_or_create(Brand, name=name, url=url)


@transaction.atomic
def catalog_load_defaults() -> dict[str, int]:
    """Add the default retailers and brands that are missing; return how many of each were added.

    Existing entries (matched by name) are left exactly as the user keeps them.
    """
    added = {"retailers": 0, "brands": 0}
    for name, url in DEFAULT_RETAILERS:
        added["retailers"] += retailer_get_or_create(name=name, url=url)[1]
    for name, url in DEFAULT_BRANDS:
        added["brands"] += brand_get_or_create(name=name, url=url)[1]
    return added
