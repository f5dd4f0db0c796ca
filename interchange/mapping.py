"""Which column of a foreign spreadsheet is which field of a purchase (docs/importing.md).

A `Mapping` names, per column header, the field it fills; how its dates and amounts are written;
and the currency of amounts that do not say. It is what the preview shows and lets the person
edit, what a saved preset keeps, what the presets for other trackers' exports are
(interchange/presets/*.json), and what `interchange_import --from mapping.json` reads: one
JSON shape for all of them.

Decisions:
- **Nothing is lost.** A column the mapping does not name is kept in the purchase's notes as
  "Header: value" lines; only a column mapped to `discard` is dropped, because the person said
  so.
- **A re-import adds nothing.** Each row gets an id derived from the row's own id in the other
  tracker (the columns mapped to `source_id`) or, without one, from the whole row, so the same
  file imported twice finds its purchases already there.
- **Formats are detected, never guessed per row**: one date format and one decimal separator
  for the whole file, chosen from its values (a date like 14.03.2025 says day first), so that
  03/04/2025 means the same on every row.
- A lifetime warranty ends on 9999-12-31, the date the application already uses for warranties
  that do not end, and says "Lifetime warranty" in its notes.
"""

import datetime
import json
import re
import unicodedata
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from price_parser import Price

from interchange.documents import ImportRejected
from interchange.header_words import HEADER_WORDS
from interchange.spreadsheets import Cell
from kernel.money import ISO_4217_CODES

PRESETS_DIR = Path(__file__).resolve().parent / "presets"
LIFETIME_END = datetime.date(9999, 12, 31)
LIFETIME_NOTE = "Lifetime warranty"
DISCARD = "discard"
# Purchases made from spreadsheet rows: their ids are uuid5 names in this namespace.
_ROW_IDS = uuid.UUID("6f1c9a52-3d0e-4b8e-9c55-0f4c2a7d9e13")

# The fields a column can fill, with the words the preview shows. Order: as the form shows them.
FIELDS = {
    "product_name": _("Product name"),
    "price": _("Price"),
    "currency_code": _("Currency"),
    "purchase_date": _("Purchase date"),
    "retailer_name": _("Retailer"),
    "brand_name": _("Brand"),
    "model_number": _("Model number"),
    "serial_number": _("Serial number"),
    "retailer_order_number": _("Order number"),
    "quantity": _("Quantity"),
    "link": _("Link"),
    "tags": _("Tags"),
    "notes": _("Notes"),
    "return_deadline": _("Return by"),
    "tax_deductible": _("Tax-deductible"),
    "status": _("Status"),
    "warranty_end": _("Warranty ends"),
    "warranty_years": _("Warranty (years)"),
    "warranty_months": _("Warranty (months)"),
    "warranty_days": _("Warranty (days)"),
    "warranty_lifetime": _("Lifetime warranty (yes/no)"),
    "warranty_provider": _("Warranty provider"),
    "warranty_type": _("Warranty type"),
    "warranty_notes": _("Warranty notes"),
    "source_id": _("Id in the other application"),
    DISCARD: _("Leave out"),
}
REQUIRED = ("product_name", "price", "purchase_date")
# Fields several columns may fill: their values are put together.
MULTIPLE = {"notes", "tags", "source_id", DISCARD}
_DATE_FIELDS = ("purchase_date", "return_deadline", "warranty_end")

# The date formats a file may use, as people write them, and as strptime reads them.
DATE_FORMATS = {
    "YYYY-MM-DD": "%Y-%m-%d",
    "DD.MM.YYYY": "%d.%m.%Y",
    "DD/MM/YYYY": "%d/%m/%Y",
    "MM/DD/YYYY": "%m/%d/%Y",
    "DD-MM-YYYY": "%d-%m-%Y",
    "YYYY/MM/DD": "%Y/%m/%d",
    "DD.MM.YY": "%d.%m.%y",
    "DD/MM/YY": "%d/%m/%y",
    "MM/DD/YY": "%m/%d/%y",
    "D MMM YYYY": "%d %b %Y",
    "MMM D, YYYY": "%b %d, %Y",
}
AUTO = "auto"
DECIMAL_SEPARATORS = (".", ",")

_SYMBOLS = {"€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₩": "KRW", "₺": "TRY", "zł": "PLN"}
_DOLLARS = {"USD", "CAD", "AUD", "NZD", "HKD", "SGD", "MXN"}
_TRUE = {"1", "true", "yes", "y", "x", "✓", "ja", "oui", "sí", "si", "wahr", "vrai"}
_FALSE = {"0", "false", "no", "n", "nein", "non", "falsch", "faux", "nee", "-"}


