"""The purchases endpoints (docs/api.md §2, §4.1, §5.1; decisions §9.1, §9.3, §9.7)."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.models import Brand, Retailer
from catalog.tests.factories import BrandFactory, RetailerFactory
from kernel import clock
from kernel.testing import assert_validation_error
from preferences.services import preferences_update
from purchases.models import Purchase
from purchases.tests.factories import PurchaseFactory
from warranties.models import Warranty
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db

PURCHASES = "/api/purchases"
# A date far enough in the past that "not after today" never matters.
BOUGHT = datetime.date(2021, 3, 14)
WARRANTY_KEYS = {
    "id",
    "warranty_start",
    "warranty_end",
    "warranty_type",
    "status",
    "provider",
    "notes",
}


def days_from_today(days: int) -> datetime.date:
    return clock.today() + datetime.timedelta(days=days)


def post(client, body, path=PURCHASES):
    return client.post(path, body, content_type="application/json")


def put(client, purchase_id, body):
    return client.put(f"{PURCHASES}/{purchase_id}", body, content_type="application/json")


def minimal_body(**overrides):
    return {"product_name": "Espresso machine", "price": 429, "purchase_date": "2021-03-14"} | (
        overrides
    )


def is_uuid_string(value) -> bool:
    return isinstance(value, str) and str(uuid.UUID(value)) == value


def parse_datetime(value: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))


def ids_of(data) -> list[str]:
    return [item["id"] for item in data["items"]]


def ids(response) -> list[str]:
    return ids_of(response.json())


# --- create -------------------------------------------------------------------------------------


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


LIMITED_TEXT_FIELDS = [
    "model_number",
    "serial_number",
    "retailer_order_number",
    "link",
    "return_policy",
    "tags",
]


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


# --- read ---------------------------------------------------------------------------------------


def test_getting_a_purchase_returns_it(api_client):
    purchase = PurchaseFactory(product_name="Kettle", price=Decimal("20.5"))

    response = api_client.get(f"{PURCHASES}/{purchase.id}")

    assert response.status_code == 200
    assert response.json()["id"] == str(purchase.id)
    assert response.json()["product_name"] == "Kettle"
    assert response.json()["price"] == "20.50"


@pytest.mark.parametrize("purchase_id", [uuid.uuid4(), "not-a-uuid", "123", "expiring"])
def test_getting_an_unknown_or_malformed_purchase_id_answers_404(api_client, purchase_id):
    PurchaseFactory()

    response = api_client.get(f"{PURCHASES}/{purchase_id}")

    assert response.status_code == 404
    assert isinstance(response.json()["detail"], str)


def test_ids_are_lowercase_uuid_strings(api_client):
    purchase = PurchaseFactory()
    WarrantyFactory(purchase=purchase)

    data = api_client.get(f"{PURCHASES}/{purchase.id}").json()

    for value in (
        data["id"],
        data["retailer_id"],
        data["brand_id"],
        data["warranty_id"],
        data["retailer"]["id"],
        data["brand"]["id"],
        data["warranty"]["id"],
        data["warranties"][0]["id"],
    ):
        assert is_uuid_string(value), value


def test_timestamps_are_utc_with_a_zone(api_client):
    purchase = PurchaseFactory()
    put(api_client, purchase.id, {"notes": "changed"})
    purchase.refresh_from_db()

    data = api_client.get(f"{PURCHASES}/{purchase.id}").json()

    for key, stored in (("created_at", purchase.created_at), ("updated_at", purchase.updated_at)):
        assert data[key].endswith(("Z", "+00:00")), data[key]
        assert abs(parse_datetime(data[key]) - stored) < datetime.timedelta(milliseconds=1)


def test_retailer_and_brand_are_nested_as_id_and_name(api_client):
    purchase = PurchaseFactory(retailer__name="Amazon", brand__name="Apple")

    data = api_client.get(f"{PURCHASES}/{purchase.id}").json()

    assert data["retailer"] == {"id": str(purchase.retailer.id), "name": "Amazon"}
    assert data["brand"] == {"id": str(purchase.brand.id), "name": "Apple"}
    assert data["retailer_id"] == str(purchase.retailer.id)
    assert data["brand_id"] == str(purchase.brand.id)


def test_the_warranty_fields_describe_the_primary_warranty(api_client):
    purchase = PurchaseFactory(purchase_date=BOUGHT)
    short = WarrantyFactory(purchase=purchase, warranty_end=days_from_today(100))
    longest = WarrantyFactory(
        purchase=purchase, warranty_end=days_from_today(700), warranty_type="EXTENDED"
    )
    middle = WarrantyFactory(purchase=purchase, warranty_end=days_from_today(300))

    data = api_client.get(f"{PURCHASES}/{purchase.id}").json()

    assert data["warranty_id"] == str(longest.id)
    assert data["warranty_expiry"] == longest.warranty_end.isoformat()
    assert data["warranty"]["id"] == str(longest.id)
    assert data["warranty"]["warranty_type"] == "EXTENDED"
    assert data["warranty"]["status"] == "ACTIVE"
    assert data["warranty"].keys() >= WARRANTY_KEYS
    assert [w["id"] for w in data["warranties"]] == [str(short.id), str(middle.id), str(longest.id)]
    assert all(w.keys() >= WARRANTY_KEYS for w in data["warranties"])


def test_a_voided_warranty_is_not_primary_while_another_is_not_voided(api_client):
    purchase = PurchaseFactory(purchase_date=BOUGHT)
    kept = WarrantyFactory(purchase=purchase, warranty_end=days_from_today(100))
    WarrantyFactory(purchase=purchase, warranty_end=days_from_today(900), voided=True)

    data = api_client.get(f"{PURCHASES}/{purchase.id}").json()

    assert data["warranty_id"] == str(kept.id)
    assert data["warranty_expiry"] == kept.warranty_end.isoformat()
    assert [w["status"] for w in data["warranties"]] == ["ACTIVE", "VOIDED"]


def test_when_every_warranty_is_voided_the_latest_ending_one_is_primary(api_client):
    purchase = PurchaseFactory(purchase_date=BOUGHT)
    WarrantyFactory(purchase=purchase, warranty_end=days_from_today(100), voided=True)
    latest = WarrantyFactory(purchase=purchase, warranty_end=days_from_today(900), voided=True)

    data = api_client.get(f"{PURCHASES}/{purchase.id}").json()

    assert data["warranty_id"] == str(latest.id)
    assert data["warranty"]["status"] == "VOIDED"


def test_a_warranty_whose_end_has_passed_is_shown_as_expired(api_client):
    purchase = PurchaseFactory(purchase_date=BOUGHT)
    WarrantyFactory(purchase=purchase, warranty_end=days_from_today(-1))

    data = api_client.get(f"{PURCHASES}/{purchase.id}").json()

    assert data["warranty"]["status"] == "EXPIRED"


def test_a_warranty_ending_today_is_still_active(api_client):
    purchase = PurchaseFactory(purchase_date=BOUGHT)
    WarrantyFactory(purchase=purchase, warranty_end=clock.today())

    data = api_client.get(f"{PURCHASES}/{purchase.id}").json()

    assert data["warranty"]["status"] == "ACTIVE"


# --- update -------------------------------------------------------------------------------------


def test_an_update_changes_only_the_fields_sent(api_client):
    purchase = PurchaseFactory(notes="Old", tags="a,b", quantity=3, purchase_date=BOUGHT)
    WarrantyFactory(purchase=purchase, warranty_end=days_from_today(300))
    before = api_client.get(f"{PURCHASES}/{purchase.id}").json()

    response = put(api_client, purchase.id, {"notes": "New", "price": "12.345"})

    assert response.status_code == 200
    after = response.json()
    assert after["notes"] == "New"
    assert after["price"] == "12.35"
    # The price in the base currency follows the price (same currency: the price itself).
    assert after["base_price"] == "12.35"
    # updated_at and updated_by tell when and by whom it was saved last.
    unchanged = set(before) - {"notes", "price", "base_price", "updated_at", "updated_by"}
    assert {key: after[key] for key in unchanged} == {key: before[key] for key in unchanged}
    assert after["updated_at"] is not None
    assert after["updated_by"] == "owner"
    assert Purchase.objects.get(pk=purchase.pk).notes == "New"


def test_an_update_with_an_empty_body_changes_nothing(api_client):
    purchase = PurchaseFactory(notes="Keep")
    WarrantyFactory(purchase=purchase)
    before = api_client.get(f"{PURCHASES}/{purchase.id}").json()

    response = put(api_client, purchase.id, {})

    assert response.status_code == 200
    saved = {"updated_at", "updated_by"}  # when and by whom it was saved last
    assert {k: v for k, v in response.json().items() if k not in saved} == {
        k: v for k, v in before.items() if k not in saved
    }


def test_an_explicit_null_clears_an_optional_field(api_client):
    purchase = PurchaseFactory(notes="Old")

    response = put(api_client, purchase.id, {"retailer_id": None, "notes": None})

    assert response.status_code == 200
    assert response.json()["retailer"] is None
    assert response.json()["retailer_id"] is None
    assert response.json()["notes"] is None
    purchase.refresh_from_db()
    assert purchase.retailer_id is None
    assert purchase.brand_id is not None


@pytest.mark.parametrize("field", LIMITED_TEXT_FIELDS)
def test_an_explicit_null_clears_a_length_limited_text_field(api_client, field):
    purchase = PurchaseFactory(**{field: "something"})

    response = put(api_client, purchase.id, {field: None})

    assert response.status_code == 200
    assert response.json()[field] is None
    purchase.refresh_from_db()
    assert getattr(purchase, field) is None


def test_an_update_can_move_the_purchase_to_another_retailer(api_client):
    purchase = PurchaseFactory()
    other = RetailerFactory(name="Other shop")

    response = put(api_client, purchase.id, {"retailer_id": str(other.id)})

    assert response.json()["retailer"] == {"id": str(other.id), "name": "Other shop"}


def test_an_update_ignores_unknown_fields(api_client):
    purchase = PurchaseFactory(product_name="Kettle")

    response = put(api_client, purchase.id, {"colour": "red", "product_name": "Teapot"})

    assert response.status_code == 200
    assert response.json()["product_name"] == "Teapot"


def test_an_update_without_warranty_expiry_leaves_the_warranties_alone(api_client):
    purchase = PurchaseFactory(purchase_date=BOUGHT)
    warranty = WarrantyFactory(purchase=purchase, warranty_end=days_from_today(300))

    response = put(api_client, purchase.id, {"product_name": "Renamed"})

    assert response.status_code == 200
    assert response.json()["warranty_id"] == str(warranty.id)
    assert Warranty.objects.get().warranty_end == warranty.warranty_end


@pytest.mark.parametrize(("end_offset", "status"), [(400, "ACTIVE"), (None, "EXPIRED")])
def test_a_warranty_expiry_on_a_purchase_without_warranty_creates_one(
    api_client, end_offset, status
):
    purchase = PurchaseFactory(purchase_date=BOUGHT)
    end = days_from_today(end_offset) if end_offset else datetime.date(2022, 3, 14)

    response = put(api_client, purchase.id, {"warranty_expiry": end.isoformat()})

    assert response.status_code == 200
    warranty = Warranty.objects.get(purchase=purchase)
    assert warranty.warranty_start == BOUGHT
    assert warranty.warranty_end == end
    assert warranty.warranty_type is None
    assert warranty.provider is None
    assert warranty.notes
    data = response.json()
    assert data["warranty_expiry"] == end.isoformat()
    assert data["warranty_id"] == str(warranty.id)
    assert data["warranty"]["status"] == status


def test_a_warranty_expiry_starts_the_new_warranty_on_the_updated_purchase_date(api_client):
    purchase = PurchaseFactory(purchase_date=BOUGHT)

    put(api_client, purchase.id, {"purchase_date": "2022-07-01", "warranty_expiry": "2024-07-01"})

    assert Warranty.objects.get(purchase=purchase).warranty_start == datetime.date(2022, 7, 1)


def test_a_warranty_expiry_moves_only_the_primary_warranty_end(api_client):
    purchase = PurchaseFactory(purchase_date=BOUGHT)
    other = WarrantyFactory(purchase=purchase, warranty_end=days_from_today(100))
    primary = WarrantyFactory(
        purchase=purchase,
        warranty_end=days_from_today(700),
        warranty_type="EXTENDED",
        provider="Insurer",
        notes="Paid extra",
    )
    new_end = days_from_today(900)

    response = put(api_client, purchase.id, {"warranty_expiry": new_end.isoformat()})

    assert response.status_code == 200
    primary.refresh_from_db()
    other_end = other.warranty_end
    other.refresh_from_db()
    assert primary.warranty_end == new_end
    assert (primary.warranty_start, primary.warranty_type, primary.provider, primary.notes) == (
        BOUGHT,
        "EXTENDED",
        "Insurer",
        "Paid extra",
    )
    assert other.warranty_end == other_end
    assert Warranty.objects.count() == 2
    assert response.json()["warranty_id"] == str(primary.id)
    assert response.json()["warranty_expiry"] == new_end.isoformat()


def test_a_warranty_expiry_moves_the_non_voided_warranty_when_a_later_one_is_voided(api_client):
    purchase = PurchaseFactory(purchase_date=BOUGHT)
    active = WarrantyFactory(purchase=purchase, warranty_end=days_from_today(100))
    voided = WarrantyFactory(purchase=purchase, warranty_end=days_from_today(900), voided=True)
    new_end = days_from_today(200)

    put(api_client, purchase.id, {"warranty_expiry": new_end.isoformat()})

    active.refresh_from_db()
    voided_end = voided.warranty_end
    voided.refresh_from_db()
    assert active.warranty_end == new_end
    assert voided.warranty_end == voided_end


def test_moving_the_primary_warranty_end_into_the_past_rederives_its_status(api_client):
    purchase = PurchaseFactory(purchase_date=BOUGHT)
    WarrantyFactory(purchase=purchase, warranty_end=days_from_today(300))

    response = put(api_client, purchase.id, {"warranty_expiry": "2022-01-01"})

    assert response.json()["warranty"]["status"] == "EXPIRED"
    assert response.json()["warranty_expiry"] == "2022-01-01"


def test_a_null_warranty_expiry_deletes_only_the_primary_warranty(api_client):
    purchase = PurchaseFactory(purchase_date=BOUGHT)
    remaining = WarrantyFactory(purchase=purchase, warranty_end=days_from_today(100))
    primary = WarrantyFactory(purchase=purchase, warranty_end=days_from_today(700))

    response = put(api_client, purchase.id, {"warranty_expiry": None})

    assert response.status_code == 200
    assert not Warranty.objects.filter(pk=primary.pk).exists()
    assert Warranty.objects.filter(pk=remaining.pk).exists()
    data = response.json()
    assert data["warranty_id"] == str(remaining.id)
    assert data["warranty_expiry"] == remaining.warranty_end.isoformat()
    assert [w["id"] for w in data["warranties"]] == [str(remaining.id)]


def test_a_null_warranty_expiry_on_a_purchase_without_warranty_changes_nothing(api_client):
    purchase = PurchaseFactory()

    response = put(api_client, purchase.id, {"warranty_expiry": None})

    assert response.status_code == 200
    assert response.json()["warranty"] is None
    assert not Warranty.objects.exists()


def test_a_future_purchase_date_on_update_is_rejected(api_client):
    purchase = PurchaseFactory(purchase_date=BOUGHT)

    response = put(api_client, purchase.id, {"purchase_date": days_from_today(1).isoformat()})

    assert_validation_error(response)
    purchase.refresh_from_db()
    assert purchase.purchase_date == BOUGHT


def test_a_rejected_update_changes_nothing(api_client):
    purchase = PurchaseFactory(product_name="Kettle", purchase_date=BOUGHT)
    WarrantyFactory(purchase=purchase, warranty_end=days_from_today(300))

    response = put(
        api_client,
        purchase.id,
        {"product_name": "Teapot", "warranty_expiry": None, "brand_id": str(uuid.uuid4())},
    )

    assert_validation_error(response)
    purchase.refresh_from_db()
    assert purchase.product_name == "Kettle"
    assert Warranty.objects.filter(purchase=purchase).exists()


@pytest.mark.parametrize("price", [0, -3, "0.00"])
def test_an_update_to_a_price_that_is_not_positive_is_rejected(api_client, price):
    purchase = PurchaseFactory(price=Decimal("10.00"))

    assert_validation_error(put(api_client, purchase.id, {"price": price}))
    purchase.refresh_from_db()
    assert purchase.price == Decimal("10.00")


@pytest.mark.parametrize("purchase_id", [uuid.uuid4(), "not-a-uuid"])
def test_updating_an_unknown_or_malformed_purchase_id_answers_404(api_client, purchase_id):
    response = put(api_client, purchase_id, {"notes": "x"})

    assert response.status_code == 404
    assert isinstance(response.json()["detail"], str)


# --- delete -------------------------------------------------------------------------------------


def test_deleting_a_purchase_answers_204_with_an_empty_body_then_404(api_client):
    purchase = PurchaseFactory()

    response = api_client.delete(f"{PURCHASES}/{purchase.id}")

    assert response.status_code == 204
    assert response.content == b""
    assert api_client.get(f"{PURCHASES}/{purchase.id}").status_code == 404
    assert api_client.delete(f"{PURCHASES}/{purchase.id}").status_code == 404


def test_deleting_a_purchase_removes_its_warranties_and_nothing_else(api_client):
    purchase = PurchaseFactory()
    WarrantyFactory.create_batch(2, purchase=purchase)
    other = WarrantyFactory()

    api_client.delete(f"{PURCHASES}/{purchase.id}")

    assert list(Warranty.objects.all()) == [other]
    assert list(Purchase.objects.all()) == [other.purchase]
    assert Retailer.objects.filter(pk=purchase.retailer_id).exists()
    assert Brand.objects.filter(pk=purchase.brand_id).exists()


@pytest.mark.parametrize("purchase_id", [uuid.uuid4(), "not-a-uuid"])
def test_deleting_an_unknown_or_malformed_purchase_id_answers_404(api_client, purchase_id):
    PurchaseFactory()

    response = api_client.delete(f"{PURCHASES}/{purchase_id}")

    assert response.status_code == 404
    assert isinstance(response.json()["detail"], str)
    assert Purchase.objects.count() == 1


# --- list ---------------------------------------------------------------------------------------


def created_in_order(count: int, **fields) -> list[Purchase]:
    """Create COUNT purchases, one minute apart, oldest first."""
    start = timezone.now() - datetime.timedelta(days=1)
    return [
        PurchaseFactory(created_at=start + datetime.timedelta(minutes=n), **fields)
        for n in range(count)
    ]


def test_the_list_answers_in_the_pagination_envelope(api_client):
    PurchaseFactory.create_batch(3)

    data = api_client.get(PURCHASES).json()

    assert set(data) == {"items", "total", "page", "limit", "pages"}
    assert (data["total"], data["page"], data["limit"], data["pages"]) == (3, 1, 20, 1)
    assert len(data["items"]) == 3


def test_an_empty_list_has_zero_pages(api_client):
    data = api_client.get(PURCHASES).json()

    assert data == {"items": [], "total": 0, "page": 1, "limit": 20, "pages": 0}


def test_the_list_shows_20_purchases_by_default(api_client):
    purchases = created_in_order(25)

    data = api_client.get(PURCHASES).json()

    assert len(data["items"]) == 20
    assert (data["total"], data["pages"], data["limit"]) == (25, 2, 20)
    assert [item["id"] for item in data["items"]] == [str(p.id) for p in purchases[::-1][:20]]


def test_skip_and_limit_select_a_page(api_client):
    purchases = created_in_order(7)[::-1]

    data = api_client.get(PURCHASES, {"skip": 4, "limit": 2}).json()

    assert [item["id"] for item in data["items"]] == [str(p.id) for p in purchases[4:6]]
    assert (data["total"], data["page"], data["limit"], data["pages"]) == (7, 3, 2, 4)


def test_skip_past_the_end_gives_an_empty_page_with_the_total(api_client):
    PurchaseFactory.create_batch(2)

    data = api_client.get(PURCHASES, {"skip": 10}).json()

    assert data["items"] == []
    assert data["total"] == 2


@pytest.mark.parametrize("query", [{"limit": 0}, {"limit": 101}, {"limit": -1}, {"skip": -1}])
def test_a_limit_or_skip_out_of_bounds_is_rejected(api_client, query):
    assert_validation_error(api_client.get(PURCHASES, query))


def test_a_limit_of_100_is_allowed(api_client):
    PurchaseFactory.create_batch(2)

    assert api_client.get(PURCHASES, {"limit": 100}).json()["limit"] == 100


def test_the_list_is_ordered_newest_created_first(api_client):
    start = timezone.now() - datetime.timedelta(days=1)
    middle = PurchaseFactory(created_at=start + datetime.timedelta(hours=1), purchase_date=BOUGHT)
    newest = PurchaseFactory(
        created_at=start + datetime.timedelta(hours=2), purchase_date=datetime.date(2020, 1, 1)
    )
    oldest = PurchaseFactory(created_at=start, purchase_date=datetime.date(2023, 1, 1))

    assert ids(api_client.get(PURCHASES)) == [str(newest.id), str(middle.id), str(oldest.id)]


def test_paging_through_purchases_created_at_the_same_instant_shows_each_once(api_client):
    moment = timezone.now() - datetime.timedelta(hours=1)
    purchases = PurchaseFactory.create_batch(7, created_at=moment)

    seen = []
    for skip in range(0, 7, 2):
        seen += ids(api_client.get(PURCHASES, {"skip": skip, "limit": 2}))

    assert sorted(seen) == sorted(str(p.id) for p in purchases)


@pytest.mark.parametrize(
    ("fields", "term"),
    [
        ({"product_name": "MacBook Pro"}, "macbook"),
        ({"product_name": "espresso machine"}, "ESPRESSO"),
        ({"model_number": "XJ-9000"}, "xj-90"),
        ({"serial_number": "SN77ABC"}, "77abc"),
        ({"retailer_order_number": "ORD-55120"}, "ord-551"),
        ({"notes": "Bought on holiday in Lisbon"}, "LISBON"),
        ({"tags": "kitchen,coffee"}, "Coffee"),
        ({"retailer__name": "Fnac Lisboa"}, "fnac"),
        ({"brand__name": "Delonghi"}, "DELON"),
    ],
)
def test_search_matches_case_insensitively_across_fields(api_client, fields, term):
    match = PurchaseFactory(**fields)
    PurchaseFactory(
        product_name="Unrelated",
        notes="nothing",
        tags="misc",
        retailer__name="Some shop",
        brand__name="Some brand",
    )

    data = api_client.get(PURCHASES, {"search": term}).json()

    assert ids_of(data) == [str(match.id)]
    assert data["total"] == 1


def test_search_finds_a_substring_in_the_middle_of_a_name(api_client):
    match = PurchaseFactory(product_name="Big espresso machine")
    PurchaseFactory(product_name="Kettle")

    assert ids(api_client.get(PURCHASES, {"search": "presso mach"})) == [str(match.id)]


def test_every_word_of_a_search_must_be_found_each_in_any_field(api_client):
    bosch = BrandFactory(name="Bosch")
    dishwasher = PurchaseFactory(product_name="Serie 6 dishwasher", brand=bosch)
    PurchaseFactory(product_name="Serie 6 dishwasher", brand__name="Siemens")
    PurchaseFactory(product_name="Drill", brand=bosch)

    data = api_client.get(PURCHASES, {"search": "  bosch   DISH "}).json()

    assert ids_of(data) == [str(dishwasher.id)]
    assert data["total"] == 1


def test_a_search_of_only_spaces_lists_everything(api_client):
    PurchaseFactory.create_batch(2)

    assert api_client.get(PURCHASES, {"search": "   "}).json()["total"] == 2


@pytest.mark.parametrize("term", ['12" pizza', "tab\tstop", "NOT", "NEAR(x"])
def test_search_words_with_quotes_operators_or_control_characters_are_plain_text(api_client, term):
    match = PurchaseFactory(product_name=f"Oven {term.replace(chr(9), ' ')}", notes=term)
    PurchaseFactory(product_name="Kettle")

    response = api_client.get(PURCHASES, {"search": term})

    assert response.status_code == 200
    assert ids(response) == [str(match.id)]


def test_search_treats_wildcard_characters_literally(api_client):
    match = PurchaseFactory(product_name="100% cotton_shirt")
    PurchaseFactory(product_name="Wool jumper")

    assert ids(api_client.get(PURCHASES, {"search": "%"})) == [str(match.id)]
    assert ids(api_client.get(PURCHASES, {"search": "_"})) == [str(match.id)]


def test_list_prices_have_exactly_two_decimals(api_client):
    for price in ("7", "7.5", "1249.99", "0.01"):
        PurchaseFactory(price=Decimal(price))

    prices = {item["price"] for item in api_client.get(PURCHASES).json()["items"]}

    assert prices == {"7.00", "7.50", "1249.99", "0.01"}


def test_retailer_filter_keeps_that_retailers_purchases(api_client):
    retailer = RetailerFactory()
    mine = created_in_order(2, retailer=retailer)
    PurchaseFactory.create_batch(3)

    data = api_client.get(PURCHASES, {"retailer_id": str(retailer.id), "limit": 1}).json()

    assert data["total"] == 2
    assert ids_of(data) == [str(mine[1].id)]


def test_an_empty_retailer_filter_means_no_filter(api_client):
    PurchaseFactory.create_batch(3)

    response = api_client.get(f"{PURCHASES}?retailer_id=")

    assert response.status_code == 200
    assert response.json()["total"] == 3


def test_brand_filter_keeps_that_brands_purchases(api_client):
    brand = BrandFactory()
    mine = PurchaseFactory(brand=brand)
    PurchaseFactory.create_batch(2)

    assert ids(api_client.get(PURCHASES, {"brand_id": str(brand.id)})) == [str(mine.id)]


def test_status_filter_keeps_purchases_in_that_status(api_client):
    ordered = PurchaseFactory(status="ORDERED")
    PurchaseFactory(status="RECEIVED")

    assert ids(api_client.get(PURCHASES, {"status": "ORDERED"})) == [str(ordered.id)]


def test_an_unknown_purchase_status_filter_is_rejected(api_client):
    assert_validation_error(api_client.get(PURCHASES, {"status": "LOST"}))


def test_date_bounds_are_inclusive(api_client):
    first = PurchaseFactory(purchase_date=datetime.date(2023, 1, 1))
    second = PurchaseFactory(purchase_date=datetime.date(2023, 1, 2))
    third = PurchaseFactory(purchase_date=datetime.date(2023, 1, 3))

    def matching(**query):
        return set(ids(api_client.get(PURCHASES, query)))

    assert matching(date_from="2023-01-02") == {str(second.id), str(third.id)}
    assert matching(date_to="2023-01-02") == {str(first.id), str(second.id)}
    assert matching(date_from="2023-01-02", date_to="2023-01-02") == {str(second.id)}
    assert matching(date_from="2023-01-04") == set()


def test_filters_combine(api_client):
    retailer = RetailerFactory()
    match = PurchaseFactory(retailer=retailer, product_name="Lamp", status="ORDERED")
    PurchaseFactory(retailer=retailer, product_name="Lamp", status="RECEIVED")
    PurchaseFactory(product_name="Lamp", status="ORDERED")

    query = {"retailer_id": str(retailer.id), "search": "lamp", "status": "ORDERED"}
    assert ids(api_client.get(PURCHASES, query)) == [str(match.id)]


def test_warranty_status_filter_uses_the_primary_warranty_effective_status(api_client):
    active = PurchaseFactory(purchase_date=BOUGHT)
    WarrantyFactory(purchase=active, warranty_end=days_from_today(300))
    WarrantyFactory(purchase=active, warranty_end=days_from_today(-30))
    expired = PurchaseFactory(purchase_date=BOUGHT)
    WarrantyFactory(purchase=expired, warranty_end=days_from_today(-1))
    voided = PurchaseFactory(purchase_date=BOUGHT)
    WarrantyFactory(purchase=voided, warranty_end=days_from_today(300), voided=True)
    PurchaseFactory()

    def matching(status):
        return ids(api_client.get(PURCHASES, {"warranty_status": status}))

    assert matching("ACTIVE") == [str(active.id)]
    assert matching("EXPIRED") == [str(expired.id)]
    assert matching("VOIDED") == [str(voided.id)]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("price", ["cheap", "middle", "dear"]),
        ("-price", ["dear", "middle", "cheap"]),
        ("purchase_date", ["dear", "cheap", "middle"]),
        ("-purchase_date", ["middle", "cheap", "dear"]),
        ("product_name", ["cheap", "dear", "middle"]),
        ("created_at", ["middle", "dear", "cheap"]),
    ],
)
def test_sort_orders_the_list(api_client, sort, expected):
    start = timezone.now() - datetime.timedelta(days=1)
    rows = {
        "middle": ("20.00", datetime.date(2023, 5, 1), 0),
        "dear": ("300.00", datetime.date(2021, 5, 1), 1),
        "cheap": ("5.00", datetime.date(2022, 5, 1), 2),
    }
    for name, (price, day, minutes) in rows.items():
        PurchaseFactory(
            product_name=name,
            price=Decimal(price),
            purchase_date=day,
            created_at=start + datetime.timedelta(minutes=minutes),
        )

    data = api_client.get(PURCHASES, {"sort": sort}).json()

    assert [item["product_name"] for item in data["items"]] == expected


def test_an_unknown_sort_key_is_rejected(api_client):
    assert_validation_error(api_client.get(PURCHASES, {"sort": "password"}))


def test_list_items_carry_the_primary_warranty_and_all_warranties(api_client):
    purchase = PurchaseFactory(purchase_date=BOUGHT)
    late = WarrantyFactory(purchase=purchase, warranty_end=days_from_today(500))
    early = WarrantyFactory(purchase=purchase, warranty_end=days_from_today(50))
    bare = PurchaseFactory(retailer=None, brand=None)

    items = {item["id"]: item for item in api_client.get(PURCHASES).json()["items"]}

    item = items[str(purchase.id)]
    assert item["warranty_id"] == str(late.id)
    assert item["warranty_expiry"] == late.warranty_end.isoformat()
    assert item["warranty"]["id"] == str(late.id)
    assert [w["id"] for w in item["warranties"]] == [str(early.id), str(late.id)]
    assert item["retailer"] == {"id": str(purchase.retailer.id), "name": purchase.retailer.name}
    empty = items[str(bare.id)]
    assert (empty["warranty"], empty["warranty_id"], empty["warranty_expiry"]) == (
        None,
        None,
        None,
    )
    assert empty["warranties"] == []
    assert (empty["retailer"], empty["brand"]) == (None, None)


def test_list_items_have_the_same_shape_as_the_detail(api_client):
    purchase = PurchaseFactory()
    WarrantyFactory(purchase=purchase)

    item = api_client.get(PURCHASES).json()["items"][0]

    assert item == api_client.get(f"{PURCHASES}/{purchase.id}").json()


# --- query counts -------------------------------------------------------------------------------


def purchases_with_details(count: int) -> list[Purchase]:
    purchases = PurchaseFactory.create_batch(count, purchase_date=BOUGHT)
    for purchase in purchases:
        WarrantyFactory(purchase=purchase, warranty_end=days_from_today(100))
        WarrantyFactory(purchase=purchase, warranty_end=days_from_today(-100))
    return purchases


def count_queries(client, path, query=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, query or {})
    assert response.status_code == 200
    return len(captured)


def test_listing_purchases_takes_the_same_number_of_queries_for_3_and_30_rows(api_client):
    purchases_with_details(3)
    api_client.get(PURCHASES)  # the token's first use of the minute is recorded once
    few = count_queries(api_client, PURCHASES, {"limit": 100})

    purchases_with_details(27)
    many = count_queries(api_client, PURCHASES, {"limit": 100})

    assert few == many
    assert len(api_client.get(PURCHASES, {"limit": 100}).json()["items"]) == 30


def test_listing_purchases_stays_within_a_fixed_number_of_queries(
    api_client, django_assert_max_num_queries
):
    purchases_with_details(30)
    api_client.get(PURCHASES)

    # token, count, page (retailer, brand and people joined in), warranties prefetch
    with django_assert_max_num_queries(4):
        response = api_client.get(PURCHASES, {"limit": 100})

    assert all(len(item["warranties"]) == 2 for item in response.json()["items"])


def test_a_purchase_detail_takes_the_same_number_of_queries_for_any_number_of_warranties(
    api_client, django_assert_max_num_queries
):
    purchase = PurchaseFactory(purchase_date=BOUGHT)
    WarrantyFactory.create_batch(2, purchase=purchase)
    path = f"{PURCHASES}/{purchase.id}"
    api_client.get(path)
    few = count_queries(api_client, path)

    WarrantyFactory.create_batch(20, purchase=purchase)
    many = count_queries(api_client, path)

    assert few == many
    # token, purchase (retailer, brand and people joined in), warranties prefetch
    with django_assert_max_num_queries(3):
        assert len(api_client.get(path).json()["warranties"]) == 22


@pytest.mark.parametrize(
    ("query", "queries"),
    [
        # token, count, page, warranties prefetch
        ({"retailer_id": "RETAILER"}, 4),
        ({"brand_id": "BRAND"}, 4),
        ({"date_from": "BOUGHT", "date_to": "BOUGHT"}, 4),
        # ... and the retailers and brands named by any word, in one query
        ({"search": "kettle"}, 5),
        ({"search": "kettle blue 12"}, 5),
    ],
)
def test_filtered_lists_and_searches_take_a_fixed_number_of_queries(
    api_client, django_assert_num_queries, query, queries
):
    purchases = purchases_with_details(12)
    for purchase in purchases[:6]:
        Purchase.objects.filter(pk=purchase.pk).update(product_name="Blue kettle 12")
    retailer, brand = purchases[0].retailer, purchases[0].brand
    query = {
        key: {"RETAILER": str(retailer.id), "BRAND": str(brand.id), "BOUGHT": str(BOUGHT)}.get(
            value, value
        )
        for key, value in query.items()
    }
    api_client.get(PURCHASES)

    with django_assert_num_queries(queries):
        response = api_client.get(PURCHASES, query)

    assert response.json()["total"] >= 1
