"""The dashboard in a real browser: figures, charts drawn, first run, demo data, phone."""

import datetime
import re

from playwright.sync_api import expect

from kernel import clock
from purchases.models import Purchase
from purchases.tests.factories import PurchaseFactory
from warranties.tests.factories import WarrantyFactory

CHARTS = ["spending", "timeline", "top_products", "retailers", "brands"]


def drawn_charts(page) -> dict[str, int]:
    """Return, for each chart on the page, how many data points its Chart.js instance holds."""
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll("[data-chart]")].map((box) => {
            const chart = window.Chart.getChart(box.querySelector("canvas"));
            return [box.dataset.chart, chart ? chart.data.datasets[0].data.length : 0];
        }))"""
    )


def wait_for_charts(page) -> None:
    """Wait until every chart has a Chart.js instance and has finished its first animation."""
    page.wait_for_function(
        """() => [...document.querySelectorAll("[data-chart] canvas")]
            .every((canvas) => window.Chart && window.Chart.getChart(canvas)
                && canvas.dataset.drawn === "true")"""
    )


def test_the_dashboard_shows_the_figures_and_draws_every_chart(
    signed_in_page, demo_data, screenshot
):
    page = signed_in_page
    page.goto("/")

    expect(page.get_by_test_id("kpi-items")).to_have_text(str(Purchase.objects.count()))
    expect(page.get_by_test_id("kpi-total-spent")).to_have_text(re.compile(r"^\$[\d,]+\.\d\d$"))
    wait_for_charts(page)
    drawn = drawn_charts(page)
    assert set(drawn) == set(CHARTS)
    assert all(points > 0 for points in drawn.values()), drawn
    # Pixels, not only objects: the spending chart's canvas is not blank.
    assert page.evaluate(
        """() => {
            const canvas = document.querySelector('[data-chart="spending"] canvas');
            const { width, height } = canvas;
            const pixels = canvas.getContext("2d").getImageData(0, 0, width, height).data;
            return pixels.some((value, index) => index % 4 === 3 && value > 0);
        }"""
    )
    recent = page.get_by_role("region", name="Recent purchases")
    expect(recent.get_by_role("row")).to_have_count(6)  # the header and five purchases
    screenshot(page, "dashboard")


def test_the_spending_chart_shows_another_period_from_the_api(signed_in_page, demo_data):
    page = signed_in_page
    page.goto("/")
    wait_for_charts(page)
    assert drawn_charts(page)["spending"] == 12

    with page.expect_response(re.compile(r"/api/analytics/spending\?months=24")):
        page.get_by_label("Period").select_option("24")
    page.wait_for_function(
        """() => window.Chart.getChart(document.querySelector('[data-chart="spending"] canvas'))
            .data.labels.length === 24"""
    )


def test_the_charts_draw_the_figures_of_the_analytics_api(signed_in_page, demo_data, api_client):
    page = signed_in_page
    with page.expect_response(re.compile(r"/api/analytics/top-products\?")) as top_products:
        page.goto("/")
    wait_for_charts(page)
    assert "sort_by=count" in top_products.value.url
    assert "limit=10" in top_products.value.url

    charts = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll("[data-chart]")].map((box) => {
            const chart = window.Chart.getChart(box.querySelector("canvas"));
            const { labels, datasets } = chart.data;
            return [box.dataset.chart, { labels, data: datasets[0].data }];
        }))"""
    )
    spending = api_client.get("/api/analytics/spending?months=12").json()["spending_over_time"]
    assert charts["spending"]["labels"] == [bucket["month"] for bucket in spending]
    assert charts["spending"]["data"] == [float(bucket["total_amount"]) for bucket in spending]
    products = api_client.get("/api/analytics/top-products?limit=10").json()["top_products"]
    assert charts["top_products"]["labels"] == [product["product_name"] for product in products]
    assert charts["top_products"]["data"] == [product["count"] for product in products]


def test_a_chart_that_cannot_load_says_so_and_tries_again(signed_in_page, demo_data, page_problems):
    page = signed_in_page
    page_problems.expect_status(503)
    answers = iter(["fail"])

    def first_request_fails(route):
        if next(answers, "pass") == "fail":
            route.fulfill(status=503, json={"detail": "The database is busy."})
        else:
            route.continue_()

    page.route(re.compile(r"/api/analytics/top-products\?"), first_request_fails)
    page.goto("/")

    card = page.get_by_role("region", name="Top products")
    expect(card.get_by_role("alert")).to_contain_text("The database is busy.")
    expect(page.get_by_test_id("kpi-items")).to_have_text(str(Purchase.objects.count()))
    card.get_by_role("button", name="Try again").click()
    wait_for_charts(page)
    expect(card.get_by_role("alert")).to_be_hidden()
    assert drawn_charts(page)["top_products"] > 0


def test_expiring_soon_lists_the_next_deadlines_with_days_left(signed_in_page):
    today = clock.today()
    WarrantyFactory(
        purchase=PurchaseFactory(product_name="Espresso machine"),
        warranty_end=today + datetime.timedelta(days=9),
    )
    PurchaseFactory(product_name="Rain jacket", return_deadline=today + datetime.timedelta(days=2))
    page = signed_in_page
    page.goto("/")

    items = page.get_by_test_id("expiring-soon").get_by_role("listitem")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text("Rain jacket")
    expect(items.nth(0)).to_contain_text("Return by")
    expect(items.nth(0).get_by_test_id("days-left")).to_have_text("2 days left")
    expect(items.nth(1)).to_contain_text("Espresso machine")
    expect(items.nth(1).get_by_test_id("days-left")).to_have_text("9 days left")
    expect(page.get_by_test_id("kpi-expiring")).to_have_text("1")


def test_an_empty_database_offers_a_first_purchase_import_and_demo_data(signed_in_page, screenshot):
    page = signed_in_page
    page.goto("/")

    expect(page.get_by_role("heading", name="Welcome to Spends Tracker")).to_be_visible()
    expect(page.get_by_role("link", name="Add your first purchase")).to_have_attribute(
        "href", "/inventory/?new=1"
    )
    expect(page.get_by_role("link", name="Import a file")).to_have_attribute("href", "/data/")
    screenshot(page, "dashboard-empty")

    page.get_by_role("button", name="Load demo data").click()

    expect(page.get_by_role("status").filter(has_text="Loaded 60 demo purchases")).to_be_visible()
    expect(page.get_by_test_id("kpi-items")).to_have_text("60")
    wait_for_charts(page)
    assert Purchase.objects.count() == 60


def test_the_dashboard_in_the_dark_theme(signed_in_page, demo_data, screenshot):
    page = signed_in_page
    page.goto("/")
    page.evaluate("window.spendsTheme.set('dark')")
    wait_for_charts(page)
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    # The charts are drawn again in the dark theme's text colour.
    text_color = page.evaluate("window.Chart.defaults.color")
    body_secondary = page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--bs-secondary-color').trim()"
    )
    assert text_color == body_secondary
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    wait_for_charts(page)
    screenshot(page, "dashboard-dark-demo")


def test_the_dashboard_fits_a_phone(phone_page, demo_data, screenshot):
    page = phone_page
    page.goto("/")
    wait_for_charts(page)

    expect(page.get_by_test_id("kpi-total-spent")).to_be_visible()
    # Nothing is wider than the screen: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert all(points > 0 for points in drawn_charts(page).values())
    screenshot(page, "dashboard-phone")
