"""The warranties page: every warranty with its effective status, filtered by state or window."""

import datetime

import pytest
from django.urls import reverse

from kernel import clock
from purchases.tests.factories import PurchaseFactory
from warranties.selectors import CURRENT_FIRST
from warranties.selectors import warranty_list as warranty_list_selector
from warranties.tests.factories import ClaimFactory, WarrantyFactory

pytestmark = pytest.mark.django_db

URL = reverse("warranties:list")


@pytest.fixture
def warranties():
    today = clock.today()
    made = {}
    for name, end_in_days, voided in [
        ("Long", 400, False),
        ("Soon", 10, False),
        ("Ninety", 80, False),
        ("Lapsed", -3, False),
        ("Voided", 200, True),
    ]:
        purchase = PurchaseFactory(product_name=name, purchase_date=today - datetime.timedelta(700))
        made[name] = WarrantyFactory(
            purchase=purchase, warranty_end=today + datetime.timedelta(end_in_days), voided=voided
        )
    return made


def products(response):
    return [warranty.purchase.product_name for warranty in response.context["page"]]


def test_all_warranties_current_first_soonest_end_first_with_their_status(owner_client, warranties):
    response = owner_client.get(URL)

    # Active ones soonest first, then the expired, then the voided.
    assert products(response) == ["Soon", "Ninety", "Long", "Lapsed", "Voided"]
    content = response.content.decode()
    assert '<span class="badge text-bg-warning">Expires in 10 days</span>' in content
    assert '<span class="badge text-bg-danger">Voided</span>' in content
    lapsed = (clock.today() - datetime.timedelta(3)).strftime("%m/%d/%Y")
    assert f'<span class="badge text-bg-secondary">Expired on {lapsed}</span>' in content
    assert "10 days left" in content
    assert "ended 3 days ago" in content


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("ACTIVE", ["Soon", "Ninety", "Long"]),
        ("EXPIRING", ["Soon"]),
        ("EXPIRED", ["Lapsed"]),
        ("VOIDED", ["Voided"]),
    ],
)
def test_filter_by_state(owner_client, warranties, state, expected):
    assert products(owner_client.get(URL, {"state": state})) == expected


def test_expiring_within_a_number_of_days(owner_client, warranties):
    response = owner_client.get(URL, {"days": "90"})

    assert products(response) == ["Soon", "Ninety"]
    assert "within the next 90 days" in response.content.decode()


def test_a_window_out_of_bounds_is_ignored_and_said_so(owner_client, warranties):
    response = owner_client.get(URL, {"days": "5000", "state": "purple", "colour": "red"})

    assert len(products(response)) == 5
    notes = response.context["ignored_filters"]
    assert len(notes) == 3
    assert "days='5000' was ignored" in notes[0] and "less than or equal to 365" in notes[0]
    assert "state='purple' was ignored" in notes[1] and "not one of" in notes[1]
    assert "colour='red' was ignored: this page has no such filter" in notes[2]
    assert 'data-testid="ignored-filters"' in response.content.decode()


def test_a_valid_query_string_ignores_nothing(owner_client, warranties):
    response = owner_client.get(URL, {"state": "ACTIVE", "search": "soon", "page": "1"})

    assert response.context["ignored_filters"] == []
    assert 'data-testid="ignored-filters"' not in response.content.decode()


def test_an_empty_list_says_how_to_add_one(owner_client):
    assert "No warranties yet" in owner_client.get(URL).content.decode()


def test_a_page_of_warranties_with_claims_takes_eight_queries(
    owner_client, warranties, django_assert_num_queries
):
    for warranty in warranties.values():
        ClaimFactory.create_batch(2, warranty=warranty)
    # session, user, their role, preferences, count, the active ones' keys (too few for a page:
    # warranties.selectors.current_first_keys), page (purchases joined), the claims of the page,
    # their documents
    with django_assert_num_queries(9):
        owner_client.get(URL)


def test_pages_of_the_active_ones_alone_are_those_of_the_whole_order(owner_client):
    """The first pages, when the active warranties fill them, are read by their index alone
    (warranties.selectors.current_first_keys); the page where they end is sorted whole."""
    today = clock.today()
    for number in range(30):  # ties on the end date, broken by creation
        WarrantyFactory(warranty_end=today + datetime.timedelta(days=number // 3))
    for number in range(4):
        WarrantyFactory(warranty_end=today - datetime.timedelta(days=number + 1))
    WarrantyFactory(warranty_end=today + datetime.timedelta(days=9), voided=True)
    whole = [w.id for w in warranty_list_selector(sort=CURRENT_FIRST)]

    first = owner_client.get(URL).context["page"]
    second = owner_client.get(URL, {"page": 2}).context["page"]

    assert [w.id for w in first] == whole[:25]
    assert [w.id for w in second] == whole[25:]
    assert first.paginator.count == 35
