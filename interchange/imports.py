"""Imports of JSON, CSV and ZIP files (docs/api.md §5.10, §6): checked, then committed at once.

One implementation behind three front doors: `POST /api/import/*`, `manage.py interchange_import`
and the admin's import buttons. A file with a fatal problem (unreadable, not the format, a
damaged or hostile archive) raises ImportRejected and changes nothing. Problems with single records
(docs/api.md §6.5: a price of zero, a warranty whose purchase is missing, …) skip those records and
are listed in the report; everything else is written in **one transaction**, so a crash midway
changes nothing either (docs/api.md §9.16), and the report's counts are what was committed. A dry
run does all of it and rolls back.

Decisions behind the rules of docs/api.md §5.10, §6.3 and §6.5:
- A missing `currency_code` takes the preferred currency (docs/api.md §9.7), like a new purchase.
- Settings in a version 2 file fill in the settings that are not stored yet; `mode=update` also
  overwrites stored ones.
- A ZIP entry that tries to leave the archive (absolute path, `..`, a symbolic link) rejects the
  whole archive; other names outside the format (docs/api.md §6.3) are ignored and listed in the
  warnings.
- A blob whose content does not match its name, or an archive that disagrees with its manifest,
  rejects the archive.
- When every record failed and nothing was imported, the import is rejected with the first errors
  as the message (docs/api.md §5.10).
"""

import codecs
import csv
import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext, ngettext

from accounts.services import audit_record
from catalog.models import Brand, Retailer
from interchange.archive import Archive
from interchange.documents import Document, ImportRejected, StreamedDocument, rewound
from interchange.formats import CSV_COLUMNS, csv_text
from interchange.importer import RecordImport
from interchange.mapping import (
    Mapping,
    RowError,
    cell_text,
    column_name,
    detect_date_format,
    detect_decimal_separator,
    guess_mapping,
)
from interchange.mapping import plan as mapping_plan
from interchange.mapping import records as mapped_records
from interchange.reports import ImportReport, Progress, skipped_because
from interchange.spreadsheets import open_sheet
from kernel.versioning import data_changed
from preferences.selectors import preferred_currency_code
from purchases.blobs import delete_files
from purchases.conversions import conversions_complete
from purchases.rollups import rollups_brought_in_step

MODES = ("skip", "update")
CSV_REQUIRED_COLUMNS = ("product_name", "price", "purchase_date")
# Rows read before the import starts, to find the formats of dates and amounts.
SAMPLE_ROWS = 200
# Values of each column the preview shows.
INSPECT_SAMPLES = 3

# -- Entry points ----------------------------------------------------------------------------------


# Every import below takes ACTOR (the person importing; None: the command line) and SOURCE (the
# file's name, in words): an import that changes data is written to the audit trail with its
# counts, inside its transaction. Dry runs and imports that change nothing are not.


def import_json(
    file, *, mode: str = "skip", dry_run: bool = False, progress=None, actor=None, source=""
):
    """Import a JSON export (versions 1 to 4) from the binary FILE; return the ImportReport.

    The file's `audit` section, if any, is ignored: an import adds records, not history.
    """
    report = ImportReport("json", mode=_mode(mode), dry_run=dry_run)
    document = StreamedDocument(lambda: rewound(file))
    run_import(
        report,
        sections_loader(document),
        _StoreBlobs(),
        progress,
        lossless=is_lossless(document),
        audit=_ImportAudit(actor, "import.json", source),
    )
    return report


def import_zip(
    file, *, mode: str = "skip", dry_run: bool = False, progress=None, actor=None, source=""
):
    """Import a ZIP archive (data.json, uploads/…, optional manifest.json) from the binary FILE.

    Like a JSON import, it ignores the archive's audit trail (a restore merges it).
    """
    report = ImportReport("zip", mode=_mode(mode), dry_run=dry_run)
    with Archive(file, progress=progress) as archive:
        for message in archive.warnings:
            report.warn(message)
        document = archive.data
        run_import(
            report,
            sections_loader(document),
            archive,
            progress,
            lossless=is_lossless(document),
            audit=_ImportAudit(actor, "import.zip", source),
        )
    report.data_imported = not dry_run
    return report


