import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from purchases.tests.factories import PurchaseFactory
from reminders.selectors import deadline_list_upcoming, deadline_queryset
from reminders.tests.conftest import TODAY, warranty_ending

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def test_upcoming_deadlines_are_warranty_ends_and_return_deadlines_soonest_first():
    warranty = warranty_ending(TODAY + 7 * DAY, product_name="Espresso machine")
    purchase = PurchaseFactory(product_name="Boots", return_deadline=TODAY + 3 * DAY)

    deadlines = deadline_list_upcoming(days=30, today=TODAY)

    assert [
        (d.kind, d.source_id, d.purchase_id, d.product_name, d.due_date) for d in deadlines
    ] == [
        ("return", purchase.id, purchase.id, "Boots", TODAY + 3 * DAY),
        ("warranty", warranty.id, warranty.purchase_id, "Espresso machine", TODAY + 7 * DAY),
    ]
    assert [d.days_left(TODAY) for d in deadlines] == [3, 7]


def test_the_window_includes_both_ends_and_nothing_outside():
    inside = [warranty_ending(TODAY), warranty_ending(TODAY + 30 * DAY)]
    warranty_ending(TODAY - DAY)
    warranty_ending(TODAY + 31 * DAY)
    PurchaseFactory(return_deadline=TODAY - DAY)
    PurchaseFactory(return_deadline=None)

    deadlines = deadline_list_upcoming(days=30, today=TODAY)

    assert [d.source_id for d in deadlines] == [w.id for w in inside]


def test_voided_warranties_have_no_deadline():
    voided = warranty_ending(TODAY + 5 * DAY)
    voided.voided = True
    voided.save()

    assert deadline_list_upcoming(days=30, today=TODAY) == []


def test_kinds_choose_which_deadlines_are_listed():
    warranty_ending(TODAY + DAY)
    PurchaseFactory(return_deadline=TODAY + DAY)

    assert {d.kind for d in deadline_list_upcoming(days=5, kinds=["return"], today=TODAY)} == {
        "return"
    }
    assert {d.kind for d in deadline_list_upcoming(days=5, kinds=["warranty"], today=TODAY)} == {
        "warranty"
    }
    assert deadline_list_upcoming(days=5, kinds=[], today=TODAY) == []


def test_a_window_across_the_end_of_february_counts_calendar_days():
    # 28 February 2025 + 30 days is 30 March: February has 28 days that year.
    end_of_february = datetime.date(2025, 2, 28)
    on_the_edge = warranty_ending(datetime.date(2025, 3, 30))
    warranty_ending(datetime.date(2025, 3, 31))

    deadlines = deadline_list_upcoming(days=30, today=end_of_february)

    assert [(d.source_id, d.days_left(end_of_february)) for d in deadlines] == [
        (on_the_edge.id, 30)
    ]


def test_today_is_the_configured_time_zone_s_date(settings, monkeypatch):
    # At 23:30 UTC on 9 March it is already 10 March in Auckland: a warranty ending on 9 March is
    # past there, one ending on 10 March ends "today".
    settings.TIME_ZONE = "Pacific/Auckland"
    late_evening_utc = datetime.datetime(2025, 3, 9, 23, 30, tzinfo=datetime.UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: late_evening_utc)
    warranty_ending(datetime.date(2025, 3, 9))
    ends_today = warranty_ending(datetime.date(2025, 3, 10))

    deadlines = deadline_list_upcoming(days=0)

    assert [d.source_id for d in deadlines] == [ends_today.id]


def test_listing_deadlines_is_one_query_however_many_there_are():
    for offset in range(12):
        warranty_ending(TODAY + offset * DAY)
        PurchaseFactory(return_deadline=TODAY + offset * DAY)

    with CaptureQueriesContext(connection) as queries:
        deadlines = deadline_list_upcoming(days=30, today=TODAY)
    assert len(deadlines) == 24
    assert len(queries) == 1

    with CaptureQueriesContext(connection) as queries:
        page = list(deadline_queryset(start=TODAY, today=TODAY)[5:10])
    assert len(page) == 5
    assert len(queries) == 1
