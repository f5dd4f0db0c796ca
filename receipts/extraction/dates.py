"""Dates on a receipt's lines, and which of them is the purchase's.

Numbers ("14.03.2025", "14/03/25", "2025-03-14") are read here: day first, except on a receipt in
dollars, where the month comes first, unless only the other order makes a date. Dates with a
month's name ("14. März 2025", "14 de marzo de 2025", "March 14, 2025") are read by dateparser in
English, German, French and Spanish. A date after today or before 1990 is no purchase date.

Each date is scored by the words before it on its line: an order's or invoice's date is the
purchase's; "Date", "Datum", "Fecha" nearly so; a due date, a delivery date or a validity is not;
an e-mail's own Date header is the day it was sent, which for a forwarded order is later.
"""

import datetime
import re
from dataclasses import dataclass

import dateparser

LANGUAGES = ["en", "de", "fr", "es"]
EARLIEST = datetime.date(1990, 1, 1)

_NUMERIC = re.compile(
    r"(?<!\d)(?:(?P<y>(?:19|20)\d{2})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"|(?P<a>\d{1,2})\s?[./-]\s?(?P<b>\d{1,2})\s?[./-]\s?(?P<year>(?:19|20)?\d{2}))(?![\d.,]\d)"
)
_WORD = r"[^\W\d_]{3,10}\.?"
_NAMED = re.compile(
    rf"(?<!\d)\d{{1,2}}\.?\s+(?:de\s+)?{_WORD}\s+(?:de\s+)?(?:19|20)\d{{2}}"
    rf"|\b{_WORD}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d{{2}}",
    re.IGNORECASE,
)
# Words before a date, and how surely they make it the purchase's date.
_LABELS = [
    (
        0.2,
        r"due|f[äa]llig|[ée]ch[ée]ance|vencimiento|deliver|liefer|livraison|entrega|valid|g[üu]ltig|expir|bis\b|until|hasta|jusqu",
    ),
    (
        1.0,
        r"order|invoice|purchase|bestell|rechnungs|kauf|beleg|commande|facture|achat|pedido|factura|compra|ticket",
    ),
    (0.6, r"^date:.*\d{2}:\d{2}:\d{2}"),  # an e-mail's header: the day it was sent
    (0.9, r"date|datum|fecha|\bdatado|\bdated"),
]
UNLABELLED = 0.5


@dataclass(frozen=True)
class FoundDate:
    value: datetime.date
    score: float
    line_number: int


def dates(lines: list[str], *, month_first: bool, today: datetime.date) -> list[FoundDate]:
    """The dates on LINES that can be a purchase's, best first (then in reading order)."""
    found = []
    for number, line in enumerate(lines):
        for start, value in _line_dates(line, month_first):
            if EARLIEST <= value <= today:
                found.append(FoundDate(value, _score(line[:start], line), number))
    return sorted(found, key=lambda f: (-f.score, f.line_number))


def _line_dates(line: str, month_first: bool):
    for match in _NUMERIC.finditer(line):
        value = _numeric(match, month_first)
        if value:
            yield match.start(), value
    for match in _NAMED.finditer(line):
        parsed = dateparser.parse(
            match.group(0),
            languages=LANGUAGES,
            settings={"PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["day", "month", "year"]},
        )
        if parsed:
            yield match.start(), parsed.date()


def _numeric(match: re.Match, month_first: bool) -> datetime.date | None:
    if match["y"]:
        return _date(int(match["y"]), int(match["m"]), int(match["d"]))
    year = int(match["year"])
    year += 2000 if year < 100 else 0
    first, second = int(match["a"]), int(match["b"])
    orders = (
        [(second, first), (first, second)] if month_first else [(first, second), (second, first)]
    )
    for day, month in orders:
        value = _date(year, month, day)
        if value:
            return value
    return None


def _date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _score(before: str, line: str) -> float:
    for score, pattern in _LABELS:
        text = line if pattern.startswith("^") else before
        if re.search(pattern, text, re.IGNORECASE):
            return score
    return UNLABELLED
