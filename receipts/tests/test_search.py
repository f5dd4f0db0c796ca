"""Search inside receipts (docs/search.md §7): a purchase is found by the words read from its
files, every word from the purchase or from its receipts, and the list shows the line they are
on, in a fixed number of queries. On SQLite and PostgreSQL alike."""

import hashlib
from importlib import import_module

import pytest
from django.db import connection
from django.urls import reverse

from catalog.tests.factories import BrandFactory
from kernel.hooks import purchases_searched
from purchases.models import Attachment, Blob, FileType
from purchases.services import attachments_delete
from purchases.tests.api_helpers import PURCHASES, ids
from purchases.tests.factories import PurchaseFactory
from receipts.models import ReadingStatus, ReceiptReading
from receipts.search import LINE_SHOWN, receipt_lines

pytestmark = pytest.mark.django_db

index_migration = import_module("receipts.migrations.0002_reading_text_search")

INVENTORY = reverse("purchases:list")
GRINDER_RECEIPT = """Caffè Nero Supplies GmbH
Rechnung INV-4411 vom 03.05.2026
1 x Mazzer Super Jolly espresso grinder 349,00 EUR
1 x Cleaning brush 4,50 EUR
Summe 353,50 EUR
Vielen Dank für Ihren Einkauf"""


def stored_file(content: str) -> Blob:
    digest = hashlib.sha256(content.encode()).hexdigest()
    return Blob.objects.create(sha256=digest, extension=".pdf", size=len(content))


def with_receipt(purchase, text: str, filename: str = "receipt.pdf", blob: Blob | None = None):
    """Attach a file to PURCHASE whose reading found TEXT (the file is read once: a BLOB shared
    with another purchase keeps its reading)."""
    if blob is None:
        blob = stored_file(text)
        ReceiptReading.objects.create(blob=blob, status=ReadingStatus.DONE, text=text)
    Blob.objects.filter(pk=blob.pk).update(reference_count=blob.attachments.count() + 1)
    return Attachment.objects.create(
        purchase=purchase,
        blob=blob,
        filename=filename,
        mime_type="application/pdf",
        file_type=FileType.RECEIPT,
    )


def found(text: str) -> set:
    return set(purchases_searched(text).values_list("pk", flat=True))


def matches(response) -> dict:
    return {item["product_name"]: item["receipt_match"] for item in response.json()["items"]}


@pytest.fixture
def grinder():
    purchase = PurchaseFactory(product_name="Coffee grinder", brand=BrandFactory(name="Acme"))
    with_receipt(purchase, GRINDER_RECEIPT)
    PurchaseFactory(product_name="Kettle", notes="espresso cups on the side")
    return purchase


def test_a_purchase_is_found_by_a_word_only_in_its_receipt_and_shows_its_line(api_client, grinder):
    response = api_client.get(PURCHASES, {"search": "mazzer"})

    assert ids(response) == [str(grinder.id)]
    assert matches(response) == {
        "Coffee grinder": {
            "filename": "receipt.pdf",
            "line": "1 x Mazzer Super Jolly espresso grinder 349,00 EUR",
        }
    }


def test_the_inventory_shows_the_receipt_line_under_the_product(owner_client, grinder):
    content = owner_client.get(INVENTORY, {"search": "Jolly"}).content.decode()

    assert "In receipt.pdf: “1 x Mazzer Super Jolly espresso grinder 349,00 EUR”" in content
    assert 'data-testid="receipt-match"' not in owner_client.get(INVENTORY).content.decode()


def test_every_word_is_found_in_the_purchase_or_in_its_receipts(api_client, grinder):
    other = PurchaseFactory(product_name="Grinder burrs")
    with_receipt(other, "Burr set for Eureka grinders")

    # "acme" in the brand, "jolly" in the receipt; "grinder" in both purchases' names.
    assert ids(api_client.get(PURCHASES, {"search": "acme jolly"})) == [str(grinder.id)]
    assert set(ids(api_client.get(PURCHASES, {"search": "grinder"}))) == {
        str(grinder.id),
        str(other.id),
    }
    assert ids(api_client.get(PURCHASES, {"search": "grinder eureka"})) == [str(other.id)]
    # Words from two different receipts of one purchase.
    with_receipt(grinder, "Warranty card: Mazzer Robur, two years", filename="warranty.pdf")
    assert found("robur 4411") == {grinder.pk}


def test_a_search_with_a_word_in_no_receipt_and_no_purchase_lists_nothing(api_client, grinder):
    assert ids(api_client.get(PURCHASES, {"search": "mazzer lavazza"})) == []
    assert ids(api_client.get(PURCHASES, {"search": "lavazza"})) == []


def test_a_file_attached_to_two_purchases_finds_both(api_client, grinder):
    twin = PurchaseFactory(product_name="Office grinder")
    with_receipt(twin, GRINDER_RECEIPT, filename="copy.pdf", blob=grinder.attachments.get().blob)

    response = api_client.get(PURCHASES, {"search": "jolly"})

    assert set(ids(response)) == {str(grinder.id), str(twin.id)}
    assert {name: match["filename"] for name, match in matches(response).items()} == {
        "Coffee grinder": "receipt.pdf",
        "Office grinder": "copy.pdf",
    }


@pytest.mark.parametrize(
    ("search", "found_it"),
    [
        ("MAZZER", True),  # case does not matter
        ("supe", True),  # a word's start
        ("uper", False),  # not its inside: the index holds words
        ("INV-4411", True),  # a phrase: "INV" then "4411"
        ("4411-INV", False),
        ("353,50", True),
        ("caffè", True),
        ("für", True),
        ("fur", False),  # accents kept, as the purchases' search keeps them
        ("VIELEN", True),
        ("--", False),  # no letter or digit: nothing to look up in the receipts
    ],
)
def test_how_a_word_is_found_in_a_receipt(grinder, search, found_it):
    assert found(search) == ({grinder.pk} if found_it else set())


