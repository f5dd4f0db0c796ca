from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext

from accounts.services import audit_record
from kernel.hooks import attachment_added
from kernel.summaries import rows_reported, summaries_kept_in_step
from kernel.versioning import data_changed
from preferences.selectors import preferred_currency_code
from purchases.blobs import (
    delete_files,
    extension_of,
    sha256_of,
    sniff_mime_type,
    store_file,
    stored_blob_names,
)
from purchases.conversions import (
    CONVERTED_FIELDS,
    conversion_needed,
    conversions_apply,
    purchase_convert,
)
from purchases.models import Attachment, Blob, Purchase, PurchaseStatus
from purchases.rollups import figures_stored, rollups_brought_in_step, spending_changed
from purchases.thumbnails import thumbnail_names
from warranties.models import Warranty
from warranties.rollups import figures_stored as warranty_figures_stored
from warranties.rollups import warranties_changed
from warranties.services import warranty_set_primary_end

# The purchase's own columns a caller may set, by the API's field names (docs/api.md §4.1), with
# ids for relations.
PURCHASE_FIELDS = {
    "product_name",
    "price",
    "currency_code",
    "retailer_id",
    "brand_id",
    "status",
    "purchase_date",
    "notes",
    "tax_deductible",
    "model_number",
    "serial_number",
    "retailer_order_number",
    "quantity",
    "link",
    "return_deadline",
    "return_policy",
    "tags",
}


def _apply(purchase: Purchase, data: dict, actor) -> None:
    stored = (
        None
        if purchase._state.adding
        else tuple(getattr(purchase, field) for field in CONVERTED_FIELDS)
    )
    for field, value in data.items():
        if field in PURCHASE_FIELDS:
            setattr(purchase, field, value)
    # Like updated_at, updated_by stays null until the first change after creation.
    if _person(actor) is not None:
        if purchase._state.adding:
            purchase.created_by = actor
        else:
            purchase.updated_by = actor
    # Validates field limits, that the retailer and brand exist, and that the date is not in
    # the future; raises ValidationError keyed by field.
    purchase.full_clean()
    # After the checks, which turn the values into their types; before the save, so that the
    # rollups' bookkeeping reads the conversion with the rest. An unchanged price, currency and
    # date keep the rate they were converted with (docs/currencies.md §6).
    if conversion_needed(purchase, stored):
        purchase_convert(purchase, base_code=preferred_currency_code())
    purchase.save()
    if "warranty_expiry" in data:
        warranty_set_primary_end(purchase=purchase, end=data["warranty_expiry"], actor=actor)


def _person(actor):
    """ACTOR when it is a signed-in account (an anonymous user in open mode is no one)."""
    return actor if actor is not None and actor.is_authenticated else None


def _spending_reported(purchase_id):
    """Report the purchase's spending figures before and after the block to the rollups.

    The block is a `summaries_kept_in_step()` one, which also replaces the data version once,
    at its end: every service here that writes runs in one.
    """
    return rows_reported(
        Purchase.objects.filter(pk=purchase_id), figures=figures_stored, report=spending_changed
    )


def purchase_create(*, data: dict, actor=None) -> Purchase:
    """Record a purchase from DATA (the API's field names; absent fields take their defaults).

    A `warranty_expiry` date creates its first warranty, from the purchase date to that day.
    ACTOR (the signed-in person; None for scripts and the command line) is who added it.
    """
    purchase = Purchase()
    with _spending_reported(purchase.pk):
        _apply(purchase, data, actor)
    return purchase


def purchase_update(*, purchase: Purchase, data: dict, actor=None) -> Purchase:
    """Change only the fields present in DATA; ACTOR becomes who changed it last.

    `warranty_expiry` moves the primary warranty's end (creating one if there is none), and an
    explicit None deletes the primary warranty — what the dashboard's edit form relies on.
    """
    with _spending_reported(purchase.pk):
        _apply(purchase, data, actor)
    return purchase


