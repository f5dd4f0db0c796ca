"""The reports of the import routes (docs/api.md §6.4), one schema per kind of file."""

from typing import Literal

from ninja import Schema
from pydantic import Field, create_model

from interchange.reports import CSV_COUNTS, JSON_COUNTS, ZIP_COUNTS


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