def import_csv(
    file, *, mode: str = "skip", dry_run: bool = False, progress=None, actor=None, source=""
):
    """Import purchases from a CSV file (header row required; docs/api.md §6.2 columns by name)."""
    report = ImportReport("csv", mode=_mode(mode), dry_run=dry_run)
    reader = csv.reader(_utf8_lines(file))
    try:
        rows = _csv_records(reader, report)
        run_import(
            report,
            lambda importer: importer.purchases(rows, total=None),
            _StoreBlobs(),
            progress,
            lossless=False,
            audit=_ImportAudit(actor, "import.csv", source),
        )
    except csv.Error as error:
        raise ImportRejected(
            gettext("The CSV file is malformed at line %(line)s: %(error)s.")
            % {"line": reader.line_num, "error": error}
        ) from None
    counts = report.counts
    counts["rows_skipped"] = (
        counts["rows_total"] - counts["purchases_added"] - counts["purchases_updated"]
    )
    return report


def import_spreadsheet(
    file,
    *,
    filename: str,
    mapping: Mapping | None = None,
    mode: str = "skip",
    dry_run: bool = False,
    progress=None,
    actor=None,
    source="",
):
    """Import purchases from any spreadsheet (.csv or .xlsx) read through MAPPING
    (docs/importing.md); without one, the mapping `inspect_spreadsheet` would guess.

    The report is a CSV import's: rows read, added, updated, skipped and why.
    """
    report = ImportReport("csv", mode=_mode(mode), dry_run=dry_run)
    sheet = open_sheet(file, filename)
    sample = list(itertools.islice(sheet.rows, SAMPLE_ROWS))
    plan = mapping_plan(
        mapping or guess_mapping(sheet.header), sheet.header, [c for _, c in sample]
    )
    for message in sheet.notes:
        report.warn(message)

    def rows():
        for label, record in mapped_records(itertools.chain(sample, sheet.rows), plan):
            report.counts["rows_total"] += 1
            if isinstance(record, RowError):
                report.error(skipped_because(label, record))
            else:
                yield label, record

    run_import(
        report,
        lambda importer: importer.purchases(rows(), total=None),
        _StoreBlobs(),
        progress,
        lossless=False,
        audit=_ImportAudit(actor, "import.spreadsheet", source),
    )
    counts = report.counts
    counts["rows_skipped"] = (
        counts["rows_total"] - counts["purchases_added"] - counts["purchases_updated"]
    )
    return report


def inspect_spreadsheet(file, *, filename: str, mapping: Mapping | None = None) -> dict:
    """What the import preview shows before anything is imported: each column with a few of its
    values and the field it fills (MAPPING's, else the guess), the formats found, the choices."""
    sheet = open_sheet(file, filename)
    sample = [cells for _, cells in itertools.islice(sheet.rows, SAMPLE_ROWS)]
    chosen = mapping or guess_mapping(sheet.header)
    named = {column.lower(): target for column, target in chosen.columns.items()}
    columns = [
        {
            "header": column_name(sheet.header, index),
            "field": named.get(header.lower(), ""),
            "samples": [
                cell_text(row[index])
                for row in sample[:INSPECT_SAMPLES]
                if index < len(row) and row[index] not in (None, "")
            ],
        }
        for index, header in enumerate(sheet.header)
    ]
    dates = [
        row[index]
        for row in sample
        for index, header in enumerate(sheet.header)
        if named.get(header.lower()) in ("purchase_date", "return_deadline", "warranty_end")
        and index < len(row)
    ]
    amounts = [
        row[index]
        for row in sample
        for index, header in enumerate(sheet.header)
        if named.get(header.lower()) == "price" and index < len(row)
    ]
    return {
        "preset": chosen.name,
        "columns": columns,
        "date_format": chosen.date_format
        if chosen.date_format != "auto"
        else (detect_date_format(dates) or "YYYY-MM-DD"),
        "decimal_separator": chosen.decimal_separator
        if chosen.decimal_separator != "auto"
        else detect_decimal_separator(amounts),
        "currency": chosen.currency or preferred_currency_code(),
        "encoding": sheet.encoding,
        "delimiter": sheet.delimiter,
        "notes": sheet.notes,
    }