class RowError(ValueError):
    """A row that cannot become a purchase; the message says why, in the file's own words."""


@dataclass
class Mapping:
    """Column header -> field, the formats, and the default currency (docs/importing.md §2)."""

    columns: dict[str, str] = field(default_factory=dict)
    date_format: str = AUTO
    decimal_separator: str = AUTO
    currency: str | None = None
    name: str = ""
    # What separates tags besides , ; and | (Warracker's export joins them with spaces).
    tag_separator: str = ""

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "columns": dict(self.columns),
            "date_format": self.date_format,
            "decimal_separator": self.decimal_separator,
            "currency": self.currency,
            "tag_separator": self.tag_separator,
        }


def mapping_from_dict(data) -> Mapping:
    """Check DATA (a mapping's JSON) and return the Mapping; ImportRejected says what is wrong."""
    if not isinstance(data, dict):
        raise ImportRejected(gettext("A mapping is a JSON object with a “columns” object."))
    columns = data.get("columns")
    if not isinstance(columns, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in columns.items()
    ):
        raise ImportRejected(
            gettext("A mapping needs “columns”: each column header with its field.")
        )
    unknown = sorted({value for value in columns.values() if value and value not in FIELDS})
    if unknown:
        raise ImportRejected(
            gettext(
                "The mapping names fields this application does not have: %(unknown)s. "
                "Fields: %(fields)s."
            )
            % {"unknown": ", ".join(unknown), "fields": ", ".join(FIELDS)}
        )
    date_format = data.get("date_format") or AUTO
    if date_format != AUTO and date_format not in DATE_FORMATS:
        raise ImportRejected(
            gettext("Unknown date format %(format)s: use %(formats)s or auto.")
            % {"format": repr(date_format), "formats": ", ".join(DATE_FORMATS)}
        )
    separator = data.get("decimal_separator") or AUTO
    if separator != AUTO and separator not in DECIMAL_SEPARATORS:
        raise ImportRejected(gettext("The decimal separator is “.”, “,” or auto."))
    currency = data.get("currency") or None
    if currency is not None and (not isinstance(currency, str) or currency not in ISO_4217_CODES):
        raise ImportRejected(
            gettext("%(currency)s is not a currency code of ISO 4217, such as EUR.")
            % {"currency": repr(currency)}
        )
    name = data.get("name") or ""
    tag_separator = data.get("tag_separator") or ""
    if not isinstance(tag_separator, str) or len(tag_separator) > 1:
        raise ImportRejected(gettext("The tag separator is one character (a space, / …) or empty."))
    return Mapping(
        columns={key.strip(): value for key, value in columns.items() if value},
        date_format=date_format,
        decimal_separator=separator,
        currency=currency,
        name=str(name)[:100],
        tag_separator=tag_separator,
    )


def preset_names() -> dict[str, str]:
    """The shipped presets: file stem (what --from takes) -> the name people see."""
    return {path.stem: _read_json(path)["name"] for path in sorted(PRESETS_DIR.glob("*.json"))}


def preset(stem: str) -> Mapping:
    path = PRESETS_DIR / f"{stem}.json"
    if not path.is_file() or "/" in stem:
        raise ImportRejected(
            gettext("No preset named %(name)s: use %(presets)s.")
            % {"name": repr(stem), "presets": ", ".join(preset_names())}
        )
    return mapping_from_dict(_read_json(path))


def mapping_from_file(path: Path) -> Mapping:
    try:
        return mapping_from_dict(_read_json(path))
    except OSError as error:
        raise ImportRejected(f"Cannot read {path.name}: {error.strerror}.") from None


def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise ImportRejected(f"{path.name} is not a JSON mapping: {error}.") from None


# -- Guessing a mapping ----------------------------------------------------------------------------


def _words(header: str) -> str:
    """A header's letters and digits, lowercased, accents dropped: "Händler" reads "handler"."""
    plain = unicodedata.normalize("NFKD", header.lower()).encode("ascii", "ignore").decode()
    return re.sub(r"[^0-9a-z]", "", plain)


