"""A purchase's fields read from a receipt's text: `read_fields(text, retailers, brands)`.

Each field is a `Field`: the value (a str, a `datetime.date` or a `Decimal`, never a float), a
confidence between 0 and 1, and the line it was read from (with its number), so that a form can
show why it suggests it. A field that cannot be read is None. The confidences are the rules'
own measure (docs/receipts.md, *Confidence*), not probabilities: a form may pre-fill fields at
0.5 and above and mark the rest as guesses.

- merchant: a known retailer found in the first lines or in the e-mail's sender (rapidfuzz
  forgives OCR's mistakes); otherwise the original sender's name of an e-mail; otherwise the
  first line that reads as a name (not an address, a date, a number or a document's title).
- purchase_date: `dates.py`.
- total and currency: `amounts.py`; the currency is the one written on the total's line, else
  the one the receipt names most.
- order_number: the code after "Order", "Bestellnummer", "Commande", "Pedido"... ; an invoice's
  number ("Invoice no.", "Rechnungsnummer", "Facture", "Factura") when there is no order number.
- items: the lines above the total that read as a name and an amount, with a known brand found
  in the name.
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Generic, TypeVar

from rapidfuzz import fuzz

from kernel import clock
from receipts.extraction.amounts import amounts, document_currency, item_lines, total_candidates
from receipts.extraction.dates import dates
from receipts.extraction.text import ReceiptText

T = TypeVar("T")

# How alike (0-100, rapidfuzz's ratio) a line's words and a known name must be to count as it:
# OCR turns a letter or two of a shop's name into others. A short name (SHORT_NAME letters or
# fewer) must be read exactly: one letter off makes another word ("Apple", "Apply").
MATCH_SCORE = 85
SHORT_NAME = 6
# How many of the first lines can hold the merchant's name.
HEADER_LINES = 8


@dataclass(frozen=True)
class Field(Generic[T]):
    value: T
    confidence: float
    line: str = ""
    line_number: int | None = None


@dataclass(frozen=True)
class LineItem:
    name: str
    amount: Decimal
    quantity: int = 1
    brand: str | None = None
    line_number: int | None = None


@dataclass(frozen=True)
class ExtractedFields:
    merchant: Field[str] | None = None
    purchase_date: Field[datetime.date] | None = None
    total: Field[Decimal] | None = None
    currency: Field[str] | None = None
    order_number: Field[str] | None = None
    items: list[LineItem] = field(default_factory=list)
    # How surely the items are the receipt's: 0.9 when they add up to the total.
    items_confidence: float = 0.0


def read_fields(
    text: ReceiptText | str,
    known_retailers=(),
    known_brands=(),
    *,
    today: datetime.date | None = None,
) -> ExtractedFields:
    """The fields of the purchase whose receipt reads TEXT (a ReceiptText or a str).

    KNOWN_RETAILERS and KNOWN_BRANDS are names (the household's catalogue): a retailer's name
    found on the receipt is the merchant, written as the catalogue writes it."""
    lines = (
        list(text.lines)
        if isinstance(text, ReceiptText)
        else [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    )
    total, currency = _total_and_currency(lines)
    month_first = currency is not None and currency.value == "USD"
    found = dates(lines, month_first=month_first, today=today or clock.today())
    purchase_date = None
    if found:
        best = found[0]
        purchase_date = Field(best.value, best.score, lines[best.line_number], best.line_number)
    items, items_confidence = _items(lines, total, known_brands)
    return ExtractedFields(
        merchant=_merchant(lines, known_retailers),
        purchase_date=purchase_date,
        total=total,
        currency=currency,
        order_number=_order_number(lines),
        items=items,
        items_confidence=items_confidence,
    )


def _total_and_currency(lines: list[str]) -> tuple[Field | None, Field | None]:
    candidates = total_candidates(lines)
    code, code_line = document_currency(lines)
    if not candidates:
        currency = Field(code, 0.5, lines[code_line], code_line) if code else None
        return _repeated_amount(lines), currency
    score, number, amount = candidates[0]
    # Another total line with the same amount (the card slip repeats it) confirms it.
    agreeing = sum(1 for c in candidates[1:] if c[2].value == amount.value)
    total = Field(amount.value, min(1.0, score * 0.9 + 0.05 * agreeing), lines[number], number)
    if amount.currency:
        currency = Field(amount.currency, 0.95, lines[number], number)
    elif code:
        currency = Field(code, 0.7, lines[code_line], code_line)
    else:
        currency = None
    return total, currency


def _repeated_amount(lines: list[str]) -> Field | None:
    """With no total's words to be read (OCR lost them), the largest amount written on two
    lines or more: a total repeats its only item, or is repeated by the card's slip. Unsure."""
    seen: dict[Decimal, list[int]] = {}
    for number, line in enumerate(lines):
        for amount in amounts(line):
            seen.setdefault(amount.value, []).append(number)
    repeated = [value for value, numbers in seen.items() if len(set(numbers)) >= 2 and value > 0]
    if not repeated:
        return None
    value = max(repeated)
    number = seen[value][-1]
    return Field(value, 0.3, lines[number], number)


def _items(lines: list[str], total: Field | None, known_brands) -> tuple[list[LineItem], float]:
    if total is None:
        return [], 0.0
    found = item_lines(lines, total.line_number)
    items = [
        LineItem(
            item.name,
            item.amount,
            item.quantity,
            _known_name(item.name, known_brands)[0],
            item.line_number,
        )
        for item in found
    ]
    if not items:
        return [], 0.0
    adds_up = sum(item.amount for item in items) == total.value
    return items, 0.9 if adds_up else 0.4


# --- The merchant --------------------------------------------------------------------------

_SENDER = re.compile(
    r"^(?:from|von|de|da)\s*:\s*(?P<name>.*?)\s*<?(?P<address>[\w.+-]+@[\w.-]+)?>?\s*$",
    re.IGNORECASE,
)
_NOT_A_NAME = re.compile(
    r"invoice|receipt|rechnung|kassenbon|quittung|beleg|facture|ticket|factura|recibo|order|bestell|commande|pedido"
    r"|thank|danke|merci|gracias|welcome|willkommen|bienvenue|bienvenido|subject|betreff|objet|asunto|forwarded|date|datum|fecha"
    r"|\b(?:qty|description|amount|price|menge|artikel|betrag|preis|d[ée]signation|montant|prix|qt[ée]|cant|descripci[óo]n|importe|precio)\b"
    r"|\b(?:str|straße|strasse|street|st|road|rd|avenue|ave|rue|calle|av|place|platz)\b\.?|www\.|https?:|@|tel|phone|fax",
    re.IGNORECASE,
)


def _merchant(lines: list[str], known_retailers) -> Field[str] | None:
    senders = [(n, m) for n, line in enumerate(lines) if (m := _SENDER.match(line))]
    header = list(enumerate(lines[:HEADER_LINES]))
    # The original sender of a forwarded e-mail is the last one named.
    for number, match in reversed(senders):
        name, score = _known_name(f"{match['name']} {match['address'] or ''}", known_retailers)
        if name:
            return Field(name, 0.95, lines[number], number)
    for number, line in header:
        name, score = _known_name(line, known_retailers)
        if name:
            return Field(name, 0.9 if score >= 95 else 0.75, line, number)
    for number, match in reversed(senders):
        name = match["name"].strip(' "')
        if name and "@" not in name and not _is_household(match["address"], senders):
            return Field(name, 0.7, lines[number], number)
    for number, line in header:
        if number in {n for n, _ in senders} or not _reads_as_name(line):
            continue
        return Field(_as_written(line), 0.6 if number < 3 else 0.4, line, number)
    return None


def _is_household(address: str | None, senders) -> bool:
    """Whether ADDRESS is the one that forwarded the e-mail (the first sender, when there are
    several): the person's own name is no merchant."""
    return len(senders) > 1 and address is not None and address == senders[0][1]["address"]


# Marks OCR leaves at a word's or a line's ends: punctuation, rules, shadows' edges.
_OCR_MARKS = (
    ".,:;!?|-_*=~'\"()[]{}<>\u00ab\u00bb\u2013\u2014\u00bf\u00a1\u201e\u201c\u201d\u2018\u2019"
)


def _reads_as_name(line: str) -> bool:
    """Whether LINE reads as a shop's name: mostly words (OCR's misreadings of a picture or a
    rule are not), one of them capitalised as names are, few digits, and none of the words of
    an address, a title or a table's head."""
    tokens = [token.strip(_OCR_MARKS) for token in line.split()]
    tokens = [token for token in tokens if token]
    words = [t for t in tokens if re.fullmatch(r"[^\W\d_]+(?:[&'.-][^\W\d_]*)*|&", t)]
    # "AAA" or "EEE" is what OCR makes of a shadow's edge, not a name.
    if not any(len(w) >= 3 and w[0].isupper() and len(set(w.casefold())) > 1 for w in words):
        return False
    if len(re.findall(r"\d", line)) > 2 or _NOT_A_NAME.search(line):
        return False
    return sum(len(word) for word in words) >= 0.7 * sum(len(token) for token in tokens)


def _as_written(line: str) -> str:
    """LINE without the marks OCR adds at a name's ends (a rule's end, a shadow's edge)."""
    words = line.strip(" " + _OCR_MARKS).split()
    # A last word of one or two small letters is what OCR makes of a speck after the name.
    while len(words) > 1 and len(words[-1].strip(_OCR_MARKS)) <= 2 and not words[-1][:1].isupper():
        words.pop()
    return " ".join(words).strip(" " + _OCR_MARKS)


def _simple(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def _known_name(line: str, names) -> tuple[str | None, float]:
    """The known name (of NAMES) that LINE contains, with rapidfuzz's score; (None, 0) if none.

    Each name is compared with every run of as many words of the line (give or take one),
    spaces and punctuation left out: "Media Markt" and "MEDIAMARKT" are "MediaMarkt"."""
    words = line.split()
    best, best_score = None, 0.0
    for name in names:
        target = _simple(name)
        if len(target) < 2:
            continue
        size = len(name.split())
        for width in {max(1, size - 1), size, size + 1}:
            for start in range(max(1, len(words) - width + 1)):
                candidate = _simple("".join(words[start : start + width]))
                required = 100 if len(target) <= SHORT_NAME else MATCH_SCORE
                score = fuzz.ratio(candidate, target)
                if score >= required and score > best_score:
                    best, best_score = name, score
    return best, best_score


# --- The order number ----------------------------------------------------------------------

_CODE = r"(?P<code>(?=[A-Z0-9-/]*\d[A-Z0-9-/]*\d[A-Z0-9-/]*\d)[A-Z0-9][A-Z0-9-/]{3,})"
_NUMBER_WORD = r"(?:\s*(?:n[°ºo*?2]|no\.?|nr\.?|num(?:ber|[ée]ro)|#|id|:|\.|-)\s*)*"
_ORDER_LABELS = [
    (0.9, r"order|bestell(?:nummer|-?nr)|auftrags?(?:nummer|-?nr)|commande|pedido"),
    (0.7, r"invoice|rechnung(?:snummer|s-?nr)?|facture|factura"),
    (0.6, r"bestellung|your order|ihre bestellung|votre commande|tu pedido|su pedido"),
]


_DATE_LIKE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}")


def _order_number(lines: list[str]) -> Field[str] | None:
    found = []
    for number, line in enumerate(lines):
        for score, label in _ORDER_LABELS:
            pattern = rf"(?:{label})(?:\s+de)?{_NUMBER_WORD}\s*{_CODE}"
            match = re.search(pattern, line, re.IGNORECASE)
            if match and not _DATE_LIKE.fullmatch(match["code"]):
                found.append((score, -number, match["code"].strip("-/"), line, number))
                break
    if not found:
        return None
    score, _, code, line, number = max(found)
    return Field(code, score, line, number)