def _utf8_lines(file) -> Iterator[str]:
    """Decode a binary file line by line (a leading BOM dropped), naming the line of a bad byte."""
    for number, line in enumerate(file, 1):
        if number == 1:
            line = line.removeprefix(codecs.BOM_UTF8)
        try:
            yield line.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ImportRejected(
                gettext("The file is not UTF-8 text (line %(line)s, byte %(byte)s of the line).")
                % {"line": number, "byte": error.start + 1}
            ) from None


def import_records(
    kind: str, rows: Iterable[tuple[str, dict]], *, mode: str = "skip", dry_run: bool = False
) -> ImportReport:
    """Import rows of one kind ("purchases", "retailers" or "brands") read elsewhere.

    ROWS yields (label, record) with records keyed like the CSV columns or JSON fields; this is
    how the admin's import buttons (django-import-export) reach the same importer. The report's
    `outcomes` tell, per label, whether that row was new, updated or skipped.
    """
    report = ImportReport("csv" if kind == "purchases" else "json", mode=_mode(mode))
    report.dry_run = dry_run
    report.outcomes = {}
    rows = list(rows)

    def load(importer: RecordImport) -> None:
        if kind == "purchases":
            report.counts["rows_total"] = len(rows)
            importer.purchases(rows, total=len(rows))
        else:
            importer.catalog(Retailer if kind == "retailers" else Brand, rows)

    run_import(report, load, _StoreBlobs(), None, lossless=False)
    if kind == "purchases":
        report.counts["rows_skipped"] = (
            len(rows) - report.counts["purchases_added"] - report.counts["purchases_updated"]
        )
    return report


def is_lossless(document: Document) -> bool:
    """Version 2 files were written by this application: their text is kept exactly."""
    return document.version >= 2


def sections_loader(document: Document) -> Callable:
    """Return the LOAD of `run_import` that imports DOCUMENT's sections in their order."""

    def load(importer: RecordImport) -> None:
        counts = document.counts
        importer.catalog(Retailer, list(document.records("retailers")))
        importer.catalog(Brand, list(document.records("brands")))
        importer.purchases(document.records("purchases"), total=counts["purchases"])
        importer.warranties(document.records("warranties"), total=counts["warranties"])
        # Version 4 files carry them; older ones have none.
        importer.claims(document.records("claims"), total=counts["claims"])
        importer.files(list(document.records("files")))
        if is_lossless(document):
            importer.settings(document.settings)
            # Version 3 files carry them; older ones have none, and their purchases are converted.
            importer.exchange_rates(document.records("exchange_rates"))

    return load


def _mode(mode: str) -> str:
    if mode not in MODES:
        raise ImportRejected(
            gettext("Unknown mode %(mode)s: use skip or update.") % {"mode": repr(mode)}
        )
    return mode


@dataclass
class _ImportAudit:
    """How an import is written to the audit trail: who, which kind, which file."""

    actor: object
    action: str
    source: str

    def record(self, report: ImportReport) -> None:
        audit_record(
            actor=self.actor,
            action=self.action,
            target=self.source or "an uploaded file",
            mode=report.mode,
            counts={key: n for key, n in report.counts.items() if n},
            settings_applied=list(report.settings_applied),
            errors=report.errors_total,
        )


