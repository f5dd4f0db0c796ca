"""A purchase's attachments, listed and one by one (docs/api.md §2.6, §4.4, §5.6): oldest
first, only its own, a query count that does not grow with the rows, legacy 32-hex ids, and
400 or 404 for malformed or unknown ids.
"""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from purchases.models import Attachment, Blob, Purchase
from purchases.tests.attachments_api_helpers import (
    ATTACHMENT_KEYS,
    FILES,
    PDF,
    PNG,
    download_body,
    sha256,
    uploaded,
)
from purchases.tests.factories import PurchaseFactory

pytestmark = pytest.mark.django_db


def test_list_is_a_bare_array_oldest_first(api_client):
    purchase = PurchaseFactory()
    ids = [
        uploaded(api_client, purchase.id, data, f"file{index}.txt", "text/plain")["id"]
        for index, data in enumerate([b"one", b"two", b"three"])
    ]
    # Make the last upload the oldest, so that the order cannot come from insertion.
    base = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    for offset, attachment_id in zip([2, 1, 0], ids, strict=True):
        Attachment.objects.filter(pk=attachment_id).update(
            created_at=base + datetime.timedelta(minutes=offset)
        )

    response = api_client.get(f"{FILES}/{purchase.id}/")

    assert response.status_code == 200
    body = response.json()
    assert isinstance(body, list)
    assert [item["id"] for item in body] == list(reversed(ids))
    assert all(item.keys() >= ATTACHMENT_KEYS for item in body)


def test_list_only_shows_the_purchases_own_attachments(api_client):
    purchase, other = PurchaseFactory(), PurchaseFactory()
    mine = uploaded(api_client, purchase.id, PDF)
    uploaded(api_client, other.id, PNG, "photo.png", "image/png")

    for path in (f"{FILES}/{purchase.id}/", f"{FILES}/{purchase.id}"):
        assert api_client.get(path).json() == [mine]
    assert api_client.get(f"{FILES}/{PurchaseFactory().id}/").json() == []


def test_list_of_an_unknown_purchase_answers_404(api_client):
    response = api_client.get(f"{FILES}/{uuid.uuid4()}/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Purchase not found"}


def _attach_directly(purchase: Purchase, index: int) -> Attachment:
    digest = sha256(f"{purchase.id}-{index}".encode())
    blob = Blob.objects.create(sha256=digest, extension=".jpg", size=index + 1, reference_count=1)
    return Attachment.objects.create(
        purchase=purchase, blob=blob, file_type="photo", filename=f"photo{index}.jpg"
    )


def test_listing_attachments_takes_the_same_number_of_queries_for_2_and_20(api_client):
    small, large = PurchaseFactory(), PurchaseFactory()
    for index in range(2):
        _attach_directly(small, index)
    for index in range(20):
        _attach_directly(large, index)

    api_client.get(f"{FILES}/{small.id}/")  # the token's once-a-minute last-use write
    with CaptureQueriesContext(connection) as few:
        assert len(api_client.get(f"{FILES}/{small.id}/").json()) == 2
    with CaptureQueriesContext(connection) as many:
        assert len(api_client.get(f"{FILES}/{large.id}/").json()) == 20

    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.parametrize("slash", ["/", ""])
def test_detail_returns_the_attachment_object(api_client, slash):
    purchase = PurchaseFactory()
    attachment = uploaded(api_client, purchase.id)

    response = api_client.get(f"{FILES}/{purchase.id}/{attachment['id']}{slash}")

    assert response.status_code == 200
    assert response.json() == attachment


def test_detail_with_a_malformed_file_id_answers_400(api_client):
    purchase = PurchaseFactory()

    response = api_client.get(f"{FILES}/{purchase.id}/not-an-id/")

    assert response.status_code == 400
    assert isinstance(response.json()["detail"], str)


def test_detail_of_an_unknown_purchase_answers_404(api_client):
    attachment = uploaded(api_client, PurchaseFactory().id)

    response = api_client.get(f"{FILES}/{uuid.uuid4()}/{attachment['id']}/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Purchase not found"}


def test_detail_of_an_unknown_file_answers_404(api_client):
    purchase = PurchaseFactory()

    response = api_client.get(f"{FILES}/{purchase.id}/{uuid.uuid4()}/")

    assert response.status_code == 404
    assert isinstance(response.json()["detail"], str)


def test_detail_of_another_purchases_file_answers_404(api_client):
    owner, other = PurchaseFactory(), PurchaseFactory()
    attachment = uploaded(api_client, owner.id)

    response = api_client.get(f"{FILES}/{other.id}/{attachment['id']}/")

    assert response.status_code == 404
    assert isinstance(response.json()["detail"], str)


def test_legacy_32_hex_attachment_ids_are_accepted(api_client, django_capture_on_commit_callbacks):
    purchase = PurchaseFactory()
    attachment = uploaded(api_client, purchase.id)
    legacy_id = uuid.UUID(attachment["id"]).hex

    detail = api_client.get(f"{FILES}/{purchase.id}/{legacy_id}/")
    download = api_client.get(f"{FILES}/file/{legacy_id}/download/")
    with django_capture_on_commit_callbacks(execute=True):
        deleted = api_client.delete(f"{FILES}/{purchase.id}/{legacy_id}/")

    assert detail.status_code == 200
    assert detail.json() == attachment
    assert download.status_code == 200
    assert download_body(download) == PDF
    assert deleted.status_code == 200
    assert not Attachment.objects.exists()
