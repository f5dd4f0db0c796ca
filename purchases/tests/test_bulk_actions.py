"""The inventory's bulk actions (add a tag, mark received, delete) as services and through
POST /api/purchases/bulk, the filtered rows' total, and what each row shows of its files
(purchases/services.py, purchases/selectors.py, docs/purchases.md §3)."""

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Membership, Role
from purchases.models import Attachment, FileType, Purchase, PurchaseStatus
from purchases.selectors import purchase_list, purchases_total, with_list_extras
from purchases.services import (
    BulkActionRefused,
    attachment_add,
    purchases_mark_received,
    purchases_tag_add,
)
from purchases.tests.factories import PurchaseFactory
from purchases.tests.images import image_bytes
from warranties.models import Warranty
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db
BULK = "/api/purchases/bulk"


def attach(purchase, content, name, file_type):
    return attachment_add(
        purchase=purchase, upload=SimpleUploadedFile(name, content), file_type=file_type
    )[0]


# --- Services -----------------------------------------------------------------------------------


def test_a_tag_is_added_once_whatever_its_case(api_user):
    tagged = PurchaseFactory(tags="Work")
    other = PurchaseFactory(tags="home, desk")
    bare = PurchaseFactory(tags=None)
    untouched = PurchaseFactory(tags="x")

    changed = purchases_tag_add(
        purchases=Purchase.objects.exclude(pk=untouched.pk), tag=" work ", actor=api_user
    )

    assert changed == 2
    for purchase in (tagged, other, bare, untouched):
        purchase.refresh_from_db()
    assert (tagged.tags, other.tags, bare.tags, untouched.tags) == (
        "Work",
        "home,desk,work",
        "work",
        "x",
    )
    assert other.updated_by == api_user and other.updated_at is not None
    assert tagged.updated_by is None


@pytest.mark.parametrize(
    ("tag", "message"),
    [
        ("", "Type the tag to add."),
        ("a,b", "A tag cannot contain a comma: add one tag at a time."),
    ],
)
def test_a_tag_that_cannot_be_added_is_refused(tag, message):
    PurchaseFactory()

    with pytest.raises(BulkActionRefused, match=message):
        purchases_tag_add(purchases=Purchase.objects.all(), tag=tag)


def test_a_tag_that_would_overflow_a_purchase_refuses_the_whole_action():
    short = PurchaseFactory(tags="a")
    PurchaseFactory(product_name="Full", tags="x" * 250)

    with pytest.raises(BulkActionRefused, match="“Full” has too many tags"):
        purchases_tag_add(purchases=Purchase.objects.all(), tag="garden")
    short.refresh_from_db()
    assert short.tags == "a"


def test_marking_received_changes_only_the_ordered_ones_and_says_who(api_user):
    ordered = PurchaseFactory(status=PurchaseStatus.ORDERED)
    received = PurchaseFactory(status=PurchaseStatus.RECEIVED)

    assert purchases_mark_received(purchases=Purchase.objects.all(), actor=api_user) == 1
    ordered.refresh_from_db()
    received.refresh_from_db()
    assert ordered.status == PurchaseStatus.RECEIVED and ordered.updated_by == api_user
    assert received.updated_by is None


# --- The total of the filtered rows ----------------------------------------------------------


def test_the_total_adds_every_filtered_row_in_the_base_currency():
    PurchaseFactory(price=Decimal("10.10"), currency_code="USD", tags="work")
    PurchaseFactory(price=Decimal("0.20"), currency_code="USD", tags="work")
    PurchaseFactory(
        price=Decimal("100.00"),
        currency_code="EUR",
        base_currency_code="USD",
        base_price=Decimal("108.005"),
        tags="work",
    )
    PurchaseFactory(currency_code="JPY", base_currency_code="USD", base_price=None, tags="work")
    PurchaseFactory(price=Decimal("999.00"), currency_code="USD", tags="home")

    total = purchases_total(purchase_list(tag="work"), base="USD")

    assert (total.count, total.total, total.without_rate) == (4, Decimal("118.31"), 1)
    assert total.currency_code == "USD"


def test_the_total_of_every_purchase_read_from_the_rollup_is_the_sum_of_the_purchases():
    """Unfiltered, the total comes from the spending rollup (`every=True`): the same figures."""
    PurchaseFactory(price=Decimal("10.10"), currency_code="USD")
    PurchaseFactory(
        price=Decimal("100.00"),
        currency_code="EUR",
        base_currency_code="USD",
        base_price=Decimal("108.005"),
    )
    PurchaseFactory(currency_code="JPY", base_currency_code="USD", base_price=None)
    # Converted to a former base: counted, not added.
    PurchaseFactory(currency_code="CHF", base_currency_code="EUR", base_price=Decimal("9.50"))

    summed = purchases_total(purchase_list(), base="USD")
    from_rollup = purchases_total(purchase_list(), base="USD", every=True)

    assert (summed.count, summed.total, summed.without_rate) == (4, Decimal("118.11"), 2)
    assert from_rollup == summed


