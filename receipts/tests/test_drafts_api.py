"""The drafts' routes: add a receipt, list what waits, confirm it into a purchase, dismiss it."""

import pytest

from purchases.models import Attachment
from purchases.tests.factories import PurchaseFactory
from receipts.models import Draft
from receipts.tests.test_drafts import INVOICE, upload

pytestmark = pytest.mark.django_db
DRAFTS = "/api/receipts/drafts"


def test_a_receipt_is_added_read_listed_and_confirmed(
    api_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        added = api_client.post(DRAFTS, {"file": upload()})
    assert added.status_code == 201, added.content
    assert added.json()["reading"] == "pending"  # answered before the worker read it

    listed = api_client.get(DRAFTS).json()
    assert [(d["filename"], d["reading"]) for d in listed] == [(INVOICE, "done")]
    suggestions = listed[0]["suggestions"]
    assert (suggestions["total"]["value"], suggestions["currency"]["value"]) == ("222.28", "USD")
    assert 0 < suggestions["total"]["confidence"] <= 1
    assert "222.28" in suggestions["total"]["line"]
    file = api_client.get(f"{DRAFTS}/{added.json()['id']}/file")
    assert (file.status_code, file["Content-Type"]) == (200, "application/pdf")

    purchase = PurchaseFactory()
    confirmed = api_client.post(
        f"{DRAFTS}/{added.json()['id']}/confirm",
        {"purchase_id": str(purchase.pk)},
        content_type="application/json",
    )
    assert confirmed.status_code == 200
    assert confirmed.json()["status"] == "confirmed"
    assert Attachment.objects.get(purchase=purchase).filename == INVOICE
    assert api_client.get(DRAFTS).json() == []
    again = api_client.post(
        f"{DRAFTS}/{added.json()['id']}/confirm",
        {"purchase_id": str(purchase.pk)},
        content_type="application/json",
    )
    assert (again.status_code, again.json()["detail"]) == (
        409,
        "This receipt was confirmed already.",
    )


def test_a_draft_dismissed_is_gone(api_client):
    added = api_client.post(DRAFTS, {"file": upload()}).json()

    assert api_client.delete(f"{DRAFTS}/{added['id']}").status_code == 204
    assert not Draft.objects.exists()
    assert api_client.delete(f"{DRAFTS}/{added['id']}").status_code == 404
