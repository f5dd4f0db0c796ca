from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Lower, Trim

from kernel.links import validate_web_link
from kernel.models import VersionedModel, VersionedQuerySet


class CatalogEntryQuerySet(VersionedQuerySet):
    def named(self, name: str):
        """Return the entries whose name equals NAME ignoring case and surrounding spaces.

        Both sides are lowered by the database, the same way as the unique constraint does it, so
        a lookup finds exactly the row that the constraint would collide with.
        """
        return self.alias(name_lower=Lower("name")).filter(name_lower=Lower(Value(name.strip())))


class CatalogEntry(VersionedModel):
    """A named place or maker that purchases point at.

    Names are unique ignoring case and are stored trimmed; both rules are database constraints.
    (SQLite lowers ASCII letters only, so there "Café" and "CAFÉ" are two names; PostgreSQL folds
    both.)
    """

    name = models.CharField(max_length=255)
    url = models.CharField(
        "URL", max_length=255, null=True, blank=True, validators=[validate_web_link]
    )

    objects = CatalogEntryQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = [Lower("name")]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="%(app_label)s_%(class)s_name_unique_ci",
                violation_error_message="This name is already taken (names ignore case).",
            ),
            models.CheckConstraint(
                condition=Q(name=Trim("name")) & ~Q(name=""),
                name="%(app_label)s_%(class)s_name_trimmed",
                violation_error_message="The name must not be empty or start or end with spaces.",
            ),
        ]

    def __str__(self):
        return self.name


class Retailer(CatalogEntry):
    """Where something was bought (a shop, a web store, a market stall)."""

    class Meta(CatalogEntry.Meta):
        pass


class Brand(CatalogEntry):
    """Who made the thing that was bought."""

    class Meta(CatalogEntry.Meta):
        pass
