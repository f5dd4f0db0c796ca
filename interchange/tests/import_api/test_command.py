"""`manage.py backups_import`: the same importer on a file on disk, a dry run, mode update,
--format for other names, one-line CommandErrors that name the file, skipped records listed
(docs/api.md §6.4)."""

import io
import json
import uuid
import zipfile
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from interchange.tests.archives import upload_path
from interchange.tests.import_api.helpers import (
    GOOD_FILES,
    KINDS,
    MANUAL,
    NEW_PURCHASE,
    new_document,
    nothing_changes,
    renamed_export,
)
from purchases.models import Purchase

pytestmark = pytest.mark.django_db


def write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / "incoming-files" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(content)
    return path


def run_import(*args, **options) -> tuple[str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("backups_import", *args, stdout=stdout, stderr=stderr, **options)
    return stdout.getvalue(), stderr.getvalue()


@pytest.mark.parametrize("kind", KINDS)
def test_the_command_imports_a_file(household, tmp_path, kind):
    name, content = GOOD_FILES[kind]
    path = write(tmp_path, name.upper(), content)

    stdout, _ = run_import(str(path))

    assert f"Imported {path.name}" in stdout
    assert "purchases added" in stdout
    assert Purchase.objects.get(pk=NEW_PURCHASE).product_name == "Lawn mower"
    if kind == "zip":
        assert default_storage.open(upload_path(MANUAL)[8:]).read() == MANUAL


@pytest.mark.parametrize("kind", KINDS)
def test_the_command_dry_run_writes_nothing(household, tmp_path, kind):
    name, content = GOOD_FILES[kind]
    path = write(tmp_path, name, content)

    with nothing_changes(tmp_path):
        stdout, _ = run_import(str(path), "--dry-run")

    assert f"Would import {name}" in stdout
    assert "purchases added" in stdout


def test_the_command_updates_in_update_mode(api_client, household, tmp_path):
    path = write(tmp_path, "export.json", renamed_export(api_client, household))

    stdout, _ = run_import(str(path), "--mode", "update")

    assert "purchases updated: 2" in stdout
    household.refresh_from_db()
    assert household.product_name == "Kettle, renamed in the file"


def hostile_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.json", json.dumps(new_document()))
        archive.writestr("/etc/x", b"pwned")
    return buffer.getvalue()


def mismatched_blob_zip(name: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.json", json.dumps(new_document()))
        archive.writestr(name, b"not the content the name promises")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("export.json", b'{"purchases": [\n  {"id": 1,\n'),
        ("export.json", b'{"format_version": 5, "purchases": []}'),
        ("purchases.csv", b"name,cost\r\nRake,3\r\n"),
        ("purchases.csv", b"product_name,price,purchase_date\r\nRake,0,2024-05-01\r\n"),
        ("backup.zip", b"PK\x03\x04 not really"),
        ("backup.zip", hostile_zip()),
        ("notes.json", json.dumps(new_document(id="bad\nid", price="0")).encode()),
        ("backup.zip", mismatched_blob_zip(upload_path(MANUAL, ".pdf\nerror: forged line"))),
    ],
    ids=[
        "truncated-json",
        "version-5",
        "csv-without-columns",
        "csv-only-bad-rows",
        "not-a-zip",
        "absolute-entry",
        "newline-in-record-id",
        "newline-in-entry-name",
    ],
)
def test_the_command_fails_with_one_line_naming_the_file(household, tmp_path, name, content):
    path = write(tmp_path, name, content)

    with nothing_changes(tmp_path), pytest.raises(CommandError) as failure:
        run_import(str(path))

    message = str(failure.value)
    assert "\n" not in message and "\r" not in message, message
    assert message.startswith(f"{name}: ")
    assert len(message) > len(name) + 2


@pytest.mark.parametrize("name", ["export.txt", "export", "backup.tar.gz", "data.JSON.bak"])
def test_the_command_asks_for_format_when_the_extension_is_unknown(household, tmp_path, name):
    path = write(tmp_path, name, GOOD_FILES["json"][1])

    with nothing_changes(tmp_path), pytest.raises(CommandError) as failure:
        run_import(str(path))

    message = str(failure.value)
    assert "--format" in message and name in message
    assert "\n" not in message


def test_the_command_reads_any_file_name_with_format(household, tmp_path):
    path = write(tmp_path, "export.txt", GOOD_FILES["json"][1])

    stdout, _ = run_import(str(path), "--format", "json")

    assert "Imported export.txt" in stdout
    assert Purchase.objects.filter(pk=NEW_PURCHASE).exists()


def test_the_command_fails_with_one_line_for_a_missing_file(household, tmp_path):
    path = tmp_path / f"{uuid.uuid4()}.json"

    with pytest.raises(CommandError) as failure:
        run_import(str(path))

    message = str(failure.value)
    assert path.name in message and "\n" not in message


def test_the_command_lists_the_skipped_records_and_imports_the_rest(household, tmp_path):
    document = new_document()
    document["purchases"].append({"id": "y", "product_name": "Spade", "price": "0"})
    path = write(tmp_path, "export.json", json.dumps(document).encode())

    stdout, stderr = run_import(str(path))

    assert "Imported export.json" in stdout
    assert "error: purchase 2 (id y): price" in stderr
    assert Purchase.objects.filter(pk=NEW_PURCHASE).exists()
