"""The one notion of "today" used by warranty status, filters and analytics."""

import calendar
import datetime

from django.utils import timezone


def today() -> datetime.date:
    """Return the current calendar date in the configured TIME_ZONE."""
    return timezone.localdate()


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Return DAY moved by MONTHS calendar months, clamped to the target month's last day.

    31 January + 1 month is 28 (or 29) February.
    """
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    return datetime.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))
