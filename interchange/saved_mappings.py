"""Saving, listing and deleting the household's column mappings (docs/importing.md §3)."""

import uuid

from django.db import transaction
from django.utils import timezone

from interchange.mapping import Mapping, preset, preset_names
from interchange.models import SavedMapping


def mapping_save(*, name: str, mapping: Mapping, actor=None) -> SavedMapping:
    """Keep MAPPING under NAME, replacing a saved mapping of that name."""
    name = " ".join(name.split())[:100]
    stored = {**mapping.as_dict(), "name": name}
    with transaction.atomic():
        saved = SavedMapping.objects.select_for_update().filter(name=name).first()
        if saved is None:
            return SavedMapping.objects.create(name=name, mapping=stored, created_by=actor)
        saved.mapping = stored
        saved.updated_by = actor
        saved.updated_at = timezone.now()
        saved.save(update_fields=["mapping", "updated_by", "updated_at"])
        return saved


def mapping_delete(*, mapping_id: uuid.UUID) -> bool:
    """Delete a saved mapping; False when there was none with that id."""
    deleted, _ = SavedMapping.objects.filter(pk=mapping_id).delete()
    return bool(deleted)


def mapping_choices() -> list[dict]:
    """The shipped presets, then the saved mappings: what the preview's list offers."""
    shipped = [
        {"id": stem, "name": name, "kind": "preset", "mapping": preset(stem).as_dict()}
        for stem, name in preset_names().items()
    ]
    saved = [
        {"id": str(row.pk), "name": row.name, "kind": "saved", "mapping": row.mapping}
        for row in SavedMapping.objects.all()
    ]
    return shipped + saved
