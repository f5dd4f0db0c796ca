"""The claims endpoints (docs/api.md §5.16): list and create under a warranty, read, update and
delete one claim, claims inside warranty and purchase objects, roles and readable refusals."""

import datetime

import pytest
from django.test import Client

from accounts.models import Role
from accounts.services import api_token_create
from accounts.tests.factories import MemberFactory
from kernel import clock
from kernel.testing import assert_validation_error
from warranties.models import Claim, ClaimStatus
from warranties.tests.api_helpers import WARRANTIES, assert_not_found
from warranties.tests.factories import ClaimFactory, WarrantyFactory, attachment_of

pytestmark = pytest.mark.django_db

CLAIMS = "/api/claims"
CLAIM_KEYS = {
    "id",
    "warranty_id",
    "purchase_id",
    "product_name",
    "opened_on",
    "number",
    "status",
    "status_label",
    "closed_on",
    "resolution",
    "cost",
    "currency_code",
    "follow_up_on",
    "notes",
    "documents",
    "created_at",
    "updated_at",
    "created_by",
    "updated_by",
}


def claims_of(warranty) -> str:
    return f"{WARRANTIES}/{warranty.id}/claims"


def client_as(role) -> Client:
    _, raw = api_token_create(user=MemberFactory(role=role), name="script")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_opening_a_claim_answers_201_with_the_claim_and_its_documents(api_client):
    warranty = WarrantyFactory(purchase__product_name="Bosch dishwasher")
    receipt = attachment_of(warranty.purchase)
    body = {
        "number": "RMA-123",
        "cost": 12.5,
        "currency_code": "eur",
        "follow_up_on": str(clock.today() + datetime.timedelta(days=14)),
        "document_ids": [str(receipt.id)],
    }

    response = api_client.post(claims_of(warranty), body, content_type="application/json")

    assert response.status_code == 201, response.content
    claim = response.json()
    assert set(claim) == CLAIM_KEYS
    assert claim["status"] == "OPEN"
    assert claim["status_label"] == "Open"
    assert claim["cost"] == "12.50"
    assert claim["currency_code"] == "EUR"
    assert claim["opened_on"] == str(clock.today())
    assert claim["product_name"] == "Bosch dishwasher"
    assert claim["purchase_id"] == str(warranty.purchase_id)
    assert claim["created_by"] == "owner"
    assert claim["documents"] == [
        {
            "id": str(receipt.id),
            "filename": "receipt.pdf",
            "file_type": "receipt",
            "mime_type": "application/pdf",
        }
    ]


def test_listing_a_warranties_claims_is_paginated_newest_first_and_filters_by_status(api_client):
    warranty = WarrantyFactory()
    today = clock.today()
    old = ClaimFactory(warranty=warranty, opened_on=today - datetime.timedelta(days=9))
    new = ClaimFactory(warranty=warranty, opened_on=today, status=ClaimStatus.IN_PROGRESS)
    ClaimFactory()

    everything = api_client.get(claims_of(warranty)).json()
    in_progress = api_client.get(claims_of(warranty), {"status": "IN_PROGRESS"}).json()

    assert [item["id"] for item in everything["items"]] == [str(new.id), str(old.id)]
    assert everything["total"] == 2
    assert [item["id"] for item in in_progress["items"]] == [str(new.id)]


def test_moving_a_claim_through_its_statuses_records_the_closing_day(api_client):
    claim = ClaimFactory(opened_on=clock.today() - datetime.timedelta(days=3))
    path = f"{CLAIMS}/{claim.id}"

    moved = api_client.put(path, {"status": "IN_PROGRESS"}, content_type="application/json")
    closed = api_client.put(
        path, {"status": "RESOLVED", "resolution": "Replaced"}, content_type="application/json"
    )

    assert moved.json()["status_label"] == "In progress"
    assert closed.json()["closed_on"] == str(clock.today())
    assert closed.json()["resolution"] == "Replaced"
    assert closed.json()["updated_by"] == "owner"


