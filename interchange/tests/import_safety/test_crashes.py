"""A crash midway through an import changes nothing (docs/api.md §9.16): the rows written are
rolled back and the files already stored are removed again, for archives, JSON and CSV.
"""

import io
from unittest import mock

import pytest
from django.core.files.storage import default_storage

from interchange import archive as archive_module
from interchange.importer import base as importer_base
from interchange.imports import import_csv, import_json, import_zip
from interchange.tests.import_safety.helpers import (
    CSV_HEADER,
    MANUAL,
    PHOTO,
    SEEDED_RECEIPT,
    archive_entries,
    as_json,
    build_zip,
    csv_bytes,
    csv_row,
    new_records,
    nothing_changes,
    store_name,
    with_manifest,
)
from purchases.models import Attachment, Purchase
from warranties.models import Warranty

pytestmark = pytest.mark.django_db


def crash_archive() -> bytes:
    """Two new blobs, and a new attachment sharing the blob the household already stores."""
    document = new_records(MANUAL, PHOTO, SEEDED_RECEIPT)
    entries = archive_entries(document, contents=(MANUAL, PHOTO, SEEDED_RECEIPT))
    return build_zip(with_manifest(entries))


class SimulatedCrash(Exception):
    pass


def test_a_crash_while_writing_the_rows_changes_nothing(household, tmp_path):
    with (
        nothing_changes(tmp_path, folders=False),
        mock.patch.object(Attachment.objects, "bulk_create", side_effect=SimulatedCrash),
        pytest.raises(SimulatedCrash),
    ):
        import_zip(io.BytesIO(crash_archive()))


def test_a_crash_while_storing_the_files_removes_those_already_stored(household, tmp_path):
    real_store_file = archive_module.store_file
    calls = []

    def store_then_crash(name, content):
        calls.append(name)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_store_file(name, content)

    with (
        nothing_changes(tmp_path, folders=False),
        mock.patch.object(archive_module, "store_file", store_then_crash),
        pytest.raises(OSError, match="No space left"),
    ):
        import_zip(io.BytesIO(crash_archive()))

    assert len(calls) == 2  # the first file was written, then removed again
    assert default_storage.open(store_name(SEEDED_RECEIPT)).read() == SEEDED_RECEIPT


def test_a_crash_after_the_files_are_stored_removes_them_and_keeps_the_rows_out(
    household, tmp_path
):
    real_store = archive_module.Archive.store

    def store_then_crash(self, names, written, progress):
        real_store(self, names, written, progress)
        assert sorted(written) == sorted([store_name(MANUAL), store_name(PHOTO)])
        raise SimulatedCrash

    with (
        nothing_changes(tmp_path, folders=False),
        mock.patch.object(archive_module.Archive, "store", store_then_crash),
        pytest.raises(SimulatedCrash),
    ):
        import_zip(io.BytesIO(crash_archive()))

    assert default_storage.open(store_name(SEEDED_RECEIPT)).read() == SEEDED_RECEIPT


def test_a_crash_midway_through_a_json_import_changes_nothing(household, tmp_path):
    real_insert_rows = importer_base.insert_rows

    def warranties_crash(model, objs, statistics=None):
        if model is Warranty:
            raise SimulatedCrash
        real_insert_rows(model, objs, statistics)

    with (
        nothing_changes(tmp_path),
        mock.patch.object(importer_base, "insert_rows", warranties_crash),
        pytest.raises(SimulatedCrash),
    ):
        import_json(io.BytesIO(as_json(new_records(SEEDED_RECEIPT))))


def test_a_crash_in_a_later_batch_of_a_csv_import_changes_nothing(household, tmp_path):
    real_insert_rows = importer_base.insert_rows
    batches = []

    def second_batch_crashes(model, objs, statistics=None):
        if model is Purchase:
            batches.append(len(objs))
            if len(batches) == 2:
                raise SimulatedCrash
        real_insert_rows(model, objs, statistics)

    raw = csv_bytes([CSV_HEADER] + [csv_row(index) for index in range(1500)])
    with (
        nothing_changes(tmp_path),
        mock.patch.object(importer_base, "insert_rows", second_batch_crashes),
        pytest.raises(SimulatedCrash),
    ):
        import_csv(io.BytesIO(raw))

    assert batches == [1000, 500]
