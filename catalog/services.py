from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from catalog.defaults import DEFAULT_BRANDS, DEFAULT_RETAILERS
from catalog.models import Brand, CatalogEntry, Retailer
from kernel.versioning import data_changed


def _entry_get_or_create(model: type[CatalogEntry], *, name: str, url: str | None = None):
    """Return (entry, created) for NAME, matched ignoring case and surrounding spaces."""
    name = name.strip()
    existing = model.objects.named(name).first()
    if existing is not None:
        return existing, False
    try:
        # The savepoint keeps an outer transaction usable if another writer won the race.
        with transaction.atomic():
            entry = model.objects.create(name=name, url=url)
            data_changed()
            return entry, True
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


class NameTaken(Exception):
    """Another retailer (or brand) already has this name, ignoring case."""


def _name_taken(entry: CatalogEntry, name: str) -> str:
    """The refusal of a name taken, one sentence per kind (the article differs by language)."""
    if isinstance(entry, Brand):
        return gettext("A brand named %(name)s already exists.") % {"name": repr(name)}
    return gettext("A retailer named %(name)s already exists.") % {"name": repr(name)}


@transaction.atomic
def catalog_entry_update(*, entry: CatalogEntry, data: dict) -> CatalogEntry:
    """Rename and/or re-link ENTRY with the `name` and `url` in DATA.

    Raises NameTaken when another entry of the same kind has the new name (ignoring case);
    changing only the case of an entry's own name is allowed.
    """
    if "name" in data:
        name = data["name"].strip()
        if type(entry).objects.named(name).exclude(pk=entry.pk).exists():
            raise NameTaken(_name_taken(entry, name))
        entry.name = name
    if "url" in data:
        entry.url = data["url"]
    entry.full_clean(validate_unique=False, validate_constraints=False)
    entry.save()
    data_changed()
    return entry


@transaction.atomic
def catalog_entry_delete(*, entry: CatalogEntry) -> None:
    """Delete ENTRY; the purchases that pointed at it keep existing without it."""
    entry.delete()
    data_changed()


@transaction.atomic
def catalog_entries_delete(*, entries) -> int:
    """Delete the given retailers or brands (a queryset); return how many went.

    Their purchases stay, without the retailer or brand (the database sets it to null); the
    dashboard's rollups, which count by retailer and brand, are rebuilt by their next reader.
    """
    deleted = entries.model.objects.filter(pk__in=list(entries.values_list("pk", flat=True)))
    count = deleted.delete()[1].get(entries.model._meta.label, 0)
    data_changed()
    return count


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
