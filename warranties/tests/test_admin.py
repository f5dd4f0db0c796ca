import datetime

import pytest
from django.urls import reverse

from kernel import clock
from warranties.models import Warranty
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:warranties_warranty_changelist")


def test_changelist_filters_by_effective_state(staff_client, django_assert_max_num_queries):
    today = clock.today()
    expiring = WarrantyFactory(
        warranty_start=today - datetime.timedelta(days=300),
        warranty_end=today + datetime.timedelta(days=5),
    )
    WarrantyFactory(
        warranty_start=today - datetime.timedelta(days=300),
        warranty_end=today - datetime.timedelta(days=5),
    )
    WarrantyFactory.create_batch(
        20,
        warranty_start=today - datetime.timedelta(days=300),
        warranty_end=today + datetime.timedelta(days=200),
    )

    with django_assert_max_num_queries(10):
        response = staff_client.get(CHANGELIST, {"warranty_state": "EXPIRING"})

    assert list(response.context["cl"].result_list) == [expiring]


def test_void_action_voids_the_selected_warranties(staff_client):
    warranty = WarrantyFactory()
    response = staff_client.post(
        CHANGELIST, {"action": "void", "_selected_action": [str(warranty.pk)]}, follow=True
    )
    assert "Voided 1 warranties." in response.text
    assert Warranty.objects.get(pk=warranty.pk).voided


def test_add_form_renders(staff_client):
    assert staff_client.get(reverse("admin:warranties_warranty_add")).status_code == 200
