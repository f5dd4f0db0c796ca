from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.models import Retailer
from catalog.tests.factories import BrandFactory, RetailerFactory
from preferences.services import preferences_update
from purchases.tests.factories import PurchaseFactory

pytestmark = pytest.mark.django_db


def test_retailer_list_shows_purchase_counts_and_totals_in_the_preferred_currency(staff_client):
    preferences_update(currency_code="EUR")
    shop = RetailerFactory(name="Corner Shop")
    PurchaseFactory(retailer=shop, price=Decimal("10.10"), currency_code="EUR")
    PurchaseFactory(retailer=shop, price=Decimal("5.05"), currency_code="EUR")
    PurchaseFactory(retailer=shop, price=Decimal("999.00"), currency_code="USD")
    RetailerFactory(name="Unused Store")

    response = staff_client.get(reverse("admin:catalog_retailer_changelist"))

    assert response.status_code == 200
    rows = {row.name: row for row in response.context["cl"].result_list}
    assert rows["Corner Shop"].purchase_count == 3
    assert rows["Corner Shop"].total_spent == Decimal("15.15")
    assert rows["Unused Store"].purchase_count == 0
    assert "15.15 EUR" in response.text
    assert "0.00 EUR" in response.text


def test_brand_list_runs_a_fixed_number_of_queries(staff_client, django_assert_max_num_queries):
    for _ in range(25):
        PurchaseFactory(brand=BrandFactory())
    with django_assert_max_num_queries(8):
        response = staff_client.get(reverse("admin:catalog_brand_changelist"))
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 25


def test_adding_a_retailer_whose_name_exists_in_another_case_shows_a_form_error(staff_client):
    RetailerFactory(name="Best Buy")
    response = staff_client.post(
        reverse("admin:catalog_retailer_add"), {"name": "best buy", "url": ""}
    )
    assert response.status_code == 200
    assert "already taken" in response.text
    assert Retailer.objects.count() == 1


def test_retailer_add_form_trims_the_name(staff_client):
    response = staff_client.post(
        reverse("admin:catalog_retailer_add"), {"name": "  Kitchen Outlet ", "url": ""}
    )
    assert response.status_code == 302
    assert Retailer.objects.get().name == "Kitchen Outlet"
