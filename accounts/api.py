"""The audit trail through the API (owners only: `accounts.access`)."""

import datetime

from ninja import Query, Router
from pydantic import Field

from accounts.selectors import audit_event_list
from kernel.schemas import COMMON_ERRORS, Page, PageQuery, Schema, paginate

router = Router(tags=["Audit"])


class AuditEventOut(Schema):
    """One household-level action: who did what, to what, and when (UTC)."""

    at: datetime.datetime
    actor_name: str = Field(
        description='The account\'s username at the time, or "command line" for the command '
        "line, the scheduler and the worker."
    )
    action: str = Field(description='"<thing>.<verb>", e.g. "backup.delete".')
    target: str = Field(description="What it was done to, in words (e.g. a backup's file name).")
    details: dict = Field(description="Depends on the action: counts, old and new values, ids.")


class AuditFilters(PageQuery):
    action: str | None = Field(
        None,
        max_length=64,
        description='One action ("backup.delete"), or every action of a thing ("backup.").',
    )
    actor: str | None = Field(None, max_length=150, description="The actor's name, exactly.")


@router.get("/audit", response={200: Page[AuditEventOut], **COMMON_ERRORS})
def list_audit_events(request, filters: Query[AuditFilters]):
    """The audit trail, newest first, in the pagination envelope (`items`, `total`, `page`,
    `limit`, `pages`); owners only."""
    events = audit_event_list(action=filters.action, actor=filters.actor)
    return paginate(events, skip=filters.skip, limit=filters.limit)