def test_the_search_follows_the_readings_and_the_attachments(grinder):
    # Read later: a pending reading is written again when the worker has read the file.
    later = PurchaseFactory(product_name="Scale")
    blob = stored_file("scale receipt")
    reading = ReceiptReading.objects.create(blob=blob)
    with_receipt(later, "", blob=blob)
    assert found("acaia") == set()
    ReceiptReading.objects.filter(pk=reading.pk).update(
        status=ReadingStatus.DONE, text="Acaia Lunar scale"
    )
    assert found("acaia") == {later.pk}

    attachments_delete(attachments=grinder.attachments.all())
    assert found("mazzer") == set()
    ReceiptReading.objects.filter(pk=reading.pk).delete()
    assert found("acaia") == set()


def test_the_line_is_shown_only_when_the_row_does_not_show_every_word(api_client, grinder):
    # "grinder" is in the product name: the row says why it was found.
    assert matches(api_client.get(PURCHASES, {"search": "grinder"})) == {"Coffee grinder": None}
    assert matches(api_client.get(PURCHASES, {"search": "coffee brush"}))["Coffee grinder"] == {
        "filename": "receipt.pdf",
        "line": "1 x Cleaning brush 4,50 EUR",
    }
    # Not searched: no line.
    item = api_client.get(f"{PURCHASES}/{grinder.id}").json()
    assert item["receipt_match"] is None


def test_the_line_shown_holds_the_most_words_and_is_cut_around_them(grinder):
    long_line = "Artikel " + "x" * 150 + " Mazzer Super Jolly grinder " + "y" * 150
    with_receipt(grinder, f"Mazzer\n{long_line}\nJolly", filename="long.pdf")

    lines = receipt_lines(purchase_ids=[grinder.pk], words=["mazzer", "jolly", "grind"])

    line = lines[grinder.pk]["line"]
    assert lines[grinder.pk]["filename"] == "receipt.pdf"  # same count of words: the first file
    assert line == "1 x Mazzer Super Jolly espresso grinder 349,00 EUR"
    lines = receipt_lines(purchase_ids=[grinder.pk], words=["mazzer", "jolly", "artikel"])
    cut = lines[grinder.pk]["line"]
    assert lines[grinder.pk]["filename"] == "long.pdf"
    assert cut.startswith("Artikel x") and cut.endswith("…") and len(cut) == LINE_SHOWN + 1


def test_the_warranties_page_s_search_finds_through_receipts_too(owner_client, grinder):
    from warranties.tests.factories import WarrantyFactory

    WarrantyFactory(purchase=grinder, provider="Careplus")
    response = owner_client.get(reverse("warranties:list"), {"search": "jolly"})
    assert "Careplus" in response.content.decode()


def test_a_searched_list_takes_a_fixed_number_of_queries(
    api_client, owner_client, django_assert_num_queries
):
    for index in range(12):
        purchase = PurchaseFactory(product_name=f"Grinder {index}")
        with_receipt(purchase, f"Order {index}\nMazzer Super Jolly {index}\nTotal")
    api_client.get(PURCHASES)
    owner_client.get(INVENTORY)

    # token, catalog matches, how common each word is, which typos of the rare ones occur, count
    # and page, the page's rows, warranties (none: no claims looked up), and the receipts' lines
    for limit in (3, 12):
        with django_assert_num_queries(8):
            response = api_client.get(PURCHASES, {"search": "mazzer jolly", "limit": limit})
        assert len(response.json()["items"]) == limit
        assert all(item["receipt_match"] for item in response.json()["items"])
    # The inventory page's queries (purchases/tests/test_search_pages.py: with the count of
    # receipts waiting for review), and the lines.
    for per_page in (10, 20):
        with django_assert_num_queries(17):
            owner_client.get(INVENTORY, {"search": "mazzer", "per_page": per_page})
    # Every word in the rows' names: no line is looked for.
    with django_assert_num_queries(16):
        owner_client.get(INVENTORY, {"search": "grinder", "per_page": 10})


def stale_readings() -> list[str]:
    """The readings whose indexed text is not their text, and the index's rows of no reading."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT r.id FROM receipts_receiptreading r WHERE r.search_words IS NULL "
                "OR NOT EXISTS (SELECT 1 FROM pg_indexes WHERE indexname = %s)",
                [index_migration.INDEX],
            )
            return [str(row[0]) for row in cursor.fetchall()]
        cursor.execute(
            "SELECT r.id FROM receipts_receiptreading r LEFT JOIN receipts_search s "
            "ON s.rowid = r.rowid WHERE s.blob_id IS NOT r.blob_id OR s.text IS NOT r.text"
        )
        stale = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT blob_id FROM receipts_search "
            "WHERE rowid NOT IN (SELECT rowid FROM receipts_receiptreading)"
        )
        return stale + [f"orphan {row[0]}" for row in cursor.fetchall()]


def test_the_index_is_kept_after_every_migration_and_every_change(grinder):
    # A later migration that rebuilds the readings table on SQLite drops the triggers and
    # renumbers the rows: it must run migration 0002's create_search again.
    blob = stored_file("pending")
    reading = ReceiptReading.objects.create(blob=blob)
    ReceiptReading.objects.filter(pk=reading.pk).update(text="Read at last")
    ReceiptReading.objects.filter(blob=grinder.attachments.get().blob).delete()

    assert stale_readings() == []
    assert found("last") == set()  # no purchase holds that file
    assert found("mazzer") == set()
