"""The warranties endpoints (docs/api.md §4.2, §5.2; decisions §9.3, §9.6)."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kernel import clock
from kernel.testing import assert_validation_error
from purchases.tests.factories import PurchaseFactory
from warranties.models import Warranty
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db

WARRANTIES = "/api/warranties"
EXPIRING = "/api/warranties/expiring"
BOUGHT = datetime.date(2021, 3, 14)
WARRANTY_KEYS = {
    "id",
    "purchase_id",
    "warranty_start",
    "warranty_end",
    "warranty_type",
    "status",
    "provider",
    "notes",
    "created_at",
    "updated_at",
}


def days_from_today(days: int) -> datetime.date:
    return clock.today() + datetime.timedelta(days=days)


def warranty_ending(days: int, **fields) -> Warranty:
    return WarrantyFactory(
        purchase__purchase_date=BOUGHT,
        warranty_start=BOUGHT,
        warranty_end=days_from_today(days),
        **fields,
    )


def post(client, body):
    return client.post(WARRANTIES, body, content_type="application/json")


def put(client, warranty_id, body):
    return client.put(f"{WARRANTIES}/{warranty_id}", body, content_type="application/json")


def create_body(purchase, **overrides):
    return {
        "purchase_id": str(purchase.id),
        "warranty_start": "2021-03-14",
        "warranty_end": "2023-03-14",
    } | overrides


def ids(response) -> list[str]:
    data = response.json()
    return [item["id"] for item in (data["items"] if isinstance(data, dict) else data)]


def assert_not_found(response):
    assert response.status_code == 404
    assert isinstance(response.json()["detail"], str)


# --- list ---------------------------------------------------------------------------------------


def test_the_list_answers_in_the_pagination_envelope_ordered_by_end_date(api_client):
    later = warranty_ending(300)
    earliest = warranty_ending(-400)
    middle = warranty_ending(10)

    response = api_client.get(WARRANTIES)

    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"items", "total", "page", "limit", "pages"}
    assert (data["total"], data["page"], data["limit"], data["pages"]) == (3, 1, 20, 1)
    assert ids(response) == [str(earliest.id), str(middle.id), str(later.id)]


def test_list_items_are_warranty_objects(api_client):
    warranty = warranty_ending(30, warranty_type="LIMITED", provider="Maker", notes="Box")

    item = api_client.get(WARRANTIES).json()["items"][0]

    assert item.keys() >= WARRANTY_KEYS
    assert item["id"] == str(warranty.id)
    assert item["purchase_id"] == str(warranty.purchase_id)
    assert item["warranty_start"] == BOUGHT.isoformat()
    assert item["warranty_end"] == warranty.warranty_end.isoformat()
    assert (item["warranty_type"], item["provider"], item["notes"]) == ("LIMITED", "Maker", "Box")
    assert item["status"] == "ACTIVE"
    assert item["created_at"].endswith(("Z", "+00:00"))


def test_the_list_shows_20_warranties_by_default_and_pages(api_client):
    for n in range(23):
        warranty_ending(n)

    first = api_client.get(WARRANTIES).json()
    second = api_client.get(WARRANTIES, {"skip": 20}).json()

    assert len(first["items"]) == 20
    assert (first["total"], first["pages"]) == (23, 2)
    assert len(second["items"]) == 3
    assert second["page"] == 2


@pytest.mark.parametrize("query", [{"limit": 0}, {"limit": 101}, {"skip": -1}])
def test_a_limit_or_skip_out_of_bounds_is_rejected(api_client, query):
    assert_validation_error(api_client.get(WARRANTIES, query))


def test_the_status_filter_uses_the_effective_status(api_client):
    active = warranty_ending(10)
    expired = warranty_ending(-1)
    voided = warranty_ending(100, voided=True)
    voided_and_past = warranty_ending(-100, voided=True)

    def matching(status):
        return set(ids(api_client.get(WARRANTIES, {"status": status})))

    assert matching("ACTIVE") == {str(active.id)}
    assert matching("EXPIRED") == {str(expired.id)}
    assert matching("VOIDED") == {str(voided.id), str(voided_and_past.id)}


@pytest.mark.parametrize("status", ["BROKEN", "", "anything"])
def test_an_unknown_status_filter_is_rejected(api_client, status):
    warranty_ending(10)

    response = api_client.get(f"{WARRANTIES}?status={status}")

    if status == "":
        # An empty query value is no filter at all, or a validation error; never an empty list.
        assert response.status_code in (200, 422)
        if response.status_code == 200:
            assert response.json()["total"] == 1
    else:
        assert_validation_error(response)


def test_expiring_soon_keeps_active_warranties_ending_within_30_days(api_client):
    today = warranty_ending(0)
    in_30_days = warranty_ending(30)
    in_31_days = warranty_ending(31)
    yesterday = warranty_ending(-1)
    voided_soon = warranty_ending(5, voided=True)

    soon = set(ids(api_client.get(WARRANTIES, {"expiring_soon": "true"})))
    not_soon = set(ids(api_client.get(WARRANTIES, {"expiring_soon": "false"})))

    assert soon == {str(today.id), str(in_30_days.id)}
    assert not_soon == {str(in_31_days.id), str(yesterday.id), str(voided_soon.id)}


def test_the_purchase_filter_keeps_that_purchases_warranties(api_client):
    mine = warranty_ending(10)
    second = WarrantyFactory(purchase=mine.purchase, warranty_end=days_from_today(20))
    warranty_ending(15)

    response = api_client.get(WARRANTIES, {"purchase_id": str(mine.purchase_id)})

    assert ids(response) == [str(mine.id), str(second.id)]


def test_listing_warranties_takes_the_same_number_of_queries_for_3_and_30_rows(
    api_client, django_assert_max_num_queries
):
    def count_queries():
        with CaptureQueriesContext(connection) as captured:
            response = api_client.get(WARRANTIES, {"limit": 100})
        assert response.status_code == 200
        return len(captured), len(response.json()["items"])

    for n in range(3):
        warranty_ending(n)
    api_client.get(WARRANTIES)  # the token's first use of the minute is recorded once
    few = count_queries()
    for n in range(27):
        warranty_ending(n)
    many = count_queries()

    assert (few[1], many[1]) == (3, 30)
    assert few[0] == many[0]
    # token, count, page (purchase joined in)
    with django_assert_max_num_queries(3):
        api_client.get(WARRANTIES, {"limit": 100})


# --- expiring -----------------------------------------------------------------------------------


def test_expiring_is_a_bare_array_of_active_warranties_within_30_days_soonest_first(api_client):
    in_30_days = warranty_ending(30)
    today = warranty_ending(0)
    in_12_days = warranty_ending(12)
    warranty_ending(31)
    warranty_ending(-1)
    warranty_ending(3, voided=True)

    response = api_client.get(EXPIRING)

    assert response.status_code == 200
    assert isinstance(response.json(), list)
    assert ids(response) == [str(today.id), str(in_12_days.id), str(in_30_days.id)]


def test_expiring_embeds_the_purchase(api_client):
    warranty = WarrantyFactory(
        purchase__product_name="Espresso machine",
        purchase__purchase_date=BOUGHT,
        warranty_end=days_from_today(5),
    )

    item = api_client.get(EXPIRING).json()[0]

    assert item.keys() >= WARRANTY_KEYS
    assert item["status"] == "ACTIVE"
    assert item["purchase"] == {
        "id": str(warranty.purchase_id),
        "product_name": "Espresso machine",
        "purchase_date": BOUGHT.isoformat(),
    }


@pytest.mark.parametrize(
    ("days", "included"), [(1, {0, 1}), (7, {0, 1, 7}), (365, {0, 1, 7, 8, 365})]
)
def test_expiring_days_sets_the_window(api_client, days, included):
    by_offset = {offset: warranty_ending(offset) for offset in (0, 1, 7, 8, 365, 366)}

    response = api_client.get(EXPIRING, {"days": days})

    assert set(ids(response)) == {str(by_offset[offset].id) for offset in included}


@pytest.mark.parametrize("days", [0, -1, 366, "soon"])
def test_expiring_days_outside_1_to_365_is_rejected(api_client, days):
    assert_validation_error(api_client.get(EXPIRING, {"days": days}))


def test_expiring_gives_the_soonest_limit_and_counts_them_all_in_a_header(
    api_client, django_assert_num_queries
):
    ending = [warranty_ending(offset) for offset in (9, 2, 5, 7)]
    api_client.get(EXPIRING)  # the token's first use is recorded once

    # token, count, page (purchase and people joined in)
    with django_assert_num_queries(3):
        response = api_client.get(EXPIRING, {"limit": 2})

    assert ids(response) == [str(ending[1].id), str(ending[2].id)]
    assert response["X-Total-Count"] == "4"


@pytest.mark.parametrize("limit", [0, 501, "all"])
def test_expiring_limit_outside_1_to_500_is_rejected(api_client, limit):
    assert_validation_error(api_client.get(EXPIRING, {"limit": limit}))


@pytest.mark.parametrize("path", [EXPIRING, EXPIRING + "/"])
def test_expiring_is_not_taken_for_a_warranty_id(api_client, path):
    warranty_ending(3)

    response = api_client.get(path)

    assert response.status_code == 200
    assert len(response.json()) == 1


# --- create -------------------------------------------------------------------------------------


def test_creating_a_warranty_answers_201_with_the_warranty(api_client):
    purchase = PurchaseFactory(purchase_date=BOUGHT)
    end = days_from_today(400)
    body = create_body(
        purchase,
        warranty_end=end.isoformat(),
        warranty_type="EXTENDED",
        provider="Insurer",
        notes="Paid extra",
    )

    response = post(api_client, body)

    assert response.status_code == 201
    data = response.json()
    assert data.keys() >= WARRANTY_KEYS
    assert data["purchase_id"] == str(purchase.id)
    assert data["warranty_start"] == "2021-03-14"
    assert data["warranty_end"] == end.isoformat()
    assert (data["warranty_type"], data["provider"], data["notes"]) == (
        "EXTENDED",
        "Insurer",
        "Paid extra",
    )
    assert data["status"] == "ACTIVE"
    stored = Warranty.objects.get(pk=data["id"])
    assert stored.purchase_id == purchase.id
    assert stored.warranty_end == end


def test_a_created_warranty_shows_on_its_purchase(api_client):
    purchase = PurchaseFactory(purchase_date=BOUGHT)
    end = days_from_today(400)

    created = post(api_client, create_body(purchase, warranty_end=end.isoformat())).json()

    data = api_client.get(f"/api/purchases/{purchase.id}").json()
    assert data["warranty_id"] == created["id"]
    assert data["warranty_expiry"] == end.isoformat()


def test_a_purchase_may_get_a_second_warranty(api_client):
    purchase = PurchaseFactory(purchase_date=BOUGHT)
    first = WarrantyFactory(purchase=purchase)

    response = post(api_client, create_body(purchase, warranty_type="EXTENDED"))

    assert response.status_code == 201
    assert set(Warranty.objects.filter(purchase=purchase).values_list("id", flat=True)) == {
        first.id,
        uuid.UUID(response.json()["id"]),
    }


def test_creating_a_warranty_for_an_unknown_purchase_answers_404(api_client):
    assert_not_found(post(api_client, create_body(PurchaseFactory.build(id=uuid.uuid4()))))
    assert not Warranty.objects.exists()


def test_a_warranty_ending_before_it_starts_is_rejected(api_client):
    purchase = PurchaseFactory()

    response = post(api_client, create_body(purchase, warranty_end="2021-03-13"))

    assert_validation_error(response)
    assert not Warranty.objects.exists()


def test_a_warranty_may_end_the_day_it_starts(api_client):
    purchase = PurchaseFactory()

    response = post(api_client, create_body(purchase, warranty_end="2021-03-14"))

    assert response.status_code == 201


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        ("2023-01-31", 1, "2023-02-28"),
        ("2024-01-31", 1, "2024-02-29"),
        ("2023-03-31", 1, "2023-04-30"),
        ("2023-08-31", 6, "2024-02-29"),
        ("2022-03-15", 24, "2024-03-15"),
        ("2022-11-30", 3, "2023-02-28"),
    ],
)
def test_duration_months_sets_the_end_in_calendar_months(api_client, start, months, end):
    purchase = PurchaseFactory()
    body = create_body(purchase, warranty_start=start, duration_months=months)
    del body["warranty_end"]

    response = post(api_client, body)

    assert response.status_code == 201
    assert response.json()["warranty_end"] == end
    assert Warranty.objects.get().warranty_end == datetime.date.fromisoformat(end)


def test_duration_months_and_warranty_end_together_are_rejected(api_client):
    purchase = PurchaseFactory()

    assert_validation_error(post(api_client, create_body(purchase, duration_months=12)))
    assert not Warranty.objects.exists()


def test_a_warranty_without_end_or_duration_is_rejected(api_client):
    body = create_body(PurchaseFactory())
    del body["warranty_end"]

    assert_validation_error(post(api_client, body))


@pytest.mark.parametrize("months", [0, -1])
def test_a_duration_below_one_month_is_rejected(api_client, months):
    body = create_body(PurchaseFactory(), duration_months=months)
    del body["warranty_end"]

    assert_validation_error(post(api_client, body))


@pytest.mark.parametrize("missing", ["purchase_id", "warranty_start"])
def test_purchase_and_start_are_required(api_client, missing):
    body = create_body(PurchaseFactory())
    del body[missing]

    assert_validation_error(post(api_client, body))


def test_a_warranty_created_voided_is_voided(api_client):
    body = create_body(PurchaseFactory(), warranty_end=days_from_today(400).isoformat())

    response = post(api_client, body | {"status": "VOIDED"})

    assert response.json()["status"] == "VOIDED"
    assert api_client.get(f"{WARRANTIES}/{response.json()['id']}").json()["status"] == "VOIDED"


@pytest.mark.parametrize(
    ("sent", "end_offset", "effective"),
    [("ACTIVE", -1, "EXPIRED"), ("EXPIRED", 400, "ACTIVE"), (None, -1, "EXPIRED")],
)
def test_a_status_other_than_voided_on_create_follows_the_dates(
    api_client, sent, end_offset, effective
):
    body = create_body(PurchaseFactory(), warranty_end=days_from_today(end_offset).isoformat())

    response = post(api_client, body | {"status": sent})

    assert response.status_code == 201
    assert response.json()["status"] == effective


def test_an_unknown_status_on_create_is_rejected(api_client):
    assert_validation_error(post(api_client, create_body(PurchaseFactory(), status="LOST")))


def test_unknown_fields_on_create_are_ignored(api_client):
    body = create_body(PurchaseFactory(), colour="blue", id=str(uuid.uuid4()))

    response = post(api_client, body)

    assert response.status_code == 201
    assert response.json()["id"] != body["id"]


@pytest.mark.parametrize("field", ["warranty_type", "provider"])
def test_a_null_type_or_provider_is_accepted_on_create(api_client, field):
    response = post(api_client, create_body(PurchaseFactory(), **{field: None}))

    assert response.status_code == 201
    assert response.json()[field] is None


@pytest.mark.parametrize(("field", "limit"), [("warranty_type", 50), ("provider", 255)])
def test_a_type_or_provider_longer_than_its_limit_is_rejected(api_client, field, limit):
    purchase = PurchaseFactory()

    assert post(api_client, create_body(purchase, **{field: "A" * limit})).status_code == 201
    assert_validation_error(post(api_client, create_body(purchase, **{field: "A" * (limit + 1)})))


# --- read, update, delete -----------------------------------------------------------------------


def test_getting_a_warranty_returns_it_with_its_effective_status(api_client):
    warranty = warranty_ending(-1, provider="Maker")

    response = api_client.get(f"{WARRANTIES}/{warranty.id}")

    assert response.status_code == 200
    assert response.json()["id"] == str(warranty.id)
    assert response.json()["provider"] == "Maker"
    assert response.json()["status"] == "EXPIRED"


@pytest.mark.parametrize("warranty_id", [uuid.uuid4(), "not-a-uuid", "42"])
def test_an_unknown_or_malformed_warranty_id_answers_404(api_client, warranty_id):
    warranty = warranty_ending(10)

    assert_not_found(api_client.get(f"{WARRANTIES}/{warranty_id}"))
    assert_not_found(put(api_client, warranty_id, {"notes": "x"}))
    assert_not_found(api_client.delete(f"{WARRANTIES}/{warranty_id}"))
    warranty.refresh_from_db()
    assert warranty.notes is None


def test_an_update_changes_only_the_fields_sent(api_client):
    warranty = warranty_ending(100, warranty_type="LIMITED", provider="Maker", notes="Box")
    before = api_client.get(f"{WARRANTIES}/{warranty.id}").json()

    response = put(api_client, warranty.id, {"provider": "Insurer", "colour": "red"})

    assert response.status_code == 200
    after = response.json()
    assert after["provider"] == "Insurer"
    # updated_at and updated_by tell when and by whom it was saved last.
    unchanged = set(before) - {"provider", "updated_at", "updated_by"}
    assert {key: after[key] for key in unchanged} == {key: before[key] for key in unchanged}
    assert after["updated_at"] is not None
    assert after["updated_by"] == "owner"
    warranty.refresh_from_db()
    assert warranty.provider == "Insurer"


def test_an_update_to_a_past_end_makes_the_warranty_expired(api_client):
    warranty = warranty_ending(100)

    response = put(api_client, warranty.id, {"warranty_end": "2022-01-01"})

    assert response.json()["warranty_end"] == "2022-01-01"
    assert response.json()["status"] == "EXPIRED"


def test_an_update_can_change_both_dates(api_client):
    warranty = warranty_ending(100)

    response = put(
        api_client, warranty.id, {"warranty_start": "2019-01-01", "warranty_end": "2020-01-01"}
    )

    assert response.status_code == 200
    warranty.refresh_from_db()
    assert (warranty.warranty_start, warranty.warranty_end) == (
        datetime.date(2019, 1, 1),
        datetime.date(2020, 1, 1),
    )


@pytest.mark.parametrize("body", [{"warranty_end": "2021-03-13"}, {"warranty_start": "2099-01-01"}])
def test_an_update_that_ends_the_warranty_before_it_starts_is_rejected(api_client, body):
    warranty = warranty_ending(100)

    assert_validation_error(put(api_client, warranty.id, body))
    stored = Warranty.objects.get()
    assert (stored.warranty_start, stored.warranty_end) == (BOUGHT, warranty.warranty_end)


def test_duration_months_on_update_counts_from_the_start(api_client):
    warranty = WarrantyFactory(
        purchase__purchase_date=datetime.date(2024, 1, 31),
        warranty_start=datetime.date(2024, 1, 31),
        warranty_end=datetime.date(2024, 6, 1),
    )

    response = put(api_client, warranty.id, {"duration_months": 1})

    assert response.json()["warranty_end"] == "2024-02-29"


def test_status_voided_voids_and_status_active_unvoids(api_client):
    warranty = warranty_ending(100)

    voided = put(api_client, warranty.id, {"status": "VOIDED"}).json()
    assert voided["status"] == "VOIDED"
    assert api_client.get(f"{WARRANTIES}/{warranty.id}").json()["status"] == "VOIDED"

    restored = put(api_client, warranty.id, {"status": "ACTIVE"}).json()
    assert restored["status"] == "ACTIVE"
    assert api_client.get(f"{WARRANTIES}/{warranty.id}").json()["status"] == "ACTIVE"


def test_unvoiding_a_warranty_whose_end_has_passed_makes_it_expired(api_client):
    warranty = warranty_ending(-10, voided=True)

    response = put(api_client, warranty.id, {"status": "ACTIVE"})

    assert response.json()["status"] == "EXPIRED"


def test_status_expired_on_an_active_warranty_does_not_expire_it(api_client):
    warranty = warranty_ending(100)

    response = put(api_client, warranty.id, {"status": "EXPIRED"})

    assert response.json()["status"] == "ACTIVE"


def test_a_voided_warranty_stays_voided_when_other_fields_change(api_client):
    warranty = warranty_ending(100, voided=True)

    response = put(api_client, warranty.id, {"notes": "Still void", "warranty_end": "2099-01-01"})

    assert response.json()["status"] == "VOIDED"


@pytest.mark.parametrize("field", ["warranty_type", "provider"])
def test_an_explicit_null_clears_the_type_or_provider(api_client, field):
    warranty = warranty_ending(100, **{field: "Something"})

    response = put(api_client, warranty.id, {field: None})

    assert response.status_code == 200
    assert response.json()[field] is None


def test_an_explicit_null_clears_the_notes(api_client):
    warranty = warranty_ending(100, notes="Something")

    response = put(api_client, warranty.id, {"notes": None})

    assert response.json()["notes"] is None
    warranty.refresh_from_db()
    assert warranty.notes is None


def test_deleting_a_warranty_answers_204_with_an_empty_body_then_404(api_client):
    warranty = warranty_ending(100)
    sibling = WarrantyFactory(purchase=warranty.purchase)

    response = api_client.delete(f"{WARRANTIES}/{warranty.id}")

    assert response.status_code == 204
    assert response.content == b""
    assert_not_found(api_client.get(f"{WARRANTIES}/{warranty.id}"))
    assert_not_found(api_client.delete(f"{WARRANTIES}/{warranty.id}"))
    assert list(Warranty.objects.all()) == [sibling]
    assert api_client.get(f"/api/purchases/{warranty.purchase_id}").status_code == 200
