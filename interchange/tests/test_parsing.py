import datetime
import uuid
from decimal import Decimal

import pytest

from interchange.parsing import (
    parse_date,
    parse_datetime,
    parse_enum,
    parse_flag,
    parse_id,
    parse_money,
    parse_text,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-03-14", datetime.date(2025, 3, 14)),
        ("2025-03-14T09:21:07.412Z", datetime.date(2025, 3, 14)),
        ("2025-03-14 09:21:07", datetime.date(2025, 3, 14)),
        ("2024-02-29", datetime.date(2024, 2, 29)),
        ("", None),
        (None, None),
    ],
)
def test_dates_are_read_from_dates_and_datetimes(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["14/03/2025", "2025-02-30", "20250314", "0", "soon"])
def test_other_date_spellings_are_refused(value):
    with pytest.raises(ValueError):
        parse_date(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-03-14 09:21:07", datetime.datetime(2025, 3, 14, 9, 21, 7, tzinfo=datetime.UTC)),
        (
            "2025-03-14 09:21:07.118302",
            datetime.datetime(2025, 3, 14, 9, 21, 7, 118302, tzinfo=datetime.UTC),
        ),
        ("2025-03-14T09:21:07Z", datetime.datetime(2025, 3, 14, 9, 21, 7, tzinfo=datetime.UTC)),
        (
            "2025-03-14T11:21:07+02:00",
            datetime.datetime(2025, 3, 14, 9, 21, 7, tzinfo=datetime.UTC),
        ),
        (None, None),
    ],
)
def test_datetimes_are_read_in_every_legacy_spelling_and_naive_means_utc(value, expected):
    assert parse_datetime(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("999.99", Decimal("999.99")),
        (999.999, Decimal("1000.00")),
        ("10", Decimal("10.00")),
        (10.0, Decimal("10.00")),
        ("0.005", Decimal("0.01")),
        (" 12.345 ", Decimal("12.35")),
    ],
)
def test_money_is_rounded_half_up(value, expected):
    assert parse_money(value) == expected


@pytest.mark.parametrize("value", [0, "0.004", -5, "", None, "abc", True, "1e400", "NaN"])
def test_money_that_is_not_a_positive_amount_is_refused(value):
    with pytest.raises(ValueError):
        parse_money(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1, True),
        (0, False),
        ("1", True),
        ("0", False),
        (True, True),
        ("false", False),
        (None, False),
    ],
)
def test_flags(value, expected):
    assert parse_flag(value) is expected


def test_a_flag_that_is_not_boolean_is_refused():
    with pytest.raises(ValueError):
        parse_flag("maybe")


@pytest.mark.parametrize(
    "value", ["ACTIVE", "active", "WarrantyStatus.ACTIVE", "warrantystatus.active"]
)
def test_enum_spellings_of_both_formats(value):
    assert parse_enum(value, ["ACTIVE", "EXPIRED", "VOIDED"]) == "ACTIVE"


@pytest.mark.parametrize("value", ["receipt", "RECEIPT", "FileType.RECEIPT"])
def test_file_types_keep_the_lower_case_value(value):
    assert parse_enum(value, ["receipt", "manual", "photo", "warranty", "other"]) == "receipt"


def test_unknown_enum_values_are_refused():
    with pytest.raises(ValueError):
        parse_enum("LOST", ["ACTIVE", "EXPIRED", "VOIDED"])


def test_ids_with_and_without_dashes_and_hand_edited_ones():
    known = uuid.UUID("3f6c2a9e-1b7d-4c55-9e0a-2d8f41b7c019")
    assert parse_id(str(known)) == known
    assert parse_id(known.hex) == known
    assert parse_id("purchase-1") is None
    assert parse_id(None) is None


def test_text_blank_is_none_and_length_is_checked():
    assert parse_text("  ") is None
    assert parse_text("Kettle") == "Kettle"
    with pytest.raises(ValueError):
        parse_text("x" * 101, max_length=100)
