import datetime

import pytest
from django.urls import reverse

from kernel import clock
from warranties.models import ClaimStatus, Warranty
from warranties.tests.factories import ClaimFactory, WarrantyFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:warranties_warranty_changelist")


def test_changelist_filters_by_effective_state(staff_client, django_assert_max_num_queries):
    today = clock.today()
    expiring = WarrantyFactory(
        warranty_start=today - datetime.timedelta(days=300),
        warranty_end=today + datetime.timedelta(days=5),
    )
    WarrantyFactory(
        warranty_start=today - datetime.timedelta(days=300),
        warranty_end=today - datetime.timedelta(days=5),
    )
    WarrantyFactory.create_batch(
        20,
        warranty_start=today - datetime.timedelta(days=300),
        warranty_end=today + datetime.timedelta(days=200),
    )

    with django_assert_max_num_queries(10):
        response = staff_client.get(CHANGELIST, {"warranty_state": "EXPIRING"})

    assert list(response.context["cl"].result_list) == [expiring]


def test_void_action_voids_the_selected_warranties(staff_client):
    warranty = WarrantyFactory()
    response = staff_client.post(
        CHANGELIST, {"action": "void", "_selected_action": [str(warranty.pk)]}, follow=True
    )
    assert "Voided 1 warranties." in response.text
    assert Warranty.objects.get(pk=warranty.pk).voided


def test_add_form_renders(staff_client):
    assert staff_client.get(reverse("admin:warranties_warranty_add")).status_code == 200


def claim_form(claim, **changes) -> dict:
    values = {
        "warranty": str(claim.warranty_id),
        "opened_on": str(claim.opened_on),
        "number": claim.number or "",
        "status": claim.status,
        "closed_on": str(claim.closed_on or ""),
        "follow_up_on": "",
        "cost": "",
        "currency_code": claim.currency_code,
        "resolution": "",
        "notes": "",
    }
    return values | changes


def test_the_claim_changelist_filters_by_status_with_its_labels(staff_client):
    open_claim = ClaimFactory(number="RMA-OPEN")
    ClaimFactory(number="RMA-DONE", status=ClaimStatus.RESOLVED, closed_on=clock.today())
    changelist = reverse("admin:warranties_claim_changelist")

    response = staff_client.get(changelist, {"status__exact": "OPEN"})

    assert list(response.context["cl"].result_list) == [open_claim]
    assert "In progress" in staff_client.get(changelist).text


def test_closing_in_the_admin_records_the_day_and_a_closed_claim_only_reopens(staff_client):
    claim = ClaimFactory(opened_on=clock.today() - datetime.timedelta(days=4))
    change = reverse("admin:warranties_claim_change", args=[claim.pk])

    staff_client.post(change, claim_form(claim, status="RESOLVED"))
    claim.refresh_from_db()
    assert (claim.status, claim.closed_on) == (ClaimStatus.RESOLVED, clock.today())
    assert claim.updated_by is not None

    refused = staff_client.post(change, claim_form(claim, status="REJECTED"))
    assert "A resolved claim cannot become rejected: reopen it first." in refused.text
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.RESOLVED


def test_the_warranty_form_has_a_claims_inline(staff_client):
    claim = ClaimFactory(number="RMA-INLINE")
    change = reverse("admin:warranties_warranty_change", args=[claim.warranty_id])

    response = staff_client.get(change)

    assert response.status_code == 200
    assert "RMA-INLINE" in response.text
    assert (
        reverse("admin:warranties_claim_add")
        and staff_client.get(reverse("admin:warranties_claim_add")).status_code == 200
    )
