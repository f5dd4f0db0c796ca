"""Warranties of an import file, each attached to a purchase of the file or of the database."""

from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext

from interchange import records
from interchange.importer import base
from interchange.importer.base import BATCH, label_of, new_instance
from interchange.importer.purchases import PurchaseImport
from interchange.parsing import parse_id
from interchange.records import RecordError, record_id, record_key
from interchange.reports import skipped_because
from purchases.models import Purchase
from warranties.models import Warranty


class WarrantyImport(PurchaseImport):
    """Imports warranties."""

    UPDATED_WARRANTY_FIELDS = [
        "purchase_id",
        "warranty_start",
        "warranty_end",
        "warranty_type",
        "provider",
        "notes",
        "voided",
        "created_at",
        "updated_at",
    ]

    def warranties(self, items: Iterable, *, total: int) -> None:
        batch = []
        for index, record in enumerate(items, 1):
            label = label_of("warranty", index, record)
            if not isinstance(record, dict):
                self.report.error(skipped_because(label, gettext("is not an object")))
                continue
            try:
                values = {
                    **records.warranty_fields(record, lossless=self.lossless),
                    **self._people_ids(record),
                }
            except RecordError as error:
                self.report.error(skipped_because(label, error))
                continue
            key, uid = record_key(record.get("id"))
            if self._claimed("warranties", key, label):
                continue
            batch.append((label, key, uid, values, record_id(record.get("purchase_id"))))
            if len(batch) >= BATCH:
                self._write_warranties(batch)
                batch = []
                self.progress("Warranties", index, total)
        self._write_warranties(batch)
        self.progress("Warranties", total, total)

    def _write_warranties(self, batch: list) -> None:
        self._load_existing(Purchase, (parse_id(item[4]) for item in batch))
        self._load_existing(Warranty, (item[2] for item in batch))
        new, updated = [], []
        for label, key, uid, values, purchase_key in batch:
            purchase_id = self._purchase_ref(purchase_key, label)
            if purchase_id is None:
                continue
            if uid in self.present[Warranty]:
                if key is not None:
                    self.ids["warranties"][key] = uid  # for the claims that name it
                if self.update:
                    values["updated_at"] = values["updated_at"] or timezone.now()
                    updated.append(
                        new_instance(Warranty, {"id": uid, "purchase_id": purchase_id, **values})
                    )
                else:
                    self.counts["warranties_skipped_existing"] += 1
                continue
            uid = uid or self._new_id(key, label)
            if key is not None:
                self.ids["warranties"][key] = uid
            new.append(new_instance(Warranty, {"id": uid, "purchase_id": purchase_id, **values}))
        base.insert_rows(Warranty, new, self.statistics)
        Warranty.objects.update_each(
            (warranty.pk, {name: getattr(warranty, name) for name in self.UPDATED_WARRANTY_FIELDS})
            for warranty in updated
        )
        self.counts["warranties_added"] += len(new)
        self.counts["warranties_updated"] += len(updated)
