"""The reports of the import routes (docs/api.md §6.4), one schema per kind of file."""

from typing import Any, Literal

from pydantic import Field, create_model

from interchange.reports import CSV_COUNTS, JSON_COUNTS, ZIP_COUNTS
from kernel.schemas import Schema


def _report_schema(name: str, counts: list[str], *, doc: str, **extra):
    fields = dict.fromkeys(counts, (int, ...))
    fields.update(extra)
    fields.update(
        errors=(list[str], Field(description="Records skipped, with the reason.")),
        warnings=(list[str], Field(description="What was imported differently than written.")),
        mode=(Literal["skip", "update"], ...),
        dry_run=(bool, Field(description="True: nothing was written; the counts are a preview.")),
    )
    return create_model(name, __base__=Schema, __doc__=doc, **fields)


_SETTINGS_APPLIED = (
    list[str],
    Field(description="Settings taken from the file (only those not stored yet, unless update)."),
)

JsonImportOut = _report_schema(
    "JsonImportOut",
    JSON_COUNTS,
    doc="Report of a JSON import (docs/api.md §6.4): the counts are what was committed.",
    settings_applied=_SETTINGS_APPLIED,
)
ZipImportOut = _report_schema(
    "ZipImportOut",
    ZIP_COUNTS,
    doc="Report of a ZIP import (docs/api.md §6.4): the JSON report plus the files.",
    settings_applied=_SETTINGS_APPLIED,
    data_imported=(bool, ...),
)
CsvImportOut = _report_schema(
    "CsvImportOut",
    CSV_COUNTS,
    doc="Report of a CSV import (docs/api.md §6.4).",
)


class SheetColumnOut(Schema):
    header: str
    field: str = Field(description="The field it fills; empty: kept in the notes.")
    samples: list[str] = Field(description="A few of its values, as written.")


class SheetOut(Schema):
    """A spreadsheet as the import preview shows it (docs/importing.md §2)."""

    preset: str = Field(description="The preset recognised or sent; empty for a guess.")
    columns: list[SheetColumnOut]
    date_format: str
    decimal_separator: str
    currency: str
    encoding: str = Field(description="How the file was read: a character set, or xlsx.")
    delimiter: str
    notes: list[str]


class MappingChoiceOut(Schema):
    id: str = Field(description="A preset's name (homebox…) or a saved mapping's id.")
    name: str
    kind: Literal["preset", "saved"]
    mapping: dict[str, Any]


class MappingIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    mapping: dict[str, Any]
