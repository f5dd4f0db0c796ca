"""Links people store are web addresses only: the API, the admin, the imports and the pages."""

import io
import json

import pytest
from django.urls import reverse

from catalog.models import Retailer
from interchange.imports import import_json
from kernel.links import is_web_link
from purchases.models import Purchase
from purchases.tests.factories import PurchaseFactory

pytestmark = pytest.mark.django_db

CODE = [
    "javascript:alert(1)",
    " JavaScript:alert(1)",
    "data:text/html,<script>x</script>",
    "ftp://x.org/f",
    "//evil.example/x",
    "https://",
]


@pytest.mark.parametrize("value", CODE)
def test_anything_but_http_and_https_is_refused_by_the_api(api_client, value):
    purchase = api_client.post(
        "/api/purchases",
        {"product_name": "Kettle", "price": "10", "purchase_date": "2025-01-02", "link": value},
        content_type="application/json",
    )
    assert purchase.status_code == 422
    assert "must be an http:// or https:// address" in json.dumps(purchase.json())
    retailer = api_client.post(
        "/api/retailers", {"name": "Shop", "url": value}, content_type="application/json"
    )
    assert retailer.status_code == 422
    assert not Purchase.objects.exists() and not Retailer.objects.exists()


def test_web_addresses_are_kept_as_they_were_sent(api_client):
    link = "https://shop.example/kettle?colour=red#reviews"
    answer = api_client.post(
        "/api/purchases",
        {"product_name": "Kettle", "price": "10", "purchase_date": "2025-01-02", "link": link},
        content_type="application/json",
    )
    assert answer.status_code == 201 and answer.json()["link"] == link
    assert is_web_link("HTTP://SHOP.EXAMPLE/") and not is_web_link("https://shop .example/")


def test_the_admin_refuses_a_link_that_would_run_code(admin_client):
    purchase = PurchaseFactory(link=None)
    url = reverse("admin:purchases_purchase_change", args=[purchase.pk])
    page = admin_client.get(url)
    form = page.context["adminform"].form
    data = {
        key: value
        for key, value in form.initial.items()
        if value is not None and not isinstance(value, list | dict)
    }
    data.update(
        link="javascript:alert(1)",
        price=str(purchase.price),
        purchase_date=purchase.purchase_date.isoformat(),
    )
    form = type(form)(data=data, instance=purchase)
    assert not form.is_valid()
    assert "must be an http:// or https:// address" in str(form.errors["link"])


def test_an_import_reports_a_record_whose_link_would_run_code():
    document = {
        "format_version": 2,
        "purchases": [
            {
                "product_name": "Kettle",
                "price": "10.00",
                "purchase_date": "2025-01-02",
                "link": "javascript:alert(1)",
            },
            {"product_name": "Lamp", "price": "5.00", "purchase_date": "2025-01-03"},
        ],
    }
    report = import_json(io.BytesIO(json.dumps(document).encode()))
    assert any("link: must be an http:// or https:// address" in e for e in report.errors)
    assert list(Purchase.objects.values_list("product_name", flat=True)) == ["Lamp"]


def test_a_link_stored_before_the_rule_is_never_rendered_as_a_link(owner_client):
    PurchaseFactory(product_name="Old kettle", link="javascript:alert(1)")
    PurchaseFactory(product_name="New kettle", link="https://shop.example/kettle")
    page = owner_client.get(reverse("purchases:list")).content.decode()
    assert 'href="javascript:' not in page
    assert 'href="https://shop.example/kettle"' in page
