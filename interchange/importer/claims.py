"""Warranty claims of an import file (format version 4), each under a warranty of the file or
of the database; the files that document them name them (`claim_id`, interchange/importer/files.py).
"""

import uuid
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext

from interchange import records
from interchange.importer import base
from interchange.importer.base import BATCH, label_of, new_instance, shown
from interchange.importer.warranties import WarrantyImport
from interchange.parsing import parse_id
from interchange.records import RecordError, record_id, record_key
from interchange.reports import skipped_because
from warranties.models import Claim, Warranty


class ClaimImport(WarrantyImport):
    """Imports warranty claims."""

    UPDATED_CLAIM_FIELDS = [
        "warranty_id",
        "opened_on",
        "number",
        "status",
        "closed_on",
        "resolution",
        "cost",
        "currency_code",
        "follow_up_on",
        "notes",
        "created_at",
        "updated_at",
    ]

    def claims(self, items: Iterable, *, total: int) -> None:
        batch = []
        for index, record in enumerate(items, 1):
            label = label_of("claim", index, record)
            if not isinstance(record, dict):
                self.report.error(skipped_because(label, gettext("is not an object")))
                continue
            try:
                values = {
                    **records.claim_fields(
                        record, lossless=self.lossless, default_currency=self.default_currency
                    ),
                    **self._people_ids(record),
                }
            except RecordError as error:
                self.report.error(skipped_because(label, error))
                continue
            key, uid = record_key(record.get("id"))
            if self._claimed("claims", key, label):
                continue
            batch.append((label, key, uid, values, record_id(record.get("warranty_id"))))
            if len(batch) >= BATCH:
                self._write_claims(batch)
                batch = []
                self.progress("Claims", index, total)
        self._write_claims(batch)
        self.progress("Claims", total, total)

    def _warranty_ref(self, key: str | None, label: str) -> uuid.UUID | None:
        """The warranty a claim belongs to; None (reported) when it is not there."""
        if key is None:
            self.report.error(skipped_because(label, gettext("warranty_id is missing")))
            return None
        if key in self.ids["warranties"]:
            return self.ids["warranties"][key]
        uid = parse_id(key)
        if uid is not None and uid in self.present.get(Warranty, set()):
            return uid
        self.report.error(
            skipped_because(
                label,
                gettext("its warranty %(warranty)s was not imported and is not in the database")
                % {"warranty": shown(key)},
            )
        )
        return None

    def _write_claims(self, batch: list) -> None:
        self._load_existing(Warranty, (parse_id(item[4]) for item in batch))
        self._load_existing(Claim, (item[2] for item in batch))
        new, updated = [], []
        for label, key, uid, values, warranty_key in batch:
            warranty_id = self._warranty_ref(warranty_key, label)
            if warranty_id is None:
                continue
            if uid in self.present[Claim]:
                if key is not None:
                    self.ids["claims"][key] = uid
                if self.update:
                    values["updated_at"] = values["updated_at"] or timezone.now()
                    updated.append(
                        new_instance(Claim, {"id": uid, "warranty_id": warranty_id, **values})
                    )
                else:
                    self.counts["claims_skipped_existing"] += 1
                continue
            uid = uid or self._new_id(key, label)
            if key is not None:
                self.ids["claims"][key] = uid
            new.append(new_instance(Claim, {"id": uid, "warranty_id": warranty_id, **values}))
        base.insert_rows(Claim, new, self.statistics)
        Claim.objects.update_each(
            (claim.pk, {name: getattr(claim, name) for name in self.UPDATED_CLAIM_FIELDS})
            for claim in updated
        )
        self.counts["claims_added"] += len(new)
        self.counts["claims_updated"] += len(updated)
