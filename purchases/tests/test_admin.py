import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.tests.factories import BrandFactory, RetailerFactory
from kernel import clock
from purchases.models import Purchase, PurchaseStatus
from purchases.tests.factories import PurchaseFactory
from warranties.models import Warranty
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:purchases_purchase_changelist")
NO_ATTACHMENTS = {"attachments-TOTAL_FORMS": "0", "attachments-INITIAL_FORMS": "0"}


def _warranty_form(index, start="", end="", **extra):
    prefix = f"warranties-{index}-"
    fields = {"warranty_start": start, "warranty_end": end, "warranty_type": "", "provider": ""}
    return {prefix + key: value for key, value in {**fields, **extra}.items()}


def test_a_person_records_a_purchase_with_two_warranties_in_one_screen(staff_client):
    retailer, brand = RetailerFactory(name="Kitchen Outlet"), BrandFactory(name="Delonghi")
    form = {
        "product_name": "Espresso machine",
        "price": "429.00",
        "currency_code": "USD",
        "quantity": "1",
        "retailer": str(retailer.pk),
        "brand": str(brand.pk),
        "purchase_date": "2025-02-03",
        "status": PurchaseStatus.RECEIVED,
        "warranties-TOTAL_FORMS": "2",
        "warranties-INITIAL_FORMS": "0",
        **NO_ATTACHMENTS,
        **_warranty_form(0, "2025-02-03", "2027-02-03", warranty_type="LIMITED"),
        **_warranty_form(1, "2027-02-03", "2029-02-03", warranty_type="EXTENDED"),
    }

    response = staff_client.post(reverse("admin:purchases_purchase_add"), form)

    assert response.status_code == 302, response.context["errors"]
    purchase = Purchase.objects.get()
    assert (purchase.product_name, str(purchase.price)) == ("Espresso machine", "429.00")
    assert (purchase.retailer, purchase.brand) == (retailer, brand)
    ends = sorted(purchase.warranties.values_list("warranty_end", flat=True))
    assert ends == [datetime.date(2027, 2, 3), datetime.date(2029, 2, 3)]


def test_the_add_form_refuses_a_warranty_ending_before_it_starts(staff_client):
    form = {
        "product_name": "Kettle",
        "price": "20",
        "currency_code": "USD",
        "quantity": "1",
        "purchase_date": "2025-02-03",
        "status": PurchaseStatus.RECEIVED,
        "warranties-TOTAL_FORMS": "1",
        "warranties-INITIAL_FORMS": "0",
        **NO_ATTACHMENTS,
        **_warranty_form(0, "2025-02-03", "2025-01-01"),
    }
    response = staff_client.post(reverse("admin:purchases_purchase_add"), form)
    assert response.status_code == 200
    assert "cannot end before it starts" in response.text
    assert not Purchase.objects.exists()


def test_the_add_form_refuses_a_negative_price_and_a_future_date(staff_client):
    form = {
        "product_name": "Kettle",
        "price": "-5",
        "currency_code": "USD",
        "quantity": "1",
        "purchase_date": (clock.today() + datetime.timedelta(days=2)).isoformat(),
        "status": PurchaseStatus.RECEIVED,
        "warranties-TOTAL_FORMS": "0",
        "warranties-INITIAL_FORMS": "0",
        **NO_ATTACHMENTS,
    }
    response = staff_client.post(reverse("admin:purchases_purchase_add"), form)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"price", "purchase_date"}
    assert not Purchase.objects.exists()


def test_add_form_renders_with_the_preferred_currency_and_today(staff_client):
    response = staff_client.get(reverse("admin:purchases_purchase_add"))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form["currency_code"].value() == "USD"
    assert form["purchase_date"].value() == clock.today()


def test_changelist_query_count_does_not_grow_with_the_number_of_rows(
    staff_client, django_assert_max_num_queries
):
    def queries_to_render_changelist():
        with CaptureQueriesContext(connection) as context:
            assert staff_client.get(CHANGELIST).status_code == 200
        return len(context.captured_queries)

    WarrantyFactory.create_batch(3)
    few = queries_to_render_changelist()
    WarrantyFactory.create_batch(40)
    assert queries_to_render_changelist() == few
    with django_assert_max_num_queries(10):
        staff_client.get(CHANGELIST)


def test_changelist_shows_the_primary_warranty_end_and_state(staff_client):
    purchase = PurchaseFactory(purchase_date=datetime.date(2018, 1, 1))
    WarrantyFactory(purchase=purchase, warranty_end=datetime.date(2020, 1, 1))
    response = staff_client.get(CHANGELIST)
    assert "Jan. 1, 2020" in response.text
    assert "Expired" in response.text


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("ACTIVE", {"active", "expiring"}),
        ("EXPIRING", {"expiring"}),
        ("EXPIRED", {"expired"}),
        ("VOIDED", {"voided"}),
        ("NONE", {"none"}),
    ],
)
def test_filter_by_primary_warranty_state(staff_client, state, expected):
    today = clock.today()
    ends = {
        "active": (today + datetime.timedelta(days=200), False),
        "expiring": (today + datetime.timedelta(days=10), False),
        "expired": (today - datetime.timedelta(days=1), False),
        "voided": (today + datetime.timedelta(days=200), True),
    }
    for name, (end, voided) in ends.items():
        purchase = PurchaseFactory(product_name=name, purchase_date=today - datetime.timedelta(400))
        WarrantyFactory(purchase=purchase, warranty_end=end, voided=voided)
    PurchaseFactory(product_name="none")

    response = staff_client.get(CHANGELIST, {"warranty_state": state})

    assert {p.product_name for p in response.context["cl"].result_list} == expected