def test_a_refused_transition_answers_422_with_a_readable_message(api_client):
    claim = ClaimFactory(status=ClaimStatus.REJECTED, closed_on=clock.today())

    response = api_client.put(
        f"{CLAIMS}/{claim.id}", {"status": "RESOLVED"}, content_type="application/json"
    )

    assert_validation_error(response)
    assert response.json()["detail"] == [
        {
            "type": "value_error",
            "loc": ["body", "status"],
            "msg": "A rejected claim cannot become resolved: reopen it first.",
        }
    ]


@pytest.mark.parametrize(
    "body",
    [
        {"cost": -1},
        {"cost": "a lot"},
        {"currency_code": "XYZ"},
        {"status": "LOST"},
        {"opened_on": "tomorrow"},
        {"document_ids": ["not-a-uuid"]},
        {"number": "x" * 101},
    ],
)
def test_bad_bodies_answer_422_naming_the_field(api_client, body):
    response = api_client.post(claims_of(WarrantyFactory()), body, content_type="application/json")

    assert_validation_error(response)
    assert set(body) & set(response.json()["detail"][0]["loc"])
    assert not Claim.objects.exists()


def test_a_file_of_another_purchase_is_refused_as_a_document(api_client):
    elsewhere = attachment_of(WarrantyFactory().purchase)

    response = api_client.post(
        claims_of(WarrantyFactory()),
        {"document_ids": [str(elsewhere.id)]},
        content_type="application/json",
    )

    assert_validation_error(response)
    assert "not attachments of the claim's purchase" in response.json()["detail"][0]["msg"]


def test_reading_and_deleting_a_claim(api_client):
    claim = ClaimFactory()
    path = f"{CLAIMS}/{claim.id}"

    assert api_client.get(path).json()["id"] == str(claim.id)
    assert api_client.delete(path).status_code == 204
    assert_not_found(api_client.get(path))
    assert_not_found(api_client.delete(path))


@pytest.mark.parametrize("path", [f"{CLAIMS}/nope", f"{WARRANTIES}/nope/claims"])
def test_unknown_ids_answer_404(api_client, path):
    assert_not_found(api_client.get(path))


def test_warranty_and_purchase_objects_carry_their_claims(api_client):
    claim = ClaimFactory(number="RMA-7")
    warranty = claim.warranty

    detail = api_client.get(f"{WARRANTIES}/{warranty.id}").json()
    listed = api_client.get(WARRANTIES).json()["items"][0]
    purchase = api_client.get(f"/api/purchases/{warranty.purchase_id}").json()

    assert [item["number"] for item in detail["claims"]] == ["RMA-7"]
    assert [item["number"] for item in listed["claims"]] == ["RMA-7"]
    assert [item["number"] for item in purchase["warranties"][0]["claims"]] == ["RMA-7"]


def test_viewers_read_claims_and_editors_write_them():
    claim = ClaimFactory()
    viewer, editor = client_as(Role.VIEWER), client_as(Role.EDITOR)
    path = claims_of(claim.warranty)

    assert viewer.get(path).status_code == 200
    refused = viewer.post(path, {}, content_type="application/json")
    assert refused.status_code == 403
    assert "your role is viewer" in refused.json()["detail"]
    assert viewer.delete(f"{CLAIMS}/{claim.id}").status_code == 403
    assert editor.post(path, {}, content_type="application/json").status_code == 201
    assert editor.delete(f"{CLAIMS}/{claim.id}").status_code == 204


def test_a_page_of_claims_takes_the_same_queries_for_2_and_20_claims(
    api_client, django_assert_num_queries
):
    warranty = WarrantyFactory()
    receipt = attachment_of(warranty.purchase)
    for claim in ClaimFactory.create_batch(2, warranty=warranty):
        receipt.claim = claim
        receipt.save()
    api_client.get(claims_of(warranty))  # the token's first use is recorded once
    ClaimFactory.create_batch(18, warranty=warranty)

    # token, warranty, count, page (warranty, purchase and people joined in), documents
    with django_assert_num_queries(5):
        response = api_client.get(claims_of(warranty), {"limit": 100})

    assert response.json()["total"] == 20
