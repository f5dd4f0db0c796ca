from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.models import Brand, Retailer
from catalog.selectors import catalog_entries_with_totals
from catalog.tests.factories import BrandFactory, RetailerFactory
from kernel.money import quantize_in
from preferences.services import preferences_update
from purchases.rollups import rollups_brought_in_step
from purchases.tests.factories import PurchaseFactory

pytestmark = pytest.mark.django_db


def test_the_page_needs_a_login(client):
    response = client.get(reverse("catalog:list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_entries_show_their_purchase_counts_and_totals_in_the_household_currency(owner_client):
    preferences_update(currency_code="EUR")
    shop = RetailerFactory(name="Corner Shop")
    maker = BrandFactory(name="Acme")
    PurchaseFactory(retailer=shop, brand=maker, price=Decimal("1010.10"), currency_code="EUR")
    PurchaseFactory(retailer=shop, brand=maker, price=Decimal("5.05"), currency_code="EUR")
    PurchaseFactory(retailer=shop, brand=maker, price=Decimal("999.00"), currency_code="USD")
    RetailerFactory(name="Unused Store")

    response = owner_client.get(reverse("catalog:list"))

    assert response.status_code == 200
    retailers = {entry.name: entry for entry in response.context["retailers"]}
    assert retailers["Corner Shop"].purchase_count == 3
    assert retailers["Corner Shop"].total_spent == Decimal("1015.15")
    assert retailers["Unused Store"].purchase_count == 0
    assert response.context["brands"][0].total_spent == Decimal("1015.15")
    # Rendered on the page in the household's format, the USD purchase left out of the sum.
    assert response.text.count("€1,015.15") == 2
    assert "€0.00" in response.text
    assert "$" not in response.text.split('id="retailers-list"')[1].split("</section>")[0]


def test_a_retailer_with_a_same_named_brand_is_flagged(owner_client):
    RetailerFactory(name="Apple")
    BrandFactory(name="apple")

    response = owner_client.get(reverse("catalog:list"))

    assert "also a brand" in response.text


# Outside a test's transaction, as a request runs: inside one, the data version would be read
# again by the rollups' in-step check (kernel.versioning.data_version).
@pytest.mark.django_db(transaction=True)
def test_the_page_runs_a_fixed_number_of_queries(owner_client, django_assert_num_queries):
    for _ in range(15):
        PurchaseFactory()
    # The factories write around the services: the rollups are rebuilt before the visit, as the
    # first reader after such a write would.
    rollups_brought_in_step()
    # Session, user, their role, the preferences twice (the totals' currency and the page
    # frame's), the data version, the totals from the spending rollup, retailers, brands.
    with django_assert_num_queries(9):
        response = owner_client.get(reverse("catalog:list"))
    assert len(response.context["retailers"]) == 15
    assert len(response.context["brands"]) == 15


def test_an_empty_catalog_offers_the_usual_entries_and_loading_them_adds_them(owner_client):
    response = owner_client.get(reverse("catalog:list"))
    assert "No retailers yet" in response.text
    assert "Add the usual retailers and brands" in response.text

    response = owner_client.post(reverse("catalog:load_defaults"), follow=True)

    assert Retailer.objects.exists()
    assert Brand.objects.exists()
    assert "Add the usual retailers and brands" not in response.text
    assert f"Added {Retailer.objects.count()} retailers" in response.text


def test_loading_the_usual_entries_is_a_post(owner_client):
    assert owner_client.get(reverse("catalog:load_defaults")).status_code == 405


def test_totals_add_every_purchase_in_the_base_currency_at_its_kept_rate(owner_client):
    shop = RetailerFactory(name="Corner Shop")
    PurchaseFactory(retailer=shop, price=Decimal("100.00"), currency_code="USD")
    # Converted with a manual rate: its base price is what it adds, whatever the ECB said.
    PurchaseFactory(
        retailer=shop,
        price=Decimal("1000.00"),
        currency_code="EUR",
        base_price=Decimal("1083.335"),
        base_currency_code="USD",
        rate_source="MANUAL",
    )
    PurchaseFactory(retailer=shop, price=Decimal("50.00"), currency_code="GBP")  # no rate
    # Converted to a former base (the household used EUR then): not added in USD.
    PurchaseFactory(
        retailer=shop,
        price=Decimal("9.00"),
        currency_code="CHF",
        base_price=Decimal("9.50"),
        base_currency_code="EUR",
    )
    dollars_only = RetailerFactory(name="Dollar Store")
    PurchaseFactory(
        retailer=dollars_only,
        price=Decimal("1249.50"),
        currency_code="JPY",
        base_price=Decimal("8.330"),
        base_currency_code="USD",
    )

    response = owner_client.get(reverse("catalog:list"))

    retailers = {entry.name: entry for entry in response.context["retailers"]}
    corner = retailers["Corner Shop"]
    # 1,183.335 exactly (catalog.selectors), shown rounded half-up to cents.
    assert (corner.purchase_count, corner.total_spent, corner.without_rate_count) == (
        4,
        Decimal("1183.34"),
        2,
    )
    assert retailers["Dollar Store"].total_spent == Decimal("8.33")
    assert "$1,183.34" in response.text
    assert "2 without a rate" in response.text
    assert "$8.33" in response.text
    # The page reads the spending rollup; the admin sums the purchases themselves (catalog.admin,
    # catalog_entries_with_totals): the same figures, for brands too.
    for model, shown in [(Retailer, "retailers"), (Brand, "brands")]:
        on_page = {entry.pk: entry for entry in response.context[shown]}
        summed = catalog_entries_with_totals(model.objects.all(), base="USD")
        assert len(summed) == len(on_page) > 1
        for entry in summed:
            figures = (entry.purchase_count, quantize_in(entry.total_spent, "USD"))
            page_entry = on_page[entry.pk]
            assert figures == (page_entry.purchase_count, page_entry.total_spent)
            assert entry.without_rate_count == page_entry.without_rate_count