def purchase_delete(*, purchase: Purchase) -> None:
    """Delete a purchase with its warranties and attachments (releasing their blobs)."""
    purchases_delete(purchases=Purchase.objects.filter(pk=purchase.pk))


def purchases_delete(*, purchases) -> int:
    """Delete the given purchases (a queryset) with their warranties and attachments.

    Every way purchases go (the API, the admin's delete and bulk delete) comes here: their
    attachments leave through `attachments_delete`, which releases the blobs no other purchase
    shares, before the database's cascade takes the rest. Returns how many purchases went.
    """
    # Their keys first: the caller's queryset may filter on what the deletion removes.
    ids = list(purchases.values_list("pk", flat=True))
    rows = Purchase.objects.filter(pk__in=ids)
    warranties = Warranty.objects.filter(purchase__in=ids)
    reported = rows_reported(rows, figures=figures_stored, report=spending_changed)
    with reported, summaries_kept_in_step() as changes:
        # Their warranties go by the database's cascade, not through their services.
        warranties_changed(changes, before=warranty_figures_stored(warranties), after=[])
        attachments_delete(attachments=Attachment.objects.filter(purchase__in=ids))
        return rows.delete()[1].get(Purchase._meta.label, 0)


@summaries_kept_in_step()
def attachment_add(*, purchase: Purchase, upload, file_type: str, filename: str | None = None):
    """Attach an uploaded file to PURCHASE; return (attachment, created).

    UPLOAD has been streamed to a temporary file by HashingUploadHandler, which gave it `sha256`
    and `size`. Content already attached to this purchase returns that attachment unchanged;
    content stored for another purchase is shared (its blob's reference count goes up); new
    content is moved into the store. The file is placed before the rows are committed, so a
    crash leaves at most an orphan file, never a row without its file.
    """
    filename = filename or upload.name
    blob, mime_type = blob_for_upload(upload, filename)
    existing = Attachment.objects.filter(purchase=purchase, blob=blob).first()
    if existing is not None:
        return existing, False
    return attachment_of_blob(
        purchase=purchase, blob=blob, file_type=file_type, filename=filename, mime_type=mime_type
    ), True


def blob_for_upload(upload, filename: str) -> tuple[Blob, str]:
    """The stored blob of UPLOAD's content (moved into the store when new), locked for this
    transaction, and the file's type sniffed from its first bytes. Its reference count is the
    caller's to raise (`blob_referenced`)."""
    if not getattr(upload, "sha256", None):  # not streamed through HashingUploadHandler
        upload.sha256 = sha256_of(upload)
    upload.seek(0)
    mime_type = sniff_mime_type(upload.read(64), filename, upload.content_type)
    blob = Blob.objects.select_for_update().filter(sha256=upload.sha256).first()
    if blob is None:
        blob = Blob(sha256=upload.sha256, extension=extension_of(filename), size=upload.size)
        upload.seek(0)
        store_file(blob.name, upload)
        blob.save()
        # Serialise the reference count: concurrent uploads of the same content wait here.
        blob = Blob.objects.select_for_update().get(pk=blob.pk)
    return blob, mime_type


def blob_referenced(blob: Blob, count: int = 1) -> None:
    """COUNT more holders of BLOB (an attachment, a receipt draft); found again if lost."""
    Blob.objects.filter(pk=blob.pk).update(reference_count=F("reference_count") + count)
    if blob.missing:
        Blob.objects.filter(pk=blob.pk).update(missing=False)


def attachment_of_blob(*, purchase, blob: Blob, file_type: str, filename: str, mime_type: str):
    """A new attachment of PURCHASE holding BLOB (stored already), counted as its holder."""
    attachment = Attachment.objects.create(
        purchase=purchase, blob=blob, file_type=file_type, filename=filename, mime_type=mime_type
    )
    blob_referenced(blob)
    attachment_added.run(attachment=attachment)
    return attachment


