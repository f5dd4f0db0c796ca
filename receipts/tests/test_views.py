"""The receipts waiting for review, as a page, and the inventory's link to them."""

import pytest

from accounts.models import Membership
from purchases.tests.factories import PurchaseFactory
from receipts.drafts import draft_add, draft_confirm
from receipts.tests.test_drafts import INVOICE, upload

pytestmark = pytest.mark.django_db
DRAFTS_PAGE = "/inventory/receipts/"


def _read_draft(django_capture_on_commit_callbacks, name=INVOICE):
    with django_capture_on_commit_callbacks(execute=True):
        return draft_add(upload=upload(name), filename=name)


def test_the_page_lists_each_receipt_waiting_with_what_was_read(
    owner_client, django_capture_on_commit_callbacks
):
    _read_draft(django_capture_on_commit_callbacks)
    confirmed = _read_draft(django_capture_on_commit_callbacks, "10-pdf-text-invoice-de-eur.pdf")
    draft_confirm(draft=confirmed, purchase=PurchaseFactory())

    page = owner_client.get(DRAFTS_PAGE)

    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('data-testid="draft"') == 1
    assert INVOICE in html
    assert "10-pdf-text-invoice-de-eur.pdf" not in html
    for shown in ("Target", "$222.28", "Read", "> Review<", "Dismiss"):
        assert shown in html, shown


def test_the_inventory_links_to_the_receipts_waiting_with_their_count(
    owner_client, django_capture_on_commit_callbacks
):
    assert "waiting for review" not in owner_client.get("/inventory/").content.decode()
    _read_draft(django_capture_on_commit_callbacks)
    _read_draft(django_capture_on_commit_callbacks, "10-pdf-text-invoice-de-eur.pdf")

    html = owner_client.get("/inventory/").content.decode()

    assert "2 receipts waiting for review" in html
    assert f'href="{DRAFTS_PAGE}"' in html
    assert "Choose a receipt" in html


def test_viewers_see_the_receipts_waiting_but_neither_add_review_nor_dismiss(
    client, django_user_model, django_capture_on_commit_callbacks
):
    _read_draft(django_capture_on_commit_callbacks)
    viewer = django_user_model.objects.create_user(username="viewer")
    Membership.objects.create(user=viewer, role="viewer")
    client.force_login(viewer)

    html = client.get(DRAFTS_PAGE).content.decode()

    assert INVOICE in html
    for hidden in ("> Review<", "Dismiss", "Choose a receipt"):
        assert hidden not in html, hidden
    inventory = client.get("/inventory/").content.decode()
    assert "1 receipt waiting for review" in inventory
    assert "Choose a receipt" not in inventory


def test_no_receipt_waiting_says_so(owner_client):
    html = owner_client.get(DRAFTS_PAGE).content.decode()

    assert "No receipt is waiting for review." in html


def test_the_dashboard_offers_to_add_from_a_receipt_and_links_to_those_waiting(
    owner_client, django_capture_on_commit_callbacks
):
    PurchaseFactory()  # past the first-run page
    assert "waiting for review" not in owner_client.get("/").content.decode()
    _read_draft(django_capture_on_commit_callbacks)

    html = owner_client.get("/").content.decode()

    assert "1 receipt waiting for review" in html
    assert 'href="/inventory/#add-from-receipt"' in html
