"""The inventory page: filters, sorting and paging from the query string."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from catalog.tests.factories import BrandFactory, RetailerFactory
from kernel import clock
from purchases.models import FileType, PurchaseStatus
from purchases.rollups import rollups_brought_in_step
from purchases.services import attachment_add
from purchases.tests.factories import PurchaseFactory
from purchases.tests.images import image_bytes
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db

URL = reverse("purchases:list")


def names(response):
    return [purchase.product_name for purchase in response.context["page"]]


def test_the_inventory_needs_a_signed_in_person():
    response = Client().get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_search_ignores_case_and_looks_at_retailer_names(owner_client):
    PurchaseFactory(product_name="Electric Kettle")
    PurchaseFactory(product_name="Toaster", retailer=RetailerFactory(name="Kettle Corner"))
    PurchaseFactory(product_name="Lamp")

    response = owner_client.get(URL, {"search": "KETTLE"})

    assert sorted(names(response)) == ["Electric Kettle", "Toaster"]
    assert 'value="KETTLE"' in response.content.decode()


def test_filters_combine_and_are_kept_in_the_form(owner_client):
    brand = BrandFactory(name="Bosch")
    PurchaseFactory(product_name="Drill", brand=brand, status=PurchaseStatus.ORDERED)
    PurchaseFactory(product_name="Saw", brand=brand, status=PurchaseStatus.RECEIVED)
    PurchaseFactory(product_name="Phone", status=PurchaseStatus.ORDERED)

    response = owner_client.get(URL, {"brand_id": str(brand.pk), "status": "ORDERED"})

    assert names(response) == ["Drill"]
    assert response.context["active_filter_count"] == 2
    assert f'<option value="{brand.pk}" selected>Bosch</option>' in response.content.decode()


def test_date_range_and_tag_filters(owner_client):
    PurchaseFactory(product_name="Old", purchase_date=datetime.date(2022, 1, 5), tags="work")
    PurchaseFactory(product_name="Mid", purchase_date=datetime.date(2023, 6, 1), tags="work,desk")
    PurchaseFactory(product_name="New", purchase_date=datetime.date(2024, 3, 1), tags="home")

    response = owner_client.get(
        URL, {"date_from": "2022-06-01", "date_to": "2024-12-31", "tag": "WORK"}
    )

    assert names(response) == ["Mid"]


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("ACTIVE", ["Covered", "Ending soon"]),
        ("EXPIRING", ["Ending soon"]),
        ("EXPIRED", ["Lapsed"]),
        ("VOIDED", ["Voided"]),
        ("NONE", ["Bare"]),
    ],
)
def test_the_warranty_filter_takes_the_states_of_the_admin(owner_client, state, expected):
    today = clock.today()
    year_ago = today - datetime.timedelta(days=365)
    for name, end, voided in [
        ("Covered", today + datetime.timedelta(days=200), False),
        ("Ending soon", today + datetime.timedelta(days=10), False),
        ("Lapsed", today - datetime.timedelta(days=1), False),
        ("Voided", today + datetime.timedelta(days=200), True),
    ]:
        purchase = PurchaseFactory(product_name=name, purchase_date=year_ago)
        WarrantyFactory(purchase=purchase, warranty_end=end, voided=voided)
    PurchaseFactory(product_name="Bare")

    response = owner_client.get(URL, {"warranty_status": state})

    assert sorted(names(response)) == sorted(expected)


def test_sorting_by_a_column_and_the_header_link_reverses_it(owner_client):
    for name, price in [("B", "20.00"), ("A", "30.00"), ("C", "10.00")]:
        PurchaseFactory(product_name=name, price=Decimal(price))

    response = owner_client.get(URL, {"sort": "price", "search": "", "status": ""})

    assert names(response) == ["C", "B", "A"]
    price_header = next(h for h in response.context["headers"] if h["key"] == "price")
    assert price_header == {"key": "price", "label": "Price", "next": "-price", "aria": "ascending"}
    assert 'aria-sort="ascending"' in response.content.decode()
    assert names(owner_client.get(URL, {"sort": "-product_name"})) == ["C", "B", "A"]


def test_values_that_do_not_parse_are_ignored(owner_client):
    PurchaseFactory(product_name="Kept")

    response = owner_client.get(
        URL, {"date_from": "yesterday", "brand_id": "42", "sort": "colour", "per_page": "7"}
    )

    assert response.status_code == 200
    assert names(response) == ["Kept"]


def test_pages_hold_the_chosen_number_of_purchases(owner_client):
    PurchaseFactory.create_batch(12)

    first = owner_client.get(URL, {"per_page": "10"})
    second = owner_client.get(URL, {"per_page": "10", "page": "2"})

    assert len(first.context["page"]) == 10
    assert len(second.context["page"]) == 2
    assert "?per_page=10&amp;page=2" in first.content.decode()


def test_prices_and_dates_follow_the_household_preferences(owner_client):
    from preferences.services import preferences_update

    preferences_update(currency_code="EUR", date_format="DD.MM.YYYY")
    PurchaseFactory(
        price=Decimal("1249.50"), currency_code="EUR", purchase_date=datetime.date(2024, 3, 14)
    )

    content = owner_client.get(URL).content.decode()

    assert "€1,249.50" in content
    assert "14.03.2024" in content


def test_an_empty_inventory_invites_the_first_purchase(owner_client):
    content = owner_client.get(URL).content.decode()

    assert "No purchases yet" in content
    assert "Add your first purchase" in content


# Outside a test's transaction, as a request runs: inside one, the data version would be read
# again by the rollups' in-step check (kernel.versioning.data_version).
@pytest.mark.django_db(transaction=True)
def test_a_page_of_purchases_with_warranties_and_files_takes_fourteen_queries(
    owner_client, django_assert_num_queries
):
    for index in range(15):
        purchase = PurchaseFactory()
        WarrantyFactory.create_batch(2, purchase=purchase)
        for number in range(index % 3):
            attachment_add(
                purchase=purchase,
                upload=SimpleUploadedFile(f"{number}.png", image_bytes(8 + number, 8 + index)),
                file_type=FileType.PHOTO,
            )
    # The factories write around the services: the rollups are rebuilt before the visit, as the
    # first reader after such a write would.
    rollups_brought_in_step()
    # session, user, their role, preferences, the data version and the count and total of every
    # purchase from the spending rollup (with the preferences again for its currency), page
    # (with each row's attachment count and thumbnail), warranties of the page, retailers,
    # brands, purchases without a rate, the household's tags (the form's suggestions; the cache
    # is empty), the receipts waiting for review
    with django_assert_num_queries(14):
        response = owner_client.get(URL)
    assert len(response.context["page"]) == 15
    counts = sorted(purchase.attachment_count for purchase in response.context["page"])
    assert counts == [0] * 5 + [1] * 5 + [2] * 5
    assert sum(bool(purchase.thumbnail_id) for purchase in response.context["page"]) == 10


def test_links_on_a_page_opened_with_the_form_do_not_open_it_again(owner_client):
    PurchaseFactory.create_batch(3, tags="x")

    content = owner_client.get(URL, {"new": "1", "per_page": "10", "tag": "x"}).content.decode()

    assert "?per_page=10&amp;tag=x&amp;sort=price" in content
    assert "new=1" not in content