def run_import(
    report: ImportReport,
    load: Callable,
    blobs,
    progress,
    *,
    lossless: bool,
    audit: _ImportAudit | None = None,
) -> None:
    """Run LOAD(importer) in one transaction, then reject, roll back (dry run) or store blobs.

    Blob files are put in place before the rows commit (a file already there is left alone);
    the ones this import wrote are removed again if the transaction does not commit, so neither
    a row without its file nor a stray file is left behind. AUDIT, when given, records an
    import that changed something, in the same transaction.
    """
    written: list[str] = []
    try:
        with transaction.atomic():
            importer = RecordImport(report, lossless=lossless, blobs=blobs, progress=progress)
            load(importer)
            if report.errors_total and not report.changed:
                shown = report.errors[:3]
                more = report.errors_total - len(shown)
                problems = {"problems": "; ".join(shown), "more": f"{more:,}"}
                raise ImportRejected(
                    ngettext(
                        "Nothing was imported: %(problems)s (and %(more)s more problem).",
                        "Nothing was imported: %(problems)s (and %(more)s more problems).",
                        more,
                    )
                    % problems
                    if more
                    else gettext("Nothing was imported: %(problems)s.") % problems
                )
            if report.dry_run:
                transaction.set_rollback(True)
            else:
                if audit is not None and report.changed:
                    audit.record(report)
                # In bulk, once the rows and the settings are in: the same code as a re-convert.
                conversions_complete(base_code=preferred_currency_code())
                # The rows went in around the write services: give the data its new version, then
                # bring the dashboard's rollups up to it now, in this transaction, rather than make
                # the next visitor wait.
                data_changed()
                rollups_brought_in_step()
                blobs.store(importer.blobs_to_store, written, importer.progress)
    except BaseException:
        delete_files(written)
        raise


# -- Where blob contents come from -----------------------------------------------------------------


class _StoreBlobs:
    """A JSON or CSV import brings no file contents: only what the store has already counts."""

    def has(self, sha256: str) -> bool:
        return False

    def store(self, names: dict[str, str], written: list[str], progress: Progress) -> None:
        pass


# -- CSV -----------------------------------------------------------------------------------------


def _csv_records(reader, report: ImportReport) -> Iterator[tuple[str, dict]]:
    """Check the header row, then yield (label, record) for each row, keyed by column name."""
    header = next(reader, None)
    if header is None or not any(cell.strip() for cell in header):
        raise ImportRejected(
            gettext("The file is empty: a CSV import needs a header row naming the columns.")
        )
    columns = [cell.strip().lower() for cell in header]
    missing = [column for column in CSV_REQUIRED_COLUMNS if column not in columns]
    if missing:
        raise ImportRejected(
            ngettext(
                "The CSV file has no %(columns)s column: it is not this application's own CSV. "
                "Import it as a spreadsheet to match its columns to the fields (the Data page's "
                "import, or interchange_import --from).",
                "The CSV file has no %(columns)s columns: it is not this application's own CSV. "
                "Import it as a spreadsheet to match its columns to the fields (the Data page's "
                "import, or interchange_import --from).",
                len(missing),
            )
            % {"columns": ", ".join(missing)}
        )
    unknown = [column for column in columns if column and column not in CSV_COLUMNS]
    if unknown:
        report.warn(gettext("Columns ignored: %(columns)s") % {"columns": ", ".join(unknown)})

    def rows():
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            report.counts["rows_total"] += 1
            label = gettext("line %(number)s") % {"number": reader.line_num}
            if len(cells) > len(columns):
                report.error(skipped_because(label, gettext("has more cells than the header row")))
                continue
            named = zip(columns, cells, strict=False)
            # csv_text(cell), called only for the cells it can change (those with a leading ').
            yield (
                label,
                {
                    column: csv_text(cell) if cell[:1] == "'" else cell or None
                    for column, cell in named
                    if column
                },
            )

    return rows()
