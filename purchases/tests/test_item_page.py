"""One purchase's page (/inventory/<id>/): what it shows, to whom, in how many queries, and
the links to it from every list (purchases/views.py, docs/purchases.md §1)."""

import datetime
import re
import uuid
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Membership, Role
from kernel import clock
from purchases.models import FileType, PurchaseStatus
from purchases.services import attachment_add, purchase_update
from purchases.tests.factories import PurchaseFactory
from purchases.tests.images import image_bytes
from warranties.services import claim_create
from warranties.tests.factories import ClaimFactory, WarrantyFactory

pytestmark = pytest.mark.django_db


def url_of(purchase, **query) -> str:
    url = reverse("purchases:detail", args=[purchase.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def attach(purchase, content, name, file_type):
    return attachment_add(
        purchase=purchase, upload=SimpleUploadedFile(name, content), file_type=file_type
    )[0]


@pytest.fixture
def member_client(client, django_user_model):
    def sign_in(role):
        user = django_user_model.objects.create_user(username=f"as-{role}")
        Membership.objects.create(user=user, role=role)
        client.force_login(user)
        return client

    return sign_in


def test_the_page_shows_the_details_photos_warranties_and_attachments(owner_client, api_user):
    today = clock.today()
    purchase = PurchaseFactory(
        product_name="Espresso machine",
        price=Decimal("429.00"),
        retailer__name="Kitchen Outlet",
        brand__name="Delonghi",
        model_number="EC-685",
        serial_number="SN-123",
        retailer_order_number="A-77",
        tags="kitchen,coffee",
        notes="Descale monthly.",
        link="https://example.com/ec685",
        return_deadline=today + datetime.timedelta(days=10),
        status=PurchaseStatus.ORDERED,
    )
    purchase_update(purchase=purchase, data={"notes": "Descale monthly."}, actor=api_user)
    WarrantyFactory(
        purchase=purchase,
        warranty_type="MANUFACTURER",
        warranty_end=today.replace(year=today.year + 2),
        provider="Delonghi Care",
    )
    WarrantyFactory(purchase=purchase, warranty_end=today - datetime.timedelta(days=3))
    photo = attach(purchase, image_bytes(), "front.png", FileType.PHOTO)
    receipt = attach(purchase, b"%PDF-1.4 receipt", "receipt.pdf", FileType.RECEIPT)

    response = owner_client.get(url_of(purchase))

    assert response.status_code == 200
    content = response.content.decode()
    for text in [
        "Espresso machine",
        "$429.00",
        "Kitchen Outlet",
        "Delonghi",
        "EC-685",
        "SN-123",
        "A-77",
        "Descale monthly.",
        "https://example.com/ec685",
        "Ordered",
        "Delonghi Care",
        "Manufacturer",
        "Expired",
        "Active",
        f"Changed by {api_user.username}",
        "?tag=coffee",
    ]:
        assert text in content, text
    assert f"/api/files/file/{photo.pk}/thumbnail?size=320" in content
    assert [p.pk for p in response.context["photos"]] == [photo.pk]
    assert [f.pk for f in response.context["files"]] == [receipt.pk]
    assert "bi-file-earmark-pdf" in content
    assert f'href="/api/files/file/{receipt.pk}/download" download="receipt.pdf"' in content
    assert "Receipt · 16\xa0bytes" in content


def test_a_price_in_another_currency_shows_its_conversion_or_its_missing_rate(owner_client):
    converted = PurchaseFactory(
        price=Decimal("100.00"),
        currency_code="EUR",
        base_currency_code="USD",
        base_price=Decimal("108.000"),
        exchange_rate=Decimal("1.08"),
        rate_day=datetime.date(2025, 3, 14),
        rate_source="ECB",
    )
    without = PurchaseFactory(currency_code="JPY", base_currency_code="USD", base_price=None)

    assert "≈ $108.00 at 1.08 USD per EUR" in owner_client.get(url_of(converted)).content.decode()
    assert "No rate to USD" in owner_client.get(url_of(without)).content.decode()


def test_an_unknown_purchase_is_a_404(owner_client):
    assert owner_client.get(f"/inventory/{uuid.uuid4()}/").status_code == 404


def test_viewers_read_the_page_without_the_editing_actions(member_client):
    purchase = PurchaseFactory()

    viewer = member_client(Role.VIEWER).get(url_of(purchase)).content.decode()
    editor = member_client(Role.EDITOR).get(url_of(purchase)).content.decode()

    for action in ["Take a photo", 'capture="environment"', "Add photo or file", "Yes, delete it"]:
        assert action not in viewer, action
        assert action in editor, action


def test_the_way_back_keeps_the_lists_filters_and_only_them(owner_client):
    purchase = PurchaseFactory()

    content = owner_client.get(
        url_of(purchase, back="tag%3Dwork%26page%3D2%26edit%3Dx")
    ).content.decode()
    assert 'href="/inventory/?tag=work&amp;page=2" data-testid="back-to-list"' in content
    # Only a query string: nothing leads to another site.
    content = owner_client.get(url_of(purchase, back="//evil.example/")).content.decode()
    assert re.search(r'href="/inventory/\?[^"]*" data-testid="back-to-list"', content)


def test_the_page_takes_the_same_queries_however_much_it_shows(
    owner_client, django_assert_num_queries
):
    small = PurchaseFactory()
    ClaimFactory(warranty=WarrantyFactory(purchase=small))
    large = PurchaseFactory()
    warranties = WarrantyFactory.create_batch(4, purchase=large)
    for index in range(3):
        attach(large, image_bytes(10 + index, 10), f"photo-{index}.png", FileType.PHOTO)
        document = attach(large, b"%PDF-1.4 " + bytes([index]), f"doc-{index}.pdf", FileType.MANUAL)
        claim_create(warranty=warranties[index], data={"document_ids": [document.id]})

    # session, user, their role, preferences, the purchase with its retailer, brand and people,
    # its warranties, their claims, the claims' documents, its attachments with their blobs,
    # retailers, brands, the data version and the household's tags (the form; read again, as the
    # cache is emptied before each page)
    for purchase in (small, large):
        cache.clear()
        with django_assert_num_queries(13):
            owner_client.get(url_of(purchase))


def test_every_list_links_the_product_name_to_its_page(owner_client):
    today = clock.today()
    purchase = PurchaseFactory(
        product_name="Kettle", return_deadline=today + datetime.timedelta(days=3)
    )
    WarrantyFactory(purchase=purchase, warranty_end=today + datetime.timedelta(days=5))
    link = f'href="{url_of(purchase)}'

    for page in ["/inventory/", "/warranties/", "/"]:
        assert link in owner_client.get(page).content.decode(), page


def test_each_warranty_shows_its_claims_and_an_editor_may_open_one(owner_client):
    purchase = PurchaseFactory(product_name="Dishwasher")
    warranty = WarrantyFactory(purchase=purchase)
    ClaimFactory(warranty=warranty, number="RMA-4711", status="IN_PROGRESS")

    content = owner_client.get(url_of(purchase)).content.decode()

    claims = content[content.index('data-testid="warranty-claims"') :]
    assert "RMA-4711" in claims and "In progress" in claims
    assert reverse("warranties:claims", args=[warranty.id]) in claims
