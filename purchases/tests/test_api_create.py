"""Creating purchases: the echoed fields and the contract's defaults, rounding, required and
invalid values, empty text fields from the dashboard form, the currency setting, dates not
after today, and a warranty from warranty_expiry (docs/api.md §2, §4.1, §5.1; decisions §9.1,
§9.3, §9.7)."""

import uuid
from decimal import Decimal

import pytest

from catalog.tests.factories import BrandFactory, RetailerFactory
from kernel import clock
from kernel.testing import assert_validation_error
from preferences.services import preferences_update
from purchases.models import Purchase
from purchases.tests.api_helpers import (
    BOUGHT,
    LIMITED_TEXT_FIELDS,
    days_from_today,
    minimal_body,
    post,
)
from warranties.models import Warranty

pytestmark = pytest.mark.django_db


def test_creating_a_purchase_answers_201_and_echoes_every_field(api_client):
    retailer = RetailerFactory(name="Kitchen Outlet")
    brand = BrandFactory(name="Delonghi")
    body = {
        "product_name": "Espresso machine",
        "price": 429,
        "purchase_date": "2021-02-03",
        "currency_code": "EUR",
        "retailer_id": str(retailer.id),
        "brand_id": str(brand.id),
        "notes": "Birthday present",
        "tax_deductible": 1,
        "model_number": "EC-685",
        "serial_number": "SN-123",
        "retailer_order_number": "ORD-55120",
        "quantity": 2,
        "link": "https://example.com/ec685",
        "return_deadline": "2021-03-05",
        "return_policy": "30 days",
        "tags": "kitchen,coffee",
        "status": "ORDERED",
    }

    response = post(api_client, body)

    assert response.status_code == 201
    data = response.json()
    for key, value in body.items():
        if key != "price":
            assert data[key] == value, key
    assert data["price"] == "429.00"
    assert data["retailer"] == {"id": str(retailer.id), "name": "Kitchen Outlet"}
    assert data["brand"] == {"id": str(brand.id), "name": "Delonghi"}
    assert data["warranty"] is None
    assert data["warranty_id"] is None
    assert data["warranty_expiry"] is None
    assert data["warranties"] == []
    assert data["updated_at"] is None
    stored = Purchase.objects.get(pk=data["id"])
    assert stored.product_name == "Espresso machine"
    assert stored.price == Decimal("429.00")
    assert stored.retailer_id == retailer.id
    assert stored.tax_deductible is True


def test_a_created_purchase_takes_the_contract_defaults(api_client):
    response = post(api_client, minimal_body())

    assert response.status_code == 201
    data = response.json()
    assert data["currency_code"] == "USD"
    assert data["tax_deductible"] == 0
    assert data["quantity"] == 1
    assert data["status"] == "RECEIVED"
    assert data["retailer"] is None
    assert data["brand"] is None
    assert data["retailer_id"] is None
    assert data["notes"] is None


@pytest.mark.parametrize(
    ("sent", "returned"),
    [
        (999.999, "1000.00"),
        (10, "10.00"),
        ("10", "10.00"),
        ("1249.5", "1249.50"),
        ("0.005", "0.01"),
        ("2.345", "2.35"),
        (99999999.99, "99999999.99"),
    ],
)
def test_price_is_rounded_half_up_to_two_places(api_client, sent, returned):
    response = post(api_client, minimal_body(price=sent))

    assert response.status_code == 201
    assert response.json()["price"] == returned
    assert Purchase.objects.get(pk=response.json()["id"]).price == Decimal(returned)


@pytest.mark.parametrize("price", [0, -1, "0", "-5.00", 0.004, 100_000_000, "abc", None])
def test_a_price_that_is_not_positive_or_too_large_is_rejected(api_client, price):
    response = post(api_client, minimal_body(price=price))

    assert_validation_error(response)
    assert not Purchase.objects.exists()


@pytest.mark.parametrize(("sent", "returned"), [(True, 1), (1, 1), (False, 0), (0, 0)])
def test_tax_deductible_is_returned_as_an_integer(api_client, sent, returned):
    response = post(api_client, minimal_body(tax_deductible=sent))

    assert response.status_code == 201
    assert response.json()["tax_deductible"] == returned
    assert type(response.json()["tax_deductible"]) is int


@pytest.mark.parametrize("missing", ["product_name", "price", "purchase_date"])
def test_a_required_field_cannot_be_left_out(api_client, missing):
    body = minimal_body()
    del body[missing]

    assert_validation_error(post(api_client, body))
    assert not Purchase.objects.exists()


@pytest.mark.parametrize(
    "invalid",
    [
        {"product_name": ""},
        {"product_name": "   "},
        {"purchase_date": "14/03/2021"},
        {"purchase_date": "2021-02-30"},
        {"tax_deductible": 2},
        {"quantity": 0},
        {"status": "LOST"},
        {"retailer_id": "not-a-uuid"},
        {"warranty_expiry": "someday"},
    ],
)
def test_invalid_values_are_rejected(api_client, invalid):
    assert_validation_error(post(api_client, minimal_body(**invalid)))
    assert not Purchase.objects.exists()


