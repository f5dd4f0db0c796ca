"""Fixtures of the analytics edge cases: today pinned for every test of this folder, and five
products whose rankings differ."""

import pytest

from analytics.tests.edge_cases.helpers import TODAY, buy, pin_today


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    pin_today(monkeypatch, TODAY)


@pytest.fixture
def products():
    """Five products whose rankings by count, total and average all differ."""
    for price in ["50.00", "50.00", "50.00"]:
        buy(price, product_name="Kettle")  # 3, 150.00, 50.00
    for price in ["10.00", "20.00"]:
        buy(price, product_name="Blender")  # 2, 30.00, 15.00
    # Whole amounts whose average is not whole: a database dividing integers would say 100.
    for price in ["100.00", "101.00"]:
        buy(price, product_name="Mixer")  # 2, 201.00, 100.50
    buy("100.25", product_name="Oven")  # 1, 100.25, 100.25
    buy("900.00", product_name="Laptop")  # 1, 900.00, 900.00
