"""The import and export routes (docs/api.md §5.9, §5.10, §6).

Operation ids are given explicitly: they are those these routes had when they lived in the
backups app, so the OpenAPI document (and any client generated from it) did not change when the
code moved.
"""

import contextlib
import json
import tempfile
import uuid
from typing import Literal

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from ninja import File, Form, Query, Router, Status
from ninja.decorators import decorate_view
from ninja.errors import HttpError
from ninja.files import UploadedFile
from pydantic import Field

from interchange import imports, saved_mappings
from interchange.archive import export_zip
from interchange.documents import ImportRejected
from interchange.exports import export_csv_chunks, export_json_chunks
from interchange.mapping import Mapping, mapping_from_dict, preset
from interchange.schemas import (
    CsvImportOut,
    JsonImportOut,
    MappingChoiceOut,
    MappingIn,
    SheetOut,
    ZipImportOut,
)
from kernel.limits import (
    NoFreeSlot,
    export_slot_take,
    held_while_streaming,
    no_free_slot_response,
)
from kernel.schemas import COMMON_ERRORS, NOT_FOUND, ErrorOut, Schema
from purchases.blobs import streamed_uploads

router = Router(tags=["Data management"])


def _attachment_name(stem: str, extension: str) -> str:
    return f'attachment; filename="{stem}_{timezone.localdate():%Y-%m-%d}.{extension}"'


def _export_doc(media_type: str) -> dict:
    return {"responses": {"200": {"description": "The export", "content": {media_type: {}}}}}


EXPORT_ERRORS = {**COMMON_ERRORS, 429: ErrorOut}


def _streamed_export(chunks, content_type: str, filename: str):
    try:
        slot = export_slot_take()
    except NoFreeSlot as error:
        return no_free_slot_response(error)
    response = StreamingHttpResponse(held_while_streaming(chunks, slot), content_type=content_type)
    response["Content-Disposition"] = filename
    return response


@router.get(
    "/export/json",
    operation_id="backups_api_export_json",
    response={200: None, **EXPORT_ERRORS},
    openapi_extra=_export_doc("application/json"),
)
def export_json(request):
    """Everything as JSON (format version 2: records, settings), streamed."""
    return _streamed_export(
        export_json_chunks(), "application/json", _attachment_name("spends_export", "json")
    )


@router.get(
    "/export/csv",
    operation_id="backups_api_export_csv",
    response={200: None, **EXPORT_ERRORS},
    openapi_extra=_export_doc("text/csv"),
)
def export_csv(request):
    """The purchases as CSV: the 13 legacy columns, then the newer ones; streamed."""
    return _streamed_export(
        export_csv_chunks(), "text/csv; charset=utf-8", _attachment_name("spends_purchases", "csv")
    )


@router.get(
    "/export/zip",
    operation_id="backups_api_export_zip_archive",
    response={200: None, **EXPORT_ERRORS},
    openapi_extra=_export_doc("application/zip"),
)
def export_zip_archive(request):
    """Everything with the attachment files: data.json, uploads/…, manifest.json."""
    try:
        slot = export_slot_take()
    except NoFreeSlot as error:
        return no_free_slot_response(error)
    # Deleted when the response, which owns it, is closed.
    archive = tempfile.TemporaryFile()  # noqa: SIM115
    with contextlib.closing(slot):  # sending the finished file is cheap: free the slot first
        export_zip(archive)
    archive.seek(0)
    response = FileResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = _attachment_name("spends_backup", "zip")
    return response


class ImportOptions(Schema):
    mode: Literal["skip", "update"] = Field(
        "skip", description="Records whose id exists: `skip` them, or `update` them from the file."
    )
    dry_run: bool = Field(
        False, description="Check everything and report what would happen; write nothing."
    )


IMPORT_ERRORS = {**COMMON_ERRORS, 413: ErrorOut}


def _import(
    request, importer, upload: UploadedFile, extension: str, options: ImportOptions
) -> dict:
    """Run IMPORTER on the uploaded file; a fatal problem is a 400 with its reason."""
    if not (upload.name or "").lower().endswith(extension):
        raise HttpError(400, gettext("Expected a %(extension)s file") % {"extension": extension})
    try:
        report = importer(
            upload.file,
            mode=options.mode,
            dry_run=options.dry_run,
            actor=request.user,
            source=upload.name,
        )
    except ImportRejected as error:
        raise HttpError(400, str(error)) from None
    return report.as_dict()


@router.post(
    "/import/json",
    response={200: JsonImportOut, **IMPORT_ERRORS},
    operation_id="backups_api_import_json",
)
@decorate_view(streamed_uploads("SPENDS_IMPORT_MAX_BYTES"))
def import_json(request, file: File[UploadedFile], options: Query[ImportOptions]):
    """Merge a JSON export (legacy version 1 or version 2) into the data (multipart `file`).

    Records whose id exists are skipped (or updated); nothing is deleted. 400 with the reason,
    and nothing changed, when the file cannot be imported.
    """
    return _import(request, imports.import_json, file, ".json", options)