@summaries_kept_in_step()
def attachments_delete(*, attachments) -> int:
    """Delete the given attachments (a queryset); return how many blob files are removed.

    The one way attachments go, whether one is deleted, its purchase is, or everything is reset:
    reference counts drop in this transaction, blobs left without references lose their rows,
    and their files (with their thumbnails, `purchases.thumbnails`) are deleted once the
    transaction has committed.
    """
    released = dict(
        attachments.values("blob").annotate(count=Count("id")).values_list("blob", "count")
    )
    attachments.delete()
    return blobs_released(released)


def blobs_released(released: dict) -> int:
    """Drop the reference counts of the blobs RELEASED names (blob id -> how many holders went);
    delete those left without a holder, their files once the transaction has committed."""
    for blob_id, count in released.items():
        Blob.objects.filter(pk=blob_id).update(reference_count=F("reference_count") - count)
    unreferenced = Blob.objects.filter(pk__in=released, reference_count__lte=0)
    released_blobs = list(unreferenced.only("sha256", "extension"))
    names = [blob.name for blob in released_blobs]
    names += [name for blob in released_blobs for name in thumbnail_names(blob.sha256)]
    unreferenced.delete()
    transaction.on_commit(lambda: delete_files(names))
    return len(released_blobs)


@summaries_kept_in_step()
def purchases_mark_received(*, purchases, actor=None) -> int:
    """Mark the given purchases (a queryset) as received; return how many changed.

    The inventory's bulk action, its API route and the admin's action (docs/purchases.md §3).
    ACTOR, when someone, becomes who changed those that changed.
    """
    changes = {"status": PurchaseStatus.RECEIVED, "updated_at": timezone.now()}
    if _person(actor) is not None:
        changes["updated_by"] = actor
    ids = list(purchases.values_list("pk", flat=True))
    rows = Purchase.objects.filter(pk__in=ids).exclude(status=PurchaseStatus.RECEIVED)
    return rows.update(**changes)


class BulkActionRefused(ValueError):
    """A bulk action that cannot be done as asked; the message is for the person."""


TAG_FIELD_LENGTH = Purchase._meta.get_field("tags").max_length


def _tags_of(purchase: Purchase) -> list[str]:
    return [tag.strip() for tag in (purchase.tags or "").split(",") if tag.strip()]


@summaries_kept_in_step()
def purchases_tag_add(*, purchases, tag: str, actor=None) -> int:
    """Add TAG to the tags of the given purchases (a queryset); return how many changed.

    A purchase that has the tag already (in any case) keeps its tags as they are. All or
    nothing: a tag with a comma, an empty one, or one that would make a purchase's tags longer
    than the field holds refuses the whole action (BulkActionRefused).
    """
    tag = (tag or "").strip()
    if not tag:
        raise BulkActionRefused(gettext("Type the tag to add."))
    if "," in tag:
        raise BulkActionRefused(gettext("A tag cannot contain a comma: add one tag at a time."))
    now = timezone.now()
    changed = []
    for purchase in Purchase.objects.filter(pk__in=purchases.values("pk")).order_by("pk"):
        tags = _tags_of(purchase)
        if tag.lower() in (existing.lower() for existing in tags):
            continue
        purchase.tags = ",".join([*tags, tag])
        if len(purchase.tags) > TAG_FIELD_LENGTH:
            raise BulkActionRefused(
                gettext(
                    "“%(product)s” has too many tags to add “%(tag)s”: tags hold at most "
                    "%(length)s characters."
                )
                % {"product": purchase.product_name, "tag": tag, "length": TAG_FIELD_LENGTH}
            )
        purchase.updated_at = now
        if _person(actor) is not None:
            purchase.updated_by = actor
        changed.append(purchase)
    Purchase.objects.bulk_update(changed, ["tags", "updated_at", "updated_by"], batch_size=500)
    return len(changed)


@dataclass(frozen=True)
class ReconvertSummary:
    """What `purchases_reconvert` did (the API's answer, the command's last line)."""

    base_currency_code: str
    examined: int
    changed: int
    without_rate: int  # among the examined, after the re-convert

    def sentence(self) -> str:
        """The summary in the active language (the admin's message, the command's last line)."""
        return ngettext(
            "Re-converted %(examined)s purchase to %(currency)s: %(changed)s changed, "
            "%(without_rate)s without a rate.",
            "Re-converted %(examined)s purchases to %(currency)s: %(changed)s changed, "
            "%(without_rate)s without a rate.",
            self.examined,
        ) % {
            "examined": number_format(self.examined, force_grouping=True),
            "currency": self.base_currency_code,
            "changed": number_format(self.changed, force_grouping=True),
            "without_rate": number_format(self.without_rate, force_grouping=True),
        }


