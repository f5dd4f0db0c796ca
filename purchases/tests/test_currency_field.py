"""The purchase's currency: ISO 4217 codes only, chosen from a select (issue 20, item 3)."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from kernel.testing import assert_validation_error
from preferences.services import preferences_update
from purchases.models import Purchase
from purchases.tests.factories import PurchaseFactory

PURCHASES = "/api/purchases"
BODY = {"product_name": "Espresso machine", "price": "429.00", "purchase_date": "2021-03-14"}


def post(client, **fields):
    return client.post(PURCHASES, BODY | fields, content_type="application/json")


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["XYZ", "usx", "EU", "XAU"])
def test_a_code_not_in_iso_4217_is_refused_in_plain_words(api_client, code):
    response = post(api_client, currency_code=code)

    assert_validation_error(response)
    [error] = response.json()["detail"]
    assert error["loc"][-1] == "currency_code"
    assert error["msg"] == (
        f"{code} is not a currency code: use the three letters of ISO 4217, such "
        "as USD, EUR or JPY."
    )
    assert not Purchase.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("code", "stored"), [("eur", "EUR"), ("KWD", "KWD"), ("DEM", "DEM")])
def test_iso_4217_codes_are_accepted_as_before_in_any_case(api_client, code, stored):
    response = post(api_client, currency_code=code)

    assert response.status_code == 201
    assert response.json()["currency_code"] == stored


@pytest.mark.django_db
def test_a_purchase_stored_with_an_odd_code_still_shows_and_changes_it_only_when_asked(
    api_client, owner_client
):
    purchase = PurchaseFactory(price=Decimal("12.30"), currency_code="XYZ")

    assert "XYZ\u00a012.30" in owner_client.get("/inventory/").content.decode()
    renamed = api_client.put(
        f"{PURCHASES}/{purchase.id}", {"product_name": "Kettle"}, content_type="application/json"
    )
    assert renamed.status_code == 200
    assert renamed.json()["currency_code"] == "XYZ"
    assert_validation_error(
        api_client.put(
            f"{PURCHASES}/{purchase.id}", {"currency_code": "XYZ"}, content_type="application/json"
        )
    )


@pytest.mark.django_db
def test_the_purchase_form_offers_the_households_currency_first(owner_client):
    preferences_update(currency_code="SEK")

    html = owner_client.get("/inventory/").content.decode()

    select = html[html.index('<select class="form-select" id="pf-currency_code"') :]
    select = select[: select.index("</select>")]
    assert select.index('<option value="SEK">SEK — Swedish Krona</option>') < select.index(
        '<option value="USD">USD — US Dollar</option>'
    )
    assert '<optgroup label="Common">' in select
    assert '<option value="NOK">NOK — Norwegian Krone</option>' in select


@pytest.mark.django_db
def test_the_admin_offers_a_select_and_keeps_a_code_stored_before_it(staff_client):
    preferences_update(currency_code="EUR")
    purchase = PurchaseFactory(currency_code="XYZ")

    added = staff_client.get("/admin/purchases/purchase/add/").content.decode()
    changed = staff_client.get(f"/admin/purchases/purchase/{purchase.id}/change/").content.decode()

    assert '<select name="currency_code"' in added
    assert '<option value="EUR" selected>EUR — Euro</option>' in added
    assert '<option value="XYZ" selected>XYZ (as stored)</option>' in changed


@pytest.mark.browser
def test_the_currency_is_chosen_from_the_list_and_an_odd_code_shows_until_changed(
    signed_in_page, page_problems, screenshot
):
    preferences_update(currency_code="EUR", number_style="de_DE")
    odd = PurchaseFactory(product_name="Old kettle", price=Decimal("12.30"), currency_code="XYZ")
    page = signed_in_page

    page.goto("/inventory/?new=1")
    form = page.get_by_role("dialog", name="Add a purchase")
    currency = form.get_by_label("Currency")
    expect(currency).to_have_value("EUR")
    form.get_by_label("Product name").fill("Rice cooker")
    form.get_by_label("Price").fill("15000")
    currency.select_option("JPY")
    screenshot(page, "purchase-form-currency")
    form.get_by_role("button", name="Save").click()
    expect(page.get_by_role("cell", name="15.000\u00a0¥")).to_be_visible()
    assert Purchase.objects.get(product_name="Rice cooker").currency_code == "JPY"

    page.goto(f"/inventory/?edit={odd.id}")
    form = page.get_by_role("dialog", name="Edit “Old kettle”")
    currency = form.get_by_label("Currency")
    expect(currency).to_have_value("XYZ")
    screenshot(page, "purchase-form-odd-currency")
    page_problems.expect_status(422)
    form.get_by_role("button", name="Save").click()
    expect(form.locator("#pf-currency_code-error")).to_contain_text("XYZ is not a currency code")
    currency.select_option("GBP")
    form.get_by_role("button", name="Save").click()
    expect(page.get_by_role("cell", name="12,30\u00a0£")).to_be_visible()
    odd.refresh_from_db()
    assert odd.currency_code == "GBP"