def guess_mapping(header: list[str]) -> Mapping:
    """A preset whose columns the header has (most of them), else a guess per header's words."""
    present = {column.lower() for column in header}
    best, best_share = None, 0.0
    for stem in preset_names():
        candidate = preset(stem)
        names = {column.lower() for column in candidate.columns}
        share = len(names & present) / len(names) if names else 0.0
        if share > best_share:
            best, best_share = candidate, share
    if best is not None and best_share >= 0.6:
        return best
    columns: dict[str, str] = {}
    taken: set[str] = set()
    for column in header:
        words = _words(column)
        for name, known in HEADER_WORDS.items():
            if words in known and (name in MULTIPLE or name not in taken):
                columns[column] = name
                taken.add(name)
                break
    return Mapping(columns=columns)


def detect_date_format(values: Iterable[Cell]) -> str | None:
    """The format the most text values read in, the first of DATE_FORMATS on a tie (day-first
    before month-first); one bad date among them does not decide the whole file's format."""
    texts = [_date_text(value) for value in values if isinstance(value, str) and value.strip()]
    best, best_count = None, 0
    for name, pattern in DATE_FORMATS.items():
        count = sum(1 for text in texts if _strptime(text, pattern))
        if count > best_count:
            best, best_count = name, count
    return best


def detect_decimal_separator(values: Iterable[Cell]) -> str:
    """A comma when amounts end in a comma and one or two digits (1.249,50), else a point."""
    votes = {".": 0, ",": 0}
    for value in values:
        if not isinstance(value, str):
            continue
        digits = re.sub(r"[^0-9.,]", "", value)
        match = re.search(r"([.,])\d{1,2}$", digits)
        if match:
            votes[match.group(1)] += 1
        elif re.search(r"\.\d{3}$", digits) and "," not in digits:
            votes[","] += 1  # 1.249 is a thousand and more, written the continental way
    return "," if votes[","] > votes["."] else "."


def _date_text(value: str) -> str:
    """The date part of a cell: what comes before a time (T12:00 or a space and 12:00)."""
    text = value.strip()
    match = re.match(r"(.+?)(?:[T ]\d{1,2}:\d{2}.*)$", text)
    return match.group(1).strip() if match else text


def _strptime(text: str, pattern: str) -> datetime.date | None:
    try:
        # A calendar date: no time of day, so no time zone to attach.
        return datetime.datetime.strptime(text, pattern).date()  # noqa: DTZ007
    except ValueError:
        return None


# -- Reading rows with a mapping -------------------------------------------------------------------


@dataclass
class Plan:
    """A mapping applied to one header: which cell fills what, and the formats in force."""

    header: list[str]
    fields: dict[int, str]  # cell index -> field
    kept: list[int]  # cell indexes kept in the notes
    date_format: str | None
    decimal_separator: str
    currency: str | None
    tag_separator: str = ""


def plan(mapping: Mapping, header: list[str], sample: list[list[Cell]]) -> Plan:
    """Apply MAPPING to HEADER; detect the formats left to `auto` from the SAMPLE rows.

    ImportRejected when a required field has no column or a single field has two.
    """
    named = {column.lower(): target for column, target in mapping.columns.items()}
    fields, kept = {}, []
    for index, column in enumerate(header):
        target = named.get(column.lower())
        if target:
            fields[index] = target
        else:
            kept.append(index)
    by_field: dict[str, list[str]] = {}
    for index, target in fields.items():
        by_field.setdefault(target, []).append(column_name(header, index))
    missing = [str(FIELDS[name]) for name in REQUIRED if name not in by_field]
    if missing:
        raise ImportRejected(
            gettext(
                "No column is mapped to %(fields)s: choose the column that holds it "
                "(a purchase needs a product name, a price and a purchase date)."
            )
            % {"fields": ", ".join(missing)}
        )
    for target, columns in by_field.items():
        if target not in MULTIPLE and len(columns) > 1:
            raise ImportRejected(
                gettext("Two columns are mapped to %(field)s (%(columns)s): keep one.")
                % {"field": FIELDS[target], "columns": ", ".join(columns)}
            )
    date_format = mapping.date_format
    if date_format == AUTO:
        dates = [
            row[i]
            for row in sample
            for i, t in fields.items()
            if t in _DATE_FIELDS and i < len(row)
        ]
        date_format = detect_date_format(dates)
    separator = mapping.decimal_separator
    if separator == AUTO:
        amounts = [
            row[i] for row in sample for i, t in fields.items() if t == "price" and i < len(row)
        ]
        separator = detect_decimal_separator(amounts)
    return Plan(
        header, fields, kept, date_format, separator, mapping.currency, mapping.tag_separator
    )


