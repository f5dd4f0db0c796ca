"""Money is a Decimal with two places everywhere: in the database, in Python and on the wire."""

from decimal import ROUND_HALF_UP, Decimal

MONEY_MAX_DIGITS = 10  # up to 99 999 999.99
MONEY_DECIMAL_PLACES = 2
MONEY_QUANTUM = Decimal("0.01")
DEFAULT_CURRENCY_CODE = "USD"


def quantize_money(value: Decimal | int | str) -> Decimal:
    """Return VALUE rounded half-up to two decimal places (never through float)."""
    return Decimal(str(value)).quantize(MONEY_QUANTUM, rounding=ROUND_HALF_UP)


# --- Currencies (ISO 4217) ------------------------------------------------------------------------

# The codes of the currencies people pay in: ISO 4217's list without its funds, precious metals and
# testing codes, plus the withdrawn codes the ECB's reference rates still carry for their years
# (CYP, EEK, HRK, LTL, LVL, MTL, ROL, SIT, SKK, TRL) so that a rate of those years can be entered.
_ISO_4217_WORDS = """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP
    BYN BZD CAD CDF CHF CLP CNY COP CRC CUC CUP CVE CYP CZK DJF DKK DOP DZD EEK EGP ERN ETB EUR
    FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HRK HTG HUF IDR ILS INR IQD IRR ISK JMD JOD
    JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LTL LVL LYD MAD MDL MGA MKD MMK
    MNT MOP MRU MTL MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN
    PYG QAR ROL RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SIT SKK SLE SLL SOS SRD SSP STN SVC
    SYP SZL THB TJS TMT TND TOP TRL TRY TTD TWD TZS UAH UGX USD UYU UZS VED VES VND VUV WST XAF
    XCD XCG XOF XPF YER ZAR ZMW ZWG ZWL
"""
ISO_4217_CODES = frozenset(_ISO_4217_WORDS.split())

# ISO 4217's minor units where they are not 2 (HUF, for one, is 2 there even though forints
# are paid in whole numbers): an amount in these currencies has this many decimal places.
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
