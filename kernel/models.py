import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class TimeStampedModel(models.Model):
    """
    Base for every Spends Tracker table: a UUID primary key and UTC audit timestamps.

    `updated_at` stays null until the first change after creation (docs/api.md §4.1), and is
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


def _person(verbose_name: str):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=verbose_name,
    )


class AuthoredModel(models.Model):
    """Who recorded a row and who changed it last (purchases and warranties).

    Set by the services from the person acting; null for rows from imports, restores of unknown
    people, or deleted accounts.
    """

    created_by = _person("added by")
    updated_by = _person("changed by")

    class Meta:
        abstract = True


class DataVersion(models.Model):
    """A token that changes with every write to the household's data (`kernel.versioning`).

    Caches of derived figures (the dashboard's analytics) include it in their keys, so a figure
    computed before a write is never served after it. It is a random token rather than a counter
    so that a value seen inside a transaction that was rolled back is never used again.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    token = models.CharField(max_length=32)
    summarised = models.CharField(
        max_length=32,
        blank=True,
        help_text="The token the summaries were last brought up to (kernel.summaries).",
    )

    class Meta:
        verbose_name = "data version"

    def __str__(self):
        return self.token


class VersionedQuerySet(models.QuerySet):
    """The household's data, with helpers for the services' bulk writes.

    Writing through it changes nothing else: the services that write replace the data version
    themselves (`kernel.versioning.data_changed`).
    """

    def delete_in_batches(self, size: int = 2000) -> int:
        """Delete these rows a batch at a time; return how many went.

        Deleting rows that others cascade from makes Django load every one of them first; in
        batches, deleting 100,000 purchases takes the memory of 2,000. Call it in a transaction
        to keep it all-or-nothing.
        """
        deleted = 0
        while batch := list(self.values_list("pk", flat=True)[:size]):
            deleted += self.model.objects.filter(pk__in=batch).delete()[0]
        return deleted

    def update_each(self, changes) -> int:
        """Give each row its own values: CHANGES yields (primary key, {field: value}).

        One UPDATE per row. (Django's bulk_update builds a CASE per field over the whole batch,
        which costs far more in Python than these statements.)
        """
        return sum(self.filter(pk=pk).update(**values) for pk, values in changes)


class VersionedModel(TimeStampedModel):
    """The household's data, whose every change replaces the data version (see DataVersion).

    The services that write call `kernel.versioning.data_changed()`; saving or deleting an
    object does not (docs/architecture.md §3, "Writes").
    """

    objects = VersionedQuerySet.as_manager()

    class Meta:
        abstract = True


class Heartbeat(models.Model):
    """When a background process (the scheduler, the job worker) last said it was alive."""

    process = models.CharField(primary_key=True, max_length=20)
    beat_at = models.DateTimeField()

    def __str__(self):
        return f"{self.process} at {self.beat_at:%Y-%m-%d %H:%M:%S}"
