import uuid

from django.db import models
from django.utils import timezone


class TimeStampedModel(models.Model):
    """
    Base for every Spends Tracker table: a UUID primary key and UTC audit timestamps.

    `updated_at` stays null until the first change after creation (as in the HTTP contract), and is
    not an `auto_now` field so that imports and restores can write the values an archive carries.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    updated_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.updated_at = timezone.now()
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "updated_at"}
        super().save(*args, **kwargs)
