"""The warranty services called directly: dates, voiding, authorship, the data version and the
warranty rollup (the API's tests cover the HTTP side)."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from accounts.tests.factories import MemberFactory
from kernel.summaries import summaries_in_step
from kernel.versioning import data_version
from purchases.rollups import rollups_brought_in_step
from purchases.tests.factories import PurchaseFactory
from warranties.models import Warranty, WarrantyRollup
from warranties.services import (
    CREATED_FROM_PURCHASE,
    warranties_set_voided,
    warranty_create,
    warranty_delete,
    warranty_set_primary_end,
    warranty_update,
)
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db

JAN_1 = datetime.date(2024, 1, 1)


def rollup() -> dict[tuple, int]:
    return {
        (row.warranty_end, row.voided): row.warranty_count for row in WarrantyRollup.objects.all()
    }


def purchases_in_step(count: int = 1):
    """Purchases made by the factory (around the services), then the rollups brought in step,
    so that what a service then changes in them can be seen."""
    purchases = PurchaseFactory.create_batch(count)
    rollups_brought_in_step()
    return purchases


def test_creating_a_warranty_with_a_duration_ends_it_in_calendar_months():
    purchase = PurchaseFactory(purchase_date=datetime.date(2024, 1, 31))
    warranty = warranty_create(
        purchase=purchase, data={"warranty_start": purchase.purchase_date, "duration_months": 1}
    )
    assert Warranty.objects.get(pk=warranty.pk).warranty_end == datetime.date(2024, 2, 29)


def test_a_warranty_ending_before_it_starts_is_refused_and_nothing_is_stored():
    purchase = PurchaseFactory()
    with pytest.raises(ValidationError):
        warranty_create(
            purchase=purchase,
            data={"warranty_start": JAN_1, "warranty_end": JAN_1 - datetime.timedelta(days=1)},
        )
    assert not Warranty.objects.exists()


def test_creating_a_warranty_voided_stores_it_voided():
    warranty = warranty_create(
        purchase=PurchaseFactory(),
        data={"warranty_start": JAN_1, "warranty_end": JAN_1, "status": "VOIDED"},
    )
    assert Warranty.objects.get(pk=warranty.pk).voided


def test_unknown_fields_in_the_data_are_not_written():
    warranty = warranty_create(
        purchase=PurchaseFactory(),
        data={"warranty_start": JAN_1, "warranty_end": JAN_1, "voided": True, "id": None},
    )
    stored = Warranty.objects.get(pk=warranty.pk)
    assert stored.voided is False


def test_the_person_who_adds_a_warranty_is_its_author_and_not_its_last_changer():
    person = MemberFactory()
    warranty = warranty_create(
        purchase=PurchaseFactory(),
        data={"warranty_start": JAN_1, "warranty_end": JAN_1},
        actor=person,
    )
    stored = Warranty.objects.get(pk=warranty.pk)
    assert (stored.created_by, stored.updated_by, stored.updated_at) == (person, None, None)


def test_the_person_who_changes_a_warranty_becomes_its_last_changer():
    author, editor = MemberFactory(), MemberFactory()
    warranty = WarrantyFactory(created_by=author)
    warranty_update(warranty=warranty, data={"provider": "Shop"}, actor=editor)
    stored = Warranty.objects.get(pk=warranty.pk)
    assert (stored.created_by, stored.updated_by, stored.provider) == (author, editor, "Shop")
    assert stored.updated_at is not None


def test_an_anonymous_actor_is_recorded_as_no_one():
    warranty = warranty_create(
        purchase=PurchaseFactory(),
        data={"warranty_start": JAN_1, "warranty_end": JAN_1},
        actor=AnonymousUser(),
    )
    assert Warranty.objects.get(pk=warranty.pk).created_by is None


def test_an_update_with_a_duration_counts_from_the_new_start():
    warranty = WarrantyFactory(warranty_start=JAN_1, warranty_end=JAN_1)
    warranty_update(
        warranty=warranty, data={"warranty_start": datetime.date(2024, 3, 1), "duration_months": 2}
    )
    assert Warranty.objects.get(pk=warranty.pk).warranty_end == datetime.date(2024, 5, 1)


def test_asking_for_an_active_status_lifts_a_void():
    warranty = WarrantyFactory(voided=True)
    warranty_update(warranty=warranty, data={"status": "ACTIVE"})
    assert not Warranty.objects.get(pk=warranty.pk).voided


def test_every_warranty_service_changes_the_data_version():
    purchase = PurchaseFactory()
    versions = [data_version()]
    warranty = warranty_create(
        purchase=purchase, data={"warranty_start": JAN_1, "warranty_end": JAN_1}
    )
    versions.append(data_version())
    warranty_update(warranty=warranty, data={"notes": "Receipt in the drawer"})
    versions.append(data_version())
    warranties_set_voided(warranties=Warranty.objects.all(), voided=True)
    versions.append(data_version())
    warranty_delete(warranty=warranty)
    versions.append(data_version())
    assert len(set(versions)) == len(versions)


def test_creating_moving_and_deleting_a_warranty_keeps_the_rollup_in_step():
    [purchase] = purchases_in_step()
    later = JAN_1 + datetime.timedelta(days=30)
    warranty = warranty_create(
        purchase=purchase, data={"warranty_start": JAN_1, "warranty_end": JAN_1}
    )
    assert rollup() == {(JAN_1, False): 1}
    warranty_update(warranty=warranty, data={"warranty_end": later})
    assert rollup() == {(later, False): 1}
    warranty_delete(warranty=warranty)
    assert rollup() == {}
    assert summaries_in_step()


def test_a_refused_update_leaves_the_warranty_and_the_rollup_as_they_were():
    [purchase] = purchases_in_step()
    warranty = warranty_create(
        purchase=purchase, data={"warranty_start": JAN_1, "warranty_end": JAN_1}
    )
    before = data_version()
    with pytest.raises(ValidationError):
        warranty_update(warranty=warranty, data={"warranty_end": JAN_1 - datetime.timedelta(1)})
    assert Warranty.objects.get(pk=warranty.pk).warranty_end == JAN_1
    assert rollup() == {(JAN_1, False): 1}
    assert data_version() == before


def test_voiding_in_bulk_counts_only_the_warranties_that_change_and_stamps_the_actor():
    person = MemberFactory()
    first, second = purchases_in_step(2)
    already = warranty_create(
        purchase=first,
        data={"warranty_start": JAN_1, "warranty_end": JAN_1, "status": "VOIDED"},
    )
    changing = warranty_create(
        purchase=second, data={"warranty_start": JAN_1, "warranty_end": JAN_1}
    )
    changed = warranties_set_voided(warranties=Warranty.objects.all(), voided=True, actor=person)
    assert changed == 1
    assert Warranty.objects.get(pk=changing.pk).updated_by == person
    assert Warranty.objects.get(pk=already.pk).updated_by is None
    assert rollup() == {(JAN_1, True): 2}
    assert summaries_in_step()


def test_setting_the_primary_end_creates_a_warranty_from_the_purchase_date():
    person = MemberFactory()
    purchase = PurchaseFactory(purchase_date=JAN_1)
    warranty_set_primary_end(purchase=purchase, end=datetime.date(2025, 1, 1), actor=person)
    created = Warranty.objects.get(purchase=purchase)
    assert (created.warranty_start, created.warranty_end) == (JAN_1, datetime.date(2025, 1, 1))
    assert (created.notes, created.created_by) == (CREATED_FROM_PURCHASE, person)


def test_setting_the_primary_end_moves_only_the_primary_warranty():
    purchase = PurchaseFactory(purchase_date=JAN_1)
    other = WarrantyFactory(purchase=purchase, warranty_end=datetime.date(2024, 6, 1))
    primary = WarrantyFactory(purchase=purchase, warranty_end=datetime.date(2025, 6, 1))
    warranty_set_primary_end(purchase=purchase, end=datetime.date(2026, 1, 1))
    assert Warranty.objects.get(pk=primary.pk).warranty_end == datetime.date(2026, 1, 1)
    assert Warranty.objects.get(pk=other.pk).warranty_end == datetime.date(2024, 6, 1)


def test_setting_the_primary_end_before_its_start_says_when_it_starts():
    purchase = PurchaseFactory(purchase_date=JAN_1)
    with pytest.raises(ValidationError) as raised:
        warranty_set_primary_end(purchase=purchase, end=datetime.date(2023, 12, 31))
    assert raised.value.message_dict == {
        "warranty_expiry": ["The warranty cannot end before it starts (2024-01-01)."]
    }
    assert not Warranty.objects.exists()


def test_setting_no_primary_end_deletes_the_primary_warranty_only():
    purchase = PurchaseFactory(purchase_date=JAN_1)
    other = WarrantyFactory(purchase=purchase, warranty_end=datetime.date(2024, 6, 1))
    WarrantyFactory(purchase=purchase, warranty_end=datetime.date(2025, 6, 1))
    warranty_set_primary_end(purchase=purchase, end=None)
    assert list(Warranty.objects.values_list("pk", flat=True)) == [other.pk]


def test_setting_the_same_primary_end_again_does_not_make_the_actor_its_last_changer():
    person = MemberFactory()
    warranty = WarrantyFactory(warranty_start=JAN_1, warranty_end=datetime.date(2025, 1, 1))
    warranty_set_primary_end(
        purchase=warranty.purchase, end=datetime.date(2025, 1, 1), actor=person
    )
    assert Warranty.objects.get(pk=warranty.pk).updated_by is None
