"""The admin's import and export buttons (django-import-export), on the app's own formats.

The resources here let django-import-export do what it is good at — reading and writing CSV,
XLSX, JSON and the other tablib formats, the upload, preview and confirm screens — and hand the
rows to the one importer (`interchange.imports.import_records`) and the one definition of each
column (`interchange.formats`). So a column means the same in the admin, the API and the commands,
and a row is validated by the same readers wherever it comes from.
"""

import datetime

import tablib
from import_export import resources
from import_export.fields import Field
from import_export.results import Error, Result, RowResult

from catalog.models import Brand, Retailer
from interchange.documents import ImportRejected
from interchange.exports import purchase_csv_rows
from interchange.formats import CSV_COLUMNS, csv_cell, csv_text, retailer_record
from interchange.imports import CSV_REQUIRED_COLUMNS, import_records
from purchases.models import Purchase

CATALOG_COLUMNS = ["id", "name", "url", "created_at", "updated_at"]


class _RecordResource(resources.Resource):
    """Exports rows of the app's formats; imports them through the app's importer.

    Subclasses name the `kind` of record, the `model`, the `columns` (each becomes a Field, so
    the admin's export form offers them) and the `required` columns.
    """

    kind = ""
    model = None
    columns: list[str] = []
    required: tuple[str, ...] = ()

    def __init__(self, mode: str = "skip", **kwargs):
        super().__init__(**kwargs)
        self.mode = mode
        self.fields = {name: Field(attribute=name, column_name=name) for name in self.columns}

    @classmethod
    def get_display_name(cls):
        return cls.__name__

    # -- export

    def records(self, queryset):
        """Yield each object of QUERYSET as {column: cell text}."""
        raise NotImplementedError

    def export(self, queryset=None, **kwargs):
        selected = kwargs.get("export_fields") or self.columns
        selected = [column for column in self.columns if column in selected]
        queryset = queryset if queryset is not None else self.model.objects.all()
        dataset = tablib.Dataset(headers=selected)
        for record in self.records(queryset):
            dataset.append([record[column] for column in selected])
        return dataset

    # -- import

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        """Import DATASET in one transaction; a preview (dry run) writes nothing.

        Each row's outcome (new, update, skip) comes back with the importer's notes on it;
        a row the importer skipped because of a problem shows as skipped with the reason, the
        way the API reports it, so the other rows can still be imported.
        """
        result = self.get_result_class()()
        headers = [str(header or "").strip().lower() for header in dataset.headers or []]
        result.diff_headers = [*headers, "note"]
        rows = [
            (f"row {number}", {h: _cell(v) for h, v in zip(headers, values, strict=False) if h})
            for number, values in enumerate(dataset, 1)
        ]
        result.total_rows = len(rows)
        try:
            missing = [column for column in self.required if column not in headers]
            if missing:
                raise ImportRejected(
                    f"The file has no {', '.join(missing)} column; the first row must name "
                    f"the columns ({', '.join(self.required)} are required)."
                )
            report = import_records(self.kind, rows, mode=self.mode, dry_run=dry_run)
        except ImportRejected as error:
            if raise_errors:
                raise
            result.append_base_error(self.get_error_result_class()(error))
            return result
        messages = [*report.errors, *report.warnings]
        for label, record in rows:
            row_result = self.get_row_result_class()()
            import_type, pk = report.outcomes.get(label, (RowResult.IMPORT_TYPE_SKIP, None))
            row_result.import_type = import_type
            notes = [m.removeprefix(f"{label}: ") for m in messages if m.startswith(f"{label}: ")]
            cells = ("" if record.get(h) is None else record[h] for h in headers)
            row_result.diff = [*cells, "; ".join(notes)]
            if pk is not None:
                row_result.instance = self.model(pk=pk, **self.display(record))
                row_result.add_instance_info(row_result.instance)
            result.append_row_result(row_result)
            result.increment_row_result_total(row_result)
        return result

    def display(self, record: dict) -> dict:
        """The fields that name a record in the admin's history."""
        return {}

    def get_result_class(self):
        return Result

    def get_row_result_class(self):
        return RowResult

    def get_error_result_class(self):
        return Error


def _cell(value):
    """A spreadsheet cell as the record readers take it (text is unescaped like CSV)."""
    if isinstance(value, str):
        return csv_text(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


class PurchaseResource(_RecordResource):
    """Purchases as the CSV export's columns (docs/api.md §6.2)."""

    kind = "purchases"
    model = Purchase
    columns = CSV_COLUMNS
    required = CSV_REQUIRED_COLUMNS

    def records(self, queryset):
        purchases = Purchase.objects.filter(pk__in=queryset.values("pk"))
        for row in purchase_csv_rows(purchases):
            yield dict(zip(CSV_COLUMNS, row, strict=True))

    def display(self, record):
        return {"product_name": record.get("product_name") or ""}


class _CatalogResource(_RecordResource):
    columns = CATALOG_COLUMNS
    required = ("name",)

    def records(self, queryset):
        for entry in queryset.order_by("created_at", "id"):
            record = retailer_record(entry)
            yield {column: csv_cell(record[column]) for column in CATALOG_COLUMNS}

    def display(self, record):
        return {"name": record.get("name") or ""}


class RetailerResource(_CatalogResource):
    """Retailers: id, name, url and timestamps, matched by name ignoring case on import."""

    kind = "retailers"
    model = Retailer


class BrandResource(_CatalogResource):
    """Brands: id, name, url and timestamps, matched by name ignoring case on import."""

    kind = "brands"
    model = Brand
