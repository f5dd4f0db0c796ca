"""Amounts on a receipt's lines: the total, its currency, and the line items.

An amount is a number with two decimals ("1.249,50", "1,249.50", "1 249,50", "1'249.50"),
optionally with a currency sign or code before or after it. The last separator before the two
decimals is the decimal separator, whatever the language; price-parser reads the number with it
as a Decimal. Whole numbers ("2", "19%", "2025") are never amounts, so quantities, rates and
years are not mistaken for one.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

from price_parser import Price

# Currency signs and codes, and the ISO code each stands for. "$" is read as US dollars: the
# four languages' receipts that use it are American ones.
CURRENCIES = {
    "€": "EUR",
    "EUR": "EUR",
    "$": "USD",
    "US$": "USD",
    "USD": "USD",
    "£": "GBP",
    "GBP": "GBP",
    "CHF": "CHF",
    "FR.": "CHF",
    "SFR": "CHF",
}
_CURRENCY = r"(?:US\$|[€$£]|\b(?:EUR|USD|GBP|CHF|SFR|Fr\.)(?![A-Za-z]))"
# Groups of thousands apart by a point, a comma, an apostrophe (straight or curly, as in Swiss
# francs) or a space (plain, narrow or non-breaking, as in French); or no groups at all. Never
# the start of a date ("04.03.2026") or of a rate ("19,00%").
_GROUP = "[.,'\u2019\u202f\u00a0 ]"
_END = r"(?![\d%]|[.,/-]\d)"
_NUMBER = (
    rf"(?<![\d.,])-?\d{{1,3}}(?:{_GROUP}\d{{3}})*[.,]\d{{2}}{_END}"
    rf"|(?<![\d.,])-?\d{{4,7}}[.,]\d{{2}}{_END}"
)
AMOUNT = re.compile(
    rf"(?P<before>{_CURRENCY})?\s?(?P<number>{_NUMBER})\s?(?P<after>{_CURRENCY})?", re.IGNORECASE
)

# The words of a total line, strongest first (a line is scored by the first that matches), and
# the words of lines that carry an amount but are not the total.
TOTAL_WORDS = [
    (
        1.0,
        r"grand\s*total|order\s*total|total\s*(?:ttc|a\s*pagar|due|amount|eur|chf)|montant\s*total|importe\s*total|gesamtbetrag|endbetrag|rechnungsbetrag|zu\s*zahlen|net\s*[àa]\s*payer|amount\s*due|balance\s*due",
    ),
    (0.9, r"\btotal\b|\bsumme\b|\bgesamt\b|\bimporte\b|\bmontant\b"),
]
NOT_TOTAL = re.compile(
    r"sub\s*-?\s*total|sous\s*-?\s*total|zwischen\s*summe|subtotal|total\s*(?:ht|net|items?|savings?|tax|vat|tva|iva)\b"
    r"|\b(?:mwst|ust|vat|tva|iva|tax|steuer|netto)\b|shipping|versand|livraison|env[íi]o|rabatt|discount|remise|descuento",
    re.IGNORECASE,
)
# Lines that are not items even though they end with an amount.
NOT_ITEM = re.compile(
    r"total|summe|gesamt|montant|importe|\b(?:mwst|ust|vat|tva|iva|tax)\b|steuer|shipping|versand|livraison|env[íi]o"
    r"|cash|change|card|visa|mastercard|bar\b|r[üu]ckgeld|karte|esp[èe]ces|rendu|carte|efectivo|cambio|tarjeta"
    r"|paid|bezahlt|pay[ée]|pagado|balance|tip|trinkgeld|pourboire|propina",
    re.IGNORECASE,
)
_QUANTITY = re.compile(
    r"^(?P<quantity>\d{1,3})\s*(?:x|\u00d7|\*)\s+|^(?P<leading>\d{1,3})\s+(?=[^\d\s])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Amount:
    value: Decimal
    currency: str | None
    start: int


def amounts(line: str) -> list[Amount]:
    """The amounts written on LINE, left to right."""
    found = []
    for match in AMOUNT.finditer(line):
        number = re.sub("['\u2019\u202f\u00a0 ]", "", match["number"])
        decimal_separator = number[-3]
        price = Price.fromstring(number, decimal_separator=decimal_separator)
        if price.amount is None:
            continue
        sign = match["before"] or match["after"]
        found.append(Amount(price.amount, currency_code(sign), match.start()))
    return found


def currency_code(sign: str | None) -> str | None:
    if not sign:
        return None
    return CURRENCIES.get(sign.upper())


def total_candidates(lines: list[str]) -> list[tuple[float, int, Amount]]:
    """(score, line number, amount) of each line that reads as a total, best first.

    A total line's amount is its last one; when the label stands alone (a table's amount column
    read on a line of its own), the amount of the next line counts, a little less surely."""
    candidates = []
    for number, line in enumerate(lines):
        score = _total_score(line)
        if not score:
            continue
        found = amounts(line)
        if found:
            candidates.append((score, number, found[-1]))
        elif _only_label(line) and (below := amounts(_line(lines, number + 1))):
            candidates.append((score - 0.25, number + 1, below[0]))
    # The strongest word wins; between equals, the later line (the total comes after the
    # subtotals and the lines it sums), then the larger amount.
    return sorted(candidates, key=lambda c: (c[0], c[1], c[2].value), reverse=True)


# "Total incl. VAT" is a total: the tax it names is included, not its own line.
_TAX_INCLUDED = re.compile(
    r"(?:incl\.?|inkl\.?|including|inklusive|dont|y compris)\s*(?:\w+\.?\s*)?"
    r"(?:vat|tax|mwst\.?|ust\.?|tva|iva)"
    r"|(?:iva|tva)\s*(?:incluid[oa]|inclus[e]?)",
    re.IGNORECASE,
)


def _line(lines: list[str], number: int) -> str:
    return lines[number] if number < len(lines) else ""


def _only_label(line: str) -> bool:
    """Whether LINE holds a total's words and nothing else (a table's head, "Qty Description
    Importe", holds other words too)."""
    rest = line
    for _, pattern in TOTAL_WORDS:
        rest = re.sub(pattern, " ", rest, flags=re.IGNORECASE)
    rest = re.sub(_CURRENCY, " ", rest, flags=re.IGNORECASE)
    return not re.search(r"[^\W\d_]{2,}", rest)


