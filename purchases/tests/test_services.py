"""The purchase and attachment services called directly: validation, authorship, what a failed
write leaves, the data version, the rollups and the blob store (the API's tests cover HTTP)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.tests.factories import MemberFactory
from kernel import clock
from kernel.summaries import summaries_in_step
from kernel.versioning import data_version
from purchases.models import Attachment, Blob, Purchase, PurchaseStatus, SpendingRollup
from purchases.rollups import rollups_brought_in_step, rollups_rebuild
from purchases.services import (
    attachment_add,
    attachments_delete,
    purchase_create,
    purchase_delete,
    purchase_update,
    purchases_mark_received,
)
from purchases.tests.factories import PurchaseFactory
from warranties.models import Warranty, WarrantyRollup
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 a receipt"


def kettle(**fields) -> dict:
    return {
        "product_name": "Kettle",
        "price": Decimal("24.99"),
        "currency_code": "EUR",
        "purchase_date": datetime.date(2024, 3, 1),
        **fields,
    }


def rollup_rows():
    return sorted(
        SpendingRollup.objects.values_list("currency_code", "dimension", "key", "purchase_count")
    ), sorted(WarrantyRollup.objects.values_list("warranty_end", "voided", "warranty_count"))


def assert_rollups_match_a_rebuild():
    assert summaries_in_step()
    kept = rollup_rows()
    rollups_rebuild()
    assert kept == rollup_rows()


def attach(purchase, content=PDF, name="receipt.pdf"):
    return attachment_add(
        purchase=purchase, upload=SimpleUploadedFile(name, content), file_type="receipt"
    )


def test_creating_a_purchase_stores_its_fields_and_the_defaults():
    purchase = purchase_create(data=kettle())
    stored = Purchase.objects.get(pk=purchase.pk)
    assert (stored.product_name, stored.price, stored.currency_code) == (
        "Kettle",
        Decimal("24.99"),
        "EUR",
    )
    assert (stored.status, stored.quantity, stored.updated_at) == (PurchaseStatus.RECEIVED, 1, None)


def test_fields_that_are_not_the_purchases_own_are_not_written():
    purchase = purchase_create(
        data=kettle(created_at=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC), id=None)
    )
    assert Purchase.objects.get(pk=purchase.pk).created_at.year != 2000


def test_a_purchase_dated_in_the_future_is_refused_with_a_message_and_not_stored():
    tomorrow = clock.today() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as raised:
        purchase_create(data=kettle(purchase_date=tomorrow))
    assert raised.value.message_dict == {
        "purchase_date": ["The purchase date cannot be in the future."]
    }
    assert not Purchase.objects.exists()


def test_a_refused_warranty_expiry_leaves_neither_the_purchase_nor_a_warranty():
    before = data_version()
    with pytest.raises(ValidationError) as raised:
        purchase_create(data=kettle(warranty_expiry=datetime.date(2024, 2, 1)))
    assert "warranty_expiry" in raised.value.message_dict
    assert not Purchase.objects.exists()
    assert not Warranty.objects.exists()
    assert data_version() == before


def test_a_warranty_expiry_creates_the_first_warranty_by_the_same_person():
    person = MemberFactory()
    purchase = purchase_create(data=kettle(warranty_expiry=datetime.date(2026, 3, 1)), actor=person)
    warranty = Warranty.objects.get(purchase=purchase)
    assert (warranty.warranty_start, warranty.warranty_end) == (
        datetime.date(2024, 3, 1),
        datetime.date(2026, 3, 1),
    )
    assert warranty.created_by == person


def test_the_creator_is_the_author_and_a_later_editor_the_last_changer():
    author, editor = MemberFactory(), MemberFactory()
    purchase = purchase_create(data=kettle(), actor=author)
    assert (purchase.created_by, purchase.updated_by) == (author, None)
    purchase_update(purchase=purchase, data={"notes": "Gift"}, actor=editor)
    stored = Purchase.objects.get(pk=purchase.pk)
    assert (stored.created_by, stored.updated_by, stored.notes) == (author, editor, "Gift")


def test_an_update_changes_only_the_fields_given():
    purchase = purchase_create(data=kettle(notes="Kitchen"))
    purchase_update(purchase=purchase, data={"price": Decimal("19.50")})
    stored = Purchase.objects.get(pk=purchase.pk)
    assert (stored.price, stored.notes, stored.product_name) == (
        Decimal("19.50"),
        "Kitchen",
        "Kettle",
    )


def test_a_refused_update_leaves_the_stored_purchase_as_it_was():
    purchase = purchase_create(data=kettle())
    with pytest.raises(ValidationError) as raised:
        purchase_update(purchase=purchase, data={"price": Decimal("0")})
    assert "price" in raised.value.message_dict
    assert Purchase.objects.get(pk=purchase.pk).price == Decimal("24.99")


def test_creating_updating_and_deleting_change_the_data_version():
    versions = [data_version()]
    purchase = purchase_create(data=kettle())
    versions.append(data_version())
    purchase_update(purchase=purchase, data={"product_name": "Toaster"})
    versions.append(data_version())
    purchase_delete(purchase=purchase)
    versions.append(data_version())
    assert len(set(versions)) == 4


def test_the_write_services_keep_the_spending_and_warranty_rollups_in_step():
    PurchaseFactory()
    rollups_brought_in_step()
    purchase = purchase_create(data=kettle(warranty_expiry=datetime.date(2025, 3, 1)))
    purchase_update(purchase=purchase, data={"currency_code": "USD", "price": Decimal("3")})
    assert_rollups_match_a_rebuild()
    purchase_delete(purchase=purchase)
    assert_rollups_match_a_rebuild()
    assert ("USD", "Kettle") not in {(c, k) for c, _, k, _ in rollup_rows()[0]}


def test_deleting_a_purchase_deletes_its_warranties_and_no_other():
    purchase, other = PurchaseFactory(), PurchaseFactory()
    WarrantyFactory(purchase=purchase)
    kept = WarrantyFactory(purchase=other)
    purchase_delete(purchase=purchase)
    assert list(Warranty.objects.values_list("pk", flat=True)) == [kept.pk]
    assert Purchase.objects.filter(pk=other.pk).exists()


def test_adding_new_content_stores_the_file_and_one_referenced_blob():
    attachment, created = attach(PurchaseFactory())
    blob = Blob.objects.get()
    assert created
    assert (blob.reference_count, blob.size, attachment.mime_type) == (
        1,
        len(PDF),
        "application/pdf",
    )
    assert default_storage.exists(blob.name)


def test_adding_the_same_content_to_the_same_purchase_returns_the_existing_attachment():
    purchase = PurchaseFactory()
    first, _ = attach(purchase)
    again, created = attach(purchase, name="again.pdf")
    assert (again.pk, created) == (first.pk, False)
    assert Blob.objects.get().reference_count == 1


def test_the_same_content_on_two_purchases_shares_one_blob():
    attach(PurchaseFactory())
    attach(PurchaseFactory(), name="copy.pdf")
    assert Attachment.objects.count() == 2
    assert Blob.objects.get().reference_count == 2


def test_deleting_one_of_two_sharing_attachments_keeps_the_blob_and_its_file(
    django_capture_on_commit_callbacks,
):
    first, _ = attach(PurchaseFactory())
    attach(PurchaseFactory())
    with django_capture_on_commit_callbacks(execute=True):
        removed = attachments_delete(attachments=Attachment.objects.filter(pk=first.pk))
    blob = Blob.objects.get()
    assert (removed, blob.reference_count) == (0, 1)
    assert default_storage.exists(blob.name)


def test_deleting_the_last_attachment_removes_the_blob_and_its_file_after_commit(
    django_capture_on_commit_callbacks,
):
    attachment, _ = attach(PurchaseFactory())
    name = attachment.blob.name
    with django_capture_on_commit_callbacks() as callbacks:
        removed = attachments_delete(attachments=Attachment.objects.all())
        assert default_storage.exists(name)
    for callback in callbacks:
        callback()
    assert removed == 1
    assert not Blob.objects.exists()
    assert not default_storage.exists(name)


def test_deleting_a_purchase_releases_its_attachments_blobs(django_capture_on_commit_callbacks):
    purchase = PurchaseFactory()
    attachment, _ = attach(purchase)
    with django_capture_on_commit_callbacks(execute=True):
        purchase_delete(purchase=purchase)
    assert not Attachment.objects.exists()
    assert not Blob.objects.exists()
    assert not default_storage.exists(attachment.blob.name)


def test_marking_received_counts_only_the_ordered_purchases_and_changes_the_data_version():
    ordered = PurchaseFactory(status=PurchaseStatus.ORDERED)
    PurchaseFactory(status=PurchaseStatus.RECEIVED)
    before = data_version()
    changed = purchases_mark_received(purchases=Purchase.objects.all())
    assert changed == 1
    stored = Purchase.objects.get(pk=ordered.pk)
    assert (stored.status, stored.updated_at is not None) == (PurchaseStatus.RECEIVED, True)
    assert data_version() != before
