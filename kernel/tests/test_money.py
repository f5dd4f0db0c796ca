"""Currencies and their minor units (kernel/money.py)."""

from decimal import Decimal

import pytest
from babel.numbers import get_currency_precision

from kernel.money import (
    CURRENCIES_IN_USE,
    ISO_4217_CODES,
    MINOR_UNITS_NOT_TWO,
    currency_name,
    minor_units,
    quantize_in,
)

# The currencies in use where CLDR writes fewer places than ISO 4217 holds (kernel/money.py).
CLDR_WRITES_FEWER = {
    "AFN", "ALL", "COP", "HUF", "IDR", "IQD", "IRR", "KPW", "LAK", "LBP", "MGA", "MMK", "SOS",
    "SYP", "YER",
}  # fmt: skip


@pytest.mark.parametrize(("code", "places"), [("JPY", 0), ("KWD", 3), ("USD", 2), ("jpy ", 0)])
def test_each_currency_has_its_minor_units(code, places):
    assert minor_units(code) == places
    assert quantize_in(Decimal("1.23456"), code) == Decimal("1.23456").quantize(
        Decimal(1).scaleb(-places)
    )


def test_the_minor_units_are_cldrs_except_where_cldr_writes_fewer_places():
    differing = {
        code for code in CURRENCIES_IN_USE if minor_units(code) != get_currency_precision(code)
    }
    assert differing == CLDR_WRITES_FEWER
    assert set(MINOR_UNITS_NOT_TWO) <= ISO_4217_CODES


def test_the_codes_are_every_legal_tender_and_no_fund_metal_or_test_code():
    assert {"USD", "EUR", "JPY", "KWD", "CNY", "SEK", "ARS"} <= ISO_4217_CODES
    # Withdrawn, still in the ECB's history: a rate or an old purchase in them can be entered.
    assert {"CYP", "EEK", "HRK", "LTL", "LVL", "MTL", "ROL", "SIT", "SKK", "TRL", "DEM"} <= (
        ISO_4217_CODES
    )
    assert not {"XAU", "XDR", "XTS", "XXX", "BOV", "CLF"} & ISO_4217_CODES
    assert {"EUR", "SEK", "KWD"} <= CURRENCIES_IN_USE
    assert not {"DEM", "HRK", "CYP"} & CURRENCIES_IN_USE
    assert CURRENCIES_IN_USE < ISO_4217_CODES


def test_a_currency_has_its_english_name():
    assert currency_name("EUR") == "Euro"
    assert currency_name("JPY") == "Japanese Yen"
    assert currency_name("XYZ") == "XYZ"
