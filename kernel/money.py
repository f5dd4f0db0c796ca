"""Money is a Decimal with two places everywhere: in the database, in Python and on the wire."""

from decimal import ROUND_HALF_UP, Decimal

from babel.core import get_global
from babel.numbers import get_currency_name

MONEY_MAX_DIGITS = 10  # up to 99 999 999.99
MONEY_DECIMAL_PLACES = 2
MONEY_QUANTUM = Decimal("0.01")
DEFAULT_CURRENCY_CODE = "USD"


def quantize_money(value: Decimal | int | str) -> Decimal:
    """Return VALUE rounded half-up to two decimal places (never through float)."""
    return Decimal(str(value)).quantize(MONEY_QUANTUM, rounding=ROUND_HALF_UP)


# --- Currencies (ISO 4217) ------------------------------------------------------------------------

# The codes come from Babel's copy of CLDR rather than a list of our own, so a new currency arrives
# with the library: every code that is or was legal tender somewhere. That is ISO 4217's list
# without its funds, precious metals and testing codes (XAU, XDR, XTS…), with its withdrawn codes
# (the franc, the mark, and the codes the ECB's reference rates still carry for their years: CYP,
# EEK, HRK, LTL, LVL, MTL, ROL, SIT, SKK, TRL), so that an old purchase or rate can be entered.
_TERRITORY_CURRENCIES = get_global("territory_currencies")
ISO_4217_CODES = frozenset(
    code
    for currencies in _TERRITORY_CURRENCIES.values()
    for code, _start, _end, tender in currencies
    if tender
)
# (VED, the digital bolívar, is not legal tender in CLDR and is left out: VES is.)
# The ones some territory pays in today, for the forms' lists (docs/api.md §2.5).
CURRENCIES_IN_USE = frozenset(
    code
    for currencies in _TERRITORY_CURRENCIES.values()
    for code, _start, end, tender in currencies
    if tender and end is None
)


def currency_name(currency_code: str, language: str = "en") -> str:
    """Return the currency's name in LANGUAGE ("EUR" → "Euro", "USD" → "US-Dollar" in German),
    or the code when CLDR has none."""
    return get_currency_name(currency_code, locale=language) if currency_code else ""


# ISO 4217's minor units where they are not 2 (HUF, for one, is 2 there even though forints
# are paid in whole numbers): an amount in these currencies has this many decimal places.
# Babel has no copy of them: its `get_currency_precision` is CLDR's, which is how many places
# people *write*, and that is fewer than ISO 4217 for 15 currencies in use (HUF, IDR, COP, IQD…).
# Pages write amounts CLDR's way (preferences/formats.py); conversions keep ISO 4217's places
# (docs/currencies.md §3), so that a rounding never loses what the currency can hold. A test
# (kernel/tests/test_money.py) holds this table to CLDR's for the currencies in use except those
# 15. Withdrawn codes (ITL, ESP…) take 2 here, which only matters to a base currency.
_NO_DECIMALS = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF"
_THREE_DECIMALS = "BHD IQD JOD KWD LYD OMR TND"
MINOR_UNITS_NOT_TWO = {
    **dict.fromkeys(_NO_DECIMALS.split(), 0),
    **dict.fromkeys(_THREE_DECIMALS.split(), 3),
}


def minor_units(currency_code: str) -> int:
    """Return how many decimal places an amount in CURRENCY_CODE has (ISO 4217; 2 if unknown)."""
    return MINOR_UNITS_NOT_TWO.get((currency_code or "").strip().upper(), 2)


def quantize_in(value: Decimal, currency_code: str) -> Decimal:
    """Return VALUE rounded half-up to CURRENCY_CODE's minor units ("JPY" 1234, "KWD" 1.235).

    Half-up, like `quantize_money`: the rule the API already states for amounts (docs/api.md
    §2.2), so one amount is never rounded two ways.
    """
    return value.quantize(Decimal(1).scaleb(-minor_units(currency_code)), rounding=ROUND_HALF_UP)
