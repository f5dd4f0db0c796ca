"""The warranty selectors: effective status, the filters and the expiring window, as of a day."""

import datetime

import pytest

from kernel import clock
from purchases.tests.factories import PurchaseFactory
from warranties.selectors import CURRENT_FIRST, warranty_list, warranty_list_expiring
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 6, 15)


def ending(days: int, **fields):
    start = TODAY - datetime.timedelta(days=400)
    return WarrantyFactory(
        warranty_start=start, warranty_end=TODAY + datetime.timedelta(days=days), **fields
    )


@pytest.fixture
def warranties():
    return {
        "expired": ending(-1),
        "today": ending(0),
        "soon": ending(30),
        "later": ending(31),
        "voided": ending(5, voided=True),
    }


def names(rows, warranties):
    by_pk = {warranty.pk: name for name, warranty in warranties.items()}
    return [by_pk[row.pk] for row in rows]


def test_the_list_is_soonest_end_first_with_each_effective_status(warranties):
    rows = list(warranty_list(today=TODAY))
    assert names(rows, warranties) == ["expired", "today", "voided", "soon", "later"]
    assert [row.effective_status for row in rows] == [
        "EXPIRED",
        "ACTIVE",
        "VOIDED",
        "ACTIVE",
        "ACTIVE",
    ]


@pytest.mark.parametrize(
    "status, expected",
    [("ACTIVE", ["today", "soon", "later"]), ("EXPIRED", ["expired"]), ("VOIDED", ["voided"])],
)
def test_the_status_filter_uses_the_status_on_the_day(warranties, status, expected):
    assert names(warranty_list(status=status, today=TODAY), warranties) == expected


def test_expiring_soon_keeps_active_warranties_ending_within_30_days_and_false_drops_them(
    warranties,
):
    assert names(warranty_list(expiring_soon=True, today=TODAY), warranties) == ["today", "soon"]
    assert names(warranty_list(expiring_soon=False, today=TODAY), warranties) == [
        "expired",
        "voided",
        "later",
    ]


def test_the_purchase_filter_keeps_that_purchases_warranties(warranties):
    purchase = PurchaseFactory()
    own = ending(10, purchase=purchase)
    assert [row.pk for row in warranty_list(purchase_id=purchase.pk, today=TODAY)] == [own.pk]


def test_the_expiring_window_is_inclusive_and_leaves_out_voided_and_expired(warranties):
    assert names(warranty_list_expiring(days=30, today=TODAY), warranties) == ["today", "soon"]
    assert names(warranty_list_expiring(days=31, today=TODAY), warranties) == [
        "today",
        "soon",
        "later",
    ]


def test_a_status_changes_as_days_pass_without_any_write(warranties):
    tomorrow = TODAY + datetime.timedelta(days=1)
    row = warranty_list(today=tomorrow).get(pk=warranties["today"].pk)
    assert row.effective_status == "EXPIRED"


def test_current_first_within_one_state_is_the_whole_order_restricted_to_it():
    """Within one state the order is a plain one an index gives (warranties.selectors
    CURRENT_FIRST_IN): it must be that of the whole list, ties on the end date included."""
    today = clock.today()
    ends = [(5, False), (5, False), (40, False), (-2, False), (-2, False), (-30, False)]
    for days, voided in [*ends, (60, True), (-60, True), (60, True)]:
        WarrantyFactory(warranty_end=today + datetime.timedelta(days), voided=voided)
    everything = list(warranty_list(sort=CURRENT_FIRST))
    assert len(everything) == 9

    for status in ["ACTIVE", "EXPIRED", "VOIDED"]:
        alone = [warranty.id for warranty in warranty_list(status=status, sort=CURRENT_FIRST)]
        among_all = [w.id for w in everything if w.effective_status == status]
        assert alone == among_all, status
    expiring = [w.id for w in warranty_list(expiring_soon=True, sort=CURRENT_FIRST)]
    assert expiring == [w.id for w in everything[:2]]
    within = [w.id for w in warranty_list_expiring(days=60, sort=CURRENT_FIRST)]
    assert within == [w.id for w in everything[:3]]
