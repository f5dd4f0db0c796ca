"""Spreadsheets from anywhere (docs/importing.md): a CSV in whatever character set and delimiter
an office program or another tracker wrote it, or the first sheet of an .xlsx workbook.

`open_sheet` reads the header row and then yields the rows one by one, so a file of 100,000 rows
is never held whole. CSV cells are text; .xlsx cells keep the type the workbook gave them (a date,
a number, a yes/no), which the mapping reads without guessing at a format.
"""

import codecs
import csv
import datetime
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from charset_normalizer import from_bytes
from django.utils.translation import gettext

from interchange.documents import ImportRejected

EXTENSIONS = (".csv", ".xlsx")
# Enough of the file to tell its character set and delimiter.
_SNIFF_BYTES = 64 * 1024
_DELIMITERS = ",;\t|"
# Cells of one spreadsheet row are read as one: a longer row is a damaged file (or a hostile one).
_MAX_CELL = 100_000
csv.field_size_limit(_MAX_CELL)

Cell = str | Decimal | datetime.date | bool | None


@dataclass
class Sheet:
    """A spreadsheet's header row (cells trimmed) and its data rows, as (line number, cells)."""

    header: list[str]
    rows: Iterator[tuple[int, list[Cell]]]
    # How the file was read, for the preview ("Windows-1252, separated by semicolons").
    encoding: str = "utf-8"
    delimiter: str = ","
    notes: list[str] = field(default_factory=list)


def open_sheet(file, filename: str) -> Sheet:
    """Read the binary FILE named FILENAME (.csv or .xlsx); ImportRejected says why it cannot be."""
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        return _xlsx_sheet(file)
    if name.endswith(".csv"):
        return _csv_sheet(file)
    raise ImportRejected(
        gettext("Choose a .csv or .xlsx file: other spreadsheets can be saved as one.")
    )


# -- CSV -------------------------------------------------------------------------------------------


def _csv_sheet(file) -> Sheet:
    head = file.read(_SNIFF_BYTES)
    file.seek(0)
    if not head.strip():
        raise ImportRejected(gettext("The file is empty: the first row must name the columns."))
    encoding = _encoding_of(head)
    text = io.TextIOWrapper(file, encoding=encoding, newline="")
    sample = head.decode(encoding, errors="ignore")
    delimiter = _delimiter_of(sample)
    reader = csv.reader(text, delimiter=delimiter)
    try:
        header = next(reader, None)
    except (csv.Error, UnicodeDecodeError) as error:
        raise ImportRejected(
            gettext("The first row cannot be read: %(error)s.") % {"error": error}
        ) from None
    if header is None or not any(cell.strip() for cell in header):
        raise ImportRejected(gettext("The file is empty: the first row must name the columns."))

    def rows() -> Iterator[tuple[int, list[Cell]]]:
        try:
            for cells in reader:
                if any(cell.strip() for cell in cells):
                    yield reader.line_num, [cell or None for cell in cells]
        except csv.Error as error:
            raise ImportRejected(
                gettext("The file is damaged at line %(line)s: %(error)s.")
                % {"line": reader.line_num, "error": error}
            ) from None
        except UnicodeDecodeError:
            raise ImportRejected(
                gettext("The file mixes character sets: line %(line)s is not %(encoding)s.")
                % {"line": reader.line_num + 1, "encoding": encoding}
            ) from None

    return Sheet(
        header=[cell.strip() for cell in header],
        rows=rows(),
        encoding=encoding,
        delimiter=delimiter,
    )


def _encoding_of(head: bytes) -> str:
    """UTF-8 when the bytes are (most files); else what charset-normalizer finds most likely."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as error:
        # A sample cut inside a multi-byte character is still UTF-8.
        if error.start >= len(head) - 3 and error.reason == "unexpected end of data":
            return "utf-8"
    best = from_bytes(head).best()
    if best is None:
        raise ImportRejected(gettext("The file is not text: save the spreadsheet as CSV or .xlsx."))
    return best.encoding


def _delimiter_of(sample: str) -> str:
    """The delimiter of the header row: the sniffer's answer, else the most common candidate."""
    first_line = sample.splitlines()[0] if sample else ""
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        counts = {candidate: first_line.count(candidate) for candidate in _DELIMITERS}
        return max(counts, key=counts.get) if any(counts.values()) else ","


# -- XLSX ------------------------------------------------------------------------------------------


def _xlsx_sheet(file) -> Sheet:
    # openpyxl is imported here: only workbook imports need it.
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ImportRejected(
            gettext("The workbook cannot be opened: %(error)s.") % {"error": error}
        ) from None
    sheet = workbook.worksheets[0] if workbook.worksheets else None
    if sheet is None:
        raise ImportRejected(gettext("The workbook has no sheet."))
    values = sheet.iter_rows(values_only=True)
    header = next(values, None)
    if header is None or not any(cell not in (None, "") for cell in header):
        raise ImportRejected(
            gettext("The first sheet is empty: its first row must name the columns.")
        )

    def rows() -> Iterator[tuple[int, list[Cell]]]:
        for number, cells in enumerate(values, 2):
            row = [_xlsx_cell(cell) for cell in cells]
            if any(cell not in (None, "") for cell in row):
                yield number, row
        workbook.close()

    notes = []
    if len(workbook.worksheets) > 1:
        notes.append(
            gettext("Only the first sheet, “%(sheet)s”, is read.") % {"sheet": sheet.title}
        )
    return Sheet(
        header=[str(cell).strip() if cell is not None else "" for cell in header],
        rows=rows(),
        encoding="xlsx",
        delimiter="",
        notes=notes,
    )


def _xlsx_cell(value) -> Cell:
    """A workbook value in the mapping's terms: numbers as Decimal (never float), dates as dates."""
    if value is None or isinstance(value, str | bool | Decimal):
        return value or None if isinstance(value, str) else value
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # The shortest text that reads back as the same double: 1249.5, not 1249.49999…
        return Decimal(repr(value))
    return str(value)
