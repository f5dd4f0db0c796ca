"""The audit trail: each household-level action writes one event with who did it, owners read
it (page and API), and exports, backups and restores carry it."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent, Membership, Role
from accounts.services import COMMAND_LINE, api_token_create, api_token_revoke, audit_record
from accounts.tests.factories import UserFactory
from backups import services
from backups.jobs import backup_start, job_run
from backups.models import BackupConfig, BackupKind, BackupRecord
from interchange.exports import export_json_chunks
from interchange.imports import import_json
from preferences.services import preferences_reset, preferences_update
from purchases.models import Purchase
from purchases.tests.factories import PurchaseFactory
from warranties.models import Warranty
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db


def actions() -> list[tuple[str, str]]:
    """(action, actor name) of every event, oldest first."""
    return list(AuditEvent.objects.order_by("at", "id").values_list("action", "actor_name"))


def run(api_client, capture, method, path, **kwargs):
    """Call the API and run the background job it starts, as the worker would."""
    with capture(execute=True):
        return getattr(api_client, method)(path, **kwargs)


@pytest.fixture
def editor_client():
    editor = UserFactory(username="ed")
    Membership.objects.create(user=editor, role=Role.EDITOR)
    _, raw = api_token_create(user=editor, name="editor script")
    AuditEvent.objects.all().delete()  # the token's own event: the tests start from nothing
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def owner_api(api_client):
    """The owner's API client, with the trail emptied of the fixture's token event."""
    AuditEvent.objects.all().delete()
    return api_client


# --- Services: one event per action, with its actor; none when it rolls back --------------------


def test_a_token_made_and_revoked_by_a_person_is_recorded_as_theirs(api_user):
    holder = UserFactory(username="script-holder")
    token, _ = api_token_create(user=holder, name="backup script", actor=api_user)
    api_token_revoke(token=token, actor=api_user)
    api_token_revoke(token=token, actor=api_user)  # a second revocation changes nothing

    created, revoked = AuditEvent.objects.order_by("at", "id")
    assert (created.action, created.actor, created.actor_name) == (
        "token.create",
        api_user,
        "owner",
    )
    assert created.target == f'token "backup script" ({token.prefix}…) of script-holder'
    assert (revoked.action, revoked.actor) == ("token.revoke", api_user)


def test_the_command_line_acts_as_no_one(db):
    api_token_create(user=UserFactory(), name="cron")
    [event] = AuditEvent.objects.all()
    assert event.actor is None and event.actor_name == COMMAND_LINE


def test_an_action_that_rolls_back_leaves_no_event(api_user):
    with pytest.raises(RuntimeError), transaction.atomic():
        preferences_update(currency_code="EUR", actor=api_user)
        raise RuntimeError("after the change, before the commit")
    with pytest.raises(ValueError):
        api_token_create(user=api_user, name="  ", actor=api_user)
    assert not AuditEvent.objects.exists()


def test_settings_changes_say_what_changed_and_the_same_values_write_nothing(api_user):
    preferences_update(currency_code="EUR", actor=api_user)
    preferences_update(currency_code="EUR", date_format=None, actor=api_user)
    preferences_reset(actor=api_user)

    update, reset = AuditEvent.objects.order_by("at", "id")
    assert update.action == "settings.update" and update.actor == api_user
    assert update.details == {"changes": {"currency_code": {"from": "USD", "to": "EUR"}}}
    assert reset.action == "settings.reset" and reset.details == {"keys": ["currency_code"]}


def test_a_manual_backup_is_recorded_and_a_restore_point_is_not(api_user):
    job = backup_start(actor=api_user, enqueue=False)
    job_run(job.pk)
    job_run(backup_start(kind=BackupKind.RESTORE_POINT, enqueue=False).pk)

    [event] = AuditEvent.objects.all()
    assert (event.action, event.actor) == ("backup.create", api_user)
    assert event.target == job.backup.filename
    assert event.details["backup_id"] == job.backup_id and "scheduled" not in event.details


def test_the_scheduler_records_its_backups_as_no_one_and_its_deletions_as_retention(db):
    BackupConfig.objects.update_or_create(pk=1, defaults={"enabled": True, "retention": 1})
    old = services.backup_create(services.backup_record_new(note="old"))
    BackupRecord.objects.filter(pk=old.pk).update(
        created_at=old.created_at - datetime.timedelta(days=3)
    )
    call_command("backups_scheduled", stdout=io.StringIO())

    create = AuditEvent.objects.get(action="backup.create")
    assert create.actor is None and create.actor_name == COMMAND_LINE
    assert create.details["scheduled"] is True and create.details["kind"] == "scheduled"
    deleted = AuditEvent.objects.get(action="backup.delete")
    assert deleted.target == old.filename and deleted.details["retention"] is True


def test_a_json_import_records_its_counts_and_a_dry_run_records_nothing(api_user):
    document = json.dumps(
        {
            "format_version": 2,
            "purchases": [
                {"product_name": "Kettle", "price": "20.00", "purchase_date": "2024-01-02"}
            ],
            "audit": [{"at": "2024-01-01T00:00:00Z", "actor_name": "x", "action": "data.reset"}],
        }
    ).encode()
    import_json(io.BytesIO(document), dry_run=True, actor=api_user, source="a.json")
    assert not AuditEvent.objects.exists()

    import_json(io.BytesIO(document), actor=api_user, source="a.json")

    [event] = AuditEvent.objects.all()  # the file's audit section is ignored
    assert (event.action, event.actor, event.target) == ("import.json", api_user, "a.json")
    assert event.details["counts"] == {"purchases_added": 1} and event.details["mode"] == "skip"


# --- Front doors: the API passes the person --------------------------------------------------


def test_api_actions_are_recorded_as_the_caller(owner_api, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    PurchaseFactory()
    created = run(owner_api, capture, "post", "/api/backup/create")
    backup_id = created.json()["backup"]["id"]
    owner_api.put("/api/backup/config", {"backup_retention": 9}, content_type="application/json")
    owner_api.put("/api/settings", {"date_format": "YYYY-MM-DD"}, content_type="application/json")
    owner_api.post("/api/settings/reset")
    owner_api.post(
        "/api/import/csv",
        {
            "file": SimpleUploadedFile(
                "p.csv", b"product_name,price,purchase_date\nMug,3,2024-01-01\n"
            )
        },
    )
    backup_filename = BackupRecord.objects.get(pk=backup_id).filename
    reset = run(owner_api, capture, "post", "/api/data/reset-all")
    assert reset.status_code == 200
    restored = run(
        owner_api,
        capture,
        "post",
        "/api/backup/restore",
        data={"backup_id": backup_id},
        content_type="application/json",
    )
    assert restored.status_code == 202
    assert owner_api.delete(f"/api/backup/{backup_id}").status_code == 204

    assert actions() == [
        ("backup.create", "owner"),
        ("backup.schedule", "owner"),
        ("settings.update", "owner"),
        ("settings.reset", "owner"),
        ("import.csv", "owner"),
        ("data.reset", "owner"),
        ("backup.restore", "owner"),
        ("backup.delete", "owner"),
    ]
    schedule = AuditEvent.objects.get(action="backup.schedule")
    assert schedule.details == {"retention": {"from": 7, "to": 9}}
    data_reset = AuditEvent.objects.get(action="data.reset")
    assert data_reset.details["deleted"]["purchases"] == 2
    assert data_reset.details["restore_point_id"] == reset.json()["restore_point_id"]
    restore = AuditEvent.objects.get(action="backup.restore")
    assert restore.target == backup_filename
    assert restore.details["counts"]["purchases_added"] == 1


# --- Reading it: the API and the page, for owners only ------------------------------------------


def test_owners_read_the_trail_newest_first_in_the_pagination_envelope(owner_api, api_user):
    for action in ("backup.create", "backup.delete", "settings.update"):
        audit_record(actor=api_user, action=action, target="t")
    audit_record(actor=None, action="backup.create", target="scheduled one")

    page = owner_api.get("/api/audit", {"limit": 2}).json()
    assert page["total"] == 4 and page["pages"] == 2 and page["page"] == 1
    assert [item["action"] for item in page["items"]] == ["backup.create", "settings.update"]
    assert set(page["items"][0]) == {"at", "actor_name", "action", "target", "details"}

    by_action = owner_api.get("/api/audit", {"action": "backup.create"}).json()
    assert by_action["total"] == 2
    by_thing = owner_api.get("/api/audit", {"action": "backup."}).json()
    assert by_thing["total"] == 3
    by_actor = owner_api.get("/api/audit", {"actor": COMMAND_LINE}).json()
    assert [item["target"] for item in by_actor["items"]] == ["scheduled one"]


def test_an_editor_may_not_read_the_trail(editor_client, client):
    assert editor_client.get("/api/audit").status_code == 403
    editor = Membership.objects.get(role=Role.EDITOR).user
    client.force_login(editor)
    assert client.get(reverse("accounts:activity")).status_code == 403
    assert "Activity" not in client.get(reverse("purchases:list")).content.decode()


# The session, the user, the role, the count, the page of events, the household's settings.
ACTIVITY_QUERIES = 6


@pytest.mark.parametrize("events", [1, 40])
def test_the_activity_page_lists_the_trail_in_constant_queries(
    owner_client, api_user, django_assert_num_queries, events
):
    for number in range(events):
        audit_record(actor=api_user, action="backup.delete", target=f"backup_{number}.zip")
    url = reverse("accounts:activity")

    with django_assert_num_queries(ACTIVITY_QUERIES):
        response = owner_client.get(url)

    assert response.status_code == 200
    page = response.content.decode()
    assert f"backup_{events - 1}.zip" in page and "backup.delete" in page
    assert f'href="{url}"' in page  # the owner's navigation links to it


def test_the_activity_page_filters_and_pages(owner_client, api_user):
    for number in range(55):
        audit_record(actor=api_user, action="backup.create", target=f"b{number}")
    audit_record(actor=None, action="data.reset", target="all data")
    url = reverse("accounts:activity")

    first = owner_client.get(url).content.decode()
    assert "1\u201350 of 56 events" in first and 'rel="next"' in first
    only_resets = owner_client.get(url, {"action": "data.reset"}).content.decode()
    assert "1\u20131 of 1 event" in only_resets and "all data" in only_resets


# --- Exports, backups and restores carry it ------------------------------------------------------


def test_the_json_export_carries_the_trail(api_user):
    audit_record(actor=api_user, action="backup.delete", target="old.zip", backup_id="x")
    exported = json.loads("".join(export_json_chunks()))
    [event] = exported["audit"]
    assert event["actor_name"] == "owner" and event["action"] == "backup.delete"
    assert event["target"] == "old.zip" and event["details"] == {"backup_id": "x"}
    assert event["at"].endswith("Z")


def test_a_restore_keeps_the_current_trail_adds_the_archives_and_records_itself(api_user):
    audit_record(actor=api_user, action="settings.update", target="before the backup")
    job = backup_start(actor=api_user, enqueue=False)
    record = job_run(job.pk).backup
    audit_record(actor=api_user, action="token.create", target="after the backup")
    # As on another installation: the trail there lacks the archive's events.
    AuditEvent.objects.filter(target="before the backup").delete()

    services.backup_restore_stored(record, actor=api_user)

    assert sorted(AuditEvent.objects.values_list("action", flat=True)) == [
        "backup.create",
        "backup.restore",
        "settings.update",
        "token.create",
    ]
    restore = AuditEvent.objects.get(action="backup.restore")
    assert restore.actor == api_user and restore.target == record.filename
    assert restore.details["audit_events_added"] == 1  # the backup.create one was still here
    assert restore.details["restore_point_id"]

    services.backup_restore_stored(record, actor=api_user)  # again: nothing doubles
    assert AuditEvent.objects.filter(action="settings.update").count() == 1
    assert AuditEvent.objects.filter(action="backup.restore").count() == 2


def test_a_restore_that_fails_records_nothing(api_user, monkeypatch):
    record = job_run(backup_start(enqueue=False).pk).backup
    AuditEvent.objects.all().delete()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("backups.restores.audit_merge", broken)
    with pytest.raises(RuntimeError):
        services.backup_restore_stored(record, actor=api_user)
    assert not AuditEvent.objects.filter(action="backup.restore").exists()


# --- Who added and who changed purchases and warranties -------------------------------------------


def test_the_api_records_who_added_and_changed_purchases_and_warranties(api_client, api_user):
    created = api_client.post(
        "/api/purchases",
        {"product_name": "Kettle", "price": "20", "purchase_date": "2024-01-02"},
        content_type="application/json",
    ).json()
    assert (created["created_by"], created["updated_by"]) == ("owner", None)
    purchase = Purchase.objects.get(pk=created["id"])
    other = UserFactory(username="partner")
    purchase.updated_by = other
    purchase.save()

    changed = api_client.put(
        f"/api/purchases/{purchase.pk}", {"notes": "descaled"}, content_type="application/json"
    ).json()
    assert (changed["created_by"], changed["updated_by"]) == ("owner", "owner")

    warranty = api_client.post(
        "/api/warranties",
        {"purchase_id": str(purchase.pk), "warranty_start": "2024-01-02", "duration_months": 24},
        content_type="application/json",
    ).json()
    assert (warranty["created_by"], warranty["updated_by"]) == ("owner", None)
    listed = api_client.get("/api/purchases").json()["items"][0]
    assert listed["warranties"][0]["created_by"] == "owner"


def test_pages_show_who_added_and_changed(owner_client, api_user):
    partner = UserFactory(username="partner")
    purchase = PurchaseFactory(product_name="Kettle", created_by=api_user, updated_by=partner)
    WarrantyFactory(purchase=purchase, created_by=partner)

    inventory = owner_client.get(reverse("purchases:list")).content.decode()
    assert "Added by owner · changed by partner" in inventory
    warranties = owner_client.get(reverse("warranties:list")).content.decode()
    assert "Added by partner" in warranties


def test_exports_carry_usernames_and_a_restore_links_the_accounts_that_exist(api_user):
    partner = UserFactory(username="partner")
    purchase = PurchaseFactory(price=Decimal("5.00"), created_by=api_user, updated_by=partner)
    WarrantyFactory(purchase=purchase, created_by=partner)
    exported = json.loads("".join(export_json_chunks()))
    assert exported["purchases"][0]["created_by"] == "owner"
    assert exported["purchases"][0]["updated_by"] == "partner"
    assert exported["warranties"][0]["created_by"] == "partner"

    record = job_run(backup_start(enqueue=False).pk).backup
    partner.delete()
    services.backup_restore_stored(record)

    restored = Purchase.objects.get()
    assert (restored.created_by, restored.updated_by) == (api_user, None)
    assert Warranty.objects.get().created_by is None


def test_the_admin_says_who_added_a_purchase(staff_client, admin_user):
    response = staff_client.post(
        reverse("admin:purchases_purchase_add"),
        {
            "product_name": "Kettle",
            "price": "20.00",
            "currency_code": "USD",
            "quantity": "1",
            "purchase_date": "2024-01-02",
            "status": "RECEIVED",
            "warranties-TOTAL_FORMS": "0",
            "warranties-INITIAL_FORMS": "0",
            "attachments-TOTAL_FORMS": "0",
            "attachments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Purchase.objects.get().created_by == admin_user


def test_a_restore_leaves_out_malformed_events_and_reads_times_without_a_zone_as_utc(api_user):
    from backups.restores import audit_merge

    added = audit_merge(
        [
            {"at": 5, "actor_name": "x", "action": "a.b", "target": ""},
            {"at": "not a time", "actor_name": "x", "action": "a.b", "target": ""},
            {"at": "2025-03-14T09:21:07", "actor_name": "alex", "action": "data.reset"},
        ]
    )
    assert added == 1
    event = AuditEvent.objects.get(actor_name="alex")
    assert event.at == datetime.datetime(2025, 3, 14, 9, 21, 7, tzinfo=datetime.UTC)
