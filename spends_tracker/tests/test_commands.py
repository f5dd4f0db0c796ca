from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from catalog.models import Brand, Retailer
from purchases.models import Purchase
from warranties.models import Warranty

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_demo_without_purchases_loads_only_the_default_catalog():
    output = run("purchases_demo")
    assert "Added 8 retailers, 10 brands and 0 demo purchases." in output
    assert not Purchase.objects.exists()


def test_demo_purchases_come_with_warranties_and_loading_again_adds_nothing():
    assert "25 demo purchases" in run("purchases_demo", "--purchases", "25")
    assert "0 demo purchases" in run("purchases_demo", "--purchases", "25")
    assert Purchase.objects.count() == 25
    assert Retailer.objects.count() == 8 and Brand.objects.count() == 10
    assert Warranty.objects.count() >= 25
    assert not Purchase.objects.filter(warranties__isnull=True).exists()


def test_the_same_seed_gives_the_same_purchases():
    def snapshot():
        return sorted(
            Purchase.objects.values_list(
                "id", "product_name", "price", "purchase_date", "retailer__name", "serial_number"
            )
        )

    run("purchases_demo", "--purchases", "10", "--seed", "7")
    first = snapshot()
    Purchase.objects.all().delete()
    run("purchases_demo", "--purchases", "10", "--seed", "7")
    assert snapshot() == first
    run("purchases_demo", "--purchases", "10", "--seed", "8")
    assert Purchase.objects.count() == 20


def test_demo_extends_a_smaller_earlier_load_with_the_same_rows():
    run("purchases_demo", "--purchases", "5")
    first_five = set(Purchase.objects.values_list("id", "serial_number"))
    run("purchases_demo", "--purchases", "8")
    assert Purchase.objects.count() == 8
    assert first_five <= set(Purchase.objects.values_list("id", "serial_number"))


def test_demo_refuses_a_negative_count():
    with pytest.raises(CommandError, match="zero or more"):
        run("purchases_demo", "--purchases", "-1")


def test_ensure_admin_creates_one_administrator_and_prints_the_password_once():
    output = run("spends_ensure_admin")
    password = output.split("password: ")[1].split()[0]
    admin = get_user_model().objects.get()
    assert admin.is_superuser and admin.check_password(password)

    again = run("spends_ensure_admin")
    assert "exists already" in again
    assert password not in again
    assert get_user_model().objects.count() == 1