def test_unknown_fields_in_the_body_are_ignored(api_client):
    chosen_id = str(uuid.uuid4())
    body = minimal_body(id=chosen_id, favourite=True, owner={"name": "me"}, created_at="x")

    response = post(api_client, body)

    assert response.status_code == 201
    assert response.json()["product_name"] == "Espresso machine"
    assert response.json()["id"] != chosen_id


def test_the_dashboard_form_with_empty_inputs_sent_as_null_creates_a_purchase(api_client):
    retailer = RetailerFactory()
    brand = BrandFactory()
    body = {
        "product_name": "Desk lamp",
        "price": 35.5,
        "purchase_date": "2022-05-01",
        "retailer_id": str(retailer.id),
        "brand_id": str(brand.id),
        "notes": None,
        "tax_deductible": 0,
        "warranty_expiry": None,
        "model_number": None,
        "serial_number": None,
        "retailer_order_number": None,
        "quantity": None,
        "link": None,
        "return_deadline": None,
        "return_policy": None,
        "tags": None,
    }

    response = post(api_client, body)

    assert response.status_code == 201
    data = response.json()
    assert data["price"] == "35.50"
    assert data["quantity"] == 1
    assert data["warranty"] is None
    for key in ("notes", "model_number", "serial_number", "link", "return_deadline", "tags"):
        assert data[key] is None
    assert not Warranty.objects.exists()


@pytest.mark.parametrize("field", LIMITED_TEXT_FIELDS)
def test_a_null_length_limited_text_field_is_accepted_on_create(api_client, field):
    response = post(api_client, minimal_body(**{field: None}))

    assert response.status_code == 201
    assert response.json()[field] is None


@pytest.mark.parametrize("field", LIMITED_TEXT_FIELDS)
def test_an_empty_length_limited_text_field_is_accepted_on_create(api_client, field):
    response = post(api_client, minimal_body(**{field: ""}))

    assert response.status_code == 201
    assert response.json()[field] in ("", None)


@pytest.mark.parametrize(
    ("field", "limit"),
    [
        ("product_name", 255),
        ("model_number", 100),
        ("serial_number", 100),
        ("retailer_order_number", 100),
        ("link", 500),
        ("return_policy", 200),
        ("tags", 255),
        ("currency_code", 3),
    ],
)
def test_text_longer_than_its_limit_is_rejected(api_client, field, limit):
    def text(length):  # a link must be a web address, a currency a currency: the text follows one
        start = {"link": "https://example.org/", "currency_code": "AUD"}.get(field, "")
        return start + "A" * (length - len(start))

    assert post(api_client, minimal_body(**{field: text(limit)})).status_code == 201

    assert_validation_error(post(api_client, minimal_body(**{field: text(limit + 1)})))
    assert Purchase.objects.count() == 1


def test_the_currency_defaults_to_the_currency_setting(api_client):
    preferences_update(currency_code="EUR")

    response = post(api_client, minimal_body())

    assert response.status_code == 201
    assert response.json()["currency_code"] == "EUR"


def test_an_explicit_currency_wins_over_the_setting(api_client):
    preferences_update(currency_code="EUR")

    response = post(api_client, minimal_body(currency_code="GBP"))

    assert response.json()["currency_code"] == "GBP"


def test_a_purchase_dated_today_is_accepted(api_client):
    today = clock.today().isoformat()

    response = post(api_client, minimal_body(purchase_date=today))

    assert response.status_code == 201
    assert response.json()["purchase_date"] == today


def test_a_purchase_dated_in_the_future_is_rejected_with_a_message(api_client):
    response = post(api_client, minimal_body(purchase_date=days_from_today(1).isoformat()))

    assert_validation_error(response)
    assert not Purchase.objects.exists()


@pytest.mark.parametrize("field", ["retailer_id", "brand_id"])
def test_an_unknown_retailer_or_brand_is_rejected(api_client, field):
    response = post(api_client, minimal_body(**{field: str(uuid.uuid4())}))

    assert_validation_error(response)
    assert not Purchase.objects.exists()


def test_a_warranty_expiry_on_create_creates_a_warranty_from_the_purchase_date(api_client):
    end = days_from_today(400)

    response = post(api_client, minimal_body(warranty_expiry=end.isoformat()))

    assert response.status_code == 201
    data = response.json()
    warranty = Warranty.objects.get(purchase_id=data["id"])
    assert warranty.warranty_start == BOUGHT
    assert warranty.warranty_end == end
    assert warranty.warranty_type is None
    assert warranty.provider is None
    assert warranty.notes
    assert data["warranty_expiry"] == end.isoformat()
    assert data["warranty_id"] == str(warranty.id)
    assert data["warranty"]["status"] == "ACTIVE"
    assert data["warranty"]["warranty_start"] == BOUGHT.isoformat()


def test_a_warranty_expiry_in_the_past_on_create_gives_an_expired_warranty(api_client):
    response = post(api_client, minimal_body(warranty_expiry="2022-03-14"))

    assert response.status_code == 201
    assert response.json()["warranty"]["status"] == "EXPIRED"


def test_a_warranty_expiry_before_the_purchase_date_is_rejected(api_client):
    response = post(api_client, minimal_body(warranty_expiry="2020-01-01"))

    assert_validation_error(response)
    assert not Purchase.objects.exists()
    assert not Warranty.objects.exists()
