"""Deleting attachments, purchases and everything (docs/api.md §5.6, §5.8, §7): a blob and its
file go with the last attachment that uses it, and only after the transaction commits.

The tests run inside a transaction, so they capture the on-commit callbacks. A failure before
the commit keeps the rows and the file; a crash or a failure after it leaves an orphan file and
no rows, never a row without its file.
"""

import uuid

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile

from purchases.models import Attachment, Blob, Purchase
from purchases.services import attachments_delete, purchase_delete, purchases_delete
from purchases.tests.attachments_api_helpers import (
    FILES,
    PDF,
    PNG,
    TEXT,
    blob_path,
    download_body,
    sha256,
    stored_files,
    uploaded,
)
from purchases.tests.factories import PurchaseFactory

pytestmark = pytest.mark.django_db


# --- Delete ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("slash", ["/", ""])
def test_delete_answers_200_with_a_message(api_client, slash):
    purchase = PurchaseFactory()
    attachment = uploaded(api_client, purchase.id)

    response = api_client.delete(f"{FILES}/{purchase.id}/{attachment['id']}{slash}")

    assert response.status_code == 200
    assert response.json() == {"message": "File deleted"}
    assert api_client.get(f"{FILES}/{purchase.id}/").json() == []


def test_delete_with_a_malformed_id_answers_400(api_client):
    purchase = PurchaseFactory()

    response = api_client.delete(f"{FILES}/{purchase.id}/12345/")

    assert response.status_code == 400
    assert isinstance(response.json()["detail"], str)


def test_delete_of_an_unknown_file_or_purchase_answers_404(api_client):
    purchase = PurchaseFactory()
    attachment = uploaded(api_client, purchase.id)

    unknown_file = api_client.delete(f"{FILES}/{purchase.id}/{uuid.uuid4()}/")
    unknown_purchase = api_client.delete(f"{FILES}/{uuid.uuid4()}/{attachment['id']}/")

    assert unknown_file.status_code == 404
    assert unknown_purchase.status_code == 404
    assert unknown_purchase.json() == {"detail": "Purchase not found"}
    assert Attachment.objects.filter(pk=attachment["id"]).exists()


def test_delete_of_another_purchases_file_answers_404_and_keeps_it(api_client):
    owner, other = PurchaseFactory(), PurchaseFactory()
    attachment = uploaded(api_client, owner.id)

    response = api_client.delete(f"{FILES}/{other.id}/{attachment['id']}/")

    assert response.status_code == 404
    assert Attachment.objects.filter(pk=attachment["id"], purchase=owner).exists()


def test_deleting_one_of_two_sharing_attachments_keeps_the_blob_and_its_file(
    api_client, settings, django_capture_on_commit_callbacks
):
    first, second = PurchaseFactory(), PurchaseFactory()
    gone = uploaded(api_client, first.id)
    kept = uploaded(api_client, second.id)

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.delete(f"{FILES}/{first.id}/{gone['id']}/")

    assert response.status_code == 200
    assert Blob.objects.get().reference_count == 1
    assert blob_path(settings, sha256(PDF), ".pdf").read_bytes() == PDF
    assert api_client.get(f"{FILES}/{second.id}/{kept['id']}/").json()["reference_count"] == 1
    assert download_body(api_client.get(f"{FILES}/file/{kept['id']}/download/")) == PDF


def test_deleting_the_last_attachment_removes_the_blob_and_its_file_only_after_commit(
    api_client, settings, django_capture_on_commit_callbacks
):
    purchase = PurchaseFactory()
    attachment = uploaded(api_client, purchase.id)
    path = blob_path(settings, sha256(PDF), ".pdf")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api_client.delete(f"{FILES}/{purchase.id}/{attachment['id']}/")

    assert response.status_code == 200
    assert not Attachment.objects.exists()
    assert not Blob.objects.exists()
    assert path.exists(), "the file went before the deletion committed"
    assert callbacks

    for callback in callbacks:
        callback()

    assert not path.exists()
    assert stored_files(settings) == []


def test_a_crash_before_the_file_deletion_leaves_an_orphan_file_and_no_rows(
    api_client, settings, django_capture_on_commit_callbacks
):
    purchase = PurchaseFactory()
    attachment = uploaded(api_client, purchase.id)

    # The process dies after the commit: the on-commit callbacks never run.
    with django_capture_on_commit_callbacks(execute=False):
        api_client.delete(f"{FILES}/{purchase.id}/{attachment['id']}/")

    assert not Attachment.objects.exists()
    assert not Blob.objects.exists()
    assert stored_files(settings) == [blob_path(settings, sha256(PDF), ".pdf")]


