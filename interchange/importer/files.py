"""Attachment records of an import file and their blobs: from the store, the archive, or missing."""

from collections import Counter

from django.core.files.storage import default_storage
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from interchange import records
from interchange.importer.base import BATCH, chunks, label_of, shown
from interchange.importer.purchases import PurchaseImport
from interchange.parsing import parse_id
from interchange.records import RecordError, record_id, record_key
from interchange.reports import skipped_because
from purchases.models import Attachment, Blob, Purchase
from warranties.models import Claim


class FileImport(PurchaseImport):
    """Imports attachment records; decides where each blob's content comes from."""

    def files(self, items: list) -> None:
        parsed = self._file_records(items)
        self._load_existing(Purchase, (parse_id(item[4]) for item in parsed))
        self._load_existing(Attachment, (item[2] for item in parsed))
        known_blobs, pairs = self._known_blobs({item[3]["sha256"] for item in parsed})
        self._claim_links(parsed)
        new_blobs: dict[str, Blob] = {}
        new, added_per_blob, first_label = [], Counter(), {}
        for label, key, uid, values, purchase_key in parsed:
            purchase_id = self._purchase_ref(purchase_key, label)
            if purchase_id is None:
                continue
            sha256 = values.pop("sha256")
            extension, size = values.pop("extension"), values.pop("size")
            if uid in self.present[Attachment]:
                self._existing_file(uid, values)
                continue
            if (purchase_id, sha256) in pairs:
                self.report.warn(
                    skipped_because(label, gettext("the purchase already has this file"))
                )
                continue
            pairs.add((purchase_id, sha256))
            blob = known_blobs.get(sha256) or new_blobs.get(sha256)
            if blob is None:
                blob = new_blobs[sha256] = self._new_blob(sha256, extension, size, values)
            uid = uid or self._new_id(key, label)
            new.append(Attachment(id=uid, purchase_id=purchase_id, blob=blob, **values))
            added_per_blob[sha256] += 1
            first_label.setdefault(sha256, label)
        for sha256, count in added_per_blob.items():
            blob = known_blobs.get(sha256) or new_blobs[sha256]
            self._place_blob(blob, self.blobs, sha256 in new_blobs, count, first_label[sha256])
        Blob.objects.bulk_create(new_blobs.values(), batch_size=BATCH)
        Attachment.objects.bulk_create(new, batch_size=BATCH)
        for sha256, count in added_per_blob.items():
            if sha256 not in new_blobs:
                blob = known_blobs[sha256]
                Blob.objects.filter(pk=blob.pk).update(
                    reference_count=F("reference_count") + count, missing=blob.missing
                )
        self.counts["files_added"] += len(new)
        self.progress("Files", len(items), len(items))

    def _file_records(self, items: list) -> list[tuple]:
        """Read the file records: (label, key, uid, values, purchase key) of each readable one."""
        parsed = []
        for index, record in enumerate(items, 1):
            label = label_of("file", index, record)
            if not isinstance(record, dict):
                self.report.error(skipped_because(label, gettext("is not an object")))
                continue
            try:
                values = records.attachment_fields(record, lossless=self.lossless)
                values["claim_id"] = record_id(record.get("claim_id"))  # a key until resolved
            except RecordError as error:
                self.report.error(skipped_because(label, error))
                continue
            key, uid = record_key(record.get("id"))
            if self._claimed("files", key, label):
                continue
            parsed.append((label, key, uid, values, record_id(record.get("purchase_id"))))
        return parsed

    def _claim_links(self, parsed: list[tuple]) -> None:
        """Resolve each file's `claim_id` (format version 4) to a claim of the same purchase.

        A claim of the file or of the database; one that is neither, or documents another
        purchase, leaves the file unlinked, with a warning.
        """
        keys = {item[3]["claim_id"] for item in parsed if item[3]["claim_id"]}
        uids = {self.ids["claims"].get(key) or parse_id(key) for key in keys} - {None}
        purchase_of = {}
        for chunk in chunks(list(uids)):
            purchase_of.update(
                Claim.objects.filter(pk__in=chunk).values_list("pk", "warranty__purchase_id")
            )
        for label, _key, _uid, values, purchase_key in parsed:
            key = values["claim_id"]
            if key is None:
                continue
            uid = self.ids["claims"].get(key) or parse_id(key)
            purchase_id = self.ids["purchases"].get(purchase_key) or parse_id(purchase_key)
            if uid in purchase_of and purchase_of[uid] == purchase_id:
                values["claim_id"] = uid
                continue
            values["claim_id"] = None
            self.report.warn(
                gettext(
                    "%(record)s: its claim %(claim)s is not a claim of its purchase; "
                    "imported without the link"
                )
                % {"record": label, "claim": shown(key)}
            )

    def _known_blobs(self, hashes: set[str]) -> tuple[dict[str, Blob], set[tuple]]:
        """The stored blobs of HASHES, and the (purchase id, sha256) pairs already attached."""
        known_blobs, pairs = {}, set()
        for chunk in chunks(list(hashes)):
            for blob in Blob.objects.filter(sha256__in=chunk):
                known_blobs[blob.sha256] = blob
            pairs.update(
                Attachment.objects.filter(blob__sha256__in=chunk).values_list(
                    "purchase_id", "blob__sha256"
                )
            )
        return known_blobs, pairs

    def _existing_file(self, uid, values: dict) -> None:
        """An attachment record whose id exists: updated in update mode, else skipped."""
        if self.update:
            values["updated_at"] = values["updated_at"] or timezone.now()
            Attachment.objects.filter(pk=uid).update(**values)
            self.counts["files_updated"] += 1
        else:
            self.counts["files_skipped_existing"] += 1

    def _new_blob(self, sha256: str, extension: str, size, values: dict) -> Blob:
        """A blob the store does not know yet; the archive's file, if any, tells its size."""
        if self.blobs.has(sha256):
            size = self.blobs.size(sha256)
            if records.is_blob_extension(self.blobs.extension(sha256)):
                extension = self.blobs.extension(sha256)
        return Blob(
            sha256=sha256, extension=extension, size=size or 0, created_at=values["created_at"]
        )

    def _place_blob(self, blob: Blob, blobs, is_new: bool, count: int, label: str) -> None:
        """Decide where BLOB's content comes from: the store, the archive, or nowhere."""
        if is_new:
            blob.reference_count = count
        in_store = (not is_new and not blob.missing) or default_storage.exists(blob.name)
        if in_store:
            blob.missing = False
            self.counts["files_extracted"] += 1
        elif blobs.has(blob.sha256):
            blob.missing = False
            self.blobs_to_store[blob.sha256] = blob.name
            self.counts["files_extracted"] += 1
        else:
            blob.missing = True
            self.counts["files_missing"] += count
            self.report.warn(
                gettext(
                    "%(record)s: the file's content (%(name)s) is neither in the archive nor in "
                    "the store; the attachment is kept and marked unavailable"
                )
                % {"record": label, "name": blob.name}
            )
