"""Column mappings a household saved for the spreadsheets it imports (docs/importing.md §3).

They are how this installation reads other files, not the household's records: exports,
backups and resets leave them alone.
"""

from django.db import models

from kernel.models import AuthoredModel, TimeStampedModel


class SavedMapping(AuthoredModel, TimeStampedModel):
    """A mapping (interchange/mapping.py's JSON shape) under a name the person chose."""

    name = models.CharField(max_length=100, unique=True)
    mapping = models.JSONField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
