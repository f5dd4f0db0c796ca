"""The dashboard page: the analytics API's figures at first paint, the first-run page, demo data."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client

from kernel import clock
from preferences.services import preferences_update
from purchases.demo import purchases_load_demo
from purchases.models import Purchase
from purchases.rollups import rollups_brought_in_step
from purchases.tests.factories import PurchaseFactory
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db


def days_from_today(days: int) -> datetime.date:
    return clock.today() + datetime.timedelta(days=days)


def chart_settings(response) -> dict:
    html = response.content.decode()
    start = html.index('<script id="dashboard-charts" type="application/json">')
    start = html.index(">", start) + 1
    return json.loads(html[start : html.index("</script>", start)])


def test_the_dashboard_asks_for_a_sign_in():
    response = Client().get("/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_an_empty_database_shows_the_first_run_page(owner_client):
    response = owner_client.get("/")

    html = response.content.decode()
    assert response.context["first_run"] is True
    assert 'href="/inventory/?new=1"' in html
    assert 'href="/data/"' in html
    assert 'action="/demo-data/"' in html
    assert "dashboard-charts" not in html


def test_the_figures_are_those_of_the_analytics_api(owner_client, api_client):
    for price in ("10.00", "20.50", "1249.99"):
        purchase = PurchaseFactory(price=Decimal(price), purchase_date=days_from_today(-40))
        WarrantyFactory(purchase=purchase, warranty_end=days_from_today(100))
    PurchaseFactory(price=Decimal("5.00"), tax_deductible=True, purchase_date=days_from_today(-3))

    response = owner_client.get("/")

    summary = api_client.get("/api/analytics/summary").json()
    assert response.context["summary"]["total_spent"] == Decimal(summary["total_spent"])
    html = response.content.decode()
    assert "$1,285.49" in html  # total spent
    assert "$321.37" in html  # 1285.49 / 4, rounded half-up
    # The charts' figures are not computed for the page: the charts fetch them from the API.
    assert "spending_over_time" not in html


def test_the_charts_ask_the_api_for_the_household_currency(owner_client):
    preferences_update(currency_code="EUR")
    PurchaseFactory(price=Decimal("10.00"), currency_code="EUR")

    response = owner_client.get("/")

    assert chart_settings(response) == {"currency": "EUR", "months": 12, "top_products": 10}
    assert 'data-chart="spending"' in response.content.decode()


def test_purchases_in_other_currencies_are_added_at_their_rate_or_flagged(owner_client):
    PurchaseFactory(price=Decimal("100.00"), currency_code="USD")
    PurchaseFactory(
        price=Decimal("999.00"),
        currency_code="EUR",
        base_price=Decimal("1100.50"),
        base_currency_code="USD",
    )
    PurchaseFactory(price=Decimal("999.00"), currency_code="GBP")  # no rate

    response = owner_client.get("/")

    html = response.content.decode()
    assert response.context["summary"]["total_items"] == 3
    assert "$1,200.50" in html  # 100.00 + the EUR purchase at its kept rate
    assert "1 purchase without a rate, counted but not added" in html
    by_currency = {row.currency: row for row in response.context["by_currency"]}
    assert set(by_currency) == {"USD", "EUR", "GBP"}
    assert (by_currency["EUR"].total_spent, by_currency["EUR"].base_total) == (
        Decimal("999.00"),
        Decimal("1100.50"),
    )
    assert by_currency["GBP"].without_rate_count == 1


def test_the_total_says_how_many_purchases_were_converted(owner_client):
    PurchaseFactory(price=Decimal("10.00"), currency_code="USD")
    PurchaseFactory(
        price=Decimal("5.00"),
        currency_code="JPY",
        base_price=Decimal("0.04"),
        base_currency_code="USD",
    )

    html = owner_client.get("/").content.decode()

    assert "$10.04" in html
    assert "1 purchase converted from other currencies" in html


def test_items_count_every_purchase_whatever_the_household_currency(owner_client):
    PurchaseFactory.create_batch(3, currency_code="USD")
    PurchaseFactory(currency_code="EUR")
    preferences_update(currency_code="EUR")

    response = owner_client.get("/")

    assert response.context["summary"]["total_items"] == 4
    assert response.context["summary"]["currency"] == "EUR"


def test_expiring_soon_lists_warranty_ends_and_return_deadlines_with_days_left(owner_client):
    kettle = PurchaseFactory(product_name="Kettle")
    WarrantyFactory(purchase=kettle, warranty_end=days_from_today(12))
    WarrantyFactory(
        purchase=PurchaseFactory(product_name="Old radio"), warranty_end=days_from_today(-1)
    )
    WarrantyFactory(
        purchase=PurchaseFactory(product_name="Far TV"), warranty_end=days_from_today(90)
    )
    PurchaseFactory(product_name="Jacket", return_deadline=days_from_today(1))

    response = owner_client.get("/")

    listed = [(d.product_name, d.kind, days) for d, days in response.context["deadlines"]]
    assert listed == [("Jacket", "return", 1), ("Kettle", "warranty", 12)]
    html = response.content.decode()
    assert "1 day left" in html
    assert "12 days left" in html


def test_expiring_soon_shows_the_eight_soonest_of_both_kinds(owner_client):
    for days in range(5, 15):
        WarrantyFactory(warranty_end=days_from_today(days))
    for days in (3, 1, 30):
        PurchaseFactory(return_deadline=days_from_today(days))

    response = owner_client.get("/")

    listed = [(d.kind, days) for d, days in response.context["deadlines"]]
    assert listed == [("return", 1), ("return", 3)] + [("warranty", d) for d in range(5, 11)]


def test_money_and_dates_follow_the_household_settings(owner_client):
    preferences_update(currency_code="EUR", date_format="DD.MM.YYYY")
    PurchaseFactory(
        product_name="Toaster",
        price=Decimal("1234.50"),
        currency_code="EUR",
        purchase_date=datetime.date(2025, 3, 14),
    )

    html = owner_client.get("/").content.decode()

    assert "€1,234.50" in html
    assert "14.03.2025" in html


# Outside a test's transaction, as a request runs: inside one, the data version would be read
# again for every figure (kernel.versioning.data_version).
@pytest.mark.django_db(transaction=True)
def test_the_number_of_queries_does_not_grow_with_the_data(owner_client, django_assert_num_queries):
    def visit():
        cache.clear()
        # The factories write around the services: the rollups are rebuilt before the visit,
        # as the first reader after such a write would.
        rollups_brought_in_step()
        # The session, its person and role; the preferences (twice: the figures' currency and
        # the page's formats); the data version with the summaries' mark (once); the sums per
        # currency and the warranty counts; the "Expiring soon" list (two) and its count of
        # return deadlines; the receipts waiting for review; the recent purchases and
        # warranties, without their warranties or people, which the page does not show.
        with django_assert_num_queries(14):
            assert owner_client.get("/").status_code == 200

    WarrantyFactory(warranty_end=days_from_today(5))
    visit()
    for _ in range(10):
        WarrantyFactory(warranty_end=days_from_today(5))
        PurchaseFactory(return_deadline=days_from_today(3))
    visit()


@pytest.mark.django_db(transaction=True)  # as a request runs (see above)
def test_a_second_visit_reads_the_figures_from_the_cache(owner_client, django_assert_num_queries):
    WarrantyFactory(warranty_end=days_from_today(5))
    owner_client.get("/")

    # The session, its person and role, the preferences twice, the data version; then what is
    # not cached: the receipts waiting for review (a draft added changes no data version) and
    # the recent purchases and warranties.
    with django_assert_num_queries(9):
        owner_client.get("/")


def test_loading_demo_data_adds_the_demo_purchases_once(owner_client):
    response = owner_client.post("/demo-data/", follow=True)

    assert response.redirect_chain == [("/", 302)]
    assert Purchase.objects.count() == 60
    assert "Loaded 60 demo purchases" in response.content.decode()
    assert "chart_settings" in response.context

    again = owner_client.post("/demo-data/", follow=True)
    assert Purchase.objects.count() == 60
    assert "already loaded" in again.content.decode()


def test_the_demo_data_is_that_of_the_command(owner_client):
    owner_client.post("/demo-data/")
    loaded = set(Purchase.objects.values_list("id", flat=True))
    Purchase.objects.all().delete()

    purchases_load_demo(count=60)
    assert set(Purchase.objects.values_list("id", flat=True)) == loaded


def test_demo_data_is_loaded_by_a_post_only(owner_client):
    assert owner_client.get("/demo-data/").status_code == 405
    assert Purchase.objects.count() == 0


def test_the_warranty_cards_lead_to_the_warranties_in_that_state(owner_client):
    WarrantyFactory(
        purchase=PurchaseFactory(product_name="Kettle"), warranty_end=days_from_today(12)
    )
    WarrantyFactory(
        purchase=PurchaseFactory(product_name="Old radio"), warranty_end=days_from_today(-1)
    )
    WarrantyFactory(
        purchase=PurchaseFactory(product_name="Far TV"), warranty_end=days_from_today(400)
    )
    html = owner_client.get("/").content.decode()

    for testid, shown in [
        ("kpi-active", {"Kettle", "Far TV"}),
        ("kpi-expiring", {"Kettle"}),
        ("kpi-expired", {"Old radio"}),
    ]:
        # The card's link wraps its figure: the last href before the figure is the card's.
        before = html[: html.index(f'data-testid="{testid}"')]
        start = before.rindex('href="') + len('href="')
        link = before[start : before.index('"', start)]
        listed = owner_client.get(link.replace("&amp;", "&")).content.decode()
        assert {name for name in ("Kettle", "Old radio", "Far TV") if name in listed} == shown


def card_figure(html: str, testid: str) -> int:
    start = html.index(f'data-testid="{testid}">') + len(f'data-testid="{testid}">')
    return int(html[start : html.index("<", start)])


def test_the_expiring_soon_card_and_list_count_the_same_warranties(owner_client):
    for days in (0, 12, 30):  # within the window: on the card and in the list
        WarrantyFactory(warranty_end=days_from_today(days))
    WarrantyFactory(warranty_end=days_from_today(31))  # after the window
    WarrantyFactory(warranty_end=days_from_today(-1))  # expired yesterday
    WarrantyFactory(warranty_end=days_from_today(5), voided=True)  # voided: on neither
    PurchaseFactory(return_deadline=days_from_today(3))  # in the list only, and said so
    PurchaseFactory(return_deadline=days_from_today(45))

    response = owner_client.get("/")

    html = response.content.decode()
    listed = [deadline.kind for deadline, _ in response.context["deadlines"]]
    assert card_figure(html, "kpi-expiring") == listed.count("warranty") == 3
    assert listed.count("return") == 1
    assert "Warranties ending within 30 days" in html
    assert "3 warranties end and 1 return window closes in the next 30 days." in html


def test_the_expiring_soon_list_says_when_it_shows_only_the_soonest(owner_client):
    for days in range(1, 11):
        WarrantyFactory(warranty_end=days_from_today(days))
    PurchaseFactory(return_deadline=days_from_today(2))

    response = owner_client.get("/")

    html = response.content.decode()
    assert card_figure(html, "kpi-expiring") == 10
    assert len(response.context["deadlines"]) == 8
    assert (
        "10 warranties end and 1 return window closes in the next 30 days; "
        "the 8 soonest are listed." in html
    )