@transaction.atomic
def purchases_reconvert(
    *, purchases=None, only_missing: bool = False, actor=None, progress=None, dry_run=False
) -> ReconvertSummary:
    """Convert PURCHASES (a queryset; default all) again to the base currency, at the rates now
    stored for their dates, and return what changed.

    ONLY_MISSING keeps those without a usable conversion in the current base: no rate, or
    converted to another base (or never). The one implementation behind the API, the admin's
    action, the Settings page's button, the command, the daily duty after the rates' refresh, and
    a change of the base currency (`purchases.apps`). The rows change in bulk around the rollups'
    bookkeeping, so the data gets its new version and the rollups are rebuilt at once, in this
    transaction, as an import does (interchange/imports.py). One audit entry when something
    changed. DRY_RUN does it all and rolls back (the command's --dry-run).
    """
    base_code = preferred_currency_code()
    chosen = Purchase.objects.all() if purchases is None else purchases
    if only_missing:
        chosen = chosen.filter(Q(base_price__isnull=True) | ~Q(base_currency_code=base_code))
    counts = conversions_apply(chosen, base_code=base_code, progress=progress)
    summary = ReconvertSummary(
        base_currency_code=base_code,
        examined=counts.examined,
        changed=counts.changed,
        without_rate=counts.without_rate,
    )
    if counts.changed:
        data_changed()
        rollups_brought_in_step()
        audit_record(
            actor=_person(actor),
            action="purchases.reconvert",
            target=f"purchases in {base_code}",
            only_missing=only_missing,
            examined=counts.examined,
            changed=counts.changed,
            without_rate=counts.without_rate,
        )
    if dry_run:
        transaction.set_rollback(True)
    return summary


def purchases_base_currency_followed(*, actor=None, before: str, after: str) -> None:
    """Re-convert every purchase to the new base currency AFTER (kernel.hooks runs it when
    the setting changes, from the preferences' services, in their transaction)."""
    purchases_reconvert(actor=actor)


@dataclass
class StorageReport:
    blobs: int = 0
    files: int = 0
    missing: list[str] = dataclass_field(default_factory=list)  # blob rows without a file
    orphans: list[str] = dataclass_field(default_factory=list)  # files without a blob row
    orphans_deleted: int = 0
    attachments_unavailable: int = 0

    @property
    def healthy(self) -> bool:
        return not self.missing and len(self.orphans) == self.orphans_deleted


@transaction.atomic
def blob_store_check(*, delete_orphans: bool = False, dry_run: bool = False) -> StorageReport:
    """Compare the blob rows with the files in the store, both ways.

    Blobs without a file are marked `missing` (their attachments show as unavailable) and blobs
    whose file is back are unmarked; files no row refers to are reported, and deleted only with
    DELETE_ORPHANS. DRY_RUN changes nothing.
    """
    stored = set(stored_blob_names())
    known = {blob.name: blob for blob in Blob.objects.only("sha256", "extension", "missing")}
    report = StorageReport(blobs=len(known), files=len(stored))
    report.missing = sorted(name for name in known if name not in stored)
    report.orphans = sorted(name for name in stored if name not in known)
    missing_ids = [known[name].pk for name in report.missing]
    report.attachments_unavailable = Attachment.objects.filter(blob__in=missing_ids).count()
    if dry_run:
        return report
    Blob.objects.filter(pk__in=missing_ids).update(missing=True)
    Blob.objects.filter(missing=True).exclude(pk__in=missing_ids).update(missing=False)
    if delete_orphans:
        delete_files(report.orphans)
        report.orphans_deleted = len(report.orphans)
    return report
