"""What each role may do with the household's data and backups, through the API (issue 17).

An editor records and backs up but cannot reset, restore, delete a backup or change the
schedule; a viewer writes nothing; an owner does each. Refusals change nothing.
"""

import pytest
from django.test import Client

from accounts.models import Role
from accounts.services import api_token_create
from accounts.tests.factories import MemberFactory
from backups.models import BackupConfig, BackupRecord
from purchases.models import Purchase
from purchases.tests.factories import PurchaseFactory

pytestmark = pytest.mark.django_db
NEW_PURCHASE = {"product_name": "Toaster", "price": "29.99", "purchase_date": "2026-11-30"}


def _client(role):
    _, raw = api_token_create(user=MemberFactory(role=role), name="script")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def backup(api_client, django_capture_on_commit_callbacks):
    PurchaseFactory(product_name="Kettle")
    with django_capture_on_commit_callbacks(execute=True):
        job = api_client.post("/api/backup/create", {}, content_type="application/json").json()
    return api_client.get(job["url"]).json()["result"]


def _household_actions(backup_id):
    return [
        ("post", "/api/data/reset-all", {}),
        ("post", "/api/backup/restore", {"backup_id": backup_id}),
        ("delete", f"/api/backup/{backup_id}?confirm=true", None),
        ("put", "/api/backup/config", {"backup_enabled": False, "backup_retention": 1}),
        ("put", "/api/settings", {"currency_code": "USD"}),
    ]


def _call(client, method, path, body):
    if body is None:
        return getattr(client, method)(path)
    return getattr(client, method)(path, body, content_type="application/json")


def test_an_editor_records_a_purchase_but_no_household_action_goes_through(backup):
    editor = _client(Role.EDITOR)
    assert _call(editor, "post", "/api/purchases", NEW_PURCHASE).status_code == 201
    config_before = (BackupConfig.current().enabled, BackupConfig.current().retention)
    for method, path, body in _household_actions(backup["id"]):
        response = _call(editor, method, path, body)
        assert response.status_code == 403, path
        assert response.json()["detail"] == (
            "This needs an owner; your role is editor. Ask an owner if you need it."
        )
    assert set(Purchase.objects.values_list("product_name", flat=True)) == {"Kettle", "Toaster"}
    assert BackupRecord.objects.filter(pk=backup["id"]).exists()
    assert (BackupConfig.current().enabled, BackupConfig.current().retention) == config_before


def test_a_viewer_reads_and_exports_but_writes_nothing(backup):
    viewer = _client(Role.VIEWER)
    assert viewer.get("/api/purchases").json()["total"] == 1
    assert viewer.get("/api/export/json").status_code == 200
    for method, path, body in [
        ("post", "/api/purchases", NEW_PURCHASE),
        ("post", "/api/backup/create", {}),
        ("post", "/api/retailers", {"name": "Shop"}),
        *_household_actions(backup["id"]),
    ]:
        assert _call(viewer, method, path, body).status_code == 403, path
    assert Purchase.objects.count() == 1


def test_an_owner_does_each_household_action(
    api_client, backup, django_capture_on_commit_callbacks
):
    actions = _household_actions(backup["id"])
    deletion = actions.pop(2)  # after the restore that reads it has run
    for method, path, body in [*actions, deletion]:
        with django_capture_on_commit_callbacks(execute=True):
            response = _call(api_client, method, path, body)
        assert response.status_code in (200, 202, 204), (path, response.content)
    assert not BackupRecord.objects.filter(pk=backup["id"]).exists()
    assert BackupConfig.current().retention == 1


def test_the_last_completed_backup_goes_only_with_a_second_confirmation(api_client, backup):
    refused = api_client.delete(f"/api/backup/{backup['id']}")
    assert refused.status_code == 409
    assert refused.json()["detail"] == (
        "This is the last completed backup: deleting it needs a second confirmation. "
        "Send confirm=true to delete it anyway."
    )
    assert BackupRecord.objects.filter(pk=backup["id"]).exists()
    assert api_client.delete(f"/api/backup/{backup['id']}?confirm=true").status_code == 204


def test_the_newest_restore_point_needs_the_confirmation_even_when_newer_backups_exist(
    api_client, backup, django_capture_on_commit_callbacks
):
    response = api_client.post("/api/data/reset-all")
    point = response.json()["restore_point_id"]
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post("/api/backup/create", {}, content_type="application/json")
    assert api_client.delete(f"/api/backup/{point}").status_code == 409
    # An older ordinary backup is neither: it goes at once.
    assert api_client.delete(f"/api/backup/{backup['id']}").status_code == 204
