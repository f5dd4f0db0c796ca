"""The audit trail in exports: an import ignores it, a restore merges it (docs/audit-trail.md)."""

from collections.abc import Iterable
from decimal import Decimal

from accounts.models import AuditEvent
from interchange.parsing import parse_datetime

BATCH = 1000


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
