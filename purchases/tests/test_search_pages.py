"""Search on the pages: the inventory's order and messages, the menu's box and its suggestions,
the warranties page's search and order (docs/search.md)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import MemberFactory
from catalog.tests.factories import BrandFactory, RetailerFactory
from kernel import clock
from purchases.tests.factories import PurchaseFactory
from warranties.tests.factories import ClaimFactory, WarrantyFactory

pytestmark = pytest.mark.django_db

INVENTORY = reverse("purchases:list")
WARRANTIES = reverse("warranties:list")
SUGGESTIONS = "/api/search/suggestions"


def names(response):
    return [row.product_name for row in response.context["page"]]


def test_the_inventory_shows_best_matches_first_and_offers_that_order(owner_client):
    PurchaseFactory(product_name="Glass jug", notes="for the kettle")
    PurchaseFactory(product_name="Kettle")

    response = owner_client.get(INVENTORY, {"search": "kettle"})

    assert names(response) == ["Kettle", "Glass jug"]
    assert response.context["sort"] == "relevance"
    assert '<option value="relevance" selected>Best match</option>' in response.content.decode()
    assert "Best match" not in owner_client.get(INVENTORY).content.decode()


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ({"status": "bogus"}, "status='bogus' was ignored: Select a valid choice."),
        ({"date_from": "2026-13-01"}, "date_from='2026-13-01' was ignored: Enter a valid date."),
        ({"sort": "cheapest"}, "sort='cheapest' was ignored: Select a valid choice."),
        ({"retailer_id": "abc"}, "retailer_id='abc' was ignored: Enter a valid UUID."),
        ({"min_price": "abc"}, "min_price='abc' was ignored: this page has no such filter."),
    ],
)
def test_the_inventory_says_which_filter_it_ignored_and_why(owner_client, query, said):
    PurchaseFactory(product_name="Kept")

    response = owner_client.get(INVENTORY, query)

    assert names(response) == ["Kept"]
    notes = response.context["ignored_filters"]
    assert len(notes) == 1 and said in notes[0]
    assert 'data-testid="ignored-filters"' in response.content.decode()


def test_the_inventory_ignores_nothing_of_a_valid_query_string(owner_client):
    query = {"search": "x", "status": "ORDERED", "sort": "price", "page": "1", "per_page": "20"}

    response = owner_client.get(INVENTORY, query | {"new": "1"})

    assert response.context["ignored_filters"] == []


def test_a_searched_page_takes_a_fixed_number_of_queries(owner_client, django_assert_num_queries):
    for index in range(30):
        WarrantyFactory.create_batch(2, purchase=PurchaseFactory(product_name=f"Kettle {index}"))
    owner_client.get(INVENTORY, {"search": "kettle"})
    # session, user, their role, catalog matches, how common each word is, which typos of the
    # rare ones occur, the filtered rows' count and total and the base currency it is in, page,
    # warranties of the page, retailers, brands, purchases without a rate, the household's tags
    # (the form's suggestions; preferences are cached by the first request), the receipts
    # waiting for review; and, when a row's name lacks a word (found with a typo here), the
    # lines of the page's receipts that hold the words (docs/search.md §7)
    for text, queries in (("kettle", 16), ("kettle 1", 16), ("ketle", 17)):
        with django_assert_num_queries(queries):
            response = owner_client.get(INVENTORY, {"search": text, "page": "2", "per_page": "10"})
        assert len(response.context["page"]) >= 1, text


def test_every_page_has_the_search_combobox_in_its_menu(owner_client):
    for url in (reverse("analytics:dashboard"), INVENTORY, WARRANTIES):
        content = owner_client.get(url).content.decode()
        assert (
            'role="combobox"' in content and 'aria-controls="global-search-suggestions"' in content
        )
        assert f'action="{INVENTORY}"' in content and 'name="search"' in content


def test_suggestions_are_brands_retailers_then_products_with_a_typo_forgiven(api_client):
    bosch = BrandFactory(name="Bosch")
    PurchaseFactory(product_name="Bosch dishwasher", brand=bosch)
    PurchaseFactory(product_name="Drill", brand=bosch, retailer=RetailerFactory(name="Boschhaus"))
    PurchaseFactory(product_name="Kettle")

    for typed in ("bosch", "bosh"):
        response = api_client.get(SUGGESTIONS, {"q": typed})
        assert response.status_code == 200
        assert response.json() == [
            {"kind": "brand", "text": "Bosch"},
            {"kind": "retailer", "text": "Boschhaus"},
            {"kind": "product", "text": "Bosch dishwasher"},
        ], typed


def test_suggestions_are_few_distinct_and_in_a_fixed_number_of_queries(
    api_client, django_assert_num_queries
):
    for index in range(30):
        PurchaseFactory(product_name=f"Kettle {index % 3}")
    api_client.get(SUGGESTIONS, {"q": "ket"})

    # token, catalog matches, how common the word is, which of its typos occur, product names
    with django_assert_num_queries(5):
        response = api_client.get(SUGGESTIONS, {"q": "kett", "limit": 5})

    assert sorted(item["text"] for item in response.json()) == ["Kettle 0", "Kettle 1", "Kettle 2"]
    assert api_client.get(SUGGESTIONS, {"q": "  "}).json() == []


@pytest.mark.parametrize("query", [{}, {"q": "x", "limit": 0}, {"q": "x", "limit": "many"}])
def test_suggestions_answer_422_for_a_bad_query(api_client, query):
    response = api_client.get(SUGGESTIONS, query)
    assert response.status_code == 422 and response.json()["detail"]


def test_a_viewer_reads_suggestions():
    viewer = MemberFactory(role=Role.VIEWER)
    client = Client()
    client.force_login(viewer)

    assert client.get(SUGGESTIONS, {"q": "kettle"}).status_code == 200


@pytest.fixture
def warranties():
    today = clock.today()
    made = {}
    for name, provider, end_in_days, voided in [
        ("Bosch dishwasher", "CareShield", 400, False),
        ("Kettle", "Smeg care", 10, False),
        ("Old dishwasher", "CareShield", -30, False),
        ("Older dishwasher", "Bettercover", -300, False),
        ("Voided dishwasher", None, 200, True),
    ]:
        purchase = PurchaseFactory(product_name=name, purchase_date=today - datetime.timedelta(700))
        made[name] = WarrantyFactory(
            purchase=purchase,
            provider=provider,
            warranty_end=today + datetime.timedelta(end_in_days),
            voided=voided,
        )
    return made


def products(response):
    return [warranty.purchase.product_name for warranty in response.context["page"]]


def test_the_warranties_page_opens_on_the_current_ones_soonest_end_first(owner_client, warranties):
    response = owner_client.get(WARRANTIES)

    assert products(response) == [
        "Kettle",
        "Bosch dishwasher",
        "Old dishwasher",
        "Older dishwasher",
        "Voided dishwasher",
    ]
    by_end = owner_client.get(WARRANTIES, {"sort": "warranty_end"})
    assert products(by_end)[:2] == ["Older dishwasher", "Old dishwasher"]
    assert products(owner_client.get(WARRANTIES, {"state": "EXPIRED"})) == [
        "Old dishwasher",
        "Older dishwasher",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "dishwasher",
            ["Bosch dishwasher", "Old dishwasher", "Older dishwasher", "Voided dishwasher"],
        ),
        ("careshield", ["Bosch dishwasher", "Old dishwasher"]),
        ("careshild old", ["Old dishwasher"]),
        ("bosch", ["Bosch dishwasher"]),
    ],
)
def test_the_warranties_page_searches_products_providers_and_typos(
    owner_client, warranties, text, expected
):
    response = owner_client.get(WARRANTIES, {"search": text})

    assert products(response) == expected
    assert f'value="{text}"' in response.content.decode()


def test_a_search_with_a_state_keeps_both_and_the_links_keep_the_search(owner_client, warranties):
    response = owner_client.get(WARRANTIES, {"search": "dishwasher", "state": "EXPIRED"})

    assert products(response) == ["Old dishwasher", "Older dishwasher"]
    assert "?state=ACTIVE&amp;search=dishwasher" in response.content.decode()


def test_a_searched_warranties_page_takes_eleven_queries(
    owner_client, warranties, django_assert_num_queries
):
    ClaimFactory(warranty=warranties["Bosch dishwasher"])
    # session, user, their role, preferences, catalog matches, how common each word is, which
    # typos of the rare ones occur, count, page, the page's claims and their documents
    with django_assert_num_queries(11):
        owner_client.get(WARRANTIES, {"search": "dishwasher care"})