def test_the_inventory_shows_the_total_of_every_filtered_row_not_only_the_page(owner_client):
    for _ in range(3):
        PurchaseFactory(price=Decimal("1.50"), currency_code="USD", tags="cable")
    PurchaseFactory(price=Decimal("80.00"), currency_code="USD", tags="lamp")

    content = owner_client.get("/inventory/", {"tag": "cable", "per_page": 10}).content.decode()
    assert re.search(r"Total <span[^>]*>\$4\.50</span> for the 3 matching purchases", content)


# --- What each row shows of its files ---------------------------------------------------------


def test_a_row_shows_its_first_photo_else_its_first_image_and_counts_every_file():
    with_photo, with_image, without = PurchaseFactory(), PurchaseFactory(), PurchaseFactory()
    attach(with_photo, image_bytes(10, 10), "receipt.png", FileType.RECEIPT)
    photo = attach(with_photo, image_bytes(11, 10), "front.png", FileType.PHOTO)
    attach(with_photo, image_bytes(12, 10), "back.png", FileType.PHOTO)
    image = attach(with_image, image_bytes(13, 10), "label.png", FileType.OTHER)
    attach(without, b"%PDF-1.4 manual", "manual.pdf", FileType.MANUAL)

    rows = {p.pk: p for p in with_list_extras(Purchase.objects.all())}

    assert (rows[with_photo.pk].thumbnail_id, rows[with_photo.pk].attachment_count) == (
        photo.pk,
        3,
    )
    assert rows[with_image.pk].thumbnail_id == image.pk
    assert (rows[without.pk].thumbnail_id, rows[without.pk].attachment_count) == (None, 1)


# --- The API route ---------------------------------------------------------------------------


@pytest.fixture
def as_role(client, django_user_model):
    def sign_in(role):
        user = django_user_model.objects.create_user(username=f"bulk-{role}")
        Membership.objects.create(user=user, role=role)
        client.force_login(user)
        return client

    return sign_in


def bulk(client, **body):
    return client.post(BULK, body, content_type="application/json")


def test_editors_tag_receive_and_delete_in_bulk(as_role, django_capture_on_commit_callbacks):
    first = PurchaseFactory(status=PurchaseStatus.ORDERED)
    second = PurchaseFactory(status=PurchaseStatus.ORDERED)
    kept = PurchaseFactory()
    WarrantyFactory(purchase=first)
    attach(first, image_bytes(), "a.png", FileType.PHOTO)
    client = as_role(Role.EDITOR)
    ids = [str(first.pk), str(second.pk)]

    answer = bulk(client, action="tag", ids=ids, tag="garage")
    assert answer.status_code == 200
    assert answer.json() == {"action": "tag", "count": 2, "message": "Tagged 2 purchases “garage”."}

    answer = bulk(client, action="receive", ids=ids)
    assert answer.json()["message"] == "Marked 2 purchases received."
    assert not Purchase.objects.filter(status=PurchaseStatus.ORDERED).exists()

    with django_capture_on_commit_callbacks(execute=True):
        answer = bulk(client, action="delete", ids=[*ids, "0b9f2a4e-5c1d-4e8a-9f3b-6d7c8e9fa0b1"])
    assert answer.json() == {"action": "delete", "count": 2, "message": "Deleted 2 purchases."}
    assert list(Purchase.objects.all()) == [kept]
    assert not Warranty.objects.exists() and not Attachment.objects.exists()


def test_viewers_may_not_act_in_bulk(as_role):
    purchase = PurchaseFactory()

    answer = bulk(as_role(Role.VIEWER), action="delete", ids=[str(purchase.pk)])

    assert answer.status_code == 403
    assert "editor" in answer.json()["detail"]
    assert Purchase.objects.exists()


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        ({"action": "tag", "tag": "a,b"}, 400, "A tag cannot contain a comma"),
        ({"action": "tag"}, 400, "Type the tag to add."),
        ({"action": "paint"}, 422, None),
        ({"action": "delete", "ids": []}, 422, None),
    ],
)
def test_bad_bulk_requests_are_refused_with_a_reason(owner_client, body, status, detail):
    purchase = PurchaseFactory()
    body = {"ids": [str(purchase.pk)], **body}

    answer = bulk(owner_client, **body)

    assert answer.status_code == status
    if detail:
        assert detail in answer.json()["detail"]
    assert Purchase.objects.filter(pk=purchase.pk).exists()


def test_a_bulk_action_runs_a_fixed_number_of_queries(owner_client, django_assert_max_num_queries):
    purchases = PurchaseFactory.create_batch(30, status=PurchaseStatus.ORDERED)
    ids = [str(p.pk) for p in purchases]
    with django_assert_max_num_queries(20):
        assert bulk(owner_client, action="receive", ids=ids).json()["count"] == 30
    with django_assert_max_num_queries(20):
        assert bulk(owner_client, action="tag", ids=ids, tag="t").json()["count"] == 30