def column_name(header: list[str], index: int) -> str:
    if index < len(header) and header[index]:
        return header[index]
    return gettext("Column %(number)s") % {"number": index + 1}


def records(rows: Iterable[tuple[int, list[Cell]]], plan: Plan) -> Iterator[tuple[str, dict]]:
    """(label, record) per row, the record keyed like the application's own CSV (and the
    warranty's extra fields); a row that cannot be read yields (label, RowError)."""
    seen: dict[str, int] = {}
    for line, cells in rows:
        label = gettext("line %(number)s") % {"number": line}
        try:
            record = _record(cells, plan)
        except RowError as error:
            yield label, error
            continue
        record["id"] = str(_row_id(cells, plan, record.pop("source_id"), seen))
        yield label, record


def _record(cells: list[Cell], plan: Plan) -> dict:
    if len(cells) > len(plan.header):
        extra = [cell for cell in cells[len(plan.header) :] if cell not in (None, "")]
        if extra:
            raise RowError(gettext("has more cells than the header row has columns"))
    cells = [_unguarded(cell) for cell in cells]
    values: dict[str, list[tuple[str, Cell]]] = {}
    for index, target in plan.fields.items():
        cell = cells[index] if index < len(cells) else None
        if cell not in (None, "") and target != DISCARD:
            values.setdefault(target, []).append((column_name(plan.header, index), cell))
    source_ids = values.pop("source_id", [])
    record = {"source_id": [str(cell).strip() for _column, cell in source_ids]}
    for target, found in values.items():
        column, cell = found[0]
        if target in ("notes", "tags"):
            continue
        record[target] = _value(target, column, cell, plan)
    written_with = None
    if "price" in record:
        record["price"], written_with = record["price"]
    record["currency_code"] = _currency(record, written_with, plan)
    record["tags"] = _tags(values.get("tags", []), plan.tag_separator)
    record["notes"] = _notes(values.get("notes", []), cells, plan, source_ids)
    _warranty(record)
    return record


def _value(target: str, column: str, cell: Cell, plan: Plan):
    if target in _DATE_FIELDS:
        return _date(column, cell, plan)
    if target == "price":
        return _price(column, cell, plan)
    if target in ("quantity", "warranty_years", "warranty_months", "warranty_days"):
        return _whole(column, cell, plan)
    if target in ("tax_deductible", "warranty_lifetime"):
        return _flag(column, cell)
    text = cell.isoformat() if isinstance(cell, datetime.date) else str(cell)
    return text.strip()


def _date(column: str, cell: Cell, plan: Plan) -> datetime.date:
    if isinstance(cell, datetime.date):
        return cell
    text = _date_text(str(cell))
    if plan.date_format is None:
        raise RowError(
            gettext("%(column)s “%(value)s” is in no date format this import knows")
            % {"column": column, "value": text}
        )
    parsed = _strptime(text, DATE_FORMATS[plan.date_format])
    if parsed is None:
        raise RowError(
            gettext("%(column)s “%(value)s” is not a date in the format %(format)s")
            % {"column": column, "value": text, "format": plan.date_format}
        )
    return parsed


def _amount(column: str, cell: Cell, plan: Plan) -> Decimal:
    if isinstance(cell, Decimal):
        return cell
    price = Price.fromstring(str(cell), decimal_separator=plan.decimal_separator)
    if price.amount is None:
        raise RowError(_not_an_amount(column, cell))
    return price.amount


def _not_an_amount(column: str, cell: Cell) -> str:
    return gettext("%(column)s “%(value)s” is not an amount") % {"column": column, "value": cell}


def _price(column: str, cell: Cell, plan: Plan) -> tuple[Decimal, str | None]:
    """The amount and the currency symbol or code it is written with (None: none)."""
    if isinstance(cell, Decimal):
        return cell, None
    price = Price.fromstring(str(cell), decimal_separator=plan.decimal_separator)
    if price.amount is None:
        raise RowError(_not_an_amount(column, cell))
    return price.amount, price.currency


def _whole(column: str, cell: Cell, plan: Plan) -> int:
    number = cell if isinstance(cell, Decimal) else _amount(column, cell, plan)
    if number != number.to_integral_value():
        raise RowError(
            gettext("%(column)s “%(value)s” is not a whole number")
            % {"column": column, "value": cell}
        )
    return int(number)