def test_search_finds_purchases_by_retailer_brand_and_serial(staff_client):
    PurchaseFactory(product_name="Kettle", retailer=RetailerFactory(name="Corner Shop"))
    PurchaseFactory(product_name="Drill", brand=BrandFactory(name="Bosch"))
    PurchaseFactory(product_name="Laptop", serial_number="SN-ABC-123")
    PurchaseFactory(product_name="Lamp")

    def found(term):
        response = staff_client.get(CHANGELIST, {"q": term})
        return {p.product_name for p in response.context["cl"].result_list}

    assert found("corner") == {"Kettle"}
    assert found("BOSCH") == {"Drill"}
    assert found("abc-1") == {"Laptop"}
    assert found("drill bosch") == {"Drill"}
    assert found("drill corner") == set()


def test_mark_received_action_changes_only_ordered_purchases(staff_client):
    ordered = PurchaseFactory(status=PurchaseStatus.ORDERED)
    received = PurchaseFactory(status=PurchaseStatus.RECEIVED)
    response = staff_client.post(
        CHANGELIST,
        {"action": "mark_received", "_selected_action": [str(ordered.pk), str(received.pk)]},
        follow=True,
    )
    assert "Marked 1 purchase as received." in response.text
    ordered.refresh_from_db()
    received.refresh_from_db()
    assert ordered.status == PurchaseStatus.RECEIVED
    assert ordered.updated_at is not None
    assert received.updated_at is None


def test_change_form_renders_with_its_warranties(staff_client):
    warranty = WarrantyFactory(warranty_type="EXTENDED")
    url = reverse("admin:purchases_purchase_change", args=[warranty.purchase.pk])
    response = staff_client.get(url)
    assert response.status_code == 200
    assert "EXTENDED" in response.text
    assert Warranty.objects.count() == 1


def test_attachments_are_uploaded_listed_and_removed_in_the_purchase_form(staff_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from purchases.models import Blob

    purchase = PurchaseFactory()
    url = reverse("admin:purchases_purchase_change", args=[purchase.pk])
    form = {
        "product_name": purchase.product_name,
        "price": str(purchase.price),
        "currency_code": purchase.currency_code,
        "quantity": "1",
        "purchase_date": purchase.purchase_date.isoformat(),
        "status": purchase.status,
        "warranties-TOTAL_FORMS": "0",
        "warranties-INITIAL_FORMS": "0",
        "attachments-TOTAL_FORMS": "1",
        "attachments-INITIAL_FORMS": "0",
        "attachments-0-file_type": "receipt",
        "attachments-0-upload": SimpleUploadedFile("receipt.pdf", b"%PDF-1.4 admin upload"),
    }
    response = staff_client.post(url, form)
    assert response.status_code == 302, response.context["errors"]
    attachment = purchase.attachments.get()
    assert (attachment.file_type, attachment.mime_type) == ("receipt", "application/pdf")
    assert Blob.objects.get().reference_count == 1

    page = staff_client.get(url)
    assert f"/api/files/file/{attachment.pk}/download/" in page.text

    form.update(
        {
            "attachments-TOTAL_FORMS": "1",
            "attachments-INITIAL_FORMS": "1",
            "attachments-0-id": str(attachment.pk),
            "attachments-0-purchase": str(purchase.pk),
            "attachments-0-upload": "",
            "attachments-0-DELETE": "on",
        }
    )
    response = staff_client.post(url, form)
    assert response.status_code == 302, response.context["errors"]
    assert not purchase.attachments.exists()
    assert not Blob.objects.exists()


def test_deleting_purchases_in_the_admin_releases_their_blobs(staff_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from purchases.models import Blob
    from purchases.services import attachment_add

    shared = b"%PDF-1.4 shared receipt"
    first, second = PurchaseFactory(), PurchaseFactory()
    for purchase in (first, second):
        attachment_add(
            purchase=purchase, upload=SimpleUploadedFile("r.pdf", shared), file_type="receipt"
        )
    response = staff_client.post(
        CHANGELIST,
        {"action": "delete_selected", "_selected_action": [str(first.pk)], "post": "yes"},
    )
    assert response.status_code == 302
    assert Blob.objects.get().reference_count == 1
    staff_client.post(reverse("admin:purchases_purchase_delete", args=[second.pk]), {"post": "yes"})
    assert not Blob.objects.exists()
