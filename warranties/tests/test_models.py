import datetime

import pytest
from django.db import IntegrityError

from warranties.models import Warranty, WarrantyStatus
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 15)


def test_database_refuses_a_warranty_that_ends_before_it_starts():
    with pytest.raises(IntegrityError):
        WarrantyFactory(
            warranty_start=datetime.date(2025, 1, 10), warranty_end=datetime.date(2025, 1, 9)
        )


def test_a_warranty_may_start_and_end_on_the_same_day():
    warranty = WarrantyFactory(warranty_start=TODAY, warranty_end=TODAY)
    assert Warranty.objects.filter(pk=warranty.pk).exists()


@pytest.mark.parametrize(
    ("end", "voided", "expected"),
    [
        (TODAY, False, WarrantyStatus.ACTIVE),
        (TODAY + datetime.timedelta(days=1), False, WarrantyStatus.ACTIVE),
        (TODAY - datetime.timedelta(days=1), False, WarrantyStatus.EXPIRED),
        (TODAY + datetime.timedelta(days=400), True, WarrantyStatus.VOIDED),
        (TODAY - datetime.timedelta(days=400), True, WarrantyStatus.VOIDED),
    ],
    ids=["ends-today", "ends-tomorrow", "ended-yesterday", "voided-future", "voided-past"],
)
def test_effective_status_follows_today_and_voided_is_sticky(end, voided, expected):
    warranty = WarrantyFactory(
        warranty_start=end - datetime.timedelta(days=30), warranty_end=end, voided=voided
    )
    annotated = Warranty.objects.with_status(TODAY).get(pk=warranty.pk)
    assert annotated.effective_status == expected
    assert warranty.status_on(TODAY) == expected
    assert list(Warranty.objects.in_status(expected, TODAY)) == [warranty]


def test_status_changes_as_days_pass_without_any_write():
    warranty = WarrantyFactory(
        warranty_start=datetime.date(2024, 1, 1), warranty_end=datetime.date(2025, 6, 15)
    )
    on_last_day = Warranty.objects.with_status(datetime.date(2025, 6, 15)).get(pk=warranty.pk)
    day_after = Warranty.objects.with_status(datetime.date(2025, 6, 16)).get(pk=warranty.pk)
    assert on_last_day.effective_status == WarrantyStatus.ACTIVE
    assert day_after.effective_status == WarrantyStatus.EXPIRED


def test_expiring_means_active_and_ending_within_thirty_days_inclusive():
    def ending(days, voided=False):
        end = TODAY + datetime.timedelta(days=days)
        return WarrantyFactory(
            warranty_start=end - datetime.timedelta(days=365), warranty_end=end, voided=voided
        )

    today, in_thirty = ending(0), ending(30)
    ending(31)
    ending(-1)
    ending(10, voided=True)
    assert set(Warranty.objects.expiring(today=TODAY)) == {today, in_thirty}
    assert set(Warranty.objects.expiring(within_days=0, today=TODAY)) == {today}