def _total_score(line: str) -> float:
    line = _TAX_INCLUDED.sub(" ", line)
    if NOT_TOTAL.search(line) and not re.search(TOTAL_WORDS[0][1], line, re.IGNORECASE):
        return 0.0
    for score, pattern in TOTAL_WORDS:
        if re.search(pattern, line, re.IGNORECASE):
            return score
    return 0.0


def document_currency(lines: list[str]) -> tuple[str | None, int | None]:
    """The currency named most often on LINES, and the first line naming it."""
    counts: dict[str, int] = {}
    first: dict[str, int] = {}
    for number, line in enumerate(lines):
        for match in re.finditer(_CURRENCY, line, re.IGNORECASE):
            code = currency_code(match.group(0))
            if code:
                counts[code] = counts.get(code, 0) + 1
                first.setdefault(code, number)
    if not counts:
        return None, None
    code = max(counts, key=lambda c: (counts[c], -first[c]))
    return code, first[code]


@dataclass(frozen=True)
class ItemLine:
    name: str
    amount: Decimal
    quantity: int
    line_number: int


def item_lines(lines: list[str], last: int) -> list[ItemLine]:
    """Lines before line LAST (the total) that read as an item: words, then an amount."""
    items = []
    for number, line in enumerate(lines[:last]):
        found = amounts(line)
        if len(found) not in (1, 2) or NOT_ITEM.search(line):
            continue
        name = line[: found[0].start].strip(" .:-*\t")
        quantity = 1
        if match := _QUANTITY.match(name):
            quantity = int(match["quantity"] or match["leading"])
            name = name[match.end() :].strip()
        if len(re.findall(r"[^\W\d_]", name)) < 3 or quantity < 1:
            continue
        items.append(ItemLine(name, found[-1].value, quantity, number))
    return items
