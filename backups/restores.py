"""A restore's replacement of the data: every row deleted, the archive imported, in one transaction.

The importing is interchange's (the record importer of interchange/importer/, run by
`interchange.imports.run_import`); what makes it a restore is here: the rows deleted first, the
archive's future purchases and people kept, and the archive's audit trail merged into this one
(docs/api.md §5.11, docs/audit-trail.md).
"""

from collections.abc import Iterable
from decimal import Decimal

from django.contrib.auth import get_user_model

from accounts.models import AuditEvent
from accounts.services import audit_record
from catalog.models import Brand, Retailer
from currencies.models import ExchangeRate
from interchange.archive import Archive
from interchange.importer import RecordImport
from interchange.imports import is_lossless, run_import, sections_loader
from interchange.parsing import parse_datetime
from interchange.reports import ImportReport
from preferences.models import Preference
from purchases.models import Attachment, Blob, Purchase
from warranties.models import Claim, Warranty

BATCH = 1000


def restore_archive(
    archive: Archive, *, progress=None, actor=None, target: str = "", details=None
) -> ImportReport:
    """Replace all data with the checked ARCHIVE's (the restore of docs/api.md §5.11).

    One transaction deletes every row and imports the archive; the files in the store stay
    until it commits (the caller then removes those no row refers to). A version 2 archive comes
    back exactly, future dates included (docs/api.md §9.17); a legacy one by the importer's rules.

    The audit trail is not replaced: the archive's events are added to it (`audit_merge`), and
    the restore itself is recorded as ACTOR's, of TARGET, with DETAILS, in the same transaction.
    Who added and changed each purchase and warranty comes back for the usernames that still
    have an account here (the others are left unknown).
    """
    report = ImportReport("zip", mode="replace")
    for message in archive.warnings:
        report.warn(message)
    document = archive.data
    lossless = is_lossless(document)

    def load(importer: RecordImport) -> None:
        _delete_all_rows(with_manual_rates=document.version >= 3)
        importer.keep_future = lossless
        importer.people = dict(
            get_user_model().objects.values_list(get_user_model().USERNAME_FIELD, "pk")
        )
        sections_loader(document)(importer)
        merged = audit_merge(document.records("audit"))
        audit_record(
            actor=actor,
            action="backup.restore",
            target=target,
            **(details or {}),
            audit_events_added=merged,
            counts={key: n for key, n in report.counts.items() if n},
        )

    run_import(report, load, archive, progress, lossless=lossless)
    report.data_imported = True
    return report


def _delete_all_rows(*, with_manual_rates: bool) -> None:
    """Delete the household's rows, leaving the blob files in the store.

    The manual exchange rates go WITH_MANUAL_RATES: when the archive carries its own (format
    version 3). An older archive had none to give back, so those entered since stay. The ECB's
    rates are the same for every household and stay.
    """
    Attachment.objects.all().delete()  # not through the blob store: the files stay
    Blob.objects.all().delete()
    for model in (Claim, Warranty, Purchase, Retailer, Brand, Preference):
        model.objects.all().delete_in_batches()
    if with_manual_rates:
        ExchangeRate.objects.filter(source=ExchangeRate.Source.MANUAL).delete()


def audit_merge(events: Iterable) -> int:
    """Add the audit EVENTS (records of an export's `audit` section) that the trail lacks.

    An event is the same when its time, actor name, action and target are; events that are not
    well-formed are left out. Returns how many were added. The accounts are not linked: an
    event keeps its actor's name only.
    """
    present = set(AuditEvent.objects.values_list("at", "actor_name", "action", "target"))
    name_length = AuditEvent._meta.get_field("actor_name").max_length
    action_length = AuditEvent._meta.get_field("action").max_length
    target_length = AuditEvent._meta.get_field("target").max_length
    new = []
    for record in events:
        if not isinstance(record, dict):
            continue
        try:
            at = parse_datetime(record.get("at"))
        except ValueError:
            continue
        actor_name, action, target = (
            record.get("actor_name"),
            record.get("action"),
            record.get("target") or "",
        )
        if (
            at is None
            or not all(isinstance(text, str) for text in (actor_name, action, target))
            or not action
            or len(actor_name) > name_length
            or len(action) > action_length
            or len(target) > target_length
        ):
            continue
        key = (at, actor_name, action, target)
        if key in present:
            continue
        present.add(key)
        details = record.get("details")
        new.append(
            AuditEvent(
                at=at,
                actor_name=actor_name,
                action=action,
                target=target,
                details=_json_plain(details) if isinstance(details, dict) else {},
            )
        )
    AuditEvent.objects.bulk_create(new, batch_size=BATCH)
    return len(new)


def _json_plain(value):
    """VALUE with the stream parser's Decimals made JSON numbers again (ints when whole)."""
    if isinstance(value, dict):
        return {str(key): _json_plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_plain(item) for item in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value
