from django.db import models

from kernel.models import VersionedModel


class Preference(VersionedModel):
    """One stored household-wide setting; keys without a row take their default.

    A key-value table rather than one column per setting, so later features (reminders, backup
    schedule) add keys without a migration, and "reset to default" is deleting the row.
    """

    key = models.CharField(max_length=100, unique=True)
    value = models.TextField(blank=True)

    class Meta:
        ordering = ["key"]

    def __str__(self):
        return f"{self.key} = {self.value}"
