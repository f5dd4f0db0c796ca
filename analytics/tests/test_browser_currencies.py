"""The mixed-currency walk of issue 20 in a real browser: a USD household with one EUR purchase.

Every purchase is counted, the EUR one added at the rate it keeps, no shop with purchases shows a
zero total, and the per-currency totals are one click away on the dashboard.
"""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from catalog.tests.factories import RetailerFactory
from kernel import clock
from preferences.formats import format_money
from purchases.models import RateSource
from purchases.tests.factories import PurchaseFactory

EUR_PRICE, EUR_IN_USD, RATE = Decimal("1249.50"), Decimal("1352.08"), Decimal("1.082100000000")


@pytest.fixture
def mixed_household(db):
    """60 purchases in USD at three shops, and one in EUR at a shop of its own, converted."""
    shops = [RetailerFactory(name=name) for name in ("Corner Shop", "Big Box", "Hardware")]
    today = clock.today()
    usd_total = Decimal(0)
    for number in range(60):
        price = Decimal(10 + number) + Decimal("0.25")
        usd_total += price
        PurchaseFactory(
            price=price,
            currency_code="USD",
            base_price=price,
            base_currency_code="USD",
            rate_source=RateSource.SAME,
            retailer=shops[number % 3],
            purchase_date=today - datetime.timedelta(days=number * 5),
        )
    PurchaseFactory(
        product_name="Espresso machine",
        price=EUR_PRICE,
        currency_code="EUR",
        base_price=EUR_IN_USD,
        base_currency_code="USD",
        exchange_rate=RATE,
        rate_day=today - datetime.timedelta(days=10),
        rate_source=RateSource.ECB,
        retailer=RetailerFactory(name="Euro Cafe Supplies"),
        purchase_date=today - datetime.timedelta(days=10),
    )
    return usd_total + EUR_IN_USD


def test_the_mixed_currency_walk_counts_and_converts_every_purchase(
    signed_in_page, mixed_household, screenshot
):
    page = signed_in_page
    page.goto("/")

    expect(page.get_by_test_id("kpi-items")).to_have_text("61")
    expect(page.get_by_test_id("kpi-total-spent")).to_have_text(
        format_money(mixed_household, "USD")
    )
    expect(page.get_by_test_id("kpi-total-spent-note")).to_have_text(
        "1 purchase converted from other currencies"
    )
    by_currency = page.get_by_test_id("by-currency")
    rows = by_currency.get_by_test_id("by-currency-row")
    expect(rows.first).to_be_hidden()
    by_currency.get_by_text("By currency").click()
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("USD")
    expect(rows.nth(1)).to_contain_text("EUR")
    expect(rows.nth(1)).to_contain_text(format_money(EUR_PRICE, "EUR"))
    expect(rows.nth(1)).to_contain_text(format_money(EUR_IN_USD, "USD"))
    # The charts have their figures (the warranty timeline none: no warranty here) and are drawn.
    page.wait_for_function(
        """() => [...document.querySelectorAll("[data-testid=chart-loading]")]
            .every((spinner) => spinner.style.display === "none")
            && [...document.querySelectorAll("[data-chart] canvas")]
                .filter((canvas) => window.Chart && window.Chart.getChart(canvas))
                .every((canvas) => canvas.dataset.drawn === "true")"""
    )
    spending = page.evaluate(
        """() => window.Chart.getChart(document.querySelector('[data-chart="spending"] canvas'))
            .data.datasets[0].amounts"""
    )
    assert len(spending) == 12 and any(amount != "0.00" for amount in spending)
    screenshot(page, "dashboard-mixed-currencies")

    page.goto("/catalog/")
    shops = page.get_by_test_id("retailer-row")
    expect(shops).to_have_count(4)
    euro_shop = page.locator('[data-testid="retailer-row"][data-name="Euro Cafe Supplies"]')
    expect(euro_shop).to_contain_text(format_money(EUR_IN_USD, "USD"))
    for row in shops.all():
        assert "0.00" not in row.locator("td.money").inner_text()
    screenshot(page, "catalog-mixed-currencies")
