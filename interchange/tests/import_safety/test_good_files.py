"""The baseline: a good archive imports its records and files, and only into the blob store,
so that "nothing changes" in the other tests is a comparison with something that would.
"""

import io

import pytest
from django.core.files.storage import default_storage

from interchange.imports import import_zip
from interchange.tests.archives import upload_path
from interchange.tests.import_safety.helpers import (
    MANUAL,
    PHOTO,
    archive_entries,
    build_zip,
    escape_targets,
    files_under,
    good_archive,
    nothing_changes,
    store_name,
)
from purchases.models import Purchase

pytestmark = pytest.mark.django_db


def test_a_good_archive_imports_its_records_and_files(household, tmp_path):
    before = Purchase.objects.count()

    report = import_zip(io.BytesIO(good_archive(MANUAL, PHOTO))).as_dict()

    assert report["errors"] == [] and report["warnings"] == []
    assert report["purchases_added"] == 1 and report["files_added"] == 2
    assert report["files_extracted"] == 2
    assert Purchase.objects.count() == before + 1
    for content in (MANUAL, PHOTO):
        assert default_storage.open(store_name(content)).read() == content


def test_a_good_import_writes_nothing_outside_the_blob_store(household, tmp_path):
    """Only the archive's blobs appear; ignored entries are not unpacked anywhere."""
    entries = [
        *archive_entries(contents=(MANUAL,)),
        ("notes.txt", b"not part of the format"),
        ("uploads/readme.txt", b"not a blob"),
        ("uploads/ab/cd/evil.sh", b"#!/bin/sh\nrm -rf /\n"),
        (f"{upload_path(PHOTO)}/nested", PHOTO),
    ]
    before = files_under(tmp_path)

    report = import_zip(io.BytesIO(build_zip(entries)))

    assert report.counts["files_extracted"] == 1
    new_files = {name for name, data in files_under(tmp_path).items() if data is not None} - set(
        before
    )
    assert new_files == {f"uploads/{store_name(MANUAL)}"}
    assert any("notes.txt" in warning for warning in report.warnings)
    assert not any(path.exists() for path in escape_targets(tmp_path))


@pytest.mark.parametrize("change", ["row", "file", "escape"])
def test_the_unchanged_check_notices_a_row_a_stored_file_and_an_escaped_file(
    household, tmp_path, change
):
    """The comparison every refusal below relies on does see each kind of change."""
    with pytest.raises(AssertionError), nothing_changes(tmp_path):
        if change == "row":
            Purchase.objects.filter(pk=household.pk).update(notes="changed")
        elif change == "file":
            default_storage.save("ab/cd/stray.bin", io.BytesIO(b"stray"))
        else:
            (tmp_path / "evil").write_bytes(b"escaped")
