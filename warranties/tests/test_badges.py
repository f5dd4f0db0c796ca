"""The badge's words, one definition for every page and the form (warranties/badges.py)."""

import datetime

import pytest

from warranties.badges import badge_of, badge_table
from warranties.models import warranty_type_label

TODAY = datetime.date(2026, 7, 1)


@pytest.mark.parametrize(
    ("status", "end", "date_format", "expected"),
    [
        (
            "EXPIRED",
            datetime.date(2026, 8, 14),
            "DD/MM/YYYY",
            ("Expired on 14/08/2026", "text-bg-secondary"),
        ),
        ("EXPIRED", datetime.date(2026, 6, 14), "", ("Expired on 06/14/2026", "text-bg-secondary")),
        ("ACTIVE", datetime.date(2026, 7, 13), "", ("Expires in 12 days", "text-bg-warning")),
        ("ACTIVE", datetime.date(2026, 7, 2), "", ("Expires tomorrow", "text-bg-warning")),
        ("ACTIVE", TODAY, "", ("Expires today", "text-bg-warning")),
        (
            "ACTIVE",
            datetime.date(2027, 8, 14),
            "DD.MM.YYYY",
            ("Active until 14.08.2027", "text-bg-success"),
        ),
        (
            "ACTIVE",
            datetime.date(2027, 8, 14),
            "short",
            ("Active until Aug 14, 2027", "text-bg-success"),
        ),
        ("VOIDED", datetime.date(2027, 8, 14), "", ("Voided", "text-bg-danger")),
    ],
)
def test_each_state_reads_in_words_with_the_household_date(status, end, date_format, expected):
    assert badge_of(status, end, TODAY, date_format) == expected


def test_no_status_no_badge():
    assert badge_of(None, TODAY, TODAY) is None


def test_the_form_receives_the_same_words():
    table = badge_table()
    assert table["words"]["EXPIRED"] == "Expired on {date}"
    assert table["badges"]["EXPIRING"] == ["Expires in {days} days", "text-bg-warning"]


@pytest.mark.parametrize(
    ("stored", "label"),
    [
        ("EXTENDED", "Extended warranty"),
        ("limited", "Limited warranty"),
        ("service plan", "Service plan"),
        ("Care pack", "Care pack"),  # typed before the list: shown as stored
        (None, ""),
    ],
)
def test_warranty_types_show_their_label(stored, label):
    assert warranty_type_label(stored) == label
