"""Search finds (docs/search.md): every source of words, one typo, best matches first, and the
stored search text current after every change of a source. On SQLite and PostgreSQL alike."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from catalog.tests.factories import BrandFactory, RetailerFactory
from purchases import search
from purchases.models import Attachment, Purchase
from purchases.search import purchases_matching, typo_variants
from purchases.services import attachment_add, attachments_delete, purchase_delete
from purchases.tests.api_helpers import PURCHASES, ids, ids_of
from purchases.tests.factories import PurchaseFactory
from purchases.tests.search_helpers import stale_search_texts
from warranties.services import warranty_delete, warranty_update
from warranties.tests.factories import ClaimFactory, WarrantyFactory

pytestmark = pytest.mark.django_db

INVENTORY = reverse("purchases:list")


def found(text: str) -> set:
    return set(purchases_matching(Purchase.objects.all(), text).values_list("pk", flat=True))


def with_attachment(purchase, filename: str):
    upload = SimpleUploadedFile(filename, b"%PDF-1.4 " + filename.encode())
    return attachment_add(purchase=purchase, upload=upload, file_type="manual")[0]


SOURCES = {
    "product name": lambda: PurchaseFactory(product_name="Zebrafish tank"),
    "brand": lambda: PurchaseFactory(brand=BrandFactory(name="Zebrafish Labs")),
    "retailer": lambda: PurchaseFactory(retailer=RetailerFactory(name="Zebrafish Store")),
    "model": lambda: PurchaseFactory(model_number="ZEBRAFISH-9"),
    "serial": lambda: PurchaseFactory(serial_number="SNZEBRAFISH1"),
    "order number": lambda: PurchaseFactory(retailer_order_number="ORD-ZEBRAFISH"),
    "notes": lambda: PurchaseFactory(notes="A gift from the zebrafish club"),
    "tags": lambda: PurchaseFactory(tags="pets,zebrafish"),
    "warranty provider": lambda: WarrantyFactory(provider="Zebrafish Care").purchase,
    "warranty notes": lambda: WarrantyFactory(notes="Claim via zebrafish portal").purchase,
    "attachment file name": lambda: (
        with_attachment(PurchaseFactory(), "zebrafish-manual.pdf").purchase
    ),
    "claim number": lambda: ClaimFactory(number="RMA-ZEBRAFISH-7").warranty.purchase,
}


@pytest.mark.parametrize("source", SOURCES)
def test_a_word_is_found_in_every_source_exactly_and_with_a_typo(api_client, source):
    match = SOURCES[source]()
    PurchaseFactory(product_name="Unrelated", notes="nothing")
    WarrantyFactory(provider="Other care", notes="other")

    assert ids(api_client.get(PURCHASES, {"search": "ZEBRAFISH"})) == [str(match.id)]
    assert ids(api_client.get(PURCHASES, {"search": "zebrafsh"})) == [str(match.id)]
    assert stale_search_texts() == []


def test_every_word_may_come_from_a_different_source(api_client):
    gaggia = BrandFactory(name="Gaggia")
    purchase = PurchaseFactory(product_name="Espresso machine", brand=gaggia)
    WarrantyFactory(purchase=purchase, provider="CareShield")
    with_attachment(purchase, "invoice-4411.pdf")
    PurchaseFactory(product_name="Espresso cups", brand=gaggia)

    assert ids(api_client.get(PURCHASES, {"search": "gaggia careshield 4411"})) == [
        str(purchase.id)
    ]


def test_the_related_words_follow_every_change_of_warranties_and_attachments():
    purchase = PurchaseFactory(product_name="Drill")
    warranty = WarrantyFactory(purchase=purchase, provider="Acmecare")
    attachment = with_attachment(purchase, "drill-receipt.pdf")
    assert found("acmecare receipt") == {purchase.pk}

    warranty_update(warranty=warranty, data={"provider": "Bettercover"})
    assert found("acmecare") == set()
    assert found("bettercover") == {purchase.pk}

    attachments_delete(attachments=Attachment.objects.filter(pk=attachment.pk))
    warranty_delete(warranty=warranty)
    assert found("bettercover") == found("receipt") == set()
    assert stale_search_texts() == []

    # Moved to another purchase in bulk, around the services: the triggers see it all the same.
    other = PurchaseFactory(product_name="Saw")
    moved = WarrantyFactory(purchase=purchase, provider="Movecare")
    type(moved).objects.filter(pk=moved.pk).update(purchase=other)
    assert found("movecare") == {other.pk}
    purchase_delete(purchase=other)
    assert found("movecare") == set()
    assert stale_search_texts() == []


def test_the_check_of_the_stored_search_text_sees_a_stale_one():
    PurchaseFactory(product_name="Lamp")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("UPDATE purchases_search SET document = 'stale'")
        else:
            cursor.execute("UPDATE purchases_purchase SET search_extra = 'stale'")
    assert len(stale_search_texts()) == 1


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("dishwashr", True), ("dishwasjer", True), ("bosh", True), ("Bosch", True), ("bsh", False)],
)
def test_one_typo_is_forgiven_in_words_of_four_letters_or_more(api_client, typed, expected):
    dishwasher = PurchaseFactory(
        product_name="Serie 6 dishwasher", brand=BrandFactory(name="Bosch")
    )
    PurchaseFactory(product_name="Kettle", brand=BrandFactory(name="Smeg"))

    assert ids(api_client.get(PURCHASES, {"search": typed})) == (
        [str(dishwasher.id)] if expected else []
    )


def test_two_typos_or_an_unrelated_word_find_nothing(api_client):
    PurchaseFactory(product_name="Serie 6 dishwasher", brand=BrandFactory(name="Bosch"))
    PurchaseFactory(product_name="Desk lamp")

    for text in ("dshwashr", "bosch lump", "lamp dishwasher"):
        assert api_client.get(PURCHASES, {"search": text}).json()["total"] == 0, text


def test_typo_variants_keep_only_patterns_the_trigram_index_serves():
    assert typo_variants("abc") == []
    assert typo_variants("12.5") == typo_variants("SN0042") == []
    variants = typo_variants("bosh")
    assert "bos_h" in variants and "obsh" in variants
    assert "bo_sh" not in variants and "bos" not in variants
    assert "dishwash_r" in typo_variants("dishwashr")


def test_best_matches_first_then_newest_when_no_sort_is_chosen(api_client):
    now = timezone.now()
    bosch = BrandFactory(name="Bosch")

    def made(minutes_ago: int, **fields):
        return PurchaseFactory(created_at=now - datetime.timedelta(minutes=minutes_ago), **fields)

    in_name = made(50, product_name="Bosch dishwasher")
    in_name_newer = made(40, product_name="Dishwasher by Bosch")
    with_brand = made(30, product_name="Silent dishwasher", brand=bosch)
    elsewhere = made(20, product_name="Kitchen appliance", notes="bosch dishwasher, installed")
    with_typo = made(10, product_name="Bosch dishwashr")

    data = api_client.get(PURCHASES, {"search": "bosch dishwasher"}).json()

    expected = [in_name_newer, in_name, with_brand, elsewhere, with_typo]
    assert ids_of(data) == [str(p.id) for p in expected]
    # A sort chosen by the person wins; relevance can be asked for by name.
    newest = api_client.get(PURCHASES, {"search": "bosch dishwasher", "sort": "-created_at"})
    assert ids(newest) == [str(p.id) for p in sorted(expected, key=lambda p: p.created_at)][::-1]
    relevance = api_client.get(PURCHASES, {"search": "bosch dishwasher", "sort": "relevance"})
    assert ids(relevance) == ids_of(data)
    # Paged: the second page goes on where the first stopped.
    pages = [
        ids(api_client.get(PURCHASES, {"search": "bosch dishwasher", "limit": 2, "skip": skip}))
        for skip in (0, 2, 4)
    ]
    assert [item for page in pages for item in page] == ids_of(data)


@pytest.fixture
def walked(monkeypatch) -> list[bool]:
    """Whether each call of `Search.newest_best_keys` found its page among the newest."""
    calls, newest_best_keys = [], search.Search.newest_best_keys

    def spy(self, purchases, skip, limit):
        keys = newest_best_keys(self, purchases, skip, limit)
        calls.append(keys is not None)
        return keys

    monkeypatch.setattr(search.Search, "newest_best_keys", spy)
    return calls


def test_a_common_words_first_pages_are_the_newest_best_matches_as_ranked(
    api_client, monkeypatch, walked
):
    """`Search.newest_best_keys` gives the pages that the newest purchases hold, the same rows
    as ranking every match; the others are ranked."""
    monkeypatch.setattr(search, "COMMON_WORD", 3)
    monkeypatch.setattr(search, "NEWEST_READ", 6)
    now = timezone.now()

    def made(minutes_ago: int, **fields):
        return PurchaseFactory(created_at=now - datetime.timedelta(minutes=minutes_ago), **fields)

    in_name = [made(1, product_name="Kettle one", status="ORDERED")]
    by_brand = made(2, product_name="Boiler", brand=BrandFactory(name="Kettleworks"))
    in_name.append(made(3, product_name="Blue kettle"))
    in_notes = made(4, product_name="Descaler", notes="For the kettle")
    in_name.append(made(5, product_name="Kettle three"))
    made(6, product_name="Toaster")  # the oldest of the newest six
    in_name += [made(20, product_name="Old kettle"), made(30, product_name="Older kettle")]
    expected = [str(p.id) for p in [*in_name, by_brand, in_notes]]
    pages = [
        api_client.get(PURCHASES, {"search": "kettle", "limit": 2, "skip": skip}).json()
        for skip in (0, 2, 4, 6)
    ]

    assert [item for page in pages for item in ids_of(page)] == expected
    assert [page["total"] for page in pages] == [7, 7, 7, 7]
    # The newest six hold three best matches: the first page, not the second.
    assert walked == [True, False, False, False]
    # Other filters hold, and a page that needs them all is walked too.
    received = api_client.get(PURCHASES, {"search": "kettle", "status": "RECEIVED", "limit": 2})
    assert ids(received) == expected[1:3] and received.json()["total"] == 6
    first = api_client.get(PURCHASES, {"search": "kettle", "limit": 3}).json()
    assert ids_of(first) == expected[:3] and walked[-2:] == [True, True]
    # A word that is not common is ranked at once.
    monkeypatch.setattr(search, "COMMON_WORD", 50)
    assert ids(api_client.get(PURCHASES, {"search": "kettle", "limit": 2})) == expected[:2]
    assert walked[-1] is False


def test_the_inventory_reads_a_common_words_first_page_from_the_newest_as_ranked(
    owner_client, monkeypatch, walked
):
    monkeypatch.setattr(search, "COMMON_WORD", 3)
    monkeypatch.setattr(search, "NEWEST_READ", 12)
    now = timezone.now()
    in_notes_at = {3, 7, 21, 22}
    made = {
        minutes_ago: PurchaseFactory(
            created_at=now - datetime.timedelta(minutes=minutes_ago),
            product_name="Descaler" if minutes_ago in in_notes_at else f"Kettle {minutes_ago}",
            notes="For the kettle" if minutes_ago in in_notes_at else "",
        )
        for minutes_ago in range(1, 23)
    }
    PurchaseFactory.create_batch(
        3, product_name="Toaster", created_at=now - datetime.timedelta(minutes=60)
    )
    in_name = [made[m] for m in sorted(made) if m not in in_notes_at]
    expected = [str(p.id) for p in in_name + [made[m] for m in sorted(in_notes_at)]]
    pages = [
        owner_client.get(INVENTORY, {"search": "kettle", "per_page": 10, "page": number})
        for number in (1, 2, 3)
    ]

    assert [str(p.id) for page in pages for p in page.context["page"]] == expected
    assert {page.context["page"].paginator.count for page in pages} == {22}
    assert {page.context["total"].count for page in pages} == {22}
    # Ten of the newest twelve have the word in their name: the first page, not the others.
    assert walked == [True, False, False]
    # Each row still has what the inventory shows beside the purchase.
    assert all(p.attachment_count == 0 for p in pages[0].context["page"])


def test_without_a_search_relevance_is_newest_first(api_client):
    older = PurchaseFactory(created_at=timezone.now() - datetime.timedelta(days=1))
    newer = PurchaseFactory()

    assert ids(api_client.get(PURCHASES, {"sort": "relevance"})) == [str(newer.id), str(older.id)]
    assert ids(api_client.get(PURCHASES)) == [str(newer.id), str(older.id)]


@pytest.mark.parametrize(
    "query",
    [
        {"status": "bogus"},
        {"sort": "cheapest"},
        {"date_from": "2026-13-01"},
        {"retailer_id": "abc"},
        {"limit": "abc"},
    ],
)
def test_the_api_answers_422_for_a_bad_filter_value(api_client, query):
    response = api_client.get(PURCHASES, query)

    assert response.status_code == 422
    assert response.json()["detail"]


def test_a_searched_list_counts_every_match_on_every_page_and_past_the_last(api_client):
    kettles = [PurchaseFactory(product_name=f"Zebrafish kettle {n}") for n in range(5)]
    PurchaseFactory(product_name="Toaster")
    newest_first = [
        str(p.id) for p in sorted(kettles, key=lambda p: (p.created_at, p.id), reverse=True)
    ]

    pages = [
        api_client.get(PURCHASES, {"search": "zebrafish", "limit": 2, "skip": skip}).json()
        for skip in (0, 2, 4, 6)
    ]

    assert [page["total"] for page in pages] == [5, 5, 5, 5]
    assert [page["pages"] for page in pages] == [3, 3, 3, 3]
    assert [ids_of(page) for page in pages] == [
        newest_first[0:2],
        newest_first[2:4],
        newest_first[4:],
        [],
    ]
    nothing = api_client.get(PURCHASES, {"search": "nowhere-to-be-found"}).json()
    assert (nothing["total"], nothing["items"]) == (0, [])
