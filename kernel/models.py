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
    """A token that changes with every write to the household's data.

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


def data_version() -> str:
    """Return the current data version token (one indexed read)."""
    token = DataVersion.objects.filter(pk=1).values_list("token", flat=True).first()
    return token or "none"


def data_changed() -> None:
    """Give the data a new version; call it in the transaction that writes."""
    token = uuid.uuid4().hex
    if not DataVersion.objects.filter(pk=1).update(token=token):
        DataVersion.objects.update_or_create(pk=1, defaults={"token": token})


class VersionedQuerySet(models.QuerySet):
    """A queryset whose bulk writes change the data version (see DataVersion)."""

    def update(self, **kwargs):
        changed = super().update(**kwargs)
        data_changed()
        return changed

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        data_changed()
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        changed = super().bulk_update(objs, fields, *args, **kwargs)
        data_changed()
        return changed

    def delete(self):
        deleted = super().delete()
        data_changed()
        return deleted

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

        One UPDATE per row and one new data version in all. (Django's bulk_update builds a CASE
        per field over the whole batch, which costs far more in Python than these statements.)
        """
        changed = sum(
            models.QuerySet.update(self.filter(pk=pk), **values) for pk, values in changes
        )
        data_changed()
        return changed


class VersionedModel(TimeStampedModel):
    """The household's data: every save or delete changes the data version."""

    objects = VersionedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        data_changed()

    def delete(self, *args, **kwargs):
        deleted = super().delete(*args, **kwargs)
        data_changed()
        return deleted


class Heartbeat(models.Model):
    """When a background process (the scheduler, the job worker) last said it was alive."""

    process = models.CharField(primary_key=True, max_length=20)
    beat_at = models.DateTimeField()

    def __str__(self):
        return f"{self.process} at {self.beat_at:%Y-%m-%d %H:%M:%S}"
