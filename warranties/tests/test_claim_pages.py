"""The claims pages (docs/claims.md §4): the warranties page's claim state, a warranty's claims
with the form that opens one, a claim's form, the quick status changes, and who may do what."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import MemberFactory
from kernel import clock
from preferences.services import preferences_update
from warranties.models import Claim, ClaimStatus
from warranties.selectors import claims_of_purchase_for_page
from warranties.tests.factories import ClaimFactory, WarrantyFactory, attachment_of

pytestmark = pytest.mark.django_db

LIST = reverse("warranties:list")


def claims_page(warranty) -> str:
    return reverse("warranties:claims", args=[warranty.pk])


def signed_in(client, role):
    client.force_login(MemberFactory(role=role))
    return client


def test_the_warranties_page_shows_each_warrantys_open_claims_and_follow_up(owner_client):
    follow_up = clock.today() + datetime.timedelta(days=3)
    claim = ClaimFactory(status=ClaimStatus.IN_PROGRESS, follow_up_on=follow_up)
    ClaimFactory(warranty=claim.warranty)
    quiet = WarrantyFactory()

    content = owner_client.get(LIST).text

    assert "2 claims in progress" in content
    assert "follow up" in content
    assert f'href="{claims_page(quiet)}?new=1"' in content  # "Open a claim" for editors


def test_opening_a_claim_on_the_page_links_its_documents(owner_client):
    warranty = WarrantyFactory()
    receipt = attachment_of(warranty.purchase)
    form = {
        "number": "RMA-123",
        "cost": "19.90",
        "currency_code": "eur",
        "follow_up_on": str(clock.today() + datetime.timedelta(days=10)),
        "documents": [str(receipt.pk)],
    }

    response = owner_client.post(claims_page(warranty), form, follow=True)

    claim = Claim.objects.get()
    assert (claim.number, claim.cost, claim.currency_code) == ("RMA-123", Decimal("19.90"), "EUR")
    assert list(claim.documents.all()) == [receipt]
    assert "The claim RMA-123 is open." in response.text
    assert "receipt.pdf" in response.text


def test_a_refusal_of_the_service_is_shown_at_its_field(owner_client):
    warranty = WarrantyFactory()
    tomorrow = clock.today() + datetime.timedelta(days=1)

    response = owner_client.post(claims_page(warranty), {"opened_on": str(tomorrow)})

    assert "A claim cannot be opened after today." in response.text
    assert "invalid-feedback" in response.text
    assert not Claim.objects.exists()


def test_quick_actions_move_a_claim_and_refuse_what_the_rule_refuses(owner_client):
    claim = ClaimFactory(opened_on=clock.today())
    status = reverse("warranties:claim_status", args=[claim.pk])

    owner_client.post(status, {"status": "RESOLVED", "next": LIST})
    claim.refresh_from_db()
    assert (claim.status, claim.closed_on) == (ClaimStatus.RESOLVED, clock.today())

    response = owner_client.post(status, {"status": "REJECTED"}, follow=True)
    assert "A resolved claim cannot become rejected: reopen it first." in response.text
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.RESOLVED


def test_an_action_goes_back_to_a_page_of_this_site_only(owner_client):
    claim = ClaimFactory()
    status = reverse("warranties:claim_status", args=[claim.pk])

    inside = owner_client.post(status, {"status": "IN_PROGRESS", "next": LIST})
    outside = owner_client.post(status, {"status": "OPEN", "next": "https://example.com/"})

    assert inside["Location"] == LIST
    assert outside["Location"] == claims_page(claim.warranty)


def test_editing_a_claim_saves_every_field_and_deleting_keeps_the_files(owner_client):
    claim = ClaimFactory(opened_on=clock.today() - datetime.timedelta(days=5))
    receipt = attachment_of(claim.warranty.purchase)
    edit = reverse("warranties:claim", args=[claim.pk])
    form = {
        "opened_on": str(claim.opened_on),
        "number": "RMA-9",
        "status": "REJECTED",
        "resolution": "Out of warranty",
        "currency_code": "USD",
        "documents": [str(receipt.pk)],
    }

    assert owner_client.get(edit).status_code == 200
    owner_client.post(edit, form)
    claim.refresh_from_db()
    assert (claim.number, claim.status, claim.closed_on) == (
        "RMA-9",
        ClaimStatus.REJECTED,
        clock.today(),
    )
    assert claim.resolution == "Out of warranty"
    owner_client.post(reverse("warranties:claim_delete", args=[claim.pk]), {"confirm": "on"})
    assert not Claim.objects.exists()
    receipt.refresh_from_db()
    assert receipt.claim_id is None


def test_the_partial_shows_statuses_in_words_and_money_the_households_way(owner_client):
    preferences_update(number_style="de_DE")
    claim = ClaimFactory(cost=Decimal("1234.50"), currency_code="EUR", status="IN_PROGRESS")

    content = owner_client.get(claims_page(claim.warranty)).text

    assert "In progress" in content
    assert "1.234,50" in content


def test_viewers_see_claims_without_actions_and_cannot_post(client):
    claim = ClaimFactory(number="RMA-V")
    viewer = signed_in(client, Role.VIEWER)

    page = viewer.get(claims_page(claim.warranty)).text
    refused = viewer.post(reverse("warranties:claim_status", args=[claim.pk]), {"status": "OPEN"})

    assert "RMA-V" in page
    assert "Resolve" not in page
    assert refused.status_code == 403


def test_the_partial_alone_renders_a_purchases_claims_without_a_query_of_its_own(rf, api_user):
    # The item page's use (docs/claims.md §4): the selector's list, the partial, nothing else.
    claim = ClaimFactory(number="RMA-ITEM", cost=Decimal("5.00"))
    receipt = attachment_of(claim.warranty.purchase)
    receipt.claim = claim
    receipt.save()
    ClaimFactory(warranty=WarrantyFactory(purchase=claim.warranty.purchase), number="RMA-TWO")
    request = rf.get(f"/inventory/{claim.warranty.purchase_id}/")
    request.user = api_user

    claims = claims_of_purchase_for_page(claim.warranty.purchase_id)
    with CaptureQueriesContext(connection) as captured:
        html = render_to_string(
            "warranties/partials/claims.html",
            {"claims": claims, "show_product": True},
            request=request,
        )

    # Only the site's context processors read (the household's styles, the person's role).
    read = " ".join(query["sql"] for query in captured)
    assert "warranties_" not in read and "purchases_" not in read
    assert "RMA-ITEM" in html and "RMA-TWO" in html and "receipt.pdf" in html
    assert "Resolve claim RMA-ITEM" in html  # the owner may act
    assert f'value="/inventory/{claim.warranty.purchase_id}/"' in html  # actions come back here


def test_the_claim_form_offers_currencies_as_a_select_and_names_the_warranty_type(owner_client):
    warranty = WarrantyFactory(warranty_type="EXTENDED")
    claim = ClaimFactory(warranty=warranty, currency_code="EUR")

    new = owner_client.get(claims_page(warranty) + "?new=1").content.decode()
    edit = owner_client.get(reverse("warranties:claim", args=[claim.id])).content.decode()

    assert '<select class="form-select" id="id_currency_code" name="currency_code">' in new
    assert '<option value="USD" selected>' in new  # the household's currency first
    assert '<option value="EUR" selected>' in edit
    assert "Extended warranty" in new and "EXTENDED" not in new