def _flag(column: str, cell: Cell) -> bool:
    if isinstance(cell, bool):
        return cell
    text = str(cell).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise RowError(
        gettext("%(column)s “%(value)s” is neither yes nor no") % {"column": column, "value": cell}
    )


def _currency(record: dict, written_with: str | None, plan: Plan) -> str | None:
    """The currency column's code, else the one the price is written with, else the default."""
    if "currency_code" in record:
        return record["currency_code"].upper()
    return _currency_of_symbol(written_with, plan.currency) or plan.currency


def _currency_of_symbol(symbol: str | None, default: str | None) -> str | None:
    if not symbol:
        return None
    symbol = symbol.strip()
    if symbol.upper() in ISO_4217_CODES:
        return symbol.upper()
    if symbol.endswith("$"):
        prefixed = {"US$": "USD", "C$": "CAD", "CA$": "CAD", "A$": "AUD", "AU$": "AUD"}
        return prefixed.get(symbol) or (default if default in _DOLLARS else "USD")
    return _SYMBOLS.get(symbol)


def _tags(found: list[tuple[str, Cell]], separator: str) -> str | None:
    pattern = "[,;|" + re.escape(separator) + "]" if separator else "[,;|]"
    names: list[str] = []
    for _column, cell in found:
        for name in re.split(pattern, str(cell)):
            name = name.strip()
            if name and name.lower() not in {known.lower() for known in names}:
                names.append(name)
    return ", ".join(names) or None


def _notes(found: list, cells: list[Cell], plan: Plan, source_ids: list) -> str | None:
    """The notes column as it is, then other notes columns, the row's ids in the other
    application (readable, not only its purchase's identity) and every unmapped column, each
    labelled with its header."""
    parts = []
    for position, (column, cell) in enumerate(found):
        text = cell_text(cell)
        parts.append(text if position == 0 else f"{column}: {text}")
    parts.extend(f"{column}: {cell_text(cell)}" for column, cell in source_ids)
    for index in plan.kept:
        cell = cells[index] if index < len(cells) else None
        if cell not in (None, ""):
            parts.append(f"{column_name(plan.header, index)}: {cell_text(cell)}")
    return "\n".join(parts) or None


# Exporters put ' (Homebox, and this application) or ` (Snipe-IT) before a cell a spreadsheet would
# run as a formula; the value is what follows.
_GUARDED = re.compile(r"['`][=+\-@\t\r]")


def _unguarded(cell: Cell) -> Cell:
    return cell[1:] if isinstance(cell, str) and _GUARDED.match(cell) else cell


def cell_text(cell: Cell) -> str:
    if isinstance(cell, datetime.date):
        return cell.isoformat()
    if isinstance(cell, bool):
        return "yes" if cell else "no"
    return str(cell).strip()


def _warranty(record: dict) -> None:
    """Turn a duration or a lifetime into the warranty's end (an end given wins)."""
    years = record.pop("warranty_years", 0) or 0
    months = record.pop("warranty_months", 0) or 0
    days = record.pop("warranty_days", 0) or 0
    lifetime = record.pop("warranty_lifetime", False)
    if lifetime:
        record["warranty_end"] = LIFETIME_END
        notes = record.get("warranty_notes")
        if not notes:
            record["warranty_notes"] = LIFETIME_NOTE
        elif "lifetime" not in notes.lower():
            record["warranty_notes"] = f"{LIFETIME_NOTE}\n{notes}"
    elif "warranty_end" not in record and (years or months or days):
        start = record.get("purchase_date")
        if isinstance(start, datetime.date):
            record["warranty_end"] = start + relativedelta(years=years, months=months, days=days)


def _row_id(cells: list[Cell], plan: Plan, source_id: list[str], seen: dict) -> uuid.UUID:
    """The same id for the same row of the same file, every time it is imported."""
    if source_id:
        return uuid.uuid5(_ROW_IDS, "id\x1f" + "\x1f".join(source_id))
    # Columns left out are not the row's: Warracker's Status changes from one export to the next.
    content = "\x1f".join(
        f"{column_name(plan.header, index)}={cell_text(cell)}"
        for index, cell in enumerate(cells)
        if cell not in (None, "") and plan.fields.get(index) != DISCARD
    )
    # Two identical rows are two purchases (two of the same bought the same day): numbered.
    seen[content] = seen.get(content, 0) + 1
    return uuid.uuid5(_ROW_IDS, f"row\x1f{seen[content]}\x1f{content}")
