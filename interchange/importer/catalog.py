"""Retailers and brands of an import file: added, updated, or merged into one of the same name."""

import uuid

from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from catalog.models import CatalogEntry, Retailer
from interchange import records
from interchange.importer.base import BATCH, ImportBase, label_of, shown
from interchange.parsing import parse_id
from interchange.records import RecordError, record_key
from interchange.reports import skipped_because

# What the import says of a retailer or a brand: a sentence for each, as languages give the
# two words different genders.
_SAID = {
    "retailers": {
        "merged": gettext_noop(
            "%(record)s: the name %(name)s matches the retailer %(match)s; merged into it"
        ),
        "not_renamed": gettext_noop(
            "%(record)s: not renamed to %(name)s, which another retailer has"
        ),
        "no_such": gettext_noop("%(record)s: retailer_id %(id)s refers to no retailer; left empty"),
    },
    "brands": {
        "merged": gettext_noop(
            "%(record)s: the name %(name)s matches the brand %(match)s; merged into it"
        ),
        "not_renamed": gettext_noop("%(record)s: not renamed to %(name)s, which another brand has"),
        "no_such": gettext_noop("%(record)s: brand_id %(id)s refers to no brand; left empty"),
    },
}


class CatalogImport(ImportBase):
    """Imports retailers and brands, and resolves a purchase's references to them."""

    def _name_map(self, model) -> dict[str, uuid.UUID]:
        if model not in self.names:
            self.names[model] = {
                name.lower(): pk for pk, name in model.objects.values_list("pk", "name")
            }
        return self.names[model]

    def _entry_named(self, model, name: str) -> uuid.UUID | None:
        """The id of the entry called NAME, ignoring case as the database's constraint does."""
        names = self._name_map(model)
        key = name.strip().lower()
        if key not in names:
            match = model.objects.named(name).values_list("pk", flat=True).first()
            if match is None:
                return None
            names[key] = match
        return names[key]

    def catalog(self, model: type[CatalogEntry], items: list) -> None:
        kind = "retailers" if model is Retailer else "brands"
        noun = "retailer" if model is Retailer else "brand"
        items = [
            item if isinstance(item, tuple) else (label_of(noun, index, item), item)
            for index, item in enumerate(items, 1)
        ]
        self._load_existing(model, (parse_id(r.get("id")) for _, r in items if isinstance(r, dict)))
        new = []
        for label, record in items:
            if not isinstance(record, dict):
                self.report.error(skipped_because(label, gettext("is not an object")))
                continue
            key, uid = record_key(record.get("id"))
            try:
                values = records.catalog_entry_fields(record, lossless=self.lossless)
            except RecordError as error:
                self.report.error(skipped_because(label, error))
                continue
            if self._claimed(kind, key, label):
                continue
            if uid in self.present[model]:
                self.ids[kind][key] = uid
                if self.update:
                    self._update_entry(model, uid, values, label)
                else:
                    self.counts[f"{kind}_skipped_existing"] += 1
                self.report.outcome(label, "update" if self.update else "skip", uid)
                continue
            match = self._entry_named(model, values["name"])
            if match is not None:
                if key is not None:
                    self.ids[kind][key] = match
                self.counts[f"{kind}_merged"] += 1
                self.report.outcome(label, "skip", match)
                self.report.warn(
                    gettext(_SAID[kind]["merged"])
                    % {"record": label, "name": repr(values["name"]), "match": match}
                )
                continue
            uid = uid or self._new_id(key, label)
            if key is not None:
                self.ids[kind][key] = uid
            self._name_map(model)[values["name"].lower()] = uid
            new.append(model(id=uid, **values))
            self.report.outcome(label, "new", uid)
        model.objects.bulk_create(new, batch_size=BATCH)
        self.counts[f"{kind}_added"] += len(new)
        self.progress(noun.capitalize() + "s", len(items), len(items))

    def _update_entry(self, model, uid: uuid.UUID, values: dict, label: str) -> None:
        kind = "retailers" if model is Retailer else "brands"
        owner = self._entry_named(model, values["name"])
        if owner not in (None, uid):
            self.report.warn(
                gettext(_SAID[kind]["not_renamed"])
                % {"record": label, "name": repr(values["name"])}
            )
            del values["name"]
        values["updated_at"] = values["updated_at"] or timezone.now()
        model.objects.filter(pk=uid).update(**values)
        self.counts[f"{kind}_updated"] += 1

    def _catalog_ref(self, model, key: str | None, name, label: str) -> uuid.UUID | None:
        """Resolve a purchase's retailer or brand: by the file's id, else by name (created)."""
        kind = "retailers" if model is Retailer else "brands"
        if key is not None:
            if key in self.ids[kind]:
                return self.ids[kind][key]
            if self._exists(model, parse_id(key)):
                self.ids[kind][key] = parse_id(key)
                return self.ids[kind][key]
        if (
            isinstance(name, str)
            and name.strip()
            and len(name.strip()) <= 255
            and "\x00" not in name
        ):
            match = self._entry_named(model, name)
            if match is None:
                uid = parse_id(key) or uuid.uuid4()
                model.objects.create(id=uid, name=name.strip())
                self.present.setdefault(model, set()).add(uid)
                self._name_map(model)[name.strip().lower()] = uid
                self.counts[f"{kind}_added"] += 1
                match = uid
            if key is not None:
                self.ids[kind][key] = match
            return match
        if key is not None:
            self.report.warn(gettext(_SAID[kind]["no_such"]) % {"record": label, "id": shown(key)})
        return None