@router.post(
    "/import/csv",
    response={200: CsvImportOut, **IMPORT_ERRORS},
    operation_id="backups_api_import_csv",
)
@decorate_view(streamed_uploads("SPENDS_IMPORT_MAX_BYTES"))
def import_csv(request, file: File[UploadedFile], options: Query[ImportOptions]):
    """Add purchases from a CSV file with a header row (product_name, price, purchase_date
    required; the other columns of the export optional)."""
    return _import(request, imports.import_csv, file, ".csv", options)


@router.post(
    "/import/zip",
    response={200: ZipImportOut, **IMPORT_ERRORS},
    operation_id="backups_api_import_zip",
)
@decorate_view(streamed_uploads("SPENDS_IMPORT_MAX_BYTES"))
def import_zip(request, file: File[UploadedFile], options: Query[ImportOptions]):
    """Merge a ZIP archive (data.json, uploads/…, manifest.json when new) with its files.

    The archive is checked completely first: entry names, sizes, every file's checksum.
    """
    return _import(request, imports.import_zip, file, ".zip", options)


# -- Spreadsheets from anywhere, through a column mapping (docs/importing.md) ----------------------


class SpreadsheetOptions(ImportOptions):
    preset: str | None = Field(
        None,
        description="A shipped preset (homebox, warracker, snipe-it) when no `mapping` is sent.",
    )


def _mapping_of(mapping_json: str | None, preset_name: str | None) -> Mapping | None:
    """The mapping sent as JSON text, else the named preset, else None (the guess)."""
    if mapping_json:
        try:
            data = json.loads(mapping_json)
        except ValueError:
            raise ImportRejected(gettext("The mapping is not JSON.")) from None
        return mapping_from_dict(data)
    if preset_name:
        return preset(preset_name)
    return None


def _spreadsheet_upload(upload: UploadedFile) -> str:
    name = upload.name or ""
    if not name.lower().endswith((".csv", ".xlsx")):
        raise HttpError(400, gettext("Expected a .csv or .xlsx file"))
    return name


@router.post(
    "/import/spreadsheet/columns",
    response={200: SheetOut, **IMPORT_ERRORS},
)
@decorate_view(streamed_uploads("SPENDS_IMPORT_MAX_BYTES"))
def spreadsheet_columns(
    request,
    file: File[UploadedFile],
    options: Query[SpreadsheetOptions],
    mapping: Form[str] = "",
):
    """Each column of a spreadsheet with a few values and the field it would fill (the
    `mapping` sent, else the preset, else the guess), and the formats found. Writes nothing."""
    name = _spreadsheet_upload(file)
    try:
        return imports.inspect_spreadsheet(
            file.file, filename=name, mapping=_mapping_of(mapping, options.preset)
        )
    except ImportRejected as error:
        raise HttpError(400, str(error)) from None


@router.post(
    "/import/spreadsheet",
    response={200: CsvImportOut, **IMPORT_ERRORS},
)
@decorate_view(streamed_uploads("SPENDS_IMPORT_MAX_BYTES"))
def import_spreadsheet(
    request,
    file: File[UploadedFile],
    options: Query[SpreadsheetOptions],
    mapping: Form[str] = "",
):
    """Add purchases from any .csv or .xlsx through a column mapping (the `mapping` form field,
    JSON; else `preset`; else the guess). Unmapped columns are kept in the notes; a second
    import of the same file adds nothing. 400 with the reason, and nothing changed, when the
    file or the mapping cannot be used."""
    name = _spreadsheet_upload(file)
    try:
        report = imports.import_spreadsheet(
            file.file,
            filename=name,
            mapping=_mapping_of(mapping, options.preset),
            mode=options.mode,
            dry_run=options.dry_run,
            actor=request.user,
            source=name,
        )
    except ImportRejected as error:
        raise HttpError(400, str(error)) from None
    return report.as_dict()


@router.get("/import/mappings", response={200: list[MappingChoiceOut], **COMMON_ERRORS})
def list_mappings(request):
    """The shipped presets for other trackers' exports, then the mappings saved here."""
    return saved_mappings.mapping_choices()


@router.post("/import/mappings", response={201: MappingChoiceOut, **COMMON_ERRORS})
def save_mapping(request, payload: MappingIn):
    """Save a mapping under a name (a mapping of that name is replaced)."""
    try:
        mapping = mapping_from_dict(payload.mapping)
    except ImportRejected as error:
        raise HttpError(400, str(error)) from None
    saved = saved_mappings.mapping_save(name=payload.name, mapping=mapping, actor=request.user)
    return Status(
        201, {"id": str(saved.pk), "name": saved.name, "kind": "saved", "mapping": saved.mapping}
    )


@router.delete("/import/mappings/{mapping_id}", response={204: None, **NOT_FOUND, **COMMON_ERRORS})
def delete_mapping(request, mapping_id: uuid.UUID):
    """Delete a saved mapping (the shipped presets stay)."""
    if not saved_mappings.mapping_delete(mapping_id=mapping_id):
        raise HttpError(404, gettext("No saved mapping has this id"))
    return Status(204, None)