def test_a_failing_file_deletion_after_commit_leaves_an_orphan_file_and_no_rows(
    api_client, settings, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    purchase = PurchaseFactory()
    attachment = uploaded(api_client, purchase.id)

    def unavailable(storage, name):
        raise OSError("storage unavailable")

    # The class of purchases.blobs.default_storage (a lazy object that cannot be patched cleanly).
    monkeypatch.setattr(FileSystemStorage, "delete", unavailable)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.delete(f"{FILES}/{purchase.id}/{attachment['id']}/")

    assert response.status_code == 200
    assert not Attachment.objects.exists()
    assert not Blob.objects.exists()
    assert stored_files(settings) == [blob_path(settings, sha256(PDF), ".pdf")]
    assert "orphan" in caplog.text


def test_a_failure_before_commit_keeps_both_the_rows_and_the_file(
    api_client, settings, monkeypatch, django_capture_on_commit_callbacks
):
    purchase = PurchaseFactory()
    attachment = uploaded(api_client, purchase.id)

    def crash(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("django.db.transaction.on_commit", crash)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.delete(f"{FILES}/{purchase.id}/{attachment['id']}/")

    assert response.status_code == 500
    assert Attachment.objects.filter(pk=attachment["id"]).exists()
    assert Blob.objects.get().reference_count == 1
    assert blob_path(settings, sha256(PDF), ".pdf").read_bytes() == PDF


# --- Deleting purchases and resetting -------------------------------------------------------------


def test_deleting_a_purchase_releases_its_attachments_blobs(
    api_client, settings, django_capture_on_commit_callbacks
):
    doomed, survivor = PurchaseFactory(), PurchaseFactory()
    uploaded(api_client, doomed.id, PDF, "shared.pdf")
    uploaded(api_client, doomed.id, PNG, "sole.png", "image/png")
    kept = uploaded(api_client, survivor.id, PDF, "shared.pdf")

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.delete(f"/api/purchases/{doomed.id}")

    assert response.status_code == 204
    assert not Purchase.objects.filter(pk=doomed.pk).exists()
    assert list(Attachment.objects.values_list("id", flat=True)) == [uuid.UUID(kept["id"])]
    shared = Blob.objects.get()
    assert shared.sha256 == sha256(PDF)
    assert shared.reference_count == 1
    assert stored_files(settings) == [blob_path(settings, sha256(PDF), ".pdf")]
    assert api_client.get(f"{FILES}/{survivor.id}/").json()[0]["reference_count"] == 1


def test_reset_all_removes_every_attachment_and_blob_and_counts_the_files(
    api_client, settings, django_capture_on_commit_callbacks
):
    first, second = PurchaseFactory(), PurchaseFactory()
    uploaded(api_client, first.id, PDF)
    uploaded(api_client, second.id, PDF)
    uploaded(api_client, first.id, PNG, "photo.png", "image/png")
    uploaded(api_client, second.id, TEXT, "serial.txt", "text/plain")
    assert len(stored_files(settings)) == 3

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            "/api/data/reset-all", {"confirm": "DELETE"}, content_type="application/json"
        )

    assert response.status_code == 200
    assert response.json()["details"]["uploads_deleted"] == 3
    assert not Attachment.objects.exists()
    assert not Blob.objects.exists()
    assert not Purchase.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize("path", ["instance", "queryset"])
def test_deleting_a_purchase_outside_the_api_still_releases_its_blobs(
    api_client, settings, django_capture_on_commit_callbacks, path
):
    # The services behind the admin's delete (one purchase) and bulk action (a queryset): the
    # admin itself is driven in spends_tracker/tests/test_write_paths.py.
    doomed, survivor = PurchaseFactory(), PurchaseFactory()
    uploaded(api_client, doomed.id, PDF, "shared.pdf")
    uploaded(api_client, doomed.id, PNG, "sole.png", "image/png")
    uploaded(api_client, survivor.id, PDF, "shared.pdf")

    with django_capture_on_commit_callbacks(execute=True):
        if path == "instance":
            purchase_delete(purchase=Purchase.objects.get(pk=doomed.pk))
        else:
            purchases_delete(purchases=Purchase.objects.filter(pk=doomed.pk))

    assert Attachment.objects.get().purchase_id == survivor.pk
    assert Blob.objects.get().reference_count == 1
    assert stored_files(settings) == [blob_path(settings, sha256(PDF), ".pdf")]


def test_deleting_attachments_outside_the_api_still_keeps_the_counts(api_client):
    """The blob store's one delete service, as the admin's inline and the reset call it."""
    content = b"%PDF-1.4 shared by two"
    for purchase in (PurchaseFactory(), PurchaseFactory()):
        api_client.post(
            f"/api/files/{purchase.pk}/",
            {"file": SimpleUploadedFile("r.pdf", content), "file_type": "receipt"},
        )
    attachments_delete(attachments=Attachment.objects.filter(pk=Attachment.objects.first().pk))
    assert Blob.objects.get().reference_count == 1
    attachments_delete(attachments=Attachment.objects.all())
    assert not Blob.objects.exists()
