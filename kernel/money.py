"""Money is a Decimal with two places everywhere: in the database, in Python and on the wire."""

from decimal import ROUND_HALF_UP, Decimal

MONEY_MAX_DIGITS = 10  # up to 99 999 999.99
MONEY_DECIMAL_PLACES = 2
MONEY_QUANTUM = Decimal("0.01")
DEFAULT_CURRENCY_CODE = "USD"


def quantize_money(value: Decimal | int | str) -> Decimal:
    """Return VALUE rounded half-up to two decimal places (never through float)."""
    return Decimal(str(value)).quantize(MONEY_QUANTUM, rounding=ROUND_HALF_UP)
